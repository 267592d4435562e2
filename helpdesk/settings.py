"""Settings, read from the environment.

With no ``DATABASE_URL`` / ``REDIS_URL`` the helpdesk runs on the embedded default: SQLite in ``var/`` and
Celery's filesystem transport (a broker that needs no server, shared by every process on this machine).
With them set it runs on PostgreSQL and Redis.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HELPDESK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# --- Production switch ----------------------------------------------------------------------------------
# HELPDESK_ENV=production turns on every secure default below (HTTPS only, secure cookies, HSTS) and refuses
# to start without DJANGO_SECRET_KEY or with DJANGO_DEBUG on. Each default can still be set one by one.
HELPDESK_ENV = os.environ.get("HELPDESK_ENV", "development").strip().lower() or "development"
if HELPDESK_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"HELPDESK_ENV must be 'development' or 'production', not {HELPDESK_ENV!r}.")
PRODUCTION = HELPDESK_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "HELPDESK_ENV=production with DJANGO_DEBUG on: debug pages show settings and code to anyone. Unset DJANGO_DEBUG."
    )


def local_secret_key(path: Path) -> str:
    """The key this machine generated on its first run, kept in ``path`` (created now if missing).

    The embedded default needs a secret that no one else knows (sessions, CSRF, the buyers' tracking and survey
    links are signed with it) and that survives a restart (or every link sent would break). Several processes
    start at once under ``make run``: the first to link its file into place wins, the others read that one.
    """
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass
    finally:
        candidate.unlink()
    return path.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip()
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "HELPDESK_ENV=production needs DJANGO_SECRET_KEY: a long random value kept secret and the same on every "
            "web node and worker (it signs sessions and the buyers' tracking and survey links). Generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = local_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
CSRF_FAILURE_VIEW = "helpdesk.csrf.csrf_failure"  # the buyer's tracking page keeps the buyer's layout

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "core",
    "accounts",
    "audit",
    "customers",
    "notifications",
    "tickets",
    "complaints",
    "aftersales",
    "integrations",
    "webhooks",
    "surveys",
    "workforce",
    "replies",
    "knowledge",
    "reports",
    "helpdesk",  # the project's own commands (seed_demo)
]

MIDDLEWARE = [
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.MalformedInputMiddleware",  # query strings and form bodies that are not text: 400
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last (django-axes): turns a login refused during a lockout into the lockout page or error.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
ASGI_APPLICATION = "helpdesk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "accounts.context_processors.user_role",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    # The web process runs under ASGI, where Django's persistent connections are not reused between requests
    # (each request's thread may differ) and pile up until PostgreSQL refuses new ones: bench/api_bench.py
    # saw 98 open connections and 500s under load with 60 s. So: one connection per request (0), and a
    # pooler (PgBouncer) in front of PostgreSQL when deploying past one machine.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")), conn_health_checks=True
        )
    }
    if os.environ.get("DB_POOLER", "").strip().lower() == "pgbouncer":
        # Behind PgBouncer in transaction mode consecutive statements may reach different server connections:
        # no prepared statements (psycopg prepares a query run five times) and no server-side cursors.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "helpdesk.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one file: wait for the write lock rather than fail. Also for a
    # SQLite DATABASE_URL (a scratch database): without these, two requests writing at once (the ticket page's
    # presence heartbeats) failed with "database is locked" 500s.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
# The reports' covering index INCLUDEs columns on PostgreSQL; SQLite (the embedded default) makes it a plain
# index and says so on every command. That is expected, so the warning is off.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Broker and cache -----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip()
# A Redis broker that hangs rather than refuses (a dead host, a half-open connection) must not hang the
# requests that queue work: without timeouts a publish waited forever. The worker's BRPOP waits 1 s at a time.
REDIS_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"socket_connect_timeout": 2.0, "socket_timeout": 5.0}
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if REDIS_URL:
    CELERY_BROKER_URL = BROKER_URL or REDIS_URL
    if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # The cache is on the request path (rate limits): an unreachable Redis must cost a request at most
            # this long, once, before the callers fall back (integrations.ratelimit), never hang it.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "broker-control").mkdir(parents=True, exist_ok=True)
    # The filesystem transport ignores the host, but kombu warns "No hostname was supplied. Reverting to default
    # 'localhost'" on every connection (each process, each health check) when the URL names none.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "broker-control"),
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
SLA_SWEEP_SECONDS = float(os.environ.get("SLA_SWEEP_SECONDS", "10"))
# Presence (workforce): an online or busy agent idle this long in every page becomes away; a page whose heartbeat
# (every 30 s) stops for this long is gone, and an agent with no page left becomes offline.
PRESENCE_IDLE_AWAY_MINUTES = float(os.environ.get("PRESENCE_IDLE_AWAY_MINUTES", "10"))
PRESENCE_HEARTBEAT_TIMEOUT_SECONDS = float(os.environ.get("PRESENCE_HEARTBEAT_TIMEOUT_SECONDS", "120"))
PRESENCE_SWEEP_SECONDS = float(os.environ.get("PRESENCE_SWEEP_SECONDS", "30"))
AUTOASSIGN_SWEEP_SECONDS = float(os.environ.get("AUTOASSIGN_SWEEP_SECONDS", "15"))
CELERY_BEAT_SCHEDULE = {
    "sla-sweep": {
        "task": "tickets.tasks.sla_sweep_task",
        "schedule": SLA_SWEEP_SECONDS,
        # A sweep that could not start in time is pointless: the next one finds the same work.
        "options": {"expires": max(SLA_SWEEP_SECONDS * 3, 30)},
    },
    "idempotency-purge": {"task": "integrations.tasks.idempotency_purge_task", "schedule": 3600.0},
    "webhook-purge": {"task": "webhooks.tasks.webhook_purge_task", "schedule": 86400.0},
    # The webhook outbox relay: sends deliveries that are due (new ones whose enqueue was lost, and retries).
    "webhook-relay": {
        "task": "webhooks.tasks.webhook_relay_task",
        "schedule": float(os.environ.get("WEBHOOK_RELAY_SECONDS", "10")),
        "options": {"expires": 60},
    },
    # E-mails whose task was never queued (the broker was down at commit): escalations, notifications and
    # survey invitations the database knows are unsent, found and sent once (tickets, notifications, surveys).
    **{
        f"{name}-email-recovery": {
            "task": task,
            "schedule": float(os.environ.get("EMAIL_RECOVERY_SECONDS", "60")),
            "options": {"expires": 120},
        }
        for name, task in (
            ("escalation", "tickets.tasks.escalation_email_recovery_task"),
            ("notification", "notifications.tasks.notification_email_recovery_task"),
            ("survey", "surveys.tasks.survey_invitation_email_recovery_task"),
        )
    },
    # Presence and auto-assignment (workforce): sessions gone quiet go offline; the auto-assignment safety net.
    "presence-sweep": {
        "task": "workforce.tasks.presence_sweep_task",
        "schedule": PRESENCE_SWEEP_SECONDS,
        "options": {"expires": PRESENCE_SWEEP_SECONDS * 2},
    },
    "autoassign-sweep": {
        "task": "workforce.tasks.autoassign_sweep_task",
        "schedule": AUTOASSIGN_SWEEP_SECONDS,
        "options": {"expires": AUTOASSIGN_SWEEP_SECONDS * 2},
    },
}
# Webhook sends wait on other people's servers: they run on their own queue and worker (Procfile "webhooks").
CELERY_TASK_ROUTES = {"webhooks.tasks.*": {"queue": "webhooks"}}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Auth -----------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# django-axes first: a user or address locked out is refused before any password is checked (the right one too).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout (django-axes) for /login/, /admin/login/ and POST /api/v1/auth/token/. After LOGIN_FAILURE_LIMIT
# failed logins, each less than LOGIN_LOCKOUT_MINUTES after the one before, the username is locked (from every
# address) and so is the address (for every username), until LOGIN_LOCKOUT_MINUTES after the last failure.
# Attempts are rows in the database (AccessAttempt, in the admin: delete one to unlock), so every web process
# and node sees the same count on SQLite and PostgreSQL alike.
AXES_ENABLED = env_bool("LOGIN_LOCKOUT", True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Retrying during a lockout does not extend it, and a success does not wipe the address's failures (else one
# attacker with an account of their own could reset the count between guesses at someone else's).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
AXES_VERBOSE = False
# The number of proxies (load balancer, nginx) in front of the web process that append to X-Forwarded-For:
# the client's address is the one they saw. 0: the address of the connection itself.
HELPDESK_TRUSTED_PROXIES = int(os.environ.get("HELPDESK_TRUSTED_PROXIES", "0"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:inbox"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

# --- Static files ---------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Chart.js for the reports dashboard, installed from npm by `make install` (package-lock.json).
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# The address buyers reach the helpdesk at (for private tracking links in messages to them).
HELPDESK_PUBLIC_URL = os.environ.get("HELPDESK_PUBLIC_URL", "http://127.0.0.1:8000")

# Complaints: how long after resolution the follow-up call (回访) is due.
COMPLAINT_FOLLOW_UP_HOURS = float(os.environ.get("COMPLAINT_FOLLOW_UP_HOURS", "24"))

# Satisfaction surveys: a low score (≤ 2 on any question) opens a manager follow-up due this many hours later.
SURVEY_FOLLOW_UP_HOURS = float(os.environ.get("SURVEY_FOLLOW_UP_HOURS", "24"))

# --- Live notifications ---------------------------------------------------------------------------------
# The bell's event stream (/notifications/stream/) ends after this many seconds and the browser reconnects
# (EventSource does so by itself, resuming after the last event), so no connection holds a worker forever.
NOTIFICATIONS_STREAM_SECONDS = float(os.environ.get("NOTIFICATIONS_STREAM_SECONDS", "55"))
# How often an open stream re-reads the database: without Redis this is how news arrives; with Redis a
# pub/sub message wakes the stream at once and the slower poll only covers a lost message.
NOTIFICATIONS_POLL_SECONDS = 3.0
NOTIFICATIONS_FALLBACK_POLL_SECONDS = 20.0
NOTIFICATIONS_HEARTBEAT_SECONDS = 15.0

# --- Collision detection on the ticket page (issue 15) --------------------------------------------------
# A viewer whose page has not sent its heartbeat (every 10 s) for this long no longer counts as viewing.
TICKET_VIEWER_TIMEOUT_SECONDS = float(os.environ.get("TICKET_VIEWER_TIMEOUT_SECONDS", "30"))
# The ticket page's live stream (/tickets/<id>/live/) re-reads the database this often without Redis (with
# Redis a wake-up comes at once; the slower poll notices typing and viewers that expire by themselves).
TICKET_LIVE_POLL_SECONDS = 2.0
TICKET_LIVE_FALLBACK_POLL_SECONDS = 5.0

# --- Uploads (after-sales evidence) ---------------------------------------------------------------------
# Evidence is customer data: it is served only through an authenticated view, never from a public URL.
MEDIA_ROOT = Path(os.environ.get("HELPDESK_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# `manage.py backup` writes here unless told otherwise (helpdesk/backups.py).
HELPDESK_BACKUP_DIR = Path(os.environ.get("HELPDESK_BACKUP_DIR", VAR_DIR / "backups"))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Ticket attachments (issue 16, docs/attachments.md): agents' replies and notes, buyers' photos on the tracking
# page and the help centre. Each file at most this size; at most this many files on one message.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
ATTACHMENT_MAX_PER_MESSAGE = int(os.environ.get("ATTACHMENT_MAX_PER_MESSAGE", "10"))
# How long a download link in a webhook (ticket.updated, change.message.attachments[].url) works.
ATTACHMENT_LINK_MAX_AGE_SECONDS = int(os.environ.get("ATTACHMENT_LINK_MAX_AGE_SECONDS", str(7 * 24 * 3600)))
# Buyers' uploads on the tracking page: at most this many files per ticket per hour (then 429).
TRACKING_UPLOADS_PER_HOUR = int(os.environ.get("TRACKING_UPLOADS_PER_HOUR", "30"))
# The help centre's request form: at most this many submissions per client address per hour (then 429).
HELP_REQUESTS_PER_HOUR = int(os.environ.get("HELP_REQUESTS_PER_HOUR", "5"))
# Help-centre "was this helpful?" votes per client address an hour (one per browser and article besides).
KB_FEEDBACK_PER_HOUR = int(os.environ.get("KB_FEEDBACK_PER_HOUR", "30"))
# A request body (JSON, or a form's fields; files aside, they have EVIDENCE_MAX_BYTES each) over this is a 413
# before it is parsed (core.parsers). A bulk sync of 500 orders with ten lines each is about 2 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Where the file backend (make run's) writes one file per batch of messages.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "helpdesk@localhost")
# Seconds an SMTP connection may take (Django's default waits forever). A send holds its row's lock, so that
# the task and the recovery never mail the same thing twice: this bounds how long.
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "30"))
# The recovery of lost e-mails (core.enqueue.lost_enqueue_window): an unsent e-mail older than this many
# seconds is taken as lost (its task runs within seconds when the broker is up) …
EMAIL_RECOVERY_AFTER_SECONDS = 60.0
# … and one older than this many hours is left alone (news that late is noise).
EMAIL_RECOVERY_MAX_AGE_HOURS = float(os.environ.get("EMAIL_RECOVERY_MAX_AGE_HOURS", "24"))

# --- REST API -------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # ApiKeyScope: an API key may only call views that name a scope it holds (integrations.permissions).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "integrations.permissions.ApiKeyScope",
    ],
    "DEFAULT_SCHEMA_CLASS": "helpdesk.schema.HelpdeskAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only, with a nesting limit and no lone surrogates (core.parsers): every view, the token one too. The
    # evidence upload alone takes multipart. A form version of a nested body cannot carry it (and generated
    # clients crash building one), so the schema offers none: another Content-Type is a 415.
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        # One applies to each request: a key's own limit, else the staff limit, else the anonymous one.
        "integrations.throttling.ApiKeyRateThrottle",
        "integrations.throttling.StaffRateThrottle",
        "integrations.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_THROTTLE_USER", "1200/min"),
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": "Tickets (inquiries, complaints, after-sales requests) with SLA timers, for shop-platform integrations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "DEFAULT_GENERATOR_CLASS": "helpdesk.schema.HelpdeskSchemaGenerator",  # one language, see there
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helpdesk.schema.document_operations",  # summaries, descriptions, tags, servers (helpdesk.api_docs)
    ],
    "LICENSE": {"name": "Proprietary"},
    # 3.1 for the "webhooks" section: the payloads we POST to platforms (webhooks.schema).
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": [
        "webhooks.schema.ticket_created",
        "webhooks.schema.ticket_updated",
        "webhooks.schema.ticket_escalated",
        "webhooks.schema.ticket_resolved",
        "webhooks.schema.aftersales_status_changed",
        "webhooks.schema.survey_completed",
    ],
    # <id:pk> (core.converters): an integer row id, 1 … 2⁶³−1; anything else is a 404.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {
        "TicketStatusEnum": "tickets.enums.TicketStatus",
        "TicketCategoryEnum": "tickets.enums.Category",
        "TicketKindEnum": "tickets.enums.TicketKind",
        "EvidenceKindEnum": "aftersales.enums.EvidenceKind",
        "OrderStatusEnum": "customers.enums.OrderStatus",
        "PlatformEnum": "core.platforms.Platform",
        "ComplaintCategoryEnum": "complaints.models.COMPLAINT_CATEGORIES",
        "WebhookDeliveryStatusEnum": "webhooks.enums.DeliveryStatus",
        "WebhookEventTypeEnum": "webhooks.enums.WebhookEventType",
        "EscalationTargetEnum": "tickets.enums.EscalationTarget",  # issue 15 (help requests): not SlaTarget
        "ChannelEnum": "tickets.enums.Channel",
        "TierEnum": "customers.enums.CustomerTier",
        "PriorityEnum": "tickets.enums.Priority",
        "PresenceStatusEnum": "workforce.enums.PresenceStatus",
        "WordingRuleKindEnum": "replies.models.wording.WordingRuleKind",  # issue 16 (wording checks)
        "WordingMatchEnum": "replies.models.wording.WordingMatch",
        "ArticleStatusEnum": "knowledge.enums.ArticleStatus",
        "ArticleAudienceEnum": "knowledge.enums.Audience",
    },
}

# Integrations: how long an Idempotency-Key's first response is kept for replay (never less than 24 h).
IDEMPOTENCY_KEY_TTL_HOURS = float(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "48"))

# Webhooks: each attempt's timeout; how long a failing delivery is retried (never less than 24 h); whether
# endpoints may point at private or loopback addresses (development only: it lets a webhook reach our network).
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_RETRY_HOURS = float(os.environ.get("WEBHOOK_RETRY_HOURS", "25"))
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
WEBHOOK_RETENTION_DAYS = float(os.environ.get("WEBHOOK_RETENTION_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.log_filters.RequestIdFromRecord"},
        "forbidden_one_line": {"()": "core.log_filters.ForbiddenOneLine"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # A 403 is one line (method, path, user, request id), not the PermissionDenied traceback.
        "django.request": {"filters": ["forbidden_one_line"]},
        # django-axes says "login failed" and "cleaned up 0 attempts" at INFO on every try; its WARNINGs (repeated
        # failures, a lockout) are the ones worth reading.
        "axes": {"level": "WARNING"},
        # Celery's routine lines: "Task … received", "Task … succeeded" and beat's "Sending due task" — six
        # lines every ten seconds from the sweep and the webhook relay alone. Failures are still logged (ERROR);
        # set CELERY_TASK_LOG_LEVEL=INFO to see every task run.
        **{
            name: {"level": os.environ.get("CELERY_TASK_LOG_LEVEL", "WARNING")}
            for name in ("celery.app.trace", "celery.worker.strategy", "celery.beat")
        },
    },
}

if not DEBUG:
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp) ---------------------------------------------------------------
# Scripts, styles, images, fonts and connections from this site only: no inline script, no event-handler
# attribute, no style attribute, nothing from a CDN. The API docs (Swagger UI) relax styles and images on their
# own view (helpdesk/urls.py). HELPDESK_CSP_REPORT_ONLY=true sends it as Content-Security-Policy-Report-Only instead.
_csp = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
HELPDESK_CSP_REPORT_ONLY = env_bool("HELPDESK_CSP_REPORT_ONLY", False)
if HELPDESK_CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

# --- HTTPS (HELPDESK_ENV=production turns each on; each can be set alone) -------------------------------
# Behind a TLS-terminating proxy or load balancer, Django sees plain HTTP: the proxy says what the browser used
# in this header, which it must set itself (overwriting what a client sent). Empty turns it off.
_proxy_ssl_header = os.environ.get("HELPDESK_PROXY_SSL_HEADER", "X-Forwarded-Proto" if PRODUCTION else "").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env_bool("HELPDESK_SSL_REDIRECT", PRODUCTION)
# /healthz answers the load balancer's plain-HTTP probe rather than redirecting it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("HELPDESK_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("HELPDESK_HSTS_SECONDS", str(365 * 24 * 3600 if PRODUCTION else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HELPDESK_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("HELPDESK_HSTS_PRELOAD", PRODUCTION)
