"""One endpoint for every vendor's webhooks: store, verify, deduplicate, enqueue, answer fast.

The URL carries a random per-account token, so an unknown token never reaches a
vendor module; the vendor's ``webhooks.py`` (from the registry) then verifies and
normalizes the delivery from the account's secret alone, with no HTTP client.
Every delivery is stored with its verdict first, so nothing a vendor sends is
lost, and a bad one is answered with a 4xx: whatever the bytes, never a 5xx.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .models import VendorAccount, WebhookEvent
from .vendors import webhooks_module
from .vendors.errors import InvalidSignature, Permanent
from .vendors.untrusted import hostile
from .webhook_intake import kept_body, printable, retry_after, safe_headers

logger = logging.getLogger(__name__)


@csrf_exempt  # vendors cannot send a CSRF token; the per-account token and signatures stand in for it
@login_not_required
@require_POST
def receive(request: HttpRequest, vendor: str, token: str) -> JsonResponse:
    wait = retry_after(request)
    if wait is not None:  # before any row is written: a flood costs no storage
        response = JsonResponse({"error": "too many webhook deliveries from this address"}, status=429)
        response["Retry-After"] = str(wait)
        return response
    if _declared_length(request) > settings.WEBHOOK_MAX_BODY_BYTES:  # refused before reading it
        return JsonResponse({"error": "body too large"}, status=413)
    body = request.body
    if len(body) > settings.WEBHOOK_MAX_BODY_BYTES:
        return JsonResponse({"error": "body too large"}, status=413)
    headers = safe_headers(request.headers)
    vendor = printable(vendor.encode())[:20]

    def reject(
        verdict: str, error: str, status: int, account: VendorAccount | None = None, authenticated: bool = False
    ) -> JsonResponse:
        error = printable(error.encode())
        WebhookEvent.objects.create(
            account=account,
            vendor=vendor,
            verdict=verdict,
            error=error,
            headers=headers,
            **kept_body(body, authenticated=authenticated),
        )
        logger.warning("webhook %s rejected (%s): %s", vendor, verdict, error)
        return JsonResponse({"error": error}, status=status)

    parser = webhooks_module(vendor)
    account = _account(vendor, token) if parser else None
    problem = hostile(body, "webhook")  # on every URL, before a vendor module sees it; kept only in part
    if problem:
        return reject(WebhookEvent.Verdict.MALFORMED, problem, 400, account)
    if parser is None or account is None or not account.enabled:
        return reject(WebhookEvent.Verdict.UNKNOWN_ACCOUNT, "unknown or disabled account", 404)
    try:
        events = parser.parse(request.headers, body, account.webhook_secret)
    except InvalidSignature as exc:
        return reject(WebhookEvent.Verdict.BAD_SIGNATURE, str(exc), 401, account)
    except Permanent as exc:  # raised only once the delivery authenticated
        return reject(WebhookEvent.Verdict.MALFORMED, str(exc), 400, account, authenticated=True)
    except (RecursionError, ValueError, TypeError) as exc:  # a parser's blind spot must still not be a 500
        logger.exception("webhook %s: the parser failed on a delivery", vendor)
        return reject(WebhookEvent.Verdict.MALFORMED, f"unreadable body ({type(exc).__name__})", 400, account)

    kept = kept_body(body, authenticated=True)
    accepted, duplicates, stale = services.record_webhook_events(account, events, headers=headers, **kept)
    answer = {"accepted": accepted, "duplicates": duplicates} | ({"stale": stale} if stale else {})
    return JsonResponse(answer)  # a 2xx for a stale event too: retrying it would change nothing


def _account(vendor: str, token: str) -> VendorAccount | None:
    """The one query of a delivery before its insert, by the unique token.

    Raw SQL because it runs on every delivery: the ORM would compile the same statement each
    time, a third of the request's CPU. Only the fields intake reads: no credentials to decrypt.
    """
    # Django's health check (CONN_HEALTH_CHECKS) would spend a SELECT 1 on every delivery. The
    # lookup is a read and comes first, so a connection that died (PostgreSQL restarted) is
    # replaced here and the lookup run again: the vendor still gets its 2xx.
    connection.health_check_done = True  # type: ignore[attr-defined]  # not in the stubs
    try:
        return _find_account(vendor, token)
    except DatabaseError:
        if connection.in_atomic_block:
            raise
        logger.info("webhook intake: the database connection was lost; connecting again")
        connection.close()
        return _find_account(vendor, token)


def _find_account(vendor: str, token: str) -> VendorAccount | None:
    return next(iter(VendorAccount.objects.raw(_ACCOUNT_SQL, [vendor, token])), None)


_ACCOUNT_SQL = (
    f"SELECT id, vendor, enabled, webhook_secret FROM {VendorAccount._meta.db_table} "  # noqa: S608 (no input)
    "WHERE vendor = %s AND webhook_token = %s LIMIT 1"
)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
