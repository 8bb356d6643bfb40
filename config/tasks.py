"""Operational tasks of the project itself."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "ops:worker-heartbeat"


@shared_task(ignore_result=True)
def heartbeat() -> str:
    """Record that a worker is consuming the queue; the status page reads it."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now
