"""The vendor registry: one package per vendor behind one interface (base.VendorClient).

Adding a vendor means one package here (client.py, statuses.py, webhooks.py where it sends
webhooks), one line in ``REGISTRY``, and its simulator under ``integrations/sandbox/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Protocol

from django.utils.module_loading import import_string

from .base import VendorClient
from .types import VendorConfig, WebhookEvent


class WebhookParser(Protocol):
    """What a vendor's ``webhooks.py`` offers: verify and normalize from the account's secret alone."""

    def parse(self, headers: Mapping[str, str], body: bytes, secret: str) -> list[WebhookEvent]: ...


@dataclass(frozen=True)
class VendorSpec:
    client: str  # the VendorClient subclass, as "<package>.<Class>" under integrations.vendors
    webhooks: str | None  # the package's module that parses webhooks; None: the vendor sends none
    # A limit the vendor's document gives ("50/minute"); None: none is documented, so we send
    # as fast as the vendor takes and slow down on its 429 and Retry-After.
    rate_limit: str | None


REGISTRY: dict[str, VendorSpec] = {
    "wedgehr": VendorSpec("wedgehr.WedgeHRClient", webhooks=None, rate_limit=None),
    "hireflix": VendorSpec("hireflix.HireflixClient", webhooks="hireflix.webhooks", rate_limit=None),
    "intervue": VendorSpec("intervue.IntervueClient", webhooks="intervue.webhooks", rate_limit="50/minute"),
}


def spec(vendor: str) -> VendorSpec:
    try:
        return REGISTRY[vendor]
    except KeyError:
        raise ValueError(f"unknown vendor {vendor!r}; known: {', '.join(REGISTRY)}") from None


def client_class(vendor: str) -> type[VendorClient]:
    return import_string(f"{__name__}.{spec(vendor).client}")


def webhooks_module(vendor: str) -> WebhookParser | None:
    """The vendor's webhook parser; None for an unknown vendor or one that sends no webhooks."""
    path = REGISTRY[vendor].webhooks if vendor in REGISTRY else None
    if path is None:
        return None
    return import_module(f"{__name__}.{path}")


def get_client(vendor: str, config: VendorConfig, throttle: Callable[[], None] | None = None) -> VendorClient:
    return client_class(vendor)(config, throttle=throttle)
