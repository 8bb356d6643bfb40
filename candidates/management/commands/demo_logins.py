"""Print the demo logins in a box; in `make run` once the web server answers, below the start-up logs."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from .seed_demo import DEMO_USERS, logins_path

ROLE_OF = {username: role for username, role, *_ in DEMO_USERS}


def box(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    edge = "+" + "-" * (width + 2) + "+"
    return "\n".join([edge, *(f"| {line.ljust(width)} |" for line in lines), edge])


class Command(BaseCommand):
    help = "Print the demo logins (from var/demo-logins.json, written by seed_demo) with the app's addresses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait-for", metavar="URL", action="append", default=[], help="wait until it answers (at most 60 s)"
        )
        parser.add_argument(
            "--settle", type=float, default=0, metavar="SECONDS", help="then this long, for the other start-up logs"
        )
        parser.add_argument(
            "--stay", action="store_true", help="then run until stopped: honcho ends every process once one exits"
        )

    def handle(self, *args: Any, wait_for: list[str], settle: float, stay: bool, **options: Any) -> None:
        for url in wait_for:
            self._wait_for(url)
        time.sleep(settle)
        self.stdout.write(box(self._lines()))
        self.stdout.flush()  # through honcho's pipe, stdout is buffered until the process ends
        if stay:
            threading.Event().wait()

    def _lines(self) -> list[str]:
        path = logins_path()
        site = settings.SITE_URL.rstrip("/")
        lines = [
            f"App      {site}/",
            f"Status   {site}/status/  (integration admin)",
            f"Sandbox  {settings.SANDBOX_URL.rstrip('/')}/_control/state",
            "",
        ]
        if not path.exists():
            return [*lines, "No demo logins yet: run `make run` (or `manage.py seed_demo`)."]
        logins: dict[str, str] = json.loads(path.read_text())
        name_width = max(len(repr(username)) for username in logins)
        password_width = max(len(repr(password)) for password in logins.values())
        for username, password in logins.items():
            login = f"Log in as {repr(username).ljust(name_width)}  password {repr(password).ljust(password_width)}"
            lines.append(f"{login}  {ROLE_OF.get(username, '')}".rstrip())
        shown = path.relative_to(settings.BASE_DIR) if path.is_relative_to(settings.BASE_DIR) else path
        return [*lines, "", f"These logins are kept in {shown}"]

    def _wait_for(self, url: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(url, timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.5)
