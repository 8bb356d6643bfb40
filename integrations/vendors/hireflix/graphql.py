"""Hireflix errors onto the shared taxonomy.

Hireflix answers HTTP 200 and lists problems in ``errors`` (``message``, ``code``,
``path``). An answer with ``errors`` and no ``data`` failed as a whole and is raised; an
error whose ``path`` starts at one alias of a batch concerns that candidate only.

    code   meaning                          raised / returned as
    -----  -------------------------------  -----------------------------------------------
    400    bad email or phone, bad query    Permanent, with Hireflix's message
    401    bad or missing API key           Permanent
    403    invites quota of the period      Permanent: the quota renews with the plan's
           (ExceededInvitesThisPeriodError) billing period, which the API does not expose,
                                            and a person has to act (upgrade, or wait and
                                            resend); retrying every few minutes cannot help
    404    unknown position or interview    Permanent
    409    already invited to the position  Duplicate (invite() adopts the existing interview)
    429    rate limited                     Retryable
    5xx    unknown error                    Retryable (for one candidate: in that result's
                                            error; retrying is safe, one email gets at most
                                            one interview per position)
    none   anything else                    Permanent
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from ..errors import Duplicate, Permanent, Retryable, VendorError
from ..parsing import json_body


def _code(entry: Mapping[str, Any]) -> int | None:
    code = entry.get("code")
    if code is None and isinstance(entry.get("extensions"), dict):
        code = entry["extensions"].get("code")
    if code is None:
        return None
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


def graphql_error(entries: list[dict[str, Any]]) -> VendorError:
    """The taxonomy error for GraphQL error entries: the first one's code decides, every message is kept."""
    message = "; ".join(dict.fromkeys(str(e.get("message") or "unknown error") for e in entries)) or "unknown error"
    code = _code(entries[0]) if entries else None
    kwargs: dict[str, Any] = {"vendor_code": code, "payload": entries}
    if code == 409:
        return Duplicate(message, **kwargs)
    if code == 429 or (code is not None and code >= 500):
        return Retryable(message, **kwargs)
    return Permanent(message, **kwargs)


def errors_by_alias(errors: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Error entries grouped by the first step of their path (the alias of a batched field)."""
    by_alias: dict[str, list[dict[str, Any]]] = {}
    for entry in errors:
        path = entry.get("path")
        if isinstance(path, list) and path:
            by_alias.setdefault(str(path[0]), []).append(entry)
    return by_alias


def http_error_message(response: requests.Response) -> str:
    """Hireflix's message from a non-2xx answer (GraphQL errors, or a plain message)."""
    body = json_body(response)
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict) and errors[0].get("message"):
            return str(errors[0]["message"])
        if isinstance(body.get("message"), str):
            return body["message"]
    return f"Hireflix answered HTTP {response.status_code}"
