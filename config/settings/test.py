"""Test settings: the same environment switches as production, plus speed-ups.

Without DATABASE_URL / CELERY_BROKER_URL / REDIS_URL the suite runs on SQLite, the
filesystem broker and a file cache, each in a temporary folder of its own.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# Two keys, so that the suite reads rows written with an older key as after a rotation.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "Vb0bEQUtd6hwqFgOk6Kgzc9ptNVQ7FyfGUJCZN4W4eo=,hD3O3Cc1Q0FVNyrqzJfDaOh3hJMSRIF3TyzhDoqf7Ro=",
)
# High enough for the fuzzing run; the throttling tests lower it.
os.environ.setdefault("API_THROTTLE_RATE", "100000/min")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="hiring-test-"))

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
WHITENOISE_AUTOREFRESH = True
# The suite posts thousands of webhooks from 127.0.0.1; the limit's own tests set a small one.
WEBHOOK_RATE_LIMIT = env.str("WEBHOOK_RATE_LIMIT", default="100000/minute")
REQUIRE_SERVICES = env.bool("REQUIRE_SERVICES", default=False)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared-cache memory: worker threads and worker processes see the test's rows,
    # and WAL lets them write without locking whole tables.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    # Worker and server threads close their connection after each task or request, so the
    # test database can be dropped at the end of the run.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
