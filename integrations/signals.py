"""Signals the integrations app sends; other parts of the product (the ATS push) listen."""

from django.dispatch import Signal

# Sent after the transaction that moved an invitation commits.
# Arguments: invitation_id (int), previous (str, the state before), state (str, the state now).
invitation_moved = Signal()
