"""Simulator of the merge API (to be completed)."""

from werkzeug.routing import Map

from .core import VendorSim


class MergeSim(VendorSim):
    name = "merge"
    url_map = Map([])

    def reset(self) -> None:
        pass
