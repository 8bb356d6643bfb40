"""Simulator of the intervue API (to be completed)."""

from werkzeug.routing import Map

from .core import VendorSim


class IntervueSim(VendorSim):
    name = "intervue"
    url_map = Map([])

    def reset(self) -> None:
        pass
