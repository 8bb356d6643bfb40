"""Test settings: the same environment switches as production, plus speed-ups.

Without DATABASE_URL / CELERY_BROKER_URL / REDIS_URL the suite runs on SQLite, the
filesystem broker and a file cache, each in a temporary folder of its own.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="hiring-test-"))

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
WHITENOISE_AUTOREFRESH = True
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)
