"""Deployment configuration: the secret key, the data directory, the database URL."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from recuento.web import config
from recuento.web.config import WebConfigError


@pytest.fixture(autouse=True)
def _no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.SECRET_KEY_ENV, raising=False)


def test_secret_key_is_generated_once_and_reused(tmp_path: Path) -> None:
    first = config.secret_key(tmp_path)
    assert config.secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").read_text(encoding="ascii") == first


def test_secret_key_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    config.secret_key(tmp_path)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_secret_key_is_never_a_fixed_default(tmp_path: Path) -> None:
    one = config.secret_key(config.data_dir(tmp_path / "a"))
    two = config.secret_key(config.data_dir(tmp_path / "b"))
    assert one != two
    # token_urlsafe(50): 50 random bytes, 67 characters.
    assert len(one) >= 60


def test_secret_key_from_the_environment_wins_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.SECRET_KEY_ENV, "k" * 60)
    assert config.secret_key(tmp_path) == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_secret_key_file_readable_by_others_is_refused_with_the_fix(tmp_path: Path) -> None:
    config.secret_key(tmp_path)
    (tmp_path / "secret_key").chmod(0o644)
    with pytest.raises(WebConfigError, match="chmod 600"):
        config.secret_key(tmp_path)


def test_data_dir_is_created_private(tmp_path: Path) -> None:
    made = config.data_dir(tmp_path / "nuevo" / "datos")
    assert made.is_dir()
    assert stat.S_IMODE(made.stat().st_mode) == 0o700


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(WebConfigError, match="is not a directory"):
        config.data_dir(tmp_path / "f")


def test_no_database_url_means_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    db = config.database(None, tmp_path)
    assert db == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / config.SQLITE_FILE),
    }


def test_postgresql_url_is_split_into_django_settings(tmp_path: Path) -> None:
    db = config.database(
        "postgresql://ana:p%40ss@db.example:6543/recuento?sslmode=require", tmp_path
    )
    assert db == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "recuento",
        "USER": "ana",
        "PASSWORD": "p@ss",
        "HOST": "db.example",
        "PORT": "6543",
        "OPTIONS": {"sslmode": "require"},
    }


def test_unsupported_url_is_refused_without_showing_the_password(tmp_path: Path) -> None:
    with pytest.raises(WebConfigError, match="'mysql' is not supported") as info:
        config.database("mysql://ana:secreto@db/recuento", tmp_path)
    assert "secreto" not in str(info.value)


def test_postgresql_url_without_a_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WebConfigError, match="names no database"):
        config.database("postgresql://ana@db/", tmp_path)
