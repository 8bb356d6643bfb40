# The ATS side drives the same pipeline: its tests share the integrations fixtures.
import pytest
import requests

from integrations.ats.client import User
from integrations.ats.links import client_for
from integrations.models import MergeLink
from integrations.sandbox.merge import API_KEY
from tests.integrations.conftest import applicants, control, make_account, mapped_stage, run_tasks  # noqa: F401


@pytest.fixture
def merge_control(sandbox):
    def call(method, path, **body):
        answer = requests.request(method, f"{sandbox.url}/_control/merge{path}", json=body, timeout=10)
        assert answer.status_code < 300, answer.text
        return answer.json()

    return call


@pytest.fixture
def make_link(sandbox, merge_control):
    """A MergeLink to one of the sandbox's linked accounts, acting as that ATS's first user."""
    tokens = {a["integration"]: a["account_token"] for a in merge_control("GET", "/accounts")}

    def make(ats_name="Greenhouse", **fields):
        defaults = {
            "name": f"Acme {ats_name}",
            "ats_name": ats_name,
            "base_url": f"{sandbox.url_for('merge')}/api/ats/v1",
            "api_key": API_KEY,
            "account_token": tokens[ats_name],
        }
        link = MergeLink(**{**defaults, **fields})
        if not link.remote_user_id:
            link.remote_user_id = User.from_api(client_for(link).http.get_json("/users")["results"][0]).id
        link.save()
        return link

    return make
