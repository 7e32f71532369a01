"""Deployment configuration of the site, read once at startup (no Django import here).

Three things come from the deployment, never from code:

- the **data directory** (``RECUENTO_DATA_DIR``, default ``./recuento-data``): the SQLite
  database, the stored secret key and the uploaded lists live there;
- the **database URL** (``RECUENTO_DATABASE_URL``): empty for SQLite in the data directory,
  ``postgresql://user:password@host:port/name`` for PostgreSQL;
- the **secret key** (``RECUENTO_SECRET_KEY``): when absent, one is generated with
  :mod:`secrets` on first start and stored in ``<data dir>/secret_key`` with permissions
  0600, then reused. There is no fixed default.

Functions here raise :class:`WebConfigError` (a :class:`~recuento.errors.RecuentoError`)
with the setting's name and how to fix it; they never print.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from recuento.errors import RecuentoError

DATA_DIR_ENV = "RECUENTO_DATA_DIR"
DATABASE_URL_ENV = "RECUENTO_DATABASE_URL"
SECRET_KEY_ENV = "RECUENTO_SECRET_KEY"
DEFAULT_DATA_DIR = "recuento-data"
SECRET_KEY_FILE = "secret_key"
SQLITE_FILE = "recuento.sqlite3"
_SECRET_KEY_BYTES = 50


class WebConfigError(RecuentoError):
    """The site's deployment configuration is not usable."""


def data_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """The data directory, created (mode 0700) if it does not exist.

    Args:
        value: the directory; ``RECUENTO_DATA_DIR`` or ``./recuento-data`` when ``None``.

    Raises:
        WebConfigError: the path exists and is not a directory, or cannot be created.
    """
    raw = value if value is not None else os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR
    path = Path(raw).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise WebConfigError(
            f"the data directory {path} exists and is not a directory; give another path "
            f"with --data-dir or {DATA_DIR_ENV}"
        )
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise WebConfigError(
            f"the data directory {path} cannot be created ({e.strerror}); give a writable "
            f"path with --data-dir or {DATA_DIR_ENV}"
        ) from e
    return path


def secret_key(directory: Path) -> str:
    """The secret key: from ``RECUENTO_SECRET_KEY``, or stored in the data directory.

    On first use without the environment variable, a random key is generated and written
    to ``<directory>/secret_key`` with permissions 0600 (created with those permissions,
    so it is never readable by others, even for an instant); later starts reuse it, so
    sessions survive restarts.

    Raises:
        WebConfigError: the stored key file is empty or readable by other users.
    """
    from_env = os.environ.get(SECRET_KEY_ENV, "").strip()
    if from_env:
        return from_env
    path = directory / SECRET_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(_SECRET_KEY_BYTES))
    return _read_secret_key(path)


def _read_secret_key(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise WebConfigError(
            f"the secret key file {path} can be read by other users (mode {mode:o}); "
            f"run: chmod 600 {path}"
        )
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise WebConfigError(
            f"the secret key file {path} is empty; delete it and a new key is generated "
            "(everyone is logged out)"
        )
    return key


def database(url: str | None, directory: Path) -> dict[str, Any]:
    """Django's ``DATABASES["default"]`` for a database URL, or SQLite in the data directory.

    Hand-written rather than taken from ``dj-database-url``: only two schemes are accepted
    and the whole parser is a dozen lines, which is less than a dependency.

    Args:
        url: ``postgresql://user:password@host:port/name?option=value`` (``postgres://``
            too) or ``sqlite:///absolute/path.sqlite3``; empty or ``None`` for the
            default SQLite file in ``directory``.
        directory: the data directory.

    Raises:
        WebConfigError: the URL's scheme is not supported or it names no database.
    """
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(directory / SQLITE_FILE)}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        name = unquote(parts.path)
        if not name or name == "/":
            raise WebConfigError(
                "the database URL names no SQLite file; write sqlite:////absolute/path.sqlite3 "
                "or leave --database-url out to use the data directory"
            )
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    if parts.scheme in ("postgres", "postgresql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise WebConfigError(
                "the database URL names no database; write "
                "postgresql://user:password@host:5432/DATABASE"
            )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    # The URL may hold a password: name only its scheme.
    raise WebConfigError(
        f"the database URL's scheme {parts.scheme or '(none)'!r} is not supported; use "
        "postgresql://... or sqlite:///..., or leave --database-url out for SQLite in the "
        "data directory"
    )
