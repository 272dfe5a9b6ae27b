"""
CPD Hub settings, read from the environment.

With nothing set, the project runs on embedded defaults: SQLite under ``var/``,
Celery tasks run in-process, and email is printed to the console. Set
``DATABASE_URL``, ``REDIS_URL`` and ``EMAIL_URL`` to run the production-shaped
stack (Postgres, a real Celery worker and beat, SMTP). See docs/deployment.md.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


class Env(environ.Env):
    """
    The environment, where an empty variable means "not set": ``DATABASE_URL=`` in a compose
    ``.env`` file gives the embedded default, not a crash. Every setting below reads through it.
    """

    def __init__(self, **scheme):
        super().__init__(**scheme)
        self.ENVIRON = {name: value for name, value in os.environ.items() if value.strip()}


env = Env()

# --- Core -----------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The community's own name and contact address are in the database (hubs.Community: set by
# setup_community, or seed_demo for the demo, and edited by a coordinator), not here.
# The address of the site, for links in emails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Coordinators must use two-factor authentication before they reach /admin/.
REQUIRE_ADMIN_MFA = env.bool("CPDHUB_REQUIRE_ADMIN_MFA", default=True)
# The termly digest goes this many school days (Monday to Friday) after the term starts.
DIGEST_SCHOOL_DAYS_AFTER_TERM_START = env.int("CPDHUB_DIGEST_SCHOOL_DAYS", default=5)
# How long an invitation to join stays valid.
INVITATION_VALID_DAYS = env.int("CPDHUB_INVITATION_VALID_DAYS", default=14)
# The directory keeps a search's count and page ids this long in the shared cache (0: never);
# any change to a profile drops them at once (experts/search.py; docs/performance.md, "Kept
# result pages").
CPDHUB_DIRECTORY_CACHE_SECONDS = env.int("CPDHUB_DIRECTORY_CACHE_SECONDS", default=60)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "cpdhub.ratelimit",  # who met a rate limit (ThrottledRequest)
    "hubs",
    "experts",
    "cpd_sessions",
    "portfolios",
    "coaching",
    "enquiry",
    "courses",
    "quality",
    "training",
    "schoolyear",
    "notifications",
    "termly",  # after notifications: its admin extends the ledger's
    "coordination",
    "privacy",
    "demo",  # seed_demo and seed_scale: made-up communities over every app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF's check reads the form): an oversized one is refused
    # from its Content-Length alone, with a page (cpdhub/bodylimit.py).
    "cpdhub.bodylimit.RequestBodyLimitMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "hubs.middleware.AdminMFAMiddleware",
]

ROOT_URLCONF = "cpdhub.urls"
# Django's form templates, with inputs, selects and checkbox lists drawn in Python (the same
# bytes, a fraction of the CPU: cpdhub/form_renderer.py).
FORM_RENDERER = "cpdhub.form_renderer.FormRenderer"
WSGI_APPLICATION = "cpdhub.wsgi.application"

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
                "hubs.context_processors.community",
            ],
            # {% keptfields %}: a filter form's fields drawn once per process for what they show.
            "libraries": {"kept_html": "cpdhub.kept_html"},
        },
    },
]

# --- Database ---------------------------------------------------------------

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cpdhub.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite in a web server: wait for the lock rather than fail, and no persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if IS_POSTGRES:
    # Postgres's JIT compiler costs 20 ms or more on a page's larger queries and saves nothing
    # on short web queries (measured on the directory's search: bench/directory.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker and tasks ---------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")

if env.str("CACHE_URL", default=""):
    CACHES = {"default": env.cache_url("CACHE_URL")}
elif REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: the cache answers "empty" and logs at ERROR instead of failing sign-in
            # (it holds only rate-limit counters; sessions are in the database).
            "BACKEND": "cpdhub.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cpdhub",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker, tasks run in-process at the moment they are sent.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A row left "sending" by a worker that died may be claimed again after this long.
CPDHUB_MAIL_SENDING_STALE_SECONDS = env.int("CPDHUB_MAIL_SENDING_STALE_SECONDS", default=15 * 60)
# Beat's schedule lives here, in settings, so it is reviewed like code.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions-nightly": {
        "task": "hubs.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=15),
    },
    # The dashboard's participation figures, counted again from every row (catches bulk writes).
    "coordination-refresh-figures-nightly": {
        "task": "coordination.refresh_figures",
        "schedule": crontab(hour=2, minute=30),
    },
    # Staff alone in their school for a subject: invited to its network, once each.
    "hubs-invite-lone-rangers-nightly": {
        "task": "hubs.invite_lone_rangers",
        "schedule": crontab(hour=3, minute=15),
    },
    # Networks meet once or twice a year: a lead with none planned hears once a term.
    "cpd-sessions-prompt-network-leads": {
        "task": "cpd_sessions.prompt_network_leads",
        "schedule": crontab(hour=7, minute=45),
    },
    # Required training: 30 days before each expiry and on the day, once each (the ledger's key).
    "training-send-reminders-daily": {
        "task": "training.send_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "cpd-sessions-reminders-day-before": {
        "task": "cpd_sessions.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    "cpd-sessions-feedback-requests": {
        "task": "cpd_sessions.request_feedback",
        "schedule": crontab(hour=18, minute=0),
    },
    # After a session: its leads asked what they will change; once feedback closes (14 days),
    # the summary to everyone involved, once (a second run the same day shares nothing more).
    "cpd-sessions-share-evaluations": {
        "task": "cpd_sessions.share_evaluations",
        "schedule": crontab(hour=18, minute=30),
    },
    "cpd-sessions-check-minimums": {
        "task": "cpd_sessions.check_minimums",
        "schedule": crontab(hour=6, minute=0),
    },
    "ask-impact-follow-ups-daily": {
        "task": "portfolios.ask_impact_follow_ups",
        "schedule": crontab(hour=7, minute=30),
    },
    # Profiles go stale at a term change without a save: their words leave the vocabulary here.
    "experts-rebuild-vocabulary-nightly": {
        "task": "experts.rebuild_vocabulary",
        "schedule": crontab(hour=2, minute=45),
    },
    # Each runs daily and decides for itself; a second run the same day sends nothing more.
    "notifications-termly-digest": {
        "task": "notifications.plan_termly_digest",
        "schedule": crontab(hour=6, minute=30),
    },
    "notifications-term-start-reminders": {
        "task": "notifications.plan_term_start_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "notifications-release-request-nudges": {
        "task": "notifications.nudge_release_requests",
        "schedule": crontab(hour=8, minute=0),
    },
    # Personal data: downloads past their expiry go; accounts, imports and their files past
    # the retention periods go (each night, so a period is kept to the day).
    "privacy-purge-exports": {
        "task": "privacy.purge_exports",
        "schedule": crontab(hour=3, minute=15),
    },
    # Coaching: check-back reminders the day before (once per step and date), the coaches'
    # weekly caseload summary (Mondays, only when something is due), and the words of
    # relationships ended longer ago than the retention period.
    "coaching-check-back-reminders": {
        "task": "coaching.send_check_back_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "coaching-weekly-caseload": {
        "task": "coaching.send_caseload_summaries",
        "schedule": crontab(hour=6, minute=45, day_of_week=1),
    },
    "coaching-apply-retention": {
        "task": "coaching.apply_retention",
        "schedule": crontab(hour=3, minute=45),
    },
    # Team leaders: set the focus of a meeting two days away (once per meeting).
    "schoolyear-focus-reminders": {
        "task": "schoolyear.send_focus_reminders",
        "schedule": crontab(hour=7, minute=5),
    },
    # Enquiry: the words and files of groups finished longer ago than the retention period.
    "enquiry-apply-retention": {
        "task": "enquiry.apply_retention",
        "schedule": crontab(hour=3, minute=50),
    },
    "privacy-apply-retention": {
        "task": "privacy.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # The ledger is the outbox: what waits (a broker outage, a lost task) goes within a minute.
    "notifications-sweep-pending": {
        "task": "notifications.sweep_pending",
        "schedule": 60.0,
    },
}
# An unreachable broker fails an enqueue fast (the ledger keeps the email for the sweep)
# instead of holding the person's request while kombu retries.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}

# Retention (months; 0 switches a rule off): accounts are deleted this long after their school
# removed them, or after anyone last signed in to them. The privacy notice says the same.
CPDHUB_RETENTION_REMOVED_MONTHS = env.int("CPDHUB_RETENTION_REMOVED_MONTHS", default=12)
CPDHUB_RETENTION_INACTIVE_MONTHS = env.int("CPDHUB_RETENTION_INACTIVE_MONTHS", default=36)
# Request bodies: the largest thing anyone sends is a staff or schools file (20 MB) or an evidence
# file (10 MB); a body over this is refused from its Content-Length before it is read (413).
CPDHUB_MAX_REQUEST_BYTES = env.int("CPDHUB_MAX_REQUEST_BYTES", default=25 * 1024 * 1024)
# Form fields without files (Django's own limit, said here so it is seen); files larger than
# FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file in chunks, never to memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Each person's evidence files together (portfolio attachments), in MB; 0 for no limit.
CPDHUB_EVIDENCE_QUOTA_MB = env.int("CPDHUB_EVIDENCE_QUOTA_MB", default=200)
# Days an import (its preview, its results naming the people in the file, and the uploaded file)
# is kept; 0 keeps them. Long enough to look back at what an import did, then it goes.
CPDHUB_RETENTION_IMPORT_DAYS = env.int("CPDHUB_RETENTION_IMPORT_DAYS", default=30)
# Coaching: the words inside a relationship (notes, praise, steps) are removed this many whole
# academic years after the one it ended in (0 keeps them); the rows stay, counted.
CPDHUB_RETENTION_COACHING_YEARS = env.int("CPDHUB_RETENTION_COACHING_YEARS", default=2)
# Enquiry: what is written in a finished group (its log and files, reading list, case pupils'
# notes, cycles' plans, an unpublished draft) is removed this many whole academic years after
# the one it finished in (0 keeps it); the group, its members and a published write-up stay.
CPDHUB_RETENTION_ENQUIRY_YEARS = env.int("CPDHUB_RETENTION_ENQUIRY_YEARS", default=2)
# The key of the email ledger's hashed addresses (notifications.services.address_hash): an
# erased person's address is kept only as HMAC-SHA256(key, address). Set it once and keep it
# (a new key makes old hashes unanswerable); it defaults to SECRET_KEY.
CPDHUB_LEDGER_HASH_KEY = env.str("CPDHUB_LEDGER_HASH_KEY", default="") or SECRET_KEY

# --- Authentication: django-allauth ---------------------------------------------

AUTH_USER_MODEL = "hubs.User"
# Django's and allauth's backends, loading the signed-in person with what every page needs.
AUTHENTICATION_BACKENDS = [
    "hubs.backends.ModelBackend",
    "hubs.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "hubs.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "hubs.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"signup": "hubs.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Subjects start with the community's name: hubs.adapters.AccountAdapter.format_email_subject.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Sessions live in the database and are read from the cache (no query on a page), at most five
# minutes old; a cache outage signs nobody out (cpdhub/sessions.py).
SESSION_ENGINE = "cpdhub.sessions"
# Rate limits (allauth keeps the counters in the cache above), by the real client address.
# A whole school signs in from one public IP on an INSET morning, so per-address limits are
# wide; failures per account are few and expire within minutes (docs/security-and-privacy.md,
# "Sign-in limits").
ACCOUNT_RATE_LIMITS = {
    "login": "300/m/ip",
    "login_failed": "100/5m/ip,10/5m/key",
    "signup": "60/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Limits that stop abuse but not people (cpdhub/ratelimit/limits.py): "count/period" (s, m, h, d),
# several separated by commas, per signed-in person (or address, signed out), counted in the
# default cache (Redis in production: shared by every web process). docs/security-and-privacy.md
# says why each.
CPDHUB_RATE_LIMITS = {
    "directory": env.str("CPDHUB_RATE_DIRECTORY", default="60/m,600/h"),
    "directory_export": env.str("CPDHUB_RATE_DIRECTORY_EXPORT", default="10/h"),
    "profile": env.str("CPDHUB_RATE_PROFILE", default="60/m,600/h"),
    "contact": env.str("CPDHUB_RATE_CONTACT", default="10/m"),
    "invite": env.str("CPDHUB_RATE_INVITE", default="120/h"),
}

# The number of proxies in front of the web process that set X-Forwarded-For (docker-compose.yml:
# one, Caddy). 0, the default, ignores X-Forwarded-For and X-Forwarded-Proto, which any client
# can send: raise it only when every request reaches web through that many proxies, the last of
# which overwrites what the client sent.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("CPDHUB_TRUSTED_PROXY_COUNT", default=0)
# Or the header a trusted proxy sets to the client's address (e.g. X-Real-IP); unset by default.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("CPDHUB_TRUSTED_CLIENT_IP_HEADER", default="") or None
# Whether a proxy in front of web is trusted at all: only then is X-Forwarded-Proto believed.
BEHIND_TRUSTED_PROXY = (
    ALLAUTH_TRUSTED_PROXY_COUNT > 0 or ALLAUTH_TRUSTED_CLIENT_IP_HEADER is not None
)

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The authenticator app shows the community's name: hubs.adapters.MFAAdapter.get_totp_issuer.
MFA_ADAPTER = "hubs.adapters.MFAAdapter"
MFA_RATE_LIMITS = {"activate_totp": "5/m/user", "reauthenticate": "10/m/user"}

# Google Workspace and Microsoft 365 sign-in switch on only when their credentials are set.
SOCIALACCOUNT_PROVIDERS: dict = {}
if env.str("GOOGLE_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["google"] = {
        "APPS": [
            {
                "client_id": env.str("GOOGLE_CLIENT_ID"),
                "secret": env.str("GOOGLE_CLIENT_SECRET"),
                "key": "",
            }
        ],
        "SCOPE": ["openid", "profile", "email"],
        "AUTH_PARAMS": {"prompt": "select_account"},
    }
if env.str("MICROSOFT_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": env.str("MICROSOFT_CLIENT_ID"),
                "secret": env.str("MICROSOFT_CLIENT_SECRET"),
                "settings": {"tenant": env.str("MICROSOFT_TENANT", default="organizations")},
            }
        ]
    }
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_ONLY = False

# --- Email --------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The demo prints email on the console: pages that would say "check your inbox" say so instead.
EMAIL_ON_CONSOLE = EMAIL_CONFIG.get("EMAIL_BACKEND", "").endswith("console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cpd@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20

# --- Internationalisation: UK English, London time --------------------------------

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# allauth's own words in UK English and sentence case ("Sign in", "finalise"):
# locale/en_GB/LC_MESSAGES/django.po, written by scripts/allauth_en_gb.py.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as "Tuesday 3 March 2026, 15:45": cpdhub/formats/en_GB/formats.py.
FORMAT_MODULE_PATH = ["cpdhub.formats"]

# --- Static files ------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (production: DEBUG off) -------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # sent on a link from an email, never on a cross-site POST
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): every script and style is a file of our own; no inline
# script, style attribute or event handler anywhere (tests/test_security_headers.py reads the
# templates for them). htmx is told not to inject its indicator <style> (base.html's htmx-config).
# Sign-in with Google or Microsoft posts a form that redirects to the provider, so form-action
# names the providers that are switched on.
_SOCIAL_FORM_TARGETS = {
    "google": "https://accounts.google.com",
    "microsoft": "https://login.microsoftonline.com",
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # data: for the two-factor QR code
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],  # the digest preview in the admin
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": [
            "'self'",
            *(_SOCIAL_FORM_TARGETS[name] for name in SOCIALACCOUNT_PROVIDERS),
        ],
    },
}
# Nothing here uses the camera, microphone, location, payment or the like: deny them all.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
if BEHIND_TRUSTED_PROXY:
    # The proxy overwrites X-Forwarded-Proto; straight from a client it would be a lie.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # /healthz is probed over plain HTTP by the container orchestrator.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a deliberate choice for the operator (SECURE_HSTS_PRELOAD), not a default.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
