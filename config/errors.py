"""The app's own error pages; 403, 404 and 500 are Django's handlers with our templates."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without a valid CSRF token (settings.CSRF_FAILURE_VIEW): say so in words, with a way back."""
    # Django's own reason ("CSRF cookie not set", say) helps a developer, and tells a visitor nothing.
    return render(request, "csrf_failure.html", {"reason": reason if settings.DEBUG else ""}, status=403)
