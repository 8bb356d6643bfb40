"""Health probes: a public one for load balancers, a detailed page for integration admins.

The detailed page is also served as JSON (``/status/?format=json``) for monitoring: the same
numbers under stable keys, times in ISO 8601, links as paths.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.timesince import timesince
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from candidates.roles import MANAGE_INTEGRATIONS
from integrations.ats.health import MergeLinkHealth, merge_link_health
from integrations.health import REJECTED_VERDICTS, STALE_STATES, AccountHealth, Window, account_health
from integrations.health import webhooks_to_unknown_accounts as unknown_account_deliveries
from integrations.models import VendorAccount, WebhookEvent
from integrations.states import InvitationState

from .tasks import HEARTBEAT_KEY

WEBHOOK_LIST_LIMIT = 200


def _checks() -> dict[str, bool]:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = True
    except Exception:
        checks["database"] = False
    try:
        cache.set("ops:probe", "1", 5)
        checks["cache"] = cache.get("ops:probe") == "1"
    except Exception:
        checks["cache"] = False
    return checks


def worker_last_seen() -> datetime | None:
    try:
        value = cache.get(HEARTBEAT_KEY)
    except Exception:  # the cache being down is reported by _checks
        return None
    return datetime.fromisoformat(value) if value else None


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    checks = _checks()
    return JsonResponse(checks, status=200 if all(checks.values()) else 503)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _link(name: str, params: dict[str, Any]) -> str:
    query = {key: value.isoformat() if isinstance(value, datetime) else value for key, value in params.items()}
    return f"{reverse(name)}?{urlencode(query, doseq=True)}"


def _since(text: str) -> datetime | None:
    try:
        # A "+" of the offset left unescaped in a URL arrives as a space.
        moment = parse_datetime(text.strip().replace(" ", "+"))
    except ValueError:  # well formed but out of range
        return None
    return timezone.make_aware(moment) if moment and timezone.is_naive(moment) else moment


def _ago(moment: datetime, now: datetime) -> str:
    return "just now" if (now - moment).total_seconds() < 60 else f"{timesince(moment, now)} ago"


def connection_detail(account: VendorAccount, now: datetime) -> str:
    """The last connection check in words, with the vendor's own words for a failure."""
    if account.last_check_ok is None or account.last_checked_at is None:
        return "The keys have never been tested."
    when = _ago(account.last_checked_at, now)
    if account.last_check_ok:
        return f"The keys were accepted {when}."
    return f"The last connection check failed {when}: {account.last_check_message or 'no reason given'}"


def _account_row(health: AccountHealth, window: Window) -> dict[str, Any]:
    account = health.account
    pk = account.pk
    invitations = "integrations:invitation-list"
    webhooks = "status-webhooks"
    return {
        "id": pk,
        "vendor": account.vendor,
        "vendor_label": account.get_vendor_display(),
        "name": account.name,
        "label": str(account),
        "enabled": account.enabled,
        "connection": {
            "checked_at": _iso(account.last_checked_at),
            "ok": account.last_check_ok,
            "message": account.last_check_message,
            "detail": connection_detail(account, window.now),
            # The same, naming the account: what the problems list says.
            "summary": f"{account}: {connection_detail(account, window.now)}",
        },
        "requests_last_hour": health.requests,
        "errors_last_hour": health.errors,
        "rate_limit_waits_last_hour": health.rate_limit_waits,
        "webhooks": {
            "sent_by_vendor": account.sends_webhooks,
            "accepted_last_hour": health.webhooks_accepted,
            "rejected_last_hour": health.webhooks_rejected,
            "unapplied": health.webhooks_unapplied,
            "oldest_unapplied_at": _iso(health.oldest_unapplied_at),
        },
        "invitations": {
            "stale": health.invitations_stale,
            "failed_last_day": health.invitations_failed,
        },
        "links": {
            "account": reverse("admin:integrations_vendoraccount_change", args=[pk]),
            "webhooks_accepted": _link(webhooks, {"account": pk, "verdict": "accepted", "since": window.hour_ago}),
            "webhooks_rejected": _link(webhooks, {"account": pk, "verdict": "rejected", "since": window.hour_ago}),
            "webhooks_unapplied": _link(webhooks, {"account": pk, "verdict": "unapplied"}),
            "invitations_stale": _link(
                invitations, {"account": pk, "state": list(STALE_STATES), "changed_before": window.stale_before}
            ),
            "invitations_failed": _link(
                invitations, {"account": pk, "state": InvitationState.FAILED, "changed_since": window.day_ago}
            ),
        },
    }


def _merge_row(health: MergeLinkHealth) -> dict[str, Any]:
    link = health.link
    return {
        "id": link.pk,
        "name": link.name,
        "ats": link.ats_label,
        "enabled": link.enabled,
        "requests_last_hour": health.requests,
        "errors_last_hour": health.errors,
        "rate_limit_waits_last_hour": health.rate_limit_waits,
        "last_synced_at": _iso(link.last_synced_at),
        "last_pull_error": link.last_error,
        "last_push_error": link.last_push_error,
        "links": {"link": reverse("admin:integrations_mergelink_change", args=[link.pk])},
    }


def status_report(now: datetime | None = None) -> dict[str, Any]:
    """Everything the status page shows, as plain data (the JSON answer is exactly this)."""
    window = Window.at(now)
    checks = _checks()
    last_seen = worker_last_seen()
    age = (window.now - last_seen).total_seconds() if last_seen else None
    worker_alive = age is not None and age < settings.WORKER_HEARTBEAT_STALE_AFTER
    accounts = [_account_row(h, window) for h in account_health(window)]
    unknown = unknown_account_deliveries(window)

    problems = [f"The {name} is not answering." for name, ok in checks.items() if not ok]
    if not worker_alive:
        problems.append("No worker is running: invitations are not being sent.")
    for row in accounts:
        if row["connection"]["ok"] is False:
            problems.append(row["connection"]["summary"])
        if row["webhooks"]["unapplied"]:
            problems.append(f"{row['label']}: {row['webhooks']['unapplied']} accepted webhook(s) not applied yet.")
        if row["invitations"]["stale"]:
            stale = row["invitations"]["stale"]
            problems.append(f"{row['label']}: {stale} invitation(s) queued or sending for longer than expected.")
    return {
        "generated_at": _iso(window.now),
        "problems": problems,
        "database": {"ok": checks["database"], "engine": connection.vendor},
        "cache": {"ok": checks["cache"], "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]},
        "broker": {"transport": settings.CELERY_BROKER_URL.split("://", 1)[0]},
        "worker": {"alive": worker_alive, "last_seen": _iso(last_seen)},
        "windows": {
            "last_hour_since": _iso(window.hour_ago),
            "last_day_since": _iso(window.day_ago),
            "stale_after_seconds": settings.INVITE_STALE_AFTER,
        },
        "accounts": accounts,
        "webhooks_to_unknown_accounts_last_hour": unknown,
        "merge_links": [_merge_row(h) for h in merge_link_health(window)],
        "links": {
            "webhooks_to_unknown_accounts": _link(
                "status-webhooks", {"verdict": WebhookEvent.Verdict.UNKNOWN_ACCOUNT, "since": window.hour_ago}
            ),
        },
    }


def _token_user(request: HttpRequest) -> User | None:
    """The user of an API token (``Authorization: Token <key>``), for monitoring that has no session."""
    try:
        found = TokenAuthentication().authenticate(request)  # type: ignore[arg-type]  # reads only the headers
    except AuthenticationFailed:
        return None
    return found[0] if found else None


@login_not_required  # a monitoring token is checked here; without one, the login page as anywhere else
def status_page(request: HttpRequest) -> HttpResponse:
    user = _token_user(request) if request.headers.get("Authorization") else request.user
    if user is None:
        return JsonResponse({"detail": "Invalid token."}, status=401)
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not user.has_perm(MANAGE_INTEGRATIONS):
        raise PermissionDenied
    report = status_report()
    if request.GET.get("format") == "json":
        return JsonResponse(report)
    context = {**report, "worker_last_seen": parse_datetime(report["worker"]["last_seen"] or "")}
    return render(request, "status.html", context)


# --- the webhook deliveries behind the page's numbers ---------------------------------------------------------
WEBHOOK_VERDICTS = {
    "accepted": "accepted",
    "rejected": "rejected (bad signature or malformed)",
    "unapplied": "accepted, not applied yet",
    WebhookEvent.Verdict.UNKNOWN_ACCOUNT: "to an unknown webhook URL",
}


def _webhook_events(account: VendorAccount | None, verdict: str, since: datetime | None) -> QuerySet[WebhookEvent]:
    events = WebhookEvent.objects.select_related("account").defer("body", "headers", "update")
    if verdict == "rejected":
        events = events.filter(verdict__in=REJECTED_VERDICTS)
    elif verdict == "unapplied":
        events = events.filter(verdict=WebhookEvent.Verdict.ACCEPTED, processed_at__isnull=True)
    elif verdict in WebhookEvent.Verdict.values:
        events = events.filter(verdict=verdict)
    if account is not None:
        events = events.filter(account=account)
    if since is not None:
        events = events.filter(received_at__gte=since)
    return events.order_by("-received_at", "-id")


@permission_required(MANAGE_INTEGRATIONS, raise_exception=True)
def webhook_list(request: HttpRequest) -> HttpResponse:
    """The deliveries one of the status page's webhook numbers counts, newest first."""
    account_id = request.GET.get("account", "")
    account = (
        VendorAccount.objects.only("vendor", "name").filter(pk=int(account_id)).first()
        if account_id.isdigit()
        else None
    )
    verdict = request.GET.get("verdict", "")
    since = _since(request.GET.get("since", ""))
    events = _webhook_events(account, verdict, since)
    context = {
        "events": events[:WEBHOOK_LIST_LIMIT],
        "total": events.count(),
        "limit": WEBHOOK_LIST_LIMIT,
        "account": account,
        "verdict": WEBHOOK_VERDICTS.get(verdict, ""),
        "since": since,
    }
    return render(request, "status_webhooks.html", context)
