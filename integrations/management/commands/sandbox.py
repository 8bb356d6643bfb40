from django.core.management.base import BaseCommand, CommandParser
from werkzeug.serving import run_simple

from integrations.models import VendorAccount
from integrations.sandbox.core import WebhookTarget
from integrations.sandbox.server import SandboxApp


class Command(BaseCommand):
    help = "Serve the local simulators of every vendor (WedgeHR, Hireflix, intervue.io, Merge)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--auto-complete",
            type=float,
            default=None,
            metavar="SECONDS",
            help="drive every new invite to started, then completed, after this many seconds (for the demo)",
        )

    def handle(self, *args, host: str, port: int, auto_complete: float | None, **options) -> None:
        url = f"http://{host}:{port}"
        app = SandboxApp(base_url=url)
        app.hub.auto_complete_seconds = auto_complete
        # The demo opens candidates' links: they must lead to this sandbox, not to the vendor.
        app.hub.vendors["hireflix"].options["links_on_sandbox"] = True
        self.stdout.write(f"Vendor sandbox on {url} ({', '.join(app.hub.vendors)})")
        if auto_complete is not None:
            self.stdout.write(f"Every new invite completes after {auto_complete:g}s")
        for line in self._point_webhooks_at_accounts(app, url):
            self.stdout.write(line)
        run_simple(host, port, app, threaded=True, use_reloader=False)

    def _point_webhooks_at_accounts(self, app: SandboxApp, url: str) -> list[str]:
        """Deliver each simulated vendor's webhooks to the account of this app that uses it.

        What an admin does in a real vendor's dashboard, done at start because the
        sandbox keeps its state in memory.
        """
        lines = []
        for account in VendorAccount.objects.filter(enabled=True, base_url__startswith=url):
            vendor = app.hub.vendors.get(account.vendor)
            if vendor is None or not account.sends_webhooks:
                continue
            vendor.webhook = WebhookTarget(account.webhook_url(), account.webhook_secret)
            lines.append(f"{account.get_vendor_display()} webhooks go to {account}")
        return lines
