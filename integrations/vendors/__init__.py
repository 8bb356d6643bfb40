"""One module per vendor behind one interface (base.VendorClient); look clients up here."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

from .base import VendorClient
from .types import VendorConfig

CLIENTS = {
    "wedgehr": "integrations.vendors.wedgehr.WedgeHRClient",
    "hireflix": "integrations.vendors.hireflix.HireflixClient",
    "intervue": "integrations.vendors.intervue.IntervueClient",
}


def client_class(vendor: str) -> type[VendorClient]:
    try:
        return import_string(CLIENTS[vendor])
    except KeyError:
        raise ValueError(f"unknown vendor {vendor!r}; known: {', '.join(CLIENTS)}") from None


def get_client(vendor: str, config: VendorConfig, throttle: Callable[[], None] | None = None) -> VendorClient:
    return client_class(vendor)(config, throttle=throttle)
