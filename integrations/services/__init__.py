"""Writes of the integrations app. Views, admin actions and tasks call these."""

from .accounts import SyncReport, map_stage, sync_catalog
from .credentials import KeyChange, change_keys, check_connection, check_keys, note_refusal, refused_accounts
from .deadlines import enforce_deadlines
from .invitations import apply_update, find_invitation, record_state
from .leases import take_lost_sends
from .lifecycle import ActionRefused, cancel, reinvite, remind
from .planning import SendPlan, Skip, describe_skips, plan_send
from .polling import poll_account, poll_account_by_pk, pollable_accounts
from .preview import SendPreview, SkipGroup, preview_send
from .results import Results, fetch_results
from .sending import (
    BatchOutcome,
    give_up,
    note_next_attempt,
    request_invitations,
    retry_failed,
    send_again,
    send_batch,
)
from .webhooks import apply_pending_webhook_events, apply_webhook_event, apply_webhook_events, record_webhook_events

__all__ = [
    "ActionRefused",
    "BatchOutcome",
    "KeyChange",
    "Results",
    "SendPlan",
    "SendPreview",
    "Skip",
    "SkipGroup",
    "SyncReport",
    "apply_pending_webhook_events",
    "apply_update",
    "apply_webhook_event",
    "apply_webhook_events",
    "cancel",
    "change_keys",
    "check_connection",
    "check_keys",
    "describe_skips",
    "enforce_deadlines",
    "fetch_results",
    "find_invitation",
    "give_up",
    "map_stage",
    "note_next_attempt",
    "note_refusal",
    "plan_send",
    "poll_account",
    "poll_account_by_pk",
    "pollable_accounts",
    "preview_send",
    "record_state",
    "record_webhook_events",
    "refused_accounts",
    "reinvite",
    "remind",
    "request_invitations",
    "retry_failed",
    "send_again",
    "send_batch",
    "sync_catalog",
    "take_lost_sends",
]
