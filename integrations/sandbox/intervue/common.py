"""Request parsing, validation and formatting shared by the intervue.io handlers.

Validation messages follow the Joi style the API answers with
(``"candidates[0].email" must be a valid email``), inside the documented
error envelope ``{"status": <code>, "message": <text>}``.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from ..core import json_response

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL_RE = re.compile(r"^https?://\S+$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

T = TypeVar("T")
logger = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer in the documented error shape; raised anywhere inside a handler."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> Response:
        return json_response({"status": self.status, "message": self.message}, status=self.status)


def api(handler: Callable[..., Any]) -> Callable[..., Response]:
    """Turn a handler's ApiError into the vendor's error answer, a crash into the documented 500,
    and a dict into a 200 answer."""

    @functools.wraps(handler)
    def wrapper(self: Any, request: Request, **values: Any) -> Response:
        try:
            answer = handler(self, request, **values)
        except ApiError as exc:
            return exc.response()
        except Exception:
            logger.exception("intervue sandbox handler %s failed", handler.__name__)
            return ApiError(500, "Internal Server Error").response()
        return answer if isinstance(answer, Response) else json_response(answer)

    return wrapper


# --- time -----------------------------------------------------------------------------------
def open_interview(interviews: Mapping[str, Any], role_id: int, email: str) -> Any | None:
    """The candidate's interview for this role that is still open, if any: a repeat request returns it."""
    having = getattr(interviews, "having", None)  # an Indexed: only the candidate's own
    for interview in having(role_id, email) if having else interviews.values():
        if interview.open and interview.role_id == role_id and interview.candidate["email"] == email:
            return interview
    return None


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with milliseconds and a Z, the way every timestamp in the document is written."""
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_iso(value: Any, label: str) -> datetime:
    if not isinstance(value, str):
        raise ApiError(400, f'"{label}" must be a valid date')
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(400, f'"{label}" must be in ISO 8601 date format') from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def local_minutes(moment: datetime, utc_offset: int) -> int:
    """Minutes after local midnight; utcOffset is JavaScript's getTimezoneOffset (-330 for IST)."""
    local = moment.astimezone(UTC) - timedelta(minutes=utc_offset)
    return local.hour * 60 + local.minute


def humanize_minutes(minutes: int) -> str:
    """Durations as the document writes them: "1 hour 2 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


# --- bodies -----------------------------------------------------------------------------------
def json_body(request: Request) -> dict[str, Any]:
    """The JSON object body. Like an express.json() server, a body sent without a JSON
    content type is not parsed at all (so required fields come out missing)."""
    if not request.mimetype or not (request.mimetype == "application/json" or request.mimetype.endswith("+json")):
        return {}
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        position = getattr(exc, "pos", 0)
        raise ApiError(400, f"Unexpected token in JSON at position {position}") from None
    if not isinstance(body, dict):
        raise ApiError(400, '"value" must be of type object')
    return body


def required(obj: Mapping[str, Any], key: str, label: str) -> Any:
    value = obj.get(key)
    if value is None:
        raise ApiError(400, f'"{label}" is required')
    return value


def req_str(obj: Mapping[str, Any], key: str, label: str | None = None) -> str:
    label = label or key
    value = required(obj, key, label)
    if not isinstance(value, str):
        raise ApiError(400, f'"{label}" must be a string')
    if not value.strip():
        raise ApiError(400, f'"{label}" is not allowed to be empty')
    return value.strip()


def opt_str(obj: Mapping[str, Any], key: str, label: str | None = None) -> str | None:
    return None if obj.get(key) is None else req_str(obj, key, label)


def req_email(obj: Mapping[str, Any], key: str, label: str | None = None) -> str:
    label = label or key
    value = req_str(obj, key, label)
    if not EMAIL_RE.match(value):
        raise ApiError(400, f'"{label}" must be a valid email')
    return value.lower()


def req_int(obj: Mapping[str, Any], key: str, label: str | None = None, minimum: int | None = None) -> int:
    label = label or key
    value = required(obj, key, label)
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise ApiError(400, f'"{label}" must be an integer')
    if minimum is not None and value < minimum:
        raise ApiError(400, f'"{label}" must be greater than or equal to {minimum}')
    return int(value)


def opt_bool(obj: Mapping[str, Any], key: str, default: bool = False) -> bool:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ApiError(400, f'"{key}" must be a boolean')
    return value


def req_list(obj: Mapping[str, Any], key: str, label: str | None = None) -> list[Any]:
    label = label or key
    value = required(obj, key, label)
    if not isinstance(value, list):
        raise ApiError(400, f'"{label}" must be an array')
    if not value:
        raise ApiError(400, f'"{label}" must contain at least 1 items')
    return value


def req_obj(obj: Mapping[str, Any], key: str, label: str | None = None) -> dict[str, Any]:
    label = label or key
    value = required(obj, key, label)
    if not isinstance(value, dict):
        raise ApiError(400, f'"{label}" must be of type object')
    return value


def one_of(value: Any, allowed: Sequence[str], label: str) -> str:
    if value is None:
        raise ApiError(400, f'"{label}" is required')
    if value not in allowed:
        raise ApiError(400, f'"{label}" must be one of [{", ".join(allowed)}]')
    return value


def resume(candidate: Mapping[str, Any], label: str) -> dict[str, str] | None:
    """The optional resume object: fileName and a public url."""
    if candidate.get("resume") is None:
        return None
    value = req_obj(candidate, "resume", f"{label}.resume")
    file_name = req_str(value, "fileName", f"{label}.resume.fileName")
    url = req_str(value, "url", f"{label}.resume.url")
    if not URL_RE.match(url):
        raise ApiError(400, f'"{label}.resume.url" must be a valid uri')
    return {"fileName": file_name, "url": url}


def path_uuid(value: str, label: str) -> str:
    if not UUID_RE.match(value):
        raise ApiError(400, f'"{label}" must be a valid GUID')
    return value.lower()


def path_int(value: str, label: str) -> int:
    if not value.isdigit():
        raise ApiError(400, f'"{label}" must be a number')
    return int(value)


# --- query strings and pages -----------------------------------------------------------------------
def query_int(args: MultiDict[str, str], key: str, default: int | None, minimum: int = 1) -> int | None:
    raw = args.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f'"{key}" must be a number') from None
    if value < minimum:
        raise ApiError(400, f'"{key}" must be greater than or equal to {minimum}')
    return value


def query_bool(args: MultiDict[str, str], key: str) -> bool | None:
    raw = args.get(key)
    if raw is None or raw == "":
        return None
    if raw.lower() not in ("true", "false"):
        raise ApiError(400, f'"{key}" must be a boolean')
    return raw.lower() == "true"


def query_enum(args: MultiDict[str, str], key: str, allowed: Sequence[str], default: str | None) -> str | None:
    raw = args.get(key)
    if raw is None or raw == "":
        return default
    return one_of(raw, allowed, key)


def page_params(args: MultiDict[str, str]) -> tuple[int, int]:
    return query_int(args, "pageNumber", 1) or 1, query_int(args, "pageSize", 10) or 10


def paginate(items: Sequence[T], page: int, size: int) -> tuple[list[T], bool]:
    """One page and whether another follows (the API's boolean ``next``)."""
    start = (page - 1) * size
    return list(items[start : start + size]), start + size < len(items)
