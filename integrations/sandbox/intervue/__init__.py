"""Simulator of the intervue.io API (external interviews, mock interviews, home assignments, webhooks)."""

from .sim import IntervueSim

__all__ = ["IntervueSim"]
