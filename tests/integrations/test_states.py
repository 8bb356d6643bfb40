import pytest

from integrations.states import InvitationState as S
from integrations.states import can_move

FORWARD = [S.QUEUED, S.SENDING, S.INVITED, S.STARTED, S.COMPLETED, S.REVIEWED]


@pytest.mark.parametrize(("current", "target"), [(a, b) for i, a in enumerate(FORWARD) for b in FORWARD[i + 1 :]])
def test_the_happy_path_only_moves_forward(current, target):
    assert can_move(current, target)
    assert not can_move(target, current)


@pytest.mark.parametrize("state", list(S))
def test_a_state_never_moves_to_itself(state):
    assert not can_move(state, state)


def test_a_late_event_cannot_undo_a_completion():
    assert not can_move(S.COMPLETED, S.INVITED)
    assert not can_move(S.COMPLETED, S.CANCELED)
    assert not can_move(S.REVIEWED, S.EXPIRED)


def test_only_a_send_can_fail():
    assert can_move(S.SENDING, S.FAILED)
    assert not can_move(S.INVITED, S.FAILED)


def test_the_vendor_can_revive_a_failed_or_expired_invitation_but_not_a_canceled_one():
    assert can_move(S.FAILED, S.INVITED)
    assert can_move(S.EXPIRED, S.COMPLETED)
    assert not can_move(S.CANCELED, S.COMPLETED)
    assert not can_move(S.EXPIRED, S.QUEUED)
