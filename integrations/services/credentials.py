"""Credential health: whether a vendor account's keys work, said in words, remembered, and rotated safely.

A check runs when an admin asks (with the keys typed in the form, saved or not), when the keys are
saved, daily by beat, and whenever the vendor refuses the key on a real call. A new key entered for
an account whose key works is kept *beside* it, and replaces it only once a check passes, so that
sends never run on an untested key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import VendorAccount
from ..vendors.base import failed_check, missing_keys
from ..vendors.errors import VendorError
from ..vendors.types import ConnectionCheck

logger = logging.getLogger(__name__)


def _worded(account: VendorAccount, base_url: str, check: ConnectionCheck) -> ConnectionCheck:
    """The check's message as the admin reads it: which part failed and what to do."""
    vendor = account.get_vendor_display()
    words = check.message.rstrip(".")
    if check.ok:
        return check
    if check.problem == "no_keys":
        message = f"No keys to test: {words}. Type them above and test again."
    elif check.problem == "unreachable":
        message = (
            f"{base_url} could not be reached ({words}). Check the base URL (leave it empty for {vendor}'s "
            "production API) and that this server may connect to it."
        )
    elif check.problem == "refused":
        message = f"{vendor} refused the key: {words}. Check that it was copied whole and is for this account."
    else:
        message = f"{vendor} answered in a way we did not expect: {words}. Check that the base URL is {vendor}'s API."
    return ConnectionCheck(False, message, check.problem or "unexpected")


def check_keys(account: VendorAccount, credentials: Mapping[str, str], base_url: str | None = None) -> ConnectionCheck:
    """Test ``credentials`` against the account's vendor (at ``base_url`` if given) without storing anything."""
    client = account.client(credentials, base_url)
    url = client.config.base_url
    missing = [label for name, label in account.client_class.credential_fields.items() if not credentials.get(name)]
    if missing:
        return _worded(account, url, missing_keys(f"{account.get_vendor_display()} needs the {' and '.join(missing)}"))
    try:
        check = client.check_credentials()
    except VendorError as exc:
        check = failed_check(exc)
    except Exception as exc:  # an answer no client expects (an HTML page at the base URL, say) is a failed check
        logger.warning("connection check of %s failed unexpectedly: %s", account, type(exc).__name__)
        check = ConnectionCheck(False, f"{type(exc).__name__} while reading the answer", "unexpected")
    return _worded(account, url, check)


def record(account: VendorAccount, check: ConnectionCheck) -> None:
    """Remember a check of the keys in use."""
    now = timezone.now()
    account.last_checked_at, account.last_check_ok, account.last_check_message = now, check.ok, check.message[:2000]
    account.last_check_problem = check.problem
    fields = ["last_checked_at", "last_check_ok", "last_check_message", "last_check_problem", "updated_at"]
    if check.ok:
        account.last_ok_at = now
        fields.append("last_ok_at")
    else:
        account.last_failed_at, account.last_failure = now, check.message[:2000]
        fields += ["last_failed_at", "last_failure"]
    account.save(update_fields=fields)


def check_connection(account: VendorAccount) -> ConnectionCheck:
    """Check the keys in use, and a key waiting beside them (which takes over once it passes)."""
    promoted = promote_if_working(account) if account.pending_credentials else None
    check = promoted if promoted and promoted.ok else check_keys(account, account.credentials or {})
    record(account, check)
    return check


@dataclass(frozen=True)
class KeyChange:
    """What saving new keys did: made them active, or kept them beside the working ones."""

    active: bool
    check: ConnectionCheck

    def sentence(self, account: VendorAccount) -> str:
        if self.check.ok:
            return f"{account}: the new keys work and are now in use. {self.check.message}"
        if self.active:
            return f"{account}: the keys are saved, but they do not work yet. {self.check.message}"
        return (
            f"{account}: the new keys were not put in use, the current ones still are. {self.check.message} "
            "They are kept beside the current keys and take over once a check passes "
            "(Test connection, or the daily check)."
        )


def change_keys(account: VendorAccount, new: Mapping[str, str]) -> KeyChange:
    """Save keys typed by an admin: in use at once if they work or nothing works yet, beside the old ones if not."""
    merged = {**(account.credentials or {}), **new}
    check = check_keys(account, merged)
    in_use_works = bool(account.credentials) and account.last_check_ok is not False
    if check.ok or not in_use_works:
        account.credentials = merged
        account.pending_credentials, account.pending_since, account.pending_failure = {}, None, ""
        account.save(update_fields=["credentials", "pending_credentials", "pending_since", "pending_failure"])
        record(account, check)
        return KeyChange(active=True, check=check)
    account.pending_credentials, account.pending_since = merged, timezone.now()
    account.pending_failure = check.message[:2000]
    account.save(update_fields=["pending_credentials", "pending_since", "pending_failure", "updated_at"])
    return KeyChange(active=False, check=check)


def promote_if_working(account: VendorAccount) -> ConnectionCheck:
    """Put the waiting key in use if the vendor accepts it now; the check of the waiting key."""
    check = check_keys(account, account.pending_credentials)
    if not check.ok:
        account.pending_failure = check.message[:2000]
        account.save(update_fields=["pending_failure", "updated_at"])
        return check
    with transaction.atomic():
        account.credentials = account.pending_credentials
        account.pending_credentials, account.pending_since, account.pending_failure = {}, None, ""
        account.save(update_fields=["credentials", "pending_credentials", "pending_since", "pending_failure"])
    logger.info("the waiting key of %s passed its check and is now in use", account)
    return check


def note_refusal(account: VendorAccount, exc: VendorError) -> None:
    """A real call had the key refused: the account's health says so at once, without waiting for a check."""
    if not exc.key_refused:
        return
    record(account, _worded(account, account.api_base_url, failed_check(exc)))


def refused_accounts() -> QuerySet[VendorAccount]:
    """Enabled accounts whose key the vendor refused at the last check: sends through them fail."""
    return VendorAccount.objects.filter(enabled=True, last_check_ok=False).filter(
        Q(last_check_problem="refused") | Q(last_check_problem="no_keys")
    )


def check_all() -> dict[str, int]:
    """The daily check of every enabled account."""
    counts = {"ok": 0, "failed": 0}
    for account in VendorAccount.objects.filter(enabled=True):
        counts["ok" if check_connection(account).ok else "failed"] += 1
    return counts
