"""WedgeHR Connect API v2 (vendor document 000): REST/JSON under ``/connect/v2``, ``Authorization: Bearer``.

An *interview* is what a pipeline stage sends. An *invite* puts one candidate into a *wedge*
(that candidate's take of the interview; a wedge may hold several invites). WedgeHR sends no
webhooks: status is polled from the invite listings, one listing per interview.

Idempotency: every invite carries our key as ``uniqueId``. WedgeHR answers a repeated uniqueId
with the invite it already has (a 201 like any other), so a retry never invites twice. That
answer is reported as ``duplicate`` when the invite was created clearly before our request
(allowing for clock skew); either way the ids are those of the existing invite. An invite that
comes back for another candidate or interview means the uniqueId is someone else's: a Permanent
error, never adopted. ``reconcile`` looks the key up with ``filter[uniqueId]``.

Listings have no "changed since" filter, so ``fetch_statuses`` ignores ``since``. A listing
whose filter matches nothing answers 404: that is an empty list. The API has no per-answer
media, and no cancel or delete; ``result_links`` gives the invite's ``resultUrl`` and
``inviteUrl``, read afresh at each call.

    client.py     WedgeHRClient: catalog, invites, reconciliation, status polling, links, resend
    statuses.py   WedgeHR's invite statuses mapped onto ours, one table
"""

from .client import WedgeHRClient

__all__ = ["WedgeHRClient"]
