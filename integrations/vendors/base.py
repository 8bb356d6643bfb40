"""The interface every vendor client implements, the way django-anymail keeps one backend per ESP.

A client is built from a types.VendorConfig, speaks only plain dataclasses, and raises
only the errors of ``integrations.vendors.errors``. It must work against the real
vendor unchanged: the sandbox differs only by base URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import ClassVar

from . import types
from .errors import Permanent, Retryable, UnknownOutcome, VendorError


class VendorClient:
    vendor: ClassVar[str]  # the VendorAccount.vendor value
    label: ClassVar[str]
    default_base_url: ClassVar[str]  # the production host, from the vendor's document
    # The credential fields an admin fills in, with their labels; all are secret.
    credential_fields: ClassVar[Mapping[str, str]]
    # Largest number of candidates one invite() call should be given.
    max_batch_size: int = 50  # a client may lower it from its options
    # Candidate fields the vendor refuses an invite without (InviteRequest names), with their words.
    required_candidate_fields: ClassVar[Mapping[str, str]] = {"email": "email address"}

    @classmethod
    def missing_fields(cls, request: types.InviteRequest) -> list[str]:
        """The words for the required candidate fields ``request`` lacks: sending it would only be refused."""
        return [
            words
            for name, words in cls.required_candidate_fields.items()
            if not str(getattr(request, name, "") or "").strip()
        ]

    def __init__(self, config: types.VendorConfig, throttle: Callable[[], None] | None = None) -> None:
        self.config = config
        self.throttle = throttle  # hand it to VendorHTTP(throttle=...)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.config.base_url}>"

    # --- required ---------------------------------------------------------------
    def check_credentials(self) -> types.ConnectionCheck:
        """Make one cheap authenticated call; never raises for a bad key, reports it."""
        raise NotImplementedError

    def list_assessments(self) -> Iterator[types.RemoteAssessment]:
        """Everything a candidate can be invited to, across every page."""
        raise NotImplementedError

    def invite(self, batch: list[types.InviteRequest]) -> list[types.InviteResult]:
        """Invite a batch; one result per request, in the same order.

        A failure that concerns one candidate is returned in that result's ``error``;
        a failure of the whole call (auth, 429, timeout) is raised.
        """
        raise NotImplementedError

    def reconcile(self, request: types.InviteRequest) -> types.InviteResult | None:
        """After an UnknownOutcome: the invite the vendor already has for this request, or None."""
        raise NotImplementedError

    def reconcile_many(self, requests: list[types.InviteRequest]) -> list[types.InviteResult | VendorError | None]:
        """``reconcile`` for several requests, one answer each in order; a lookup that failed is its error.

        A vendor that can look many up at once (one scan of a listing) overrides this.
        """
        answers: list[types.InviteResult | VendorError | None] = []
        for request in requests:
            try:
                answers.append(self.reconcile(request))
            except VendorError as exc:
                answers.append(exc)
                if exc.key_refused or (exc.retry_after is not None and exc.status_code is None):
                    # Our own limiter found the budget spent (or the key was refused): the rest would
                    # get the same answer. A vendor's 429 only paces the next call (see ratelimit).
                    answers += [exc] * (len(requests) - len(answers))
                    break
        return answers

    def fetch_statuses(
        self, refs: Iterable[types.InvitationRef], since: datetime | None = None
    ) -> Iterator[types.StatusUpdate]:
        """Current status of these invitations, with as few requests as the vendor allows."""
        raise NotImplementedError

    # --- on demand, fetched fresh at each call ------------------------------------------
    def result_links(self, ref: types.InvitationRef) -> list[types.ResultLink]:
        return []

    def media(self, ref: types.InvitationRef) -> list[types.MediaItem]:
        return []

    # --- where the vendor has them ---------------------------------------------------------
    # What a person may ask of an invitation of this kind, said before any call is made.
    @classmethod
    def can_cancel(cls, kind: str) -> bool:
        """Whether the vendor can void an invitation of this kind (else a cancel is ours alone)."""
        return False

    @classmethod
    def reminder_refusal(cls, kind: str) -> str:
        """Why a reminder cannot be asked for, in a sentence; empty when ``resend`` works."""
        return f"{cls.label} offers no way to remind a candidate."

    @classmethod
    def reinvite_refusal(cls, kind: str) -> str:
        """Why an open invitation of this kind cannot be replaced by a new one; empty when it can."""
        return ""

    def void_before_reinvite(self, ref: types.InvitationRef) -> str:
        """Make room at the vendor for a new invitation of the same candidate; says what was done, if anything."""
        return ""

    def cancel(self, ref: types.InvitationRef) -> None:
        raise Permanent(f"{self.label} cannot cancel an invitation")

    def resend(self, ref: types.InvitationRef) -> None:
        raise Permanent(f"{self.label} cannot resend an invitation")

    def delete_for_reinvite(self, ref: types.InvitationRef) -> None:
        raise Permanent(f"{self.label} cannot delete an invitation")


def failed_check(exc: VendorError) -> types.ConnectionCheck:
    """A connection check that failed with ``exc``, with the part that failed named."""
    if exc.key_refused:
        problem = "refused"
    elif isinstance(exc, UnknownOutcome) or (isinstance(exc, Retryable) and exc.status_code is None):
        problem = "unreachable"
    else:
        problem = "unexpected"
    return types.ConnectionCheck(False, exc.message, problem)


def missing_keys(message: str) -> types.ConnectionCheck:
    return types.ConnectionCheck(False, message, "no_keys")
