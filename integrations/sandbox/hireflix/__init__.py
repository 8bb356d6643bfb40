"""Simulator of the Hireflix GraphQL API: schema.graphql, resolvers.py, models.py, sim.py."""

from .sim import HireflixSim

__all__ = ["HireflixSim"]
