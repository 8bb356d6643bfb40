"""Model fields whose values are encrypted at rest with Fernet.

Keys come from settings.FIELD_ENCRYPTION_KEYS, newest first: values are written
with the first key and read with any of them, so a new key can be put in front
and old rows re-encrypted later (``manage.py rotate_encryption_keys``).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS to encrypt vendor credentials.")
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with any key in FIELD_ENCRYPTION_KEYS; was a key removed?"
        ) from exc


class EncryptedTextField(models.TextField):
    """A string stored as a Fernet token. Not searchable, by design."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        # An empty value is stored in clear and read back as it was: "" stays "", never None.
        return value if not value else decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        return None if value is None else ("" if value == "" else encrypt(value))


class EncryptedJSONField(models.TextField):
    """A JSON object stored as a Fernet token."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> dict | None:
        return None if value is None or value == "" else json.loads(decrypt(value))

    def to_python(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) and value else value

    def get_prep_value(self, value: Any) -> str | None:
        return None if value is None else encrypt(json.dumps(value, sort_keys=True))

    def value_to_string(self, obj: models.Model) -> str:
        return ""  # never serialized (dumpdata) in clear
