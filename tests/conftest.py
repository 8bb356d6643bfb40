import pytest

from integrations.sandbox.server import RunningSandbox, start_in_thread


@pytest.fixture(scope="session")
def sandbox_server() -> RunningSandbox:
    """One sandbox for the whole session, on a free port."""
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture
def sandbox(sandbox_server: RunningSandbox) -> RunningSandbox:
    """The sandbox with every vendor back to its seeded state."""
    sandbox_server.app.hub.reset()
    return sandbox_server
