"""The sandbox's sense of time: the real clock plus an offset that tests and demos can move.

Everything in the sandbox that reads the time (link expiry, rate-limit windows, vendor
timestamps, the scheduler) asks the hub's clock, so advancing it makes links expire,
windows reset and scheduled jobs run without anyone waiting on the real clock.
"""

from __future__ import annotations

import math
import threading
import time as _time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any


class SandboxClock:
    """Real time shifted by ``offset_seconds``; advancing only ever moves it forwards."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self._listeners: list[Callable[[], None]] = []

    @property
    def offset_seconds(self) -> float:
        return self._offset

    def now(self) -> datetime:
        """The sandbox's current time, in UTC."""
        return datetime.now(UTC) + timedelta(seconds=self._offset)

    def time(self) -> float:
        """The sandbox's current time, in seconds since the epoch."""
        return _time.time() + self._offset

    def monotonic(self) -> float:
        """A monotonic reading that includes the offset, for durations and deadlines."""
        return _time.monotonic() + self._offset

    def advance(self, seconds: object) -> None:
        """Move the clock ``seconds`` forwards (a positive, finite number; anything else is a ValueError)."""
        seconds = _positive(seconds)
        with self._lock:
            self._offset += seconds
        self._changed()

    def set_offset(self, seconds: float) -> None:
        """Put the clock ``seconds`` ahead of real time; never behind where it already is."""
        seconds = float(seconds)
        with self._lock:
            if not math.isfinite(seconds) or seconds < self._offset:
                raise ValueError(f"offset must be a finite number of at least {self._offset} seconds, not {seconds}")
            self._offset = seconds
        self._changed()

    def reset(self) -> None:
        """Back to the real clock. Only the hub's reset rewinds, as it also drops every scheduled job."""
        with self._lock:
            self._offset = 0.0
        self._changed()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever the offset changes (the scheduler re-checks what is due)."""
        self._listeners.append(listener)

    def describe(self) -> dict[str, Any]:
        return {"now": self.now().isoformat(), "offset_seconds": self._offset}

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()


def _positive(seconds: object) -> float:
    # bool is an int; JSON true is no number of seconds
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds < math.inf:
        raise ValueError(f"advance must be a positive number of seconds, not {seconds!r}")
    return float(seconds)
