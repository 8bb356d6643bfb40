"""Simulator of the Hireflix GraphQL API (to be completed)."""

from werkzeug.routing import Map

from ..core import VendorSim


class HireflixSim(VendorSim):
    name = "hireflix"
    url_map = Map([])

    def reset(self) -> None:
        pass
