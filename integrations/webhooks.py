"""One endpoint for every vendor's webhooks: store, verify, deduplicate, enqueue, answer fast.

The URL carries a random per-account token, so an unknown token never reaches a
vendor module; the vendor's ``webhooks.py`` (from the registry) then verifies and
normalizes the delivery from the account's secret alone, with no HTTP client.
Every delivery is stored with its verdict first, so nothing a vendor sends is
lost, and a bad one is answered with a 4xx.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .models import VendorAccount, WebhookEvent
from .vendors import webhooks_module
from .vendors.errors import InvalidSignature, Permanent

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
# Never stored: credentials a proxy or a vendor might put in headers.
_SECRET_HEADERS = {"authorization", "cookie", "proxy-authorization", "x-api-key"}


def _safe_headers(request: HttpRequest) -> dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower() not in _SECRET_HEADERS}


@csrf_exempt  # vendors cannot send a CSRF token; the per-account token and signatures stand in for it
@login_not_required
@require_POST
def receive(request: HttpRequest, vendor: str, token: str) -> JsonResponse:
    headers = _safe_headers(request)
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "body too large"}, status=413)
    body = request.body
    text = body.decode("utf-8", errors="replace")

    def reject(verdict: str, error: str, status: int, account: VendorAccount | None = None) -> JsonResponse:
        WebhookEvent.objects.create(
            account=account, vendor=vendor[:20], verdict=verdict, error=error, headers=headers, body=text
        )
        logger.warning("webhook %s rejected (%s): %s", vendor, verdict, error)
        return JsonResponse({"error": error}, status=status)

    parser = webhooks_module(vendor)
    account = VendorAccount.objects.filter(vendor=vendor, webhook_token=token).first() if parser else None
    if parser is None or account is None or not account.enabled:
        return reject(WebhookEvent.Verdict.UNKNOWN_ACCOUNT, "unknown or disabled account", 404)
    try:
        events = parser.parse(request.headers, body, account.webhook_secret)
    except InvalidSignature as exc:
        return reject(WebhookEvent.Verdict.BAD_SIGNATURE, str(exc), 401, account)
    except Permanent as exc:
        return reject(WebhookEvent.Verdict.MALFORMED, str(exc), 400, account)

    accepted, duplicates = services.record_webhook_events(account, events, headers=headers, body=text)
    return JsonResponse({"accepted": accepted, "duplicates": duplicates})
