# The ATS side drives the same pipeline: its tests share the integrations fixtures.
from tests.integrations.conftest import applicants, control, make_account, mapped_stage, run_tasks  # noqa: F401
