"""What the webhook endpoint keeps of a delivery it cannot trust yet: text any database stores."""

from __future__ import annotations

from collections.abc import Mapping

# Never stored: credentials a proxy or a vendor might put in headers.
SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})


def printable(raw: bytes) -> str:
    """The bytes as text, invalid UTF-8 and NULs escaped (``\\xff``, ``\\x00``): PostgreSQL refuses a NUL in text."""
    return raw.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")


def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        printable(k.encode(errors="backslashreplace")): printable(v.encode(errors="backslashreplace"))
        for k, v in headers.items()
        if k.lower() not in SECRET_HEADERS
    }
