import time
from collections.abc import Callable


def wait_for(predicate: Callable[[], bool], seconds: float = 30.0, every: float = 0.1) -> bool:
    """Poll ``predicate`` until it holds or ``seconds`` pass; for work done by workers and webhooks."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
