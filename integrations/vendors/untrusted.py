"""JSON from outside, read defensively: whatever the bytes, the answer is a value or a Permanent error.

Everything refused here is something a database or a later step would choke on: a NUL
(PostgreSQL stores none in text or jsonb), deep nesting (Python's recursion limit), numbers
no vendor sends (thousands of digits, infinities) and strings longer than any field we keep.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import Permanent

MAX_DEPTH = 64
MAX_NUMBER_CHARS = 40
MAX_STRING_CHARS = 256_000


class Hostile(Permanent):
    """Not merely wrong: bytes no vendor sends, refused before anything else looks at them."""


def load_json(body: bytes, what: str) -> Any:
    """The JSON value of ``body``; Hostile, naming ``what`` and the problem, or Permanent when it is not JSON."""
    if b"\x00" in body:
        raise Hostile(f"{what} body contains a NUL byte")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Hostile(f"{what} body is not UTF-8") from exc
    try:
        value = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except RecursionError as exc:
        raise Hostile(f"{what} body is nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise Permanent(f"{what} body is not JSON") from exc
    except ValueError as exc:  # the number hooks below
        raise Hostile(f"{what} body has {exc}") from exc
    _check(value, what)
    return value


def hostile(body: bytes, what: str) -> str | None:
    """Why ``body`` is hostile, or None: a plain syntax error is left for the vendor module to name."""
    try:
        load_json(body, what)
    except Hostile as exc:
        return str(exc)
    except Permanent:
        return None
    return None


def _int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


def _float(text: str) -> float:
    number = float(text) if len(text) <= MAX_NUMBER_CHARS else math.inf
    if not math.isfinite(number):
        raise ValueError(f"a number out of range ({text[:20]})")
    return number


def _constant(name: str) -> float:
    raise ValueError(f"{name}, which is not a JSON number")


def _check(value: Any, what: str) -> None:
    """Depth, NULs and string sizes, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Hostile(f"{what} body is nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            for key, child in item.items():
                _check_string(key, what)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_string(item, what)


def _check_string(text: str, what: str) -> None:
    if "\x00" in text:
        raise Hostile(f"{what} body has a NUL character (\\u0000) in a string")
    if len(text) > MAX_STRING_CHARS:
        raise Hostile(f"{what} body has a string of {len(text)} characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate such as \ud800, which no database stores
        raise Hostile(f"{what} body has a string that is not valid Unicode") from exc
