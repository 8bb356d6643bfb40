"""The OpenAPI schema: generated without a warning, valid, and complete."""

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

PATHS = {
    "/api/v1/jobs/": {"get"},
    "/api/v1/jobs/{id}/": {"get"},
    "/api/v1/jobs/{job_pk}/stages/": {"get"},
    "/api/v1/jobs/{job_pk}/applications/": {"get"},
    "/api/v1/applications/move/": {"post"},
    "/api/v1/candidates/{id}/": {"get"},
    "/api/v1/assessments/": {"get"},
    "/api/v1/bulk-sends/": {"post"},
    "/api/v1/bulk-sends/{id}/": {"get"},
    "/api/v1/invitations/": {"get"},
    "/api/v1/invitations/{id}/": {"get"},
    "/api/v1/invitations/{id}/results/": {"get"},
    "/api/v1/interviews/": {"get"},
    "/api/v1/interviews/{id}/": {"get"},
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("openapi") / "schema.yml"
    GENERATOR_STATS.reset()  # warnings of schemas served earlier in this process are not this run's
    call_command("spectacular", "--file", str(path), "--validate", "--fail-on-warn")
    return yaml.safe_load(path.read_text())


def test_the_schema_validates_and_has_every_endpoint(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Hiring integrations API"
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


def test_the_schema_documents_the_filters_and_the_auth(schema):
    applications = schema["paths"]["/api/v1/jobs/{job_pk}/applications/"]["get"]["parameters"]
    assert {"stage", "q", "page"} <= {p["name"] for p in applications}
    invitations = schema["paths"]["/api/v1/invitations/"]["get"]["parameters"]
    assert {"state", "assessment", "vendor", "application"} <= {p["name"] for p in invitations}
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_schema_offers_no_vendor_account_nor_any_secret(schema):
    assert not [path for path in schema["paths"] if "account" in path or "webhook" in path]
    components = schema["components"]["schemas"]
    assert not [name for name in components if "Account" in name]
    fields = {name for component in components.values() for name in component.get("properties", {})}
    assert not fields & {"credentials", "webhook_secret", "webhook_token", "account", "payload", "raw"}


def test_every_operation_declares_its_errors_in_one_body_format(schema):
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "403", "429"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if any(p["in"] == "query" for p in operation.get("parameters", [])) or "requestBody" in operation:
                assert "400" in responses, (method, path)
            for code, response in responses.items():
                if int(code) >= 400:
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"
                    }, (method, path, code)
            assert "Retry-After" in responses["429"]["headers"]


def test_nullable_fields_are_nullable_and_stored_emails_claim_no_format(schema):
    components = schema["components"]["schemas"]
    assert components["ApplicationInvitation"]["properties"]["score"]["nullable"] is True
    assert components["BulkSend"]["properties"]["created_by"]["nullable"] is True
    assert "format" not in components["InvitedCandidate"]["properties"]["email"]
    assert "format" not in components["CandidateSummary"]["properties"]["email"]


def test_request_bodies_state_their_minimums_and_ids_are_integers(schema):
    components = schema["components"]["schemas"]
    move = components["MoveApplicationsRequest"]["properties"]
    assert move["applications"]["minItems"] == 1
    assert (move["applications"]["items"]["type"], move["applications"]["items"]["minimum"]) == ("integer", 1)
    assert (move["stage"]["type"], move["stage"]["minimum"]) == ("integer", 1)
    send = components["SendAssessmentRequest"]["properties"]
    assert send["applications"]["minItems"] == 1
    assert send["assessment"]["type"] == "integer"
    page = next(p for p in schema["paths"]["/api/v1/invitations/"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1
