"""Health probes: a public one for load balancers, a detailed page for integration admins."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from candidates.roles import MANAGE_INTEGRATIONS

from .tasks import HEARTBEAT_KEY


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
    value = cache.get(HEARTBEAT_KEY)
    return datetime.fromisoformat(value) if value else None


@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    checks = _checks()
    return JsonResponse(checks, status=200 if all(checks.values()) else 503)


@permission_required(MANAGE_INTEGRATIONS, raise_exception=True)
def status_page(request: HttpRequest) -> HttpResponse:
    last_seen = worker_last_seen()
    age = (timezone.now() - last_seen).total_seconds() if last_seen else None
    context = {
        "checks": _checks(),
        "database_engine": connection.vendor,
        "broker": settings.CELERY_BROKER_URL.split("://", 1)[0],
        "cache_backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "worker_last_seen": last_seen,
        "worker_alive": age is not None and age < settings.WORKER_HEARTBEAT_STALE_AFTER,
    }
    return render(request, "status.html", context)
