"""The shared secret of a privacy-preserving linkage, and the keys derived from it.

Both custodians encode their rolls with the same secret; the neutral party that matches the
encodings never sees it. The secret comes from a file (``--secret-file``) or from the
environment variable ``RECUENTO_PPRL_SECRET``, never from a command-line value (command lines
end up in shell histories and process lists). A short or empty secret is refused.

Every key used by the encoder is derived from the secret with HMAC-SHA256 and a purpose
label, so that no two uses share a key (q-gram hashing per field, the balancing permutation
per field, the randomised-response noise, the record tokens). The *key check* is a slow
(PBKDF2) fingerprint written in every encoding file: two files made with different secrets
have different key checks, and matching refuses them instead of silently finding no match,
which would wrongly flag every member.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from recuento.errors import RecuentoError

SECRET_ENV = "RECUENTO_PPRL_SECRET"
"""The environment variable that may hold the shared secret."""

MIN_SECRET_BYTES = 16
"""The shortest secret accepted (after stripping surrounding whitespace), in bytes."""

_LABEL = b"recuento-pprl/v1/"
_KEY_CHECK_SALT = b"recuento-pprl/v1/key-check"
_KEY_CHECK_ITERATIONS = 200_000


class PPRLError(RecuentoError):
    """A privacy-preserving linkage cannot be done as asked (secret, file, parameters)."""


def check_secret(secret: bytes, where: str) -> bytes:
    """The secret with surrounding whitespace removed, or a clear error.

    Args:
        secret: the secret as read.
        where: where it came from (``the file KEY``, ``RECUENTO_PPRL_SECRET``), for messages.

    Raises:
        PPRLError: the secret is empty or shorter than :data:`MIN_SECRET_BYTES`.
    """
    stripped = secret.strip()
    if not stripped:
        raise PPRLError(
            f"The secret in {where} is empty. Both sides need the same long random secret; "
            'make one with: python -c "import secrets; print(secrets.token_urlsafe(32))" '
            "> pprl.key, and share it only with the other custodian."
        )
    if len(stripped) < MIN_SECRET_BYTES:
        raise PPRLError(
            f"The secret in {where} is too short ({len(stripped)} bytes; at least "
            f"{MIN_SECRET_BYTES} are needed, 32 random bytes are recommended). A short secret "
            "can be guessed, and then every encoding can be attacked. Make one with: python -c "
            '"import secrets; print(secrets.token_urlsafe(32))" > pprl.key'
        )
    return stripped


def load_secret(secret_file: Path | None) -> bytes:
    """Read the shared secret from a file, or else from ``RECUENTO_PPRL_SECRET``.

    Args:
        secret_file: a file holding the secret (surrounding whitespace is ignored), or None
            to use the environment variable.

    Raises:
        PPRLError: no secret was given, the file cannot be read, or the secret is too short.
    """
    if secret_file is not None:
        try:
            raw = secret_file.read_bytes()
        except OSError as e:
            raise PPRLError(
                f"Cannot read the secret file {secret_file}: {e.strerror or e}. Check the path "
                "and that you may read it."
            ) from e
        return check_secret(raw, f"the file {secret_file}")
    value = os.environ.get(SECRET_ENV)
    if value is None:
        raise PPRLError(
            f"No secret given. Pass --secret-file FILE (a file holding the shared secret) or "
            f"set the environment variable {SECRET_ENV}. The secret is never accepted as a "
            "command-line value, which would leave it in shell histories."
        )
    return check_secret(value.encode("utf-8"), f"the environment variable {SECRET_ENV}")


def derive_key(secret: bytes, purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from the secret with HMAC-SHA256."""
    return hmac.new(secret, _LABEL + purpose.encode("utf-8"), hashlib.sha256).digest()


def key_check(secret: bytes) -> str:
    """A slow public fingerprint of the secret: equal secrets give equal key checks.

    PBKDF2-HMAC-SHA256 with 200,000 iterations, 8 bytes in hex. It lets the matching party
    refuse two files made with different secrets. It reveals nothing about a long random
    secret; a guessable secret is attackable through the encodings themselves anyway.
    """
    digest = hashlib.pbkdf2_hmac("sha256", secret, _KEY_CHECK_SALT, _KEY_CHECK_ITERATIONS)
    return digest[:8].hex()
