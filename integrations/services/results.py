"""Results on demand: share links, answer videos and transcripts, fetched from the vendor when a person asks.

Pre-signed URLs expire, so nothing here is stored; every call asks the vendor afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import Invitation
from ..vendors.errors import Permanent, VendorError
from ..vendors.types import MediaItem, ResultLink


@dataclass(frozen=True)
class Results:
    links: list[ResultLink] = field(default_factory=list)
    media: list[MediaItem] = field(default_factory=list)
    error: str = ""  # the vendor's words when it could not answer
    advice: str = ""  # what the person looking can do about it


def fetch_results(invitation: Invitation) -> Results:
    """The invitation's links and answers as the vendor has them now; a vendor error is reported, not raised."""
    client = invitation.assessment.account.client()
    ref = invitation.ref()
    try:
        return Results(links=client.result_links(ref), media=client.media(ref))
    except VendorError as exc:
        return Results(error=str(exc), advice=_advice(exc))


def _advice(exc: VendorError) -> str:
    if exc.key_refused:
        return "The vendor refused the account's key: ask your integration admin to check the account."
    if isinstance(exc, Permanent):
        return "Asking again will not change this; if the candidate has results, open them in the vendor's own app."
    return "This is usually brief: try again in a minute."
