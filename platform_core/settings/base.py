"""Settings shared by every environment.

Everything that differs between a laptop and production comes from the environment; each
external part has an embedded default so that ``make run`` works on a fresh machine
(every variable is listed in the README, "Configuration"; the embedded defaults in
docs/architecture.md, "Defaults and scale-out").
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, overload

import dj_database_url
from celery.schedules import crontab
from corsheaders.defaults import default_headers as default_cors_headers

from platform_core.hosts import COUNCIL_DOMAINS
from platform_core.observability import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PLATFORM_VAR_DIR", BASE_DIR / "var"))


@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)

PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", "platform.localhost")
# Councils live at <slug>.<COUNCIL_DOMAIN_SUFFIX>; in development that is northshire.localhost.
COUNCIL_DOMAIN_SUFFIX = env("COUNCIL_DOMAIN_SUFFIX", PLATFORM_DOMAIN.split(".", 1)[-1])
PLATFORM_PORT = env("PLATFORM_PORT", "8000")
# Static host patterns, plus every council domain in the tenants' Domain table (custom domains
# included, no settings change per council): platform_core.hosts.CouncilDomains.
ALLOWED_HOSTS = [
    *(env("ALLOWED_HOSTS") or f".{COUNCIL_DOMAIN_SUFFIX},{PLATFORM_DOMAIN}").split(","),
    COUNCIL_DOMAINS,
]

# --- Tenancy -------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "cms.commons",
    "billing",
    "intelligence.benchmarking",
    "commissioning.fundingregister",
    "commissioning.directoryshare",
    "platform_core",
    # Django and third-party apps that exist in both public and council schemas.
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    # Sign-in lockout: its tables exist in public (platform console) and in every council's
    # schema, so attempts and lockouts are kept per council, like the users they protect.
    "axes",
    # Two-factor sign-in (TOTP) for the platform console. Installed in both schemas, like the
    # users it protects: a device row always sits next to its user.
    "django_otp",
    "django_otp.plugins.otp_totp",
]

TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "rest_framework.authtoken",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "platform_core.audit",
    "platform_core.events",
    # Council apps
    "cms",
    "records",
    "intelligence.warehouse",
    "intelligence.masterdata",
    "commissioning",
    "commissioning.providers",
    "commissioning.markets",
    "commissioning.ledgers",
    "commissioning.funding",
    "commissioning.participation",
    "commissioning.commissions",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Council"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "platform_core.urls_public"
ROOT_URLCONF = "platform_core.urls_tenant"
DEFAULT_NOT_FOUND_TENANT_VIEW = "platform_core.views.unknown_host"
# Councils are provisioned by copying a fully prepared template schema (tenants/template.py,
# tenants/cloning.py), never by django-tenants' own schema creation (auto_create_schema off).
TENANT_TEMPLATE_SCHEMA = "council_template"
# Warm pool (tenants/pool.py): ready copies of the template, so a new council is a rename plus its
# personalisation. Refilled by a task after each use (and every 10 minutes by beat).
TENANT_WARM_POOL_SIZE = int(env("TENANT_WARM_POOL_SIZE", "3"))
TENANT_WARM_POOL_AUTO_REFILL = True

DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# Set the search path only when the schema changes, not before every query (half the queries).
TENANT_LIMIT_SET_CALLS = True


def database_settings() -> dict:
    url = env("DATABASE_URL")
    config: dict[str, Any]
    if url:
        config = dict(
            dj_database_url.parse(
                url,
                conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
            )
        )
    else:
        from platform_core.embedded import embedded_database

        config = embedded_database(VAR_DIR)
    config["ENGINE"] = "django_tenants.postgresql_backend"
    # A persistent connection is checked before a request reuses it: a database restart or a
    # failover costs no request a 500 (issue 17, item 7).
    config["CONN_HEALTH_CHECKS"] = env_bool("DB_CONN_HEALTH_CHECKS", True)
    return {"default": config}


DATABASES = database_settings()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    # Request counts and latency for /metrics (its "after" half is the last middleware).
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # First: /healthz and /readyz answer on any Host and over plain HTTP (probes by pod IP).
    "platform_core.health.HealthMiddleware",
    # /metrics on any Host too (Prometheus scrapes pods by IP): bearer token or internal only.
    "platform_core.metrics.MetricsMiddleware",
    # Outermost: every error under an API path leaves in the JSON error envelope.
    "platform_core.middleware.ApiErrorEnvelopeMiddleware",
    "platform_core.middleware.CouncilTenantMiddleware",
    "platform_core.middleware.RequestContextMiddleware",
    # NUL and control characters in the path, query string or form body: a 400 before any view.
    "platform_core.middleware.BadInputMiddleware",
    # A council's switched-off optional feature answers 404 on its paths (platform_core.features).
    "platform_core.features.FeatureGateMiddleware",
    # Council API calls, page views and uploads metered; 429 past the plan's quota (billing).
    "billing.middleware.UsageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor (the console requires it).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Wagtail's preview (a simulated request for the page) may be framed by the admin only.
    "platform_core.middleware.PreviewFramingMiddleware",
    "platform_core.middleware.CouncilRedirectMiddleware",
    # Asking for password-reset emails: per client address and per account (429 past the rate).
    "platform_core.middleware.PasswordResetThrottleMiddleware",
    # Last: turns a sign-in refused by the lockout into the "too many attempts" page (429).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "platform_core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "platform_core.context_processors.platform",
            ],
        },
    },
]

WSGI_APPLICATION = "platform_core.wsgi.application"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"
# The console's authenticator-app entries are named after the platform.
OTP_TOTP_ISSUER = "Council Platform console"
# Nobody, not even another administrator, sees a device's secret or QR code in the data editor.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The lockout backend first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Sign-in and abuse --------------------------------------------------------------------------
# How many proxies of ours (load balancer, ingress) stand in front of the application. Each one
# appends the address it saw to X-Forwarded-For; the client is the N-th entry from the right.
# 0 (the default) ignores the header: a client could write anything in it.
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
# django-axes: lockout after repeated failed sign-ins on the Wagtail admin (each council's own
# tables), the platform console and any view that signs in with django.contrib.auth.
AXES_FAILURE_LIMIT = int(env("SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("SIGNIN_LOCKOUT_MINUTES", "15")))
# One person guessing one account's password from one address. Locking by username alone would
# let anyone lock any member of staff out; by address alone, a whole council office behind one
# NAT address. Wide guessing from one address meets the API and sign-up rate limits instead.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "platform_core.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "platform_core.views.signin_locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_build"
STATICFILES_DIRS: list = [
    p for p in [BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"] if p.exists()
]
# GOV.UK's accessible autocomplete (the benchmarks page's council picker), under its own prefix.
_AUTOCOMPLETE = BASE_DIR / "node_modules" / "accessible-autocomplete" / "dist"
if _AUTOCOMPLETE.exists():
    STATICFILES_DIRS.append(("accessible-autocomplete", _AUTOCOMPLETE))
# GOV.UK Frontend's CSS asks for fonts and images at /assets/; served from this folder.
WHITENOISE_ROOT = BASE_DIR / "platform_core" / "public_root"
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", str(VAR_DIR / "media"))


def s3_client_config():
    """Timeouts and retries set deliberately (issue 17, item 5): boto's defaults are a 60 s read
    timeout tried up to five times, so a hung S3 held a request (and, before uploads moved out
    of transactions, a council's audit lock) for minutes. A connect that takes over
    AWS_S3_CONNECT_TIMEOUT or a read silent for AWS_S3_READ_TIMEOUT fails the attempt; an
    operation makes at most AWS_S3_MAX_ATTEMPTS attempts (standard retry mode: backoff, and
    throttling answers retried)."""
    from botocore.config import Config

    return Config(
        s3={"addressing_style": env("AWS_S3_ADDRESSING_STYLE", "auto")},
        signature_version="s3v4",
        connect_timeout=float(env("AWS_S3_CONNECT_TIMEOUT", "2")),
        read_timeout=float(env("AWS_S3_READ_TIMEOUT", "10")),
        retries={
            "total_max_attempts": int(env("AWS_S3_MAX_ATTEMPTS", "2")),
            "mode": "standard",
        },
    )


def storage_settings() -> dict:
    """Tenant-aware storages (``platform_core.storage``): every name lives under the council's
    schema, in its private area (``default``: record content, transfer packages, documents,
    original images) or its public area (``public``: image renditions, served at /media/)."""
    bucket = env("AWS_STORAGE_BUCKET_NAME")
    if bucket:
        options = {
            "bucket_name": bucket,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME", "eu-west-2"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": int(env("AWS_QUERYSTRING_EXPIRE", "300")),
            "client_config": s3_client_config(),
        }
        default = {"BACKEND": "platform_core.storage.PrivateS3Storage", "OPTIONS": options}
        public = {"BACKEND": "platform_core.storage.PublicS3Storage", "OPTIONS": options}
    else:
        default = {"BACKEND": "platform_core.storage.PrivateFileSystemStorage"}
        public = {"BACKEND": "platform_core.storage.PublicFileSystemStorage"}
    return {
        "default": default,
        "public": public,
        # Fingerprinted and gzipped by collectstatic; long cache lifetimes (see the class).
        "staticfiles": {"BACKEND": "platform_core.storage.FingerprintedStaticFilesStorage"},
    }


STORAGES = storage_settings()
WHITENOISE_USE_FINDERS = True

# --- Caches: every key carries the schema (django_tenants.cache.make_key) ----------------------
_cache_common = {
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}
REDIS_CACHE_URL = env("CACHE_URL")
# The cache is an optimisation (platform_core.cache): on a Redis outage pages and APIs are served
# uncached. Short timeouts bound what a frozen Redis costs a request; after an error the cache is
# skipped while a background thread pings Redis every CACHE_RETRY_SECONDS until it answers.
CACHE_CONNECT_TIMEOUT = float(env("CACHE_CONNECT_TIMEOUT", "0.25"))
CACHE_SOCKET_TIMEOUT = float(env("CACHE_SOCKET_TIMEOUT", "0.5"))
CACHE_RETRY_SECONDS = float(env("CACHE_RETRY_SECONDS", "0.25"))


def redis_cache(url: str) -> dict:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "BACKEND": "platform_core.cache.ResilientRedisCache",
        "LOCATION": url,
        "RETRY_SECONDS": CACHE_RETRY_SECONDS,
        "OPTIONS": {
            "socket_connect_timeout": CACHE_CONNECT_TIMEOUT,
            "socket_timeout": CACHE_SOCKET_TIMEOUT,
            "retry": Retry(NoBackoff(), 0),
        },
        **_cache_common,
    }


if REDIS_CACHE_URL:
    CACHES = {"default": redis_cache(REDIS_CACHE_URL), "renditions": redis_cache(REDIS_CACHE_URL)}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "default",
            **_cache_common,
        },
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "renditions",
            **_cache_common,
        },
    }

# --- Celery: tenant-schemas-celery carries the schema on every task ---------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# At least once (issue 17, item 4): a task is acknowledged only after it ran (acks_late), a task
# whose pool process died is put back (reject_on_worker_lost; the pool kill would otherwise ack
# it as failed), and a worker reserves one task per process at a time (prefetch 1), so a killed
# worker strands no queue of prefetched tasks. Every task is idempotent (CONVENTIONS.md).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every task is bounded (soft limit: SoftTimeLimitExceeded, hard: the process is replaced); the
# longest a task may run is CELERY_TASK_TIME_LIMIT.
CELERY_TASK_TIME_LIMIT = int(env("CELERY_TASK_TIME_LIMIT", "900"))
CELERY_TASK_SOFT_TIME_LIMIT = int(env("CELERY_TASK_SOFT_TIME_LIMIT", "840"))
# Redis broker: a task reserved by a worker that died (SIGKILL, OOM, a lost node) is given to
# another worker after the visibility timeout. It must exceed the longest task (else a running
# task is delivered twice); by default the time limit plus five minutes, not kombu's hour.
CELERY_VISIBILITY_TIMEOUT = int(env("CELERY_VISIBILITY_TIMEOUT", str(CELERY_TASK_TIME_LIMIT + 300)))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # A frozen broker fails an enqueue in seconds instead of hanging the request.
    "socket_connect_timeout": float(env("CELERY_BROKER_CONNECT_TIMEOUT", "2")),
    "socket_timeout": float(env("CELERY_BROKER_SOCKET_TIMEOUT", "5")),
}
CELERY_BROKER_CONNECTION_TIMEOUT = float(env("CELERY_BROKER_CONNECT_TIMEOUT", "2"))
# An enqueue retries twice within half a second, then fails (the caller logs it; the outbox or a
# catch-up redoes the work): a broker outage costs a committed request under a second.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.3,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE["tenants-refill-warm-pool"] = {
    "task": "tenants.refill_warm_pool",
    "schedule": 600.0,
}
# Council lifecycle (tenants/export.py): archives of exported councils are kept this long, then
# deleted by the daily task below (the export's row stays, marked expired).
COUNCIL_EXPORT_RETENTION_DAYS = int(env("COUNCIL_EXPORT_RETENTION_DAYS", "90"))
# A council's deletion from the console happens this many days after it is asked for
# (tenants/lifecycle.py); until then it is suspended and the deletion can be cancelled.
COUNCIL_DELETION_GRACE_DAYS = int(env("COUNCIL_DELETION_GRACE_DAYS", "30"))
CELERY_BEAT_SCHEDULE["tenants-delete-due-councils"] = {
    "task": "tenants.delete_due_councils",
    "schedule": 3600.0,
}
CELERY_BEAT_SCHEDULE["tenants-delete-expired-exports"] = {
    "task": "tenants.delete_expired_exports",
    "schedule": 3600.0,
}

# --- Search ------------------------------------------------------------------------------------
OPENSEARCH_URL = env("OPENSEARCH_URL")
# Every index name starts with it (platform_core/search/opensearch.py): pages and records.
OPENSEARCH_INDEX_PREFIX = env("OPENSEARCH_INDEX_PREFIX", "council")
if OPENSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "platform_core.search.opensearch",
            "URLS": [OPENSEARCH_URL],
            "INDEX": OPENSEARCH_INDEX_PREFIX,
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Council Platform"
# The admin calls no third party: no avatars from gravatar.com, no release check at wagtail.org.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Nor a banner on the dashboard about what is new in Wagtail: council staff never see its name.
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Staff see times in the council's own zone. Wagtail's default offers every name in the system's
# zone database, "localtime" and "posixrules" among them, which the browser rejects (the account
# page's script failed: "Invalid time zone specified: localtime"); with one zone the account
# page leaves the choice out.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
WAGTAILADMIN_BASE_URL = f"http://{PLATFORM_DOMAIN}"
# Renditions are the only public files; originals and documents stay private (the default).
WAGTAILIMAGES_RENDITION_STORAGE = "public"
# Documents leave only through Wagtail's serve view, which applies collection privacy: streamed
# from disk, or a redirect to a short-lived presigned URL on S3. Never "direct".
WAGTAILDOCS_SERVE_METHOD = "redirect" if env("AWS_STORAGE_BUCKET_NAME") else "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# Wagtail's background tasks stay immediate: django-tasks would lose the council's schema.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers plus a JSON depth limit and no NUL/control characters (platform_core.api.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "platform_core.api.parsers.JSONParser",
        "platform_core.api.parsers.FormParser",
        "platform_core.api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "platform_core.api.pagination.PlatformPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "platform_core.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every API view is rate limited unless it names its own throttles (the benchmarking API).
    "DEFAULT_THROTTLE_CLASSES": [
        "platform_core.api.throttling.AnonThrottle",
        "platform_core.api.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "120/min"),
        "user": env("API_THROTTLE_USER", "1200/min"),
        "api_key": "6000/min",
        # Sign-up requests on the platform site, per client address.
        "signup": env("SIGNUP_THROTTLE", "5/hour"),
        # Password-reset emails asked for (Wagtail admin), per client address and per account.
        "password_reset": env("PASSWORD_RESET_THROTTLE", "10/hour"),
        "password_reset_account": env("PASSWORD_RESET_ACCOUNT_THROTTLE", "3/hour"),
        # Posts to the public participatory budgeting forms (vote, propose), per client address.
        "participation": env("PARTICIPATION_THROTTLE", "30/hour"),
    },
    # Throttles identify clients the same way as platform_core.clientip (TRUSTED_PROXY_COUNT).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Council Platform API",
    "DESCRIPTION": "Platform, council and benchmarking APIs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # API docs pages load their JavaScript from the platform, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request and response components: read-only fields are not asked for, write-only
    # ones are not promised back.
    "COMPONENT_SPLIT_REQUEST": True,
    # operationIds and tags are read from the path after this prefix ("records_holds_list").
    "SCHEMA_PATH_PREFIX": r"/(platform/)?api/v1",
    "PREPROCESSING_HOOKS": [
        "platform_core.api.schema.exclude_internal_endpoints",
        "platform_core.api.schema.exclude_switched_off_features",
    ],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "platform_core.api.schema.document_the_platform",
    ],
}
# The open benchmarking API and each council's open ORUK API are the cross-origin surfaces.
CORS_URLS_REGEX = r"^/(api/v1/benchmarks|openreferral)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
# Browsers may send the benchmarking API key in its own header (preflight must allow it).
CORS_ALLOW_HEADERS = (*default_cors_headers, "x-api-key")
CSRF_FAILURE_VIEW = "platform_core.views.csrf_failure"

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
    # Wagtail's admin and the Django console need inline scripts and styles.
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/console/", "/api/schema/docs/"],
}

# --- Observability ---------------------------------------------------------------------------------
# /readyz reports a dependency that answered slower than this as "degraded" (platform_core/health.py).
HEALTH_SLOW_SECONDS = float(env("HEALTH_SLOW_SECONDS", "1"))
# ... and one that failed or gave no answer within this as "down".
HEALTH_TIMEOUT_SECONDS = float(env("HEALTH_TIMEOUT_SECONDS", "3"))
SENTRY_DSN = env("SENTRY_DSN")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", "development")
SENTRY_RELEASE = env("SENTRY_RELEASE")
SENTRY_TRACES_SAMPLE_RATE = float(env("SENTRY_TRACES_SAMPLE_RATE", "0"))
if not 0 <= SENTRY_TRACES_SAMPLE_RATE <= 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SENTRY_TRACES_SAMPLE_RATE must be between 0 and 1, not {SENTRY_TRACES_SAMPLE_RATE}."
    )
LOG_LEVEL = env("LOG_LEVEL", "INFO")
# One JSON format for every log line (platform_core/observability.py); "console" for people.
LOG_FORMAT = env("LOG_FORMAT", "console" if DEBUG else "json")
LOGGING = logging_config(LOG_LEVEL, LOG_FORMAT)
# Celery workers log through LOGGING too (not Celery's own format).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# /metrics (platform_core/metrics.py): with a token, "Authorization: Bearer <token>" is required;
# without one, only internal callers (loopback or private address, not through a proxy).
METRICS_TOKEN = env("METRICS_TOKEN")
# Every process (gunicorn workers, Celery's children) writes its samples here when it is set; it
# must exist before the first metric is made (the Helm chart mounts an emptyDir at /tmp).
if env("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(env("PROMETHEUS_MULTIPROC_DIR", ""), exist_ok=True)

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "no-reply@council-platform.localhost")
# The SMTP server (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend). EMAIL_TIMEOUT
# bounds every connect and read: without it a mail server that accepts and never answers holds
# the sending task (or request) until the Celery time limit.
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = float(env("EMAIL_TIMEOUT", "10"))

# Slugs a council may never take: they collide with platform hosts.
RESERVED_COUNCIL_SLUGS = {
    "www",
    "platform",
    "api",
    "admin",
    "public",
    "static",
    "media",
    "mail",
    "template",
}

# --- Records ------------------------------------------------------------------------------------
# Uploads above this size go to a temporary file, never whole into memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = int(env("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env("DATA_UPLOAD_MAX_MEMORY_SIZE", str(10 * 1024 * 1024)))
RECORDS_MAX_UPLOAD_BYTES = int(env("RECORDS_MAX_UPLOAD_BYTES", str(2 * 1024**3)))
RECORDS_MAX_UNCOMPRESSED_BYTES = int(env("RECORDS_MAX_UNCOMPRESSED_BYTES", str(512 * 1024**2)))
RECORDS_MAX_COMPRESSION_RATIO = int(env("RECORDS_MAX_COMPRESSION_RATIO", "100"))
RECORDS_DOWNLOAD_URL_SECONDS = int(env("RECORDS_DOWNLOAD_URL_SECONDS", "60"))
# Before a download link is issued, S3 is asked for the object (one HEAD, this timeout, one
# attempt): during an outage the download answers 503 at once instead of a link that fails.
RECORDS_STORAGE_PROBE_TIMEOUT = float(env("RECORDS_STORAGE_PROBE_TIMEOUT", "2"))
# reconcile_records --fix deletes stored content no row refers to once it is older than this (an
# upload writes its content before its row: younger content may be a write in flight).
RECORDS_ORPHAN_GRACE_SECONDS = int(env("RECORDS_ORPHAN_GRACE_SECONDS", "3600"))
# S3 Object Lock on record versions: "GOVERNANCE" or "COMPLIANCE" (bucket must have it enabled).
RECORDS_OBJECT_LOCK_MODE = env("RECORDS_OBJECT_LOCK_MODE")
RECORDS_OBJECT_LOCK_DAYS = int(env("RECORDS_OBJECT_LOCK_DAYS", "365"))
CELERY_BEAT_SCHEDULE["records-daily-disposal"] = {
    "task": "records.daily_disposal",
    "schedule": 24 * 60 * 60,
}
# Orphaned record content and transfer packages (left by an S3 outage): deleted and audited
# daily in every council (records.reconcile_all, manage.py reconcile_records --fix).
CELERY_BEAT_SCHEDULE["records-reconcile-daily"] = {
    "task": "records.reconcile_all",
    "schedule": 24 * 60 * 60,
}
RECORDS_SEARCH_RANK_WINDOW = int(env("RECORDS_SEARCH_RANK_WINDOW", "2000"))

# --- Intelligence (warehouse and benchmarking pool) --------------------------------------------
# Nearest-neighbour group size (CIPFA's method uses 15) and the nightly publish to the pool.
BENCHMARK_NEAREST_NEIGHBOURS = 15
CELERY_BEAT_SCHEDULE["benchmarking-publish-nightly"] = {
    "task": "warehouse.publish_all_to_pool",
    "schedule": crontab(hour=2, minute=30),
}

# --- Funding (commissioning.funding; see docs/funding.md) ----------------------------------------
# Saved-search alerts and deadline reminders, every council, each morning.
CELERY_BEAT_SCHEDULE["funding-alerts-daily"] = {
    "task": "funding.send_alerts_all",
    "schedule": crontab(hour=7, minute=0),
}
# Every council's ranked matches into the shared cache (changes to the platform-wide register,
# priorities and needs data, and the new day; a council's own call changes enqueue their own).
CELERY_BEAT_SCHEDULE["funding-precompute-matches"] = {
    "task": "funding.precompute_matches_all",
    "schedule": 5 * 60,
}

# --- Markets (commissioning.markets; see docs/markets.md) ---------------------------------------
# Every market's figures and alerts recomputed nightly (ledger events recompute a commission's
# market at once; this catches warehouse demand, directory costs and any missed event).
CELERY_BEAT_SCHEDULE["markets-recompute-nightly"] = {
    "task": "markets.recompute_all",
    "schedule": crontab(hour=3, minute=15),
}

# --- Master data (intelligence.masterdata; see docs/masterdata.md) --------------------------------
# People pairs at or above the match probability join one golden person; pairs between the
# review and match probabilities go to the review queue. Places: address scores likewise.
MASTERDATA_MATCH_PROBABILITY = float(env("MASTERDATA_MATCH_PROBABILITY", "0.9"))
MASTERDATA_REVIEW_PROBABILITY = float(env("MASTERDATA_REVIEW_PROBABILITY", "0.5"))
MASTERDATA_PLACE_MATCH_SCORE = float(env("MASTERDATA_PLACE_MATCH_SCORE", "0.9"))
MASTERDATA_PLACE_REVIEW_SCORE = float(env("MASTERDATA_PLACE_REVIEW_SCORE", "0.6"))
# An import with at most this many new or changed records places them at once (incrementally);
# larger ones wait for the next full run (mdm_resolve).
MASTERDATA_INCREMENTAL_LIMIT = int(env("MASTERDATA_INCREMENTAL_LIMIT", "1000"))
MASTERDATA_REVIEW_LIMIT = int(env("MASTERDATA_REVIEW_LIMIT", "10000"))
# A full run that rewrites at least this many people records, and this share of them (a first
# run rewrites every one), drops the records' and golden people's secondary indexes for the
# writes and rebuilds them after (matching/golden.py deferred_indexes); fewer are updated in place.
MASTERDATA_BULK_WRITE_MIN = int(env("MASTERDATA_BULK_WRITE_MIN", "20000"))
MASTERDATA_BULK_WRITE_FRACTION = float(env("MASTERDATA_BULK_WRITE_FRACTION", "0.2"))
# Record-linkage engine for full people runs: Splink on DuckDB in process, or on a local Spark
# session (matching/spark.py: started on first use, no web UI, quiet; each run's files under
# MASTERDATA_SPARK_DIR/<council schema>/, removed afterwards; needs a Java 17+ runtime).
MASTERDATA_ENGINE = env("MASTERDATA_ENGINE", "duckdb")
MASTERDATA_SPARK_MASTER = env("MASTERDATA_SPARK_MASTER", "local[2]")
MASTERDATA_SPARK_MEMORY = env("MASTERDATA_SPARK_MEMORY", "1g")
MASTERDATA_SPARK_DIR = env("MASTERDATA_SPARK_DIR", str(VAR_DIR / "masterdata-spark"))

# --- Web channel (cms) ----------------------------------------------------------------------------
# Anonymous page cache per council (cms.cache); 0 turns it off.
CMS_PAGE_CACHE_SECONDS = int(env("CMS_PAGE_CACHE_SECONDS", "300"))
CMS_PAGE_CACHE_ALIAS = "default"
# Scheduled publishing in every council, every minute (Celery beat; needs CELERY_BROKER_URL).
CELERY_BEAT_SCHEDULE["cms-publish-scheduled"] = {
    "task": "cms.publish_scheduled_all",
    "schedule": 60.0,
}

# --- Audit log (platform_core.audit) ----------------------------------------------------------
# Refused attempts are audited on a connection of their own, so the entry stays when the
# caller's transaction rolls back (platform_core.audit.log.append_durable).
AUDIT_AUTONOMOUS_WRITES = env_bool("AUDIT_AUTONOMOUS_WRITES", True)
# Signed checkpoints of every council's chain head (platform_core.audit.checkpoints): the key
# is never in the database; without it (development, tests) one is derived from SECRET_KEY.
# Production refuses to start without it.
AUDIT_SIGNING_KEY = env("AUDIT_SIGNING_KEY")
AUDIT_CHECKPOINT_SECONDS = int(env("AUDIT_CHECKPOINT_SECONDS", "3600"))
# Where files are on S3, each checkpoint is also an object under Object Lock ("" turns the
# lock off, for a bucket without Object Lock; COMPLIANCE cannot be lifted even by the root user).
AUDIT_CHECKPOINT_S3_PREFIX = env("AUDIT_CHECKPOINT_S3_PREFIX", "audit-checkpoints/")
AUDIT_CHECKPOINT_LOCK_MODE = env("AUDIT_CHECKPOINT_LOCK_MODE", "GOVERNANCE")
AUDIT_CHECKPOINT_LOCK_DAYS = int(env("AUDIT_CHECKPOINT_LOCK_DAYS", "2557"))
CELERY_BEAT_SCHEDULE["audit-checkpoint-all-councils"] = {
    "task": "platform_core.audit_checkpoint_all",
    "schedule": float(AUDIT_CHECKPOINT_SECONDS),
}

# --- Events (platform_core.events; see docs/events.md) -------------------------------------------
# The relay is woken after each commit that emitted events; this sweep is the safety net (a lost
# wake-up, retries whose backoff has passed, a worker that died mid-delivery).
EVENTS_SWEEP_SECONDS = float(env("EVENTS_SWEEP_SECONDS", "30"))
EVENTS_MAX_ATTEMPTS = int(env("EVENTS_MAX_ATTEMPTS", "8"))
EVENTS_RETRY_BASE_SECONDS = float(env("EVENTS_RETRY_BASE_SECONDS", "5"))
EVENTS_RETRY_MAX_SECONDS = float(env("EVENTS_RETRY_MAX_SECONDS", "3600"))
EVENTS_RELAY_BATCH = int(env("EVENTS_RELAY_BATCH", "100"))
# While the relay's batches come back full (a backlog), each next one is twice as large, up to
# this (docs/events.md, "Batches"); WEBHOOKS_BATCH_MAX likewise for the webhook deliveries.
EVENTS_RELAY_BATCH_MAX = int(env("EVENTS_RELAY_BATCH_MAX", "800"))
# A council's webhook deliveries are sent by a second thread of the relay task while the next
# outbox batch is claimed and fanned out (docs/events.md, "Batches"); off: one after the other.
EVENTS_RELAY_PIPELINE = env_bool("EVENTS_RELAY_PIPELINE", True)
# Log each relay run's per-phase wall times (platform_core/events/timing.py; bench/events.py).
EVENTS_PHASE_TIMINGS = env_bool("EVENTS_PHASE_TIMINGS", False)
# A commit that emitted this many events in one schema refreshes the outbox's planner statistics
# (ANALYZE) before waking the relay: stale statistics made the relay's claims quadratic in the
# burst (docs/benchmarks.md, "Events"). 0: never.
EVENTS_ANALYZE_AFTER = int(env("EVENTS_ANALYZE_AFTER", "500"))
# Validate every emitted event against the catalogue's schema (on in tests).
EVENTS_VALIDATE = env_bool("EVENTS_VALIDATE", False)
# Webhooks (docs/events.md): per-attempt timeout, retry backoff and window, disabling endpoints
# that keep failing, the overlap of old and new secrets after a rotation, and how many
# deliveries one relay sends at once. WEBHOOKS_ALLOW_LOCAL lets endpoints be plain http on
# 127.0.0.1 (tests, `make run`); production refuses it and every private/loopback address.
WEBHOOKS_TIMEOUT_SECONDS = float(env("WEBHOOKS_TIMEOUT_SECONDS", "5"))
WEBHOOKS_RETRY_BASE_SECONDS = float(env("WEBHOOKS_RETRY_BASE_SECONDS", "30"))
WEBHOOKS_RETRY_MAX_SECONDS = float(env("WEBHOOKS_RETRY_MAX_SECONDS", "3600"))
WEBHOOKS_RETRY_WINDOW_HOURS = float(env("WEBHOOKS_RETRY_WINDOW_HOURS", "24"))
WEBHOOKS_DISABLE_AFTER_FAILURES = int(env("WEBHOOKS_DISABLE_AFTER_FAILURES", "50"))
WEBHOOKS_SECRET_OVERLAP_HOURS = float(env("WEBHOOKS_SECRET_OVERLAP_HOURS", "24"))
WEBHOOKS_BATCH = int(env("WEBHOOKS_BATCH", "100"))
WEBHOOKS_BATCH_MAX = int(env("WEBHOOKS_BATCH_MAX", "400"))
WEBHOOKS_CONCURRENCY = int(env("WEBHOOKS_CONCURRENCY", "8"))
# Threads of a pipelined relay run that claim and send a council's deliveries (each its own
# batches, connection and WEBHOOKS_CONCURRENCY requests at once; docs/events.md "Batches").
WEBHOOKS_SENDERS = int(env("WEBHOOKS_SENDERS", "1"))
WEBHOOKS_ALLOW_LOCAL = env_bool("WEBHOOKS_ALLOW_LOCAL", False)
# Importing another council's Open Referral UK feed from a URL (docs/providers.md): each fetch's
# total timeout and largest body; ORUK_FEED_ALLOW_LOCAL lets tests fetch from 127.0.0.1 (every
# private, loopback and link-local address is refused otherwise, as for webhooks).
ORUK_FEED_TIMEOUT_SECONDS = float(env("ORUK_FEED_TIMEOUT_SECONDS", "15"))
ORUK_FEED_MAX_BYTES = int(env("ORUK_FEED_MAX_BYTES", str(20 * 1024 * 1024)))
ORUK_FEED_ALLOW_LOCAL = env_bool("ORUK_FEED_ALLOW_LOCAL", False)
CELERY_BEAT_SCHEDULE["events-relay-all-councils"] = {
    "task": "events.relay_all",
    "schedule": EVENTS_SWEEP_SECONDS,
}

# --- Catch-up of beat jobs missed in an outage (platform_core/schedules.py) ---------------------
# Jobs whose ticks must not be lost: each success is marked; every CATCH_UP_SECONDS a job whose
# schedule fired more than CATCH_UP_GRACE_SECONDS ago with no success since is run once more
# (again after CATCH_UP_RETRY_SECONDS if it still has not succeeded).
CATCH_UP_JOBS = ["records-daily-disposal", "benchmarking-publish-nightly", "cms-publish-scheduled"]
CATCH_UP_SECONDS = float(env("CATCH_UP_SECONDS", "300"))
CATCH_UP_GRACE_SECONDS = float(env("CATCH_UP_GRACE_SECONDS", "120"))
CATCH_UP_RETRY_SECONDS = float(env("CATCH_UP_RETRY_SECONDS", "900"))
CELERY_BEAT_SCHEDULE["platform-catch-up"] = {
    "task": "platform_core.catch_up",
    "schedule": CATCH_UP_SECONDS,
}

# --- Commissioning (commissioning.commissions.ocds) ---------------------------------------------
# OCDS ocids are "<prefix>-<council slug>-<id>"; production sets the prefix registered with the
# Open Contracting Partnership.
OCDS_OCID_PREFIX = env("OCDS_OCID_PREFIX", "ocds-cpltfm")
# --- Providers directory (commissioning.providers; see docs/providers.md) ------------------------
# Provider accounts are reminded of entries not reviewed for a year (at most monthly per entry).
CELERY_BEAT_SCHEDULE["providers-review-reminders"] = {
    "task": "providers.review_reminders_all",
    "schedule": crontab(hour=7, minute=0),
}

# --- Billing (billing; see docs/billing.md) -------------------------------------------------------
# API calls and page views are counted in Redis and flushed to the database by beat; storage and
# staff users are measured hourly; last month's invoices are issued on the 1st.
BILLING_FLUSH_SECONDS = float(env("BILLING_FLUSH_SECONDS", "60"))
CELERY_BEAT_SCHEDULE["billing-flush-usage"] = {
    "task": "billing.flush_usage",
    "schedule": BILLING_FLUSH_SECONDS,
}
CELERY_BEAT_SCHEDULE["billing-measure-usage"] = {
    "task": "billing.measure_usage",
    "schedule": crontab(minute=17),
}
CELERY_BEAT_SCHEDULE["billing-issue-invoices"] = {
    "task": "billing.issue_invoices",
    "schedule": crontab(day_of_month=1, hour=3, minute=0),
}
# A 1st of the month beat missed (broker or beat down at 03:00) is caught up: issuing is
# idempotent (platform_core/schedules.py).
CATCH_UP_JOBS.append("billing-issue-invoices")
