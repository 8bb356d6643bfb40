"""Reads for the status page: how each Merge link is doing right now."""

from __future__ import annotations

from dataclasses import dataclass

from .. import vendor_metrics
from ..health import Window
from ..models import MergeLink
from .links import vendor_key


@dataclass(frozen=True)
class MergeLinkHealth:
    link: MergeLink
    requests: int
    errors: int
    rate_limit_waits: int


def merge_link_health(window: Window) -> list[MergeLinkHealth]:
    links = list(MergeLink.objects.order_by("name"))
    keys = {link.pk: ("merge", vendor_key(link)) for link in links}
    counts = vendor_metrics.last_hour(keys.values(), now=window.now.timestamp())
    return [
        MergeLinkHealth(
            link=link,
            requests=counts[keys[link.pk]][vendor_metrics.REQUESTS],
            errors=counts[keys[link.pk]][vendor_metrics.ERRORS],
            rate_limit_waits=counts[keys[link.pk]][vendor_metrics.RATE_LIMIT_WAITS],
        )
        for link in links
    ]
