"""Simulator of the wedgehr API (to be completed)."""

from werkzeug.routing import Map

from .core import VendorSim


class WedgeHRSim(VendorSim):
    name = "wedgehr"
    url_map = Map([])

    def reset(self) -> None:
        pass
