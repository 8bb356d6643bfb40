import pytest
from django.core.management import call_command

from candidates.models import Application, Candidate, Job, StageChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_settings(settings, tmp_path, sandbox):
    settings.VAR_DIR = tmp_path
    settings.SANDBOX_URL = sandbox.url


def test_seed_demo_is_idempotent_and_logins_work(client, capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    assert Job.objects.count() == 5
    assert Candidate.objects.count() == 300
    assert Application.objects.count() == 300
    assert Application.objects.values("job").distinct().count() == 5
    assert "0 candidates and 0 applications added" in second
    # The same logins are printed each time, and they work.
    logins = [line for line in first.splitlines() if "login" in line]
    assert logins == [line for line in second.splitlines() if "login" in line]
    password = logins[1].split("password ")[1].strip("'")
    assert client.login(username="recruiter", password=password)


def test_every_demo_application_has_a_history_ending_in_its_stage():
    call_command("seed_demo", candidates=40)
    for application in Application.objects.prefetch_related("stage_changes"):
        latest = max(application.stage_changes.all(), key=lambda c: (c.changed_at, c.pk))
        assert latest.to_stage_id == application.stage_id
    assert StageChange.objects.filter(from_stage__isnull=True).count() == 40


def test_the_logins_are_printed_again_once_the_app_answers(capsys, sandbox, settings):
    call_command("seed_demo", candidates=5)
    seeded = capsys.readouterr().out
    # What the Procfile's "logins" process runs once the processes are up (here the sandbox stands in for web).
    call_command("demo_logins", "--wait-for", f"{sandbox.url}/_control/state")
    printed = capsys.readouterr().out
    for line in seeded.splitlines():
        if "login" in line:
            username, password = line.split("login ")[1].split(" with password ")
            assert f"Log in as {username}" in printed
            assert f"password {password}" in printed
    assert f"These logins are kept in {settings.VAR_DIR / 'demo-logins.json'}" in printed
    assert f"{settings.SITE_URL.rstrip('/')}/status/" in printed
