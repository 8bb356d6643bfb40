"""Writes of the integrations app. Views, admin actions and tasks call these."""

from .accounts import SyncReport, check_connection, map_stage, sync_catalog
from .ats import (
    PullReport,
    check_link,
    pull,
    pull_link_by_pk,
    pullable_links,
    push,
    push_interview,
    record_push_failure,
    remote_stage_choices,
    schedule_push,
)
from .deadlines import enforce_deadlines
from .invitations import apply_update, find_invitation, record_state
from .polling import poll_account, poll_account_by_pk, pollable_accounts
from .sending import BatchOutcome, give_up, request_invitations, send_again, send_batch, stale_sends
from .webhooks import apply_webhook_event, record_webhook_events

__all__ = [
    "BatchOutcome",
    "PullReport",
    "SyncReport",
    "apply_update",
    "apply_webhook_event",
    "check_connection",
    "check_link",
    "enforce_deadlines",
    "find_invitation",
    "give_up",
    "map_stage",
    "poll_account",
    "poll_account_by_pk",
    "pollable_accounts",
    "pull",
    "pull_link_by_pk",
    "pullable_links",
    "push",
    "push_interview",
    "record_push_failure",
    "record_state",
    "record_webhook_events",
    "remote_stage_choices",
    "request_invitations",
    "schedule_push",
    "send_again",
    "send_batch",
    "stale_sends",
    "sync_catalog",
]
