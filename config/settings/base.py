"""Settings, read from the environment (see .env.example).

With nothing set the app runs on embedded defaults: SQLite and a filesystem
Celery broker under ``var/``, a file cache, and the local vendor sandbox.
DATABASE_URL, CELERY_BROKER_URL and REDIS_URL switch to PostgreSQL and Redis.
"""

import base64
import hashlib
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(str(BASE_DIR / ".env"))
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
# No default outside debug: a production deployment must set its own key.
SECRET_KEY = env.str("SECRET_KEY") if not DEBUG else env.str("SECRET_KEY", default="dev-only-insecure-key")
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "candidates",
    "integrations",
    "integrations.ats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL and immediate transactions avoid "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by the web process and the workers, unlike the local-memory one.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Past the default 300 entries it deletes a third at random, the worker's heartbeat included;
            # the status page's counters alone keep a few dozen per vendor key.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# --- Auth ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "candidates:job-list"
LOGOUT_REDIRECT_URL = "login"

# --- Recruiter pages -----------------------------------------------------------
# The job page's filters: the pipeline's own plus the invitations' (state, vendor, assessment).
JOB_PAGE_FILTERSET = "integrations.filters.JobApplicationFilter"

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security ----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

# --- Celery ------------------------------------------------------------------
# The host names nothing (the folders below do), but without one kombu warns on every task a task sends.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: a broker that needs no server, shared by processes on one machine.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # A countdown longer than the visibility timeout would be delivered twice on Redis.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_IMPORTS = ("config.tasks",)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs; the integrations app adds its polling jobs here.
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "config.tasks.heartbeat", "schedule": 30.0},
    # The webhook outbox's only path to a worker (the web process publishes nothing): applied within ~1 s.
    # A sweep still queued when the next one is due is dropped, so a busy worker never piles them up.
    "apply-pending-webhooks": {
        "task": "integrations.tasks.apply_pending_webhooks",
        "schedule": env.float("WEBHOOK_SWEEP_EVERY", default=1.0),
        "options": {"expires": env.float("WEBHOOK_SWEEP_EVERY", default=1.0)},
    },
    "requeue-stale-sends": {
        "task": "integrations.tasks.requeue_stale_sends",
        "schedule": env.float("INVITE_SWEEP_EVERY", default=15.0),
    },
    "poll-statuses": {"task": "integrations.tasks.poll_statuses", "schedule": env.float("POLL_INTERVAL", default=30.0)},
    "enforce-deadlines": {"task": "integrations.tasks.enforce_deadlines", "schedule": 900.0},
    "pull-merge-links": {"task": "integrations.ats.tasks.pull_merge_links", "schedule": 300.0},
    # Keys that stopped working show in the admins' and recruiters' banners within a day, unused or not.
    "check-credentials": {"task": "integrations.tasks.check_credentials", "schedule": 86_400.0},
}
WORKER_HEARTBEAT_STALE_AFTER = 120  # seconds without a heartbeat before the status page says so

# --- Vendors -----------------------------------------------------------------
# Fernet keys for vendor credentials and webhook secrets, newest first (rotate by prepending).
# Debug derives one from SECRET_KEY; production must set its own, independent of SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS and DEBUG:
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha256(f"field-encryption:{SECRET_KEY}".encode()).digest()).decode()
    ]
# Every vendor call has a timeout: (connect, read) seconds.
VENDOR_HTTP_TIMEOUT = (env.float("VENDOR_CONNECT_TIMEOUT", default=5.0), env.float("VENDOR_READ_TIMEOUT", default=30.0))
# Requests per vendor key, shared by every worker. Empty: the limit the vendor documents
# (intervue.io: 50 per minute), or none where no document gives one (the vendor's 429 and
# Retry-After slow us down instead). Set one only to stay below a limit agreed with the vendor.
VENDOR_RATE_LIMITS = {
    "wedgehr": env.str("WEDGEHR_RATE_LIMIT", default=""),
    "hireflix": env.str("HIREFLIX_RATE_LIMIT", default=""),
    "intervue": env.str("INTERVUE_RATE_LIMIT", default=""),
    "merge": env.str("MERGE_RATE_LIMIT", default=""),
}
# How long a worker waits for a free slot before handing the wait to Celery (a retry with countdown).
VENDOR_RATE_LIMIT_MAX_WAIT = env.float("VENDOR_RATE_LIMIT_MAX_WAIT", default=5.0)
# Sending invitations: retries with exponential backoff (seconds) and jitter, then give up.
INVITE_MAX_RETRIES = env.int("INVITE_MAX_RETRIES", default=8)
INVITE_RETRY_BACKOFF = env.float("INVITE_RETRY_BACKOFF", default=2.0)
INVITE_RETRY_BACKOFF_MAX = env.float("INVITE_RETRY_BACKOFF_MAX", default=300.0)
# A send claimed less than this ago may still be in flight on another worker: not "in doubt" yet.
INVITE_IN_DOUBT_GRACE = env.float("INVITE_IN_DOUBT_GRACE", default=VENDOR_HTTP_TIMEOUT[0] + VENDOR_HTTP_TIMEOUT[1] + 5)
# After an attempt that ended with an answer lost (every request of it over), how long the vendor
# may still be applying what it received before a lookup's "not found" is trusted.
INVITE_SETTLE_AFTER = env.float("INVITE_SETTLE_AFTER", default=10.0)
# A queued invitation no task ever claimed for this long lost its task (a broker that lost it); beat re-enqueues it.
INVITE_STALE_AFTER = env.int("INVITE_STALE_AFTER", default=600)
# A send's lease: the task holding a batch renews it every third of this while it works, and a retry
# waiting for its countdown holds it until then plus this. Past it, the worker died: the sweep
# (every INVITE_SWEEP_EVERY seconds) re-enqueues the send within about this plus the sweep interval.
INVITE_LEASE = env.float("INVITE_LEASE", default=30.0)
# How long a send re-enqueued by the sweep may wait in the broker before it counts as lost again.
INVITE_REQUEUE_WAIT = env.float("INVITE_REQUEUE_WAIT", default=60.0)
# A webhook vendor's invitation unchanged for this long gets polled as a fallback.
WEBHOOK_OVERDUE_AFTER = env.int("WEBHOOK_OVERDUE_AFTER", default=900)
# A webhook body larger than this is refused with a 413 before it is read.
WEBHOOK_MAX_BODY_BYTES = env.int("WEBHOOK_MAX_BODY_BYTES", default=1_000_000)
# Of a delivery that fails authentication only this many bytes are kept (with its length and SHA-256).
WEBHOOK_UNAUTHENTICATED_BODY_BYTES = env.int("WEBHOOK_UNAUTHENTICATED_BODY_BYTES", default=4096)
# Deliveries per source address, counted in the cache before anything is stored; over it, 429.
# Generous: a vendor's own burst (one event per invitation of a bulk send) must pass. Empty: no limit.
WEBHOOK_RATE_LIMIT = env.str("WEBHOOK_RATE_LIMIT", default="600/minute")
# Behind a proxy every delivery comes from the proxy: name the header it sets (e.g. X-Forwarded-For).
WEBHOOK_CLIENT_ADDRESS_HEADER = env.str("WEBHOOK_CLIENT_ADDRESS_HEADER", default="")
# A webhook event dated longer ago than this is kept but never applied (a replay, however well signed).
# The vendors' documents give no retry horizon; set it to the vendor's if one is agreed.
WEBHOOK_MAX_EVENT_AGE_DAYS = env.float("WEBHOOK_MAX_EVENT_AGE_DAYS", default=5.0)
# The sweep applies accepted webhook events received at least this many seconds ago (0: all of them).
WEBHOOK_APPLY_AFTER = env.float("WEBHOOK_APPLY_AFTER", default=0.0)
# An event that failed to apply this many times is given up (its error kept) instead of retried at every
# sweep; at one sweep a second the default rides out about five minutes of trouble.
WEBHOOK_MAX_APPLY_ATTEMPTS = env.int("WEBHOOK_MAX_APPLY_ATTEMPTS", default=300)
# Public URL of this app, for the webhook addresses shown to admins.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# The local simulators of every vendor; `python manage.py sandbox` serves them here.
SANDBOX_URL = env.str("SANDBOX_URL", default="http://127.0.0.1:8765")

# --- REST API (/api/v1/, schema at /api/schema/, docs at /api/docs/) ---------
# drf_spectacular_sidecar ships Swagger UI's files: /api/docs/ loads nothing from a CDN.
INSTALLED_APPS += ["rest_framework", "rest_framework.authtoken", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: its WWW-Authenticate header turns an anonymous request into a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # The role groups' model permissions, reads included (view_<model>).
    "DEFAULT_PERMISSION_CLASSES": ["candidates.api.permissions.RolePermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON only: ids in a body are JSON integers, never strings a form would carry.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # One error body for every error: `detail`, plus the refused fields of a 400.
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    # Per API token, answered 429 with Retry-After; e.g. API_THROTTLE_RATE=600/min (empty: no limit).
    "DEFAULT_THROTTLE_CLASSES": ["config.api.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_THROTTLE_RATE", default="600/min") or None},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hiring integrations API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "The hiring pipeline (jobs, stages, applications, candidates) and its assessment invitations. "
        "Authenticate with `Authorization: Token <key>`; vendor keys and results are never served here."
    ),
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The errors every operation can answer, in one body format (config.api.ERROR_SCHEMA).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.add_error_responses",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets shared by several fields, or several choice sets under one field name, named once.
    "ENUM_NAME_OVERRIDES": {
        "InvitationStateEnum": "integrations.states.InvitationState",
        "StageKindEnum": "candidates.models.Stage.Kind",
        "AssessmentKindEnum": "integrations.models.AssessmentKind",
    },
}
# --- end REST API ------------------------------------------------------------

# --- Logging -----------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The embedded defaults keep their files here.
VAR_DIR.mkdir(parents=True, exist_ok=True)
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
