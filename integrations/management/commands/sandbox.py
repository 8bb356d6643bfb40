from django.core.management.base import BaseCommand, CommandParser
from werkzeug.serving import run_simple

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

    def handle(self, *args, host: str, port: int, auto_complete: float | None, **options):
        app = SandboxApp(base_url=f"http://{host}:{port}")
        app.hub.auto_complete_seconds = auto_complete
        self.stdout.write(f"Vendor sandbox on http://{host}:{port} ({', '.join(app.hub.vendors)})")
        if auto_complete is not None:
            self.stdout.write(f"Every new invite completes after {auto_complete:g}s")
        run_simple(host, port, app, threaded=True, use_reloader=False)
