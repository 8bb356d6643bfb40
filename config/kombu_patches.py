"""A fix for kombu 5.7.0 that keeps Celery workers alive when Redis restarts.

The crash (``Unrecoverable error: AttributeError("'NoneType' object has no attribute
'hostname'")`` from ``restore_unacked_once``) goes like this. When the broker connection
fails, Celery's consumer calls ``connection.collect()`` and then ``connection.close()``.
``collect()`` closes the channels through the virtual ``Transport.close_connection``, which
stops at the first channel whose ``close()`` raises: with Redis gone, the remote-control
channel's delete of its auto-delete fanout queue raises a ``ConnectionError``. Every channel
after it stays open, the task channel with its unacknowledged deliveries among them, and
``collect()`` detaches the transport anyway (``transport.client = None``). ``close()`` then
closes the task channel, whose ``restore_unacked_once()`` builds a new Redis pool from
``transport.client.hostname``: an ``AttributeError``, which ``kombu.common.ignore_errors``
does not ignore, so it leaves ``Consumer.start`` and the worker exits.

The fix closes every channel even when one of them fails, then raises the first error, so
no channel outlives its transport. No kombu release has it (5.7.0 is the newest); drop this
module once one does (``tests/integrations/test_broker_restart.py`` says whether it is still needed).
"""

from __future__ import annotations

from typing import Any

from kombu.transport.virtual import base

_PATCHED = "_hiring_closes_every_channel"


def _close_connection(self: Any, connection: Any) -> None:
    self.cycle.close()
    first_error: BaseException | None = None
    for channels in (self._avail_channels, self.channels):
        while channels:
            channel = channels.pop()
            try:
                channel.close()
            except Exception as exc:  # the others must still be closed
                first_error = first_error or exc
    if first_error is not None:
        raise first_error


def apply() -> None:
    """Install the fix; safe to call more than once."""
    if getattr(base.Transport, _PATCHED, False):
        return
    base.Transport.close_connection = _close_connection  # type: ignore[method-assign]
    setattr(base.Transport, _PATCHED, True)
