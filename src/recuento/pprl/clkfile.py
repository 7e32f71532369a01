"""The ``.clk`` file: encodings and opaque tokens, with a header of parameters.

Layout (UTF-8 text, one record per line)::

    RECUENTO-CLK 1
    {"format": "recuento-clk", "version": 1, "params": {...}, "key_check": "...", ...}
    <token>\t<presence>\t<filter>
    ...

- ``token``: 20 hex characters from HMAC-SHA256 of the record's id under a key derived from
  the secret (the custodian can recompute it; nobody else can invert it);
- ``presence``: one ``0``/``1`` per field, in block order: whether the field was filled in;
- ``filter``: the record-level filter, base64 of its little-endian 64-bit words.

The header documents every parameter (fields, filter lengths, hash counts, q, balancing,
flip probability, the key check) and never the secret. Nothing else is written: no name,
no date, no postcode, no id.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from recuento.errors import ProblemsError
from recuento.pprl.encode import EncodedRoll, EncodingParams
from recuento.pprl.keys import PPRLError

MAGIC = "RECUENTO-CLK 1"
_TOKEN = re.compile(r"^[0-9a-f]{20}$")
_MAX_LISTED = 10


def header_of(roll: EncodedRoll) -> dict[str, Any]:
    """The header written for an encoded roll."""
    return {
        "format": "recuento-clk",
        "version": 1,
        "records": len(roll),
        "params": roll.params.to_dict(),
        "key_check": roll.key_check,
        "hashing": "HMAC-SHA256 of each padded q-gram, one key per field derived from the "
        "shared secret; positions are 16-bit words of the digest modulo the filter length",
        "hardening": "balanced (filter + complement under a keyed permutation), then "
        "permanent randomised response keyed by the record id",
        "tokens": "bytes 8-17 of HMAC-SHA256 of the record id, in hex (bytes 0-7 seed the "
        "noise and are never written)",
        "filter": "base64 of the record-level filter: field blocks in order, each 2 x bits "
        "long, as little-endian 64-bit words",
        "secret": "not stored",
    }


def write_clk(roll: EncodedRoll, path: Path) -> None:
    """Write an encoded roll to a ``.clk`` file (replacing it).

    Raises:
        PPRLError: the file cannot be written.
    """
    lines = [MAGIC, json.dumps(header_of(roll), sort_keys=True, ensure_ascii=True)]
    presence = ["".join("1" if p else "0" for p in row) for row in roll.present.tolist()]
    words = np.ascontiguousarray(roll.words.astype("<u8", copy=False))
    for token, mask, row in zip(roll.tokens, presence, words, strict=True):
        lines.append(f"{token}\t{mask}\t{base64.b64encode(row.tobytes()).decode('ascii')}")
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text("\n".join(lines) + "\n", encoding="ascii")
        tmp.replace(path)
    except OSError as e:
        raise PPRLError(f"Cannot write {path}: {e.strerror or e}.") from e


def read_clk(path: Path) -> EncodedRoll:
    """Read a ``.clk`` file, checking every line.

    Raises:
        PPRLError: the file is missing or is not a ``.clk`` file (plaintext lists included).
        ProblemsError: lines that cannot be read (every one, by line number).
    """
    try:
        with path.open("rb") as f:
            first = f.readline(64)
    except OSError as e:
        raise PPRLError(f"Cannot read {path}: {e.strerror or e}. Check the path.") from e
    if first.rstrip(b"\r\n").decode("ascii", "replace") != MAGIC:
        raise PPRLError(
            f"{path} is not an encoding file made by `recuento encode` (its first line is not "
            f"{MAGIC!r}). Encode the list first: recuento encode LIST --secret-file KEY --out "
            "FILE.clk"
        )
    text = path.read_text(encoding="ascii", errors="replace").splitlines()
    try:
        header = json.loads(text[1])
        params = EncodingParams.from_dict(header["params"])
        key = str(header["key_check"])
    except (IndexError, ValueError, KeyError, TypeError) as e:
        raise PPRLError(
            f"{path}: line 2 is not a valid encoding header ({type(e).__name__}). The file "
            "is damaged; encode the list again."
        ) from e
    n_fields = len(params.fields)
    n_bytes = params.n_bits // 8
    tokens: list[str] = []
    present: list[list[bool]] = []
    rows: list[bytes] = []
    problems: list[str] = []
    bad = 0
    for lineno, line in enumerate(text[2:], start=3):
        if not line:
            continue
        parts = line.split("\t")
        problem = None
        raw = b""
        if len(parts) != 3:
            problem = f"{len(parts)} tab-separated parts instead of 3"
        elif not _TOKEN.match(parts[0]):
            problem = "the token is not 20 hex characters"
        elif len(parts[1]) != n_fields or set(parts[1]) - {"0", "1"}:
            problem = f"the presence mask is not {n_fields} characters 0 or 1"
        else:
            try:
                raw = binascii.a2b_base64(parts[2], strict_mode=True)
            except (binascii.Error, ValueError):
                problem = "the filter is not valid base64"
            if problem is None and len(raw) != n_bytes:
                problem = f"the filter has {len(raw)} bytes instead of {n_bytes}"
        if problem is not None:
            bad += 1
            if len(problems) < _MAX_LISTED:
                problems.append(f"line {lineno}: {problem}")
            continue
        tokens.append(parts[0])
        present.append([c == "1" for c in parts[1]])
        rows.append(raw)
    if bad:
        more = [f"... and {bad - _MAX_LISTED} more"] if bad > _MAX_LISTED else []
        raise ProblemsError(
            f"{path}: {bad} lines cannot be read; the file is damaged, encode the list again.",
            [*problems, *more],
        )
    n_words = n_bytes // 8
    words = np.frombuffer(b"".join(rows), dtype="<u8").reshape(len(rows), n_words).copy()
    mask = np.array(present, dtype=bool).reshape(len(rows), n_fields)
    declared = header.get("records")
    roll = EncodedRoll(params, key, tokens, words, mask, name=path.name)
    if declared is not None and declared != len(tokens):
        raise PPRLError(
            f"{path}: the header declares {declared} records but the file holds {len(tokens)}; "
            "the file is truncated or damaged, encode the list again."
        )
    return roll
