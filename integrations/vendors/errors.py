"""The one error taxonomy every vendor client raises.

VendorError
  Retryable        timeouts before sending, 429 (with retry_after), 5xx: try again later
  Permanent        validation, auth, not found: retrying will not help; keep the vendor's message
    InvalidSignature   a webhook whose signature does not verify
  Duplicate        the vendor already has this candidate: adopt the existing invite
  UnknownOutcome   the request may have been applied: reconcile before any retry
"""

from __future__ import annotations

from typing import Any


class VendorError(Exception):
    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        vendor_code: str | int | None = None,
        retry_after: float | None = None,
        payload: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.vendor_code = vendor_code
        self.retry_after = retry_after
        self.payload = payload

    @property
    def key_refused(self) -> bool:
        """The vendor refused the credentials (HTTP 401/403, or that code inside a GraphQL error)."""
        return self.status_code in (401, 403) or str(self.vendor_code) in ("401", "403")


class Retryable(VendorError):
    pass


class Permanent(VendorError):
    pass


class InvalidSignature(Permanent):
    pass


class Duplicate(VendorError):
    def __init__(self, message: str, *, existing: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.existing = existing


class UnknownOutcome(VendorError):
    pass
