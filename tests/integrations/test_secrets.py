"""Vendor keys: encrypted at rest, readable across a key rotation, never shown or logged."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from integrations.fields import _fernet
from integrations.models import MergeLink, VendorAccount
from tests.factories import VendorAccountFactory

pytestmark = pytest.mark.django_db

KEY = "live-key-7f3a9c2e1b"


def stored(column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM integrations_vendoraccount WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def fresh_fernet():
    _fernet.cache_clear()
    yield
    _fernet.cache_clear()


def test_keys_are_stored_as_ciphertext(fresh_fernet):
    account = VendorAccountFactory(credentials={"api_token": KEY}, webhook_secret="whsec-plain")
    assert KEY not in stored("credentials", account.pk)
    assert "whsec-plain" not in stored("webhook_secret", account.pk)
    assert VendorAccount.objects.get(pk=account.pk).credentials == {"api_token": KEY}
    assert VendorAccount.objects.get(pk=account.pk).webhook_secret == "whsec-plain"


def test_rotating_the_key_keeps_old_rows_readable(settings, fresh_fernet):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    account = VendorAccountFactory(credentials={"api_token": KEY})
    link = MergeLink.objects.create(name="ATS", api_key=KEY, account_token="token-1")
    written_with_old = stored("credentials", account.pk)

    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # the new key goes in front
    assert VendorAccount.objects.get(pk=account.pk).credentials == {"api_token": KEY}

    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert stored("credentials", account.pk) != written_with_old
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can now be dropped
    assert VendorAccount.objects.get(pk=account.pk).credentials == {"api_token": KEY}
    assert MergeLink.objects.get(pk=link.pk).api_key == KEY


def test_a_key_appears_in_no_repr_admin_page_or_log(integration_admin_client, sandbox, caplog):
    account = VendorAccountFactory(
        vendor="wedgehr", base_url=sandbox.url_for("wedgehr"), credentials={"api_token": "not-the-real-token-123"}
    )
    secret = "not-the-real-token-123"
    assert secret not in repr(account)
    assert secret not in repr(account.client())
    assert secret not in repr(account.client().config)

    caplog.set_level(logging.DEBUG)
    page = integration_admin_client.get(reverse("admin:integrations_vendoraccount_change", args=[account.pk]))
    assert page.status_code == 200
    assert secret not in page.content.decode()
    assert "Saved. Leave empty to keep it" in page.content.decode()
    integration_admin_client.post(reverse("admin:integrations_vendoraccount_test", args=[account.pk]))
    assert secret not in caplog.text
    assert "wedgehr GET" in caplog.text  # the vendor calls are logged, without their headers
