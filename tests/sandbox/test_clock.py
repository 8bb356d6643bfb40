"""The sandbox clock: moved through /_control/clock, read by everything that tells time."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests

from integrations.sandbox.clock import SandboxClock
from integrations.sandbox.wedgehr import WedgeHRSim
from tests.waiting import wait_for

WEDGEHR_AUTH = {"Authorization": f"Bearer {WedgeHRSim.credentials['api_key']}"}


def clock(sandbox, advance=None) -> requests.Response:
    url = f"{sandbox.url}/_control/clock"
    if advance is None:
        return requests.get(url, timeout=5)
    return requests.post(url, json={"advance": advance}, timeout=5)


def wedgehr_invite(sandbox, email: str) -> dict:
    answer = requests.post(
        f"{sandbox.url_for('wedgehr')}/connect/v2/invites",
        json={"interviewId": 2, "email": email},
        headers=WEDGEHR_AUTH,
        timeout=5,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["data"]


def test_the_clock_follows_real_time_by_default(sandbox):
    answer = clock(sandbox)
    assert answer.status_code == 200
    body = answer.json()
    assert body["offset_seconds"] == 0
    assert abs(datetime.fromisoformat(body["now"]) - datetime.now(UTC)) < timedelta(seconds=5)


def test_advance_moves_now_and_shows_in_the_state(sandbox):
    answer = clock(sandbox, 3600)
    assert answer.status_code == 200
    assert answer.json()["offset_seconds"] == 3600
    assert clock(sandbox, 1.5).json()["offset_seconds"] == 3601.5
    moved = datetime.fromisoformat(clock(sandbox).json()["now"])
    assert abs(moved - (datetime.now(UTC) + timedelta(seconds=3601.5))) < timedelta(seconds=5)
    state = requests.get(f"{sandbox.url}/_control/state", timeout=5).json()
    assert state["clock"]["offset_seconds"] == 3601.5


@pytest.mark.parametrize("advance", [-5, 0, "soon", "10", True, [1], {"seconds": 5}], ids=repr)
def test_advance_must_be_a_positive_number(sandbox, advance):
    answer = clock(sandbox, advance)
    assert answer.status_code == 400
    assert "advance must be a positive number of seconds" in answer.json()["message"]
    assert clock(sandbox).json()["offset_seconds"] == 0


@pytest.mark.parametrize("raw", [b"", b"soon", b'{"advance": Infinity}', b'{"advance": NaN}', b"[60]"], ids=repr)
def test_advance_with_no_usable_body_is_refused(sandbox, raw):
    answer = requests.post(f"{sandbox.url}/_control/clock", data=raw, timeout=5)
    assert answer.status_code == 400
    assert "advance must be a positive number of seconds" in answer.json()["message"]


def test_reset_puts_the_clock_back_on_real_time(sandbox):
    clock(sandbox, 86400)
    state = requests.post(f"{sandbox.url}/_control/reset", timeout=5).json()
    assert state["clock"]["offset_seconds"] == 0
    assert clock(sandbox).json()["offset_seconds"] == 0


def test_a_presigned_url_expires_once_the_clock_passes_its_ttl(sandbox):
    hub = sandbox.app.hub
    url = hub.presign(sandbox.url, "hireflix/answer/1.mp4")
    assert requests.get(url, timeout=5).status_code == 200
    clock(sandbox, hub.presign_ttl - 10)
    assert requests.get(url, timeout=5).status_code == 200
    clock(sandbox, 11)
    expired = requests.get(url, timeout=5)
    assert expired.status_code == 403
    assert "expired" in expired.text
    assert requests.get(hub.presign(sandbox.url, "hireflix/answer/1.mp4"), timeout=5).status_code == 200


def test_a_scheduled_auto_complete_fires_after_an_advance(sandbox):
    requests.post(f"{sandbox.url}/_control/auto-complete", json={"seconds": 3600}, timeout=5)
    invite = wedgehr_invite(sandbox, "later@example.com")
    sim = sandbox.app.hub.vendors["wedgehr"]
    assert sim.invitations[invite["id"]].status == "invited"
    clock(sandbox, 3600)
    assert wait_for(lambda: sim.invitations[invite["id"]].status == "complete", seconds=5)


def test_the_scheduler_runs_only_the_jobs_an_advance_made_due(sandbox, sandbox_clock):
    scheduler = sandbox.app.hub.scheduler
    soon, later = threading.Event(), threading.Event()
    scheduler.call_later(60, soon.set)
    scheduler.call_later(120, later.set)
    sandbox_clock.advance(60)
    assert soon.wait(5)
    assert not later.is_set()
    assert scheduler.pending == 1


def test_simulator_timestamps_follow_the_clock(sandbox):
    clock(sandbox, 2 * 86400)
    invite = wedgehr_invite(sandbox, "future@example.com")
    created = datetime.strptime(invite["createdAt"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs(created - (datetime.now(UTC) + timedelta(days=2))) < timedelta(minutes=1)


def test_the_clock_never_moves_backwards_except_on_reset():
    moving = SandboxClock()
    moving.advance(10)
    moving.set_offset(30)
    assert moving.offset_seconds == 30
    with pytest.raises(ValueError):
        moving.set_offset(20)
    with pytest.raises(ValueError):
        moving.advance(-1)
    assert moving.time() - 30 == pytest.approx(datetime.now(UTC).timestamp(), abs=5)
    moving.reset()
    assert moving.offset_seconds == 0
