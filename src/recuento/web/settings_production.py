"""Settings for a production deployment: the site's settings, with HTTPS required.

Use with ``DJANGO_SETTINGS_MODULE=recuento.web.settings_production`` (``recuento serve``
and ``python -m recuento.web`` honour it). The site runs behind a TLS reverse proxy on
the same machine (see docs/web-deploy.md), so these settings refuse to start unless the
deployment says so:

- ``RECUENTO_HTTPS=1``: the proxy terminates TLS and sends ``X-Forwarded-Proto``
  (``recuento serve`` then trusts the proxy at ``RECUENTO_TRUSTED_PROXY`` for it);
- ``RECUENTO_ALLOWED_HOSTS``: the host names the site is reached by;
- ``RECUENTO_DEBUG`` not set to 1.

On top of the site's settings they set HSTS for a year on every subdomain with the
preload flag, cookies that only travel over HTTPS under the ``__Host-`` prefix (bound to
this host and path ``/``), and persistent database connections.
``python -m recuento.web check --deploy`` reports no issue with them (tested).
"""

from __future__ import annotations

import os

from recuento.web.config import WebConfigError


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WebConfigError(f"production settings (recuento.web.settings_production): {message}")


_require(
    os.environ.get("RECUENTO_HTTPS") == "1",
    "the site must be served over HTTPS behind a TLS proxy; set RECUENTO_HTTPS=1 (see "
    "docs/web-deploy.md), or use DJANGO_SETTINGS_MODULE=recuento.web.settings for a local "
    "site",
)
_require(
    bool(os.environ.get("RECUENTO_ALLOWED_HOSTS", "").strip()),
    "set RECUENTO_ALLOWED_HOSTS to the host names the site is reached by, comma-separated "
    "(e.g. recuento.example.org)",
)
_require(
    os.environ.get("RECUENTO_DEBUG", "") != "1",
    "RECUENTO_DEBUG=1 shows tracebacks with record values to visitors; unset it",
)

from recuento.web.settings import *  # noqa: E402, F403
from recuento.web.settings import DATABASES  # noqa: E402

DEBUG = False

# HTTPS only (the base settings already set these with RECUENTO_HTTPS=1; stated again so
# that this module alone says what production is).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
# Every subdomain, and the preload flag: the site's host name should be one of its own
# (e.g. recuento.example.org), not shared with pages served over plain HTTP.
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The __Host- prefix: the browser keeps the cookie for this exact host, HTTPS, path /.
SESSION_COOKIE_NAME = "__Host-recuento-session"
CSRF_COOKIE_NAME = "__Host-recuento-csrf"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Keep database connections for a minute (a PostgreSQL connection costs a few ms), and
# check them before reuse so that a restarted server is not an error page.
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
