"""The docs page at /api/docs/: Swagger UI served from our own static files, nothing from a CDN."""

import re

import pytest
import requests
from django.urls import reverse

pytestmark = pytest.mark.django_db

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def test_the_docs_page_asks_a_visitor_to_sign_in(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_docs_page_and_every_asset_it_loads_are_served_here(recruiter_client, live_server):
    response = recruiter_client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SwaggerUIBundle" in html
    assert reverse("api:schema") in html  # the schema it renders is ours

    assets = ASSET.findall(html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    assert not re.search(r"https?://", html)  # no CDN, no host at all: it renders offline
    for asset in assets:
        assert asset.startswith("/static/drf_spectacular_sidecar/"), asset
        fetched = requests.get(f"{live_server.url}{asset}", timeout=10)
        assert fetched.status_code == 200, asset
        assert len(fetched.content) > 100, asset


def test_the_schema_the_page_reads_is_served_to_its_session(recruiter_client):
    response = recruiter_client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/interviews/" in response.json()["paths"]
