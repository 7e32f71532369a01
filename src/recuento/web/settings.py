"""Django settings of the recuento site.

Every deployment choice comes from the environment (see :mod:`recuento.web.config`):
``RECUENTO_DATA_DIR``, ``RECUENTO_DATABASE_URL``, ``RECUENTO_SECRET_KEY``,
``RECUENTO_ALLOWED_HOSTS`` (comma-separated, besides localhost) and ``RECUENTO_HTTPS=1``
(behind a TLS proxy: secure cookies and HSTS; ``recuento serve`` then trusts the proxy
at ``RECUENTO_TRUSTED_PROXY``, default 127.0.0.1, for the scheme). ``recuento serve``
sets the first two from its options. ``DEBUG`` is never on unless ``RECUENTO_DEBUG=1``.

A production deployment uses :mod:`recuento.web.settings_production` instead, which
imports these and requires HTTPS (see docs/web-deploy.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from recuento.web import config

WEB_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()
SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = os.environ.get("RECUENTO_DEBUG") == "1"

ALLOWED_HOSTS = [
    "localhost",
    "127.0.0.1",
    "[::1]",
    *(h.strip() for h in os.environ.get("RECUENTO_ALLOWED_HOSTS", "").split(",") if h.strip()),
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "recuento.web.accounts",
    "recuento.web.audit",
    "recuento.web.registry",
    "recuento.web.runs",
    "recuento.web.review",
    "recuento.web.persons",
    "recuento.web.counts",
    "recuento.web.cases",
    "recuento.web.roll",
    "recuento.web.elections",
]

# Long work (linkage runs, re-matching) runs as tasks stored in the site's own database and
# carried out by a worker process that ``recuento serve`` starts (``runs_worker``): no extra
# server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Names the acting user in audit entries written by signal receivers (role changes).
    "recuento.web.audit.middleware.ActingUserMiddleware",
    # Deny by default: every view needs a logged-in user unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "recuento.web.urls"
WSGI_APPLICATION = "recuento.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "recuento.web.accounts.context.allowed_actions",
                "recuento.web.nav.navigation",
            ],
            # {% link %}: {% url %} without reversing every address (recuento.web.links).
            "libraries": {"links": "recuento.web.links"},
        },
    },
]

DATABASES = {"default": config.database(os.environ.get(config.DATABASE_URL_ENV), DATA_DIR)}

# The cache counts failed logins per username (the lockout). Django's default keeps it in
# each process's memory; when the site is served by several processes (`recuento serve
# --processes N`), serve points RECUENTO_SHARED_CACHE_DIR at a private directory of the
# data directory so that every process counts the same failures. (Its counter is read and
# written without a lock across processes: a failure counted at the same instant by two
# processes may be counted once.)
if os.environ.get("RECUENTO_SHARED_CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["RECUENTO_SHARED_CACHE_DIR"],
        }
    }
# A request that fails leaves the database as it was.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Each server thread keeps its connection for a minute and checks it before reuse (as the
# production settings do): opening SQLite's anew for every request (the file, Django's SQL
# functions, its PRAGMAs) cost 0.8 ms of each page, PostgreSQL's a few ms.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every request is a transaction and most write (the audit log records each view). A
    # transaction that reads first and writes later fails at once ("database is locked")
    # when another one writes meanwhile; taking the write lock when the transaction begins
    # makes concurrent requests wait their turn instead (up to 20 s). WAL lets the linkage
    # worker process read while a request writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20, init_command="PRAGMA journal_mode=WAL"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's backend, reading a user's permissions (their own and their roles') in one query.
AUTHENTICATION_BACKENDS = ["recuento.web.accounts.backends.RoleBackend"]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions are kept in the database (Django's store, read with its query written out once:
# see recuento.web.accounts.sessions). They end with the browser and after eight hours at
# most.
SESSION_ENGINE = "recuento.web.accounts.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("RECUENTO_HTTPS") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000

LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# Uploaded lists are kept in the data directory and never served as files.
MEDIA_ROOT = DATA_DIR / "uploads"
# Large uploads are spooled to disk while they arrive: inside the private data directory,
# never in the machine's shared temporary directory.
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(mode=0o700, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STATIC_URL = "static/"

OTP_TOTP_ISSUER = "recuento"

# Mail (hearing notices): SMTP when RECUENTO_EMAIL_HOST is set; otherwise the roll app
# writes notices to <data dir>/outbox for someone to send.
if os.environ.get("RECUENTO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["RECUENTO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("RECUENTO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("RECUENTO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("RECUENTO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = True
DEFAULT_FROM_EMAIL = os.environ.get("RECUENTO_EMAIL_FROM", "recuento@localhost")
