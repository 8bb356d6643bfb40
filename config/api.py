"""What every endpoint of the API shares: one error body, strict pages, per-token throttling, and the
schema's error responses, so that the schema states every status code an operation can answer."""

from __future__ import annotations

import re
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, pagination, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

_POSITIVE_INT = re.compile(r"[1-9][0-9]{0,17}")

# --- one error body -------------------------------------------------------------------------------------
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error: `detail` says what went wrong; a 400 also names each refused field or "
    "query parameter with its messages (`non_field_errors` for the body as a whole).",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "additionalProperties": {},
}


def _first_message(errors: Any) -> str:
    if isinstance(errors, dict):
        return next((_first_message(value) for value in errors.values()), "")
    if isinstance(errors, list):
        return next((_first_message(value) for value in errors), "")
    return str(errors)


def _summary(errors: dict[str, Any]) -> str:
    parts = []
    for field, messages in errors.items():
        message = _first_message(messages)
        parts.append(message if field == api_settings.NON_FIELD_ERRORS_KEY else f"{field}: {message}")
    return " ".join(parts) or "Invalid input."


def _codes(codes: Any) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*map(_codes, codes.values()))
    if isinstance(codes, list):
        return set().union(*map(_codes, codes))
    return {str(codes)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with validation errors given a `detail` too: one body format for every error.

    A well-formed body whose only fault is naming objects that do not exist is a 404, not a 400:
    no schema can say which ids exist, so a request valid by the schema is not called malformed.
    """
    # Imported here: rest_framework.views reads the settings that name this module's classes.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.ValidationError):
        return response
    data = response.data
    errors = data if isinstance(data, dict) else {api_settings.NON_FIELD_ERRORS_KEY: data}
    response.data = {"detail": _summary(errors), **errors}
    if _codes(exc.get_codes()) == {"does_not_exist"}:
        response.status_code = 404
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A URL nothing matches: JSON under /api/ (an id that is no integer lands here), the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


# --- pages ----------------------------------------------------------------------------------------------
class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's pages, but a page number that is no positive integer (``page=``, ``page=0``) is a 400 naming it."""

    def get_page_number(self, request: Request, paginator: Any) -> int:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if not _POSITIVE_INT.fullmatch(raw):
            raise exceptions.ValidationError({self.page_query_param: ["A page number is a positive integer."]})
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}
        return parameters


# --- throttling -----------------------------------------------------------------------------------------
class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Requests per API token (per user for a browser session, per address when anonymous).

    The rate is read at each request, so that settings changed at runtime (and in tests) apply.
    """

    scope = "token"

    def get_rate(self) -> str | None:
        rates = cast(dict[str, str | None], settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}))
        return rates.get(self.scope)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = getattr(request.auth, "key", None)
        if token:
            ident = f"token:{token}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- the schema -----------------------------------------------------------------------------------------
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_WHY = {
    "400": "Invalid query parameter or body: the body names each one.",
    "401": "No token or session, or a token that is not valid.",
    "403": "The role does not allow it (or a browser session's write without the CSRF token).",
    "404": "No such object, or no such page.",
    "415": "The body is not JSON.",
    "429": "Too many requests for this token: wait `Retry-After` seconds.",
}


def _error(code: str) -> dict[str, Any]:
    response: dict[str, Any] = {"description": _WHY[code], "content": {"application/json": {"schema": _ERROR_REF}}}
    if code == "429":
        response["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds before the next request."}
        }
    return response


def _drop_email_format(node: Any) -> None:
    # Emails come from the company ATS and from imports as they were typed: not all are valid addresses.
    if isinstance(node, dict):
        if node.get("format") == "email":
            del node["format"]
        for value in node.values():
            _drop_email_format(value)
    elif isinstance(node, list):
        for value in node:
            _drop_email_format(value)


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the errors every operation can answer, in the one error body."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            parameters = operation.get("parameters", [])
            codes = ["401", "403", "429"]
            if any(p["in"] == "query" for p in parameters) or "requestBody" in operation:
                codes.append("400")
            if "{" in path or any(p["name"] in ("page", "cursor") for p in parameters):
                codes.append("404")
            if "requestBody" in operation:
                codes.append("415")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, _error(code))
            for code, response in responses.items():
                if int(code) >= 400:
                    response["content"] = {"application/json": {"schema": _ERROR_REF}}
            operation["responses"] = dict(sorted(responses.items()))
    _drop_email_format(result.get("components", {}))
    return result
