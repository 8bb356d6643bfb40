"""Keep the once-a-second webhook sweep out of the worker and beat logs while it has nothing to do.

Beat sends ``apply_pending_webhooks`` every ``WEBHOOK_SWEEP_EVERY`` (1 s): its "sending due task",
"received" and "succeeded: 0" lines would be most of what an operator reads. A sweep that applied
something, or failed, is still logged.
"""

from __future__ import annotations

import logging
from typing import Any

QUIET_TASKS = frozenset({"integrations.tasks.apply_pending_webhooks"})
LOGGERS = ("celery.beat", "celery.worker.strategy", "celery.app.trace")


def _task_named(args: Any) -> str:
    if isinstance(args, dict):
        return str(args.get("name", ""))
    if isinstance(args, tuple):  # beat: "Scheduler: Sending due task %s (%s)" % (entry name, task)
        return str(args[-1]) if args else ""
    return ""


class QuietSweeps(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or _task_named(record.args) not in QUIET_TASKS:
            return True
        if record.name == "celery.app.trace":  # "succeeded in 0.01s: <applied>": keep it when it applied some
            return isinstance(record.args, dict) and str(record.args.get("return_value")) not in ("0", "None")
        return False


def apply() -> None:
    quiet = QuietSweeps()
    for name in LOGGERS:
        logging.getLogger(name).addFilter(quiet)
