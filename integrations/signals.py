"""Signals the integrations app sends; other parts of the product (the ATS push) listen."""

from typing import NamedTuple

from django.dispatch import Signal


class Moved(NamedTuple):
    invitation_id: int
    previous: str  # the state before
    state: str  # the state now


# Sent after the transaction that moved invitations commits, once per transaction's batch of moves
# (one webhook moves one, a send batch moves all of its invitations): a listener can look up what it
# needs once per batch instead of once per invitation.
# Argument: moves (list[Moved]).
invitations_moved = Signal()
