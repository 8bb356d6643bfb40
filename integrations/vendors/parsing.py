"""Small readers every vendor client shares: timestamps, error bodies, a bounded parallel map."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

import requests

T = TypeVar("T")
R = TypeVar("R")


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 string (naive means UTC); None for null, "NA" or anything unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def from_ms(value: Any) -> datetime | None:
    """A datetime from milliseconds since the epoch; None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def iso_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z, the way most vendor documents write instants."""
    if moment.tzinfo is None:
        raise ValueError("an instant needs a timezone-aware datetime")
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def json_body(response: requests.Response) -> Any:
    """The parsed JSON body of an answer, or None when it has none."""
    try:
        return response.json()
    except ValueError:
        return None


def json_or_text(response: requests.Response, limit: int = 2000) -> Any:
    """The JSON body, else the start of the text: what an error keeps as its payload."""
    body = json_body(response)
    return body if body is not None else response.text[:limit]


def message_in(body: Any, keys: Sequence[str] = ("message", "detail", "error")) -> str:
    """The first non-empty string under one of ``keys`` of a JSON object; empty when there is none."""
    if isinstance(body, Mapping):
        for key in keys:
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def map_bounded(
    fn: Callable[[T], R], items: Sequence[T], workers: int, stop_on: Callable[[Exception], bool]
) -> list[R | Exception | None]:
    """``fn`` over ``items`` on at most ``workers`` threads; answers (or exceptions) in input order.

    After an exception that ``stop_on`` accepts, no new call starts (calls in flight finish).
    Items never started answer None.
    """
    if not items:
        return []
    stop = threading.Event()

    def run(item: T) -> R | Exception | None:
        if stop.is_set():
            return None
        try:
            return fn(item)
        except Exception as exc:
            if stop_on(exc):
                stop.set()
            return exc

    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="vendor-call") as pool:
        return list(pool.map(run, items))
