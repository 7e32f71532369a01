"""Encode a roll: standardised records -> hardened Bloom-filter encodings and opaque tokens.

An encoding holds, per record, one hardened filter block per field (the *field-level*
filters) laid side by side in one bit vector (the *record-level* filter), a presence mask
(which fields were filled in) and an opaque token instead of the record's id. The ``.clk``
file (see :mod:`recuento.pprl.clkfile`) holds nothing else, plus a header with every
parameter except the secret.

What each field encodes (from the standardised columns of
:data:`recuento.people.record.PERSON_SCHEMA`):

- ``given``: ``given_std`` (folded given names), plus one whole token for each formal form
  of the main given name (``bill`` also carries the token ``william``), so that a nickname
  is close to its formal name, and one for its initial (``^b``), so that a name written as
  an initial (``b``) keeps something in common with the full name;
- ``surname``: ``first_surname_std`` and ``second_surname_std``, space-joined;
- ``birth_date``: whole tokens for the year (three copies, :data:`YEAR_TOKEN_REPEATS`),
  the month, the day, and the day and month as an unordered pair (``1971-05-30`` ->
  ``y1971 y1971~2 y1971~3 m05 d30 md05-30``), so that a year-only date shares the year
  with the full date, a day-month swap keeps most of its tokens, and a birthday in another
  year keeps only half;
- ``postcode``: the postcode in capitals without spaces (``M139PL``) plus whole tokens for
  its area, outward code and sector, repeated (:data:`POSTCODE_TOKEN_REPEATS`) so that a
  move within the area keeps a share of the filter that random pairs do not reach; read
  from the column
  named by ``postcode_column`` or from a column called postcode, post code, postal code,
  zip, código postal or cp kept in ``attributes``;
- ``email``: ``email`` in lower case (not encoded by default).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from recuento.people.record import standardise_postcode
from recuento.pprl.bloom import (
    FieldHasher,
    FieldSpec,
    balance,
    balance_permutation,
    check_field_spec,
    flip_mask_words,
    pack_words,
    record_seeds_and_tokens,
)
from recuento.pprl.keys import PPRLError, key_check

FIELD_NAMES = ("given", "surname", "birth_date", "postcode", "email")
"""Fields that can be encoded."""

DEFAULT_FIELDS = ("given", "surname", "birth_date", "postcode")
"""Fields encoded by default: what two organisations realistically share."""

DEFAULT_SPECS: dict[str, FieldSpec] = {
    "given": FieldSpec("given", bits=128, hashes=8),
    "surname": FieldSpec("surname", bits=128, hashes=8),
    "birth_date": FieldSpec("birth_date", bits=128, hashes=8),
    "postcode": FieldSpec("postcode", bits=128, hashes=4),
    "email": FieldSpec("email", bits=256, hashes=6),
}
"""Default filter length and hash count per field (see docs/pprl.md for the reasoning).

The postcode sets 4 positions per q-gram, not 8: its 15 q-grams and tokens filled 61% of
128 bits with 8 (``1 - exp(-120 / 128)``), and in a filter that full a postcode of the
same area but another district was hard to tell from one of another area (Dice 0.59-0.72
against 0.46-0.60 with the default noise, 5th to 95th percentile). With 4 (37% full) they
are 0.62-0.73 against 0.46-0.60, and a move within the area, most moves, no longer falls
with moves across the country: on the 20k x 500k uk_roll benchmark rolls the best recall
at precision 0.99 rose by 0.11-0.20 points (seeds 8, 9, 10; token scheme 3)."""

DEFAULT_FLIP_PROBABILITY = 0.02
"""Default randomised-response flip probability per bit."""

POSTCODE_HEADERS = frozenset(
    {"postcode", "postalcode", "postcodezip", "zip", "zipcode", "codigopostal", "cp"}
)
"""Header names (folded: lower case, letters and digits only) read as the postcode."""

_CHUNK_ROWS = 16_384

TOKEN_SCHEME = 3
"""Version of what the encoder puts in each field (written in the ``.clk`` header as
``scheme``). Encodings of different schemes cannot be compared: the same value gives
different filters. 1: before the initial token of given names and the repeated postcode
and year tokens; 2: with them; 3: the postcode with 4 hash positions per q-gram instead
of 8 (:data:`DEFAULT_SPECS`). Headers written before the scheme was recorded are
scheme 1."""

YEAR_TOKEN_REPEATS = 3
"""How many whole tokens the year of a birth date gets. With one, two dates with the same
day and month in different years shared three of four tokens and had a Dice of 0.90-0.93,
in the matcher's top level with equal dates (0.93-0.98): three in four random pairs of
the uk_roll benchmark rolls in that level were such birthdays, so agreeing on the whole
date weighed two bits less than it should. With three copies they share half the tokens."""

POSTCODE_TOKEN_REPEATS = {"a": 4, "o": 2, "s": 2}
"""How many whole tokens the postcode's area (``a``), outward code (``o``) and sector
(``s``) each get. Repeating a token gives it more of the filter (each copy sets its own
``hashes`` positions), as field weighting does in other Bloom-filter encoders. With one
token each, two postcodes of the same area but another district had a Dice of 0.50-0.71
(median 0.60), overlapping postcodes of different areas (0.41-0.62, median 0.51), so a
move within the area, 12% of the true pairs of the uk_roll benchmark, weighed about as
much as a move across the country (measured on the 4k x 100k rolls, seed 8)."""


@dataclass(frozen=True)
class EncodingParams:
    """Every parameter of an encoding (all written in the ``.clk`` header).

    Attributes:
        fields: the field specifications, in block order.
        flip_probability: randomised-response flip probability per bit (0 to 0.25).
        scheme: the token scheme (:data:`TOKEN_SCHEME`); only the current one can be
            encoded, an older one is read from old ``.clk`` files so that matching can
            refuse to compare it with the current one.
    """

    fields: tuple[FieldSpec, ...] = tuple(DEFAULT_SPECS[f] for f in DEFAULT_FIELDS)
    flip_probability: float = DEFAULT_FLIP_PROBABILITY
    scheme: int = TOKEN_SCHEME

    @property
    def n_bits(self) -> int:
        """Bits of a record-level filter."""
        return sum(f.encoded_bits for f in self.fields)

    @property
    def field_names(self) -> tuple[str, ...]:
        """Field names in block order."""
        return tuple(f.name for f in self.fields)

    def word_slices(self) -> dict[str, slice]:
        """Field name -> its 64-bit words within a record-level filter."""
        out, start = {}, 0
        for f in self.fields:
            width = f.encoded_bits // 64
            out[f.name] = slice(start, start + width)
            start += width
        return out

    def to_dict(self) -> dict[str, Any]:
        """The parameters as JSON-ready values."""
        return {
            "fields": [
                {"name": f.name, "bits": f.bits, "hashes": f.hashes, "q": f.q} for f in self.fields
            ],
            "balanced": True,
            "flip_probability": self.flip_probability,
            "scheme": self.scheme,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EncodingParams:
        """Parameters from :meth:`to_dict`'s output."""
        fields = tuple(
            FieldSpec(str(f["name"]), int(f["bits"]), int(f["hashes"]), int(f["q"]))
            for f in data["fields"]
        )
        return cls(
            fields=fields,
            flip_probability=float(data["flip_probability"]),
            scheme=int(data.get("scheme", 1)),
        )


def make_params(
    fields: Sequence[str] = DEFAULT_FIELDS, flip_probability: float = DEFAULT_FLIP_PROBABILITY
) -> EncodingParams:
    """Encoding parameters for the named fields, with the default filter sizes.

    Raises:
        PPRLError: an unknown or repeated field, or a flip probability outside [0, 0.25].
    """
    problems = []
    for name in fields:
        if name not in DEFAULT_SPECS:
            problems.append(f"unknown field {name!r}; known: {', '.join(FIELD_NAMES)}")
    if len(set(fields)) != len(fields):
        problems.append("a field is named twice")
    if not fields:
        problems.append("no field to encode")
    if not 0 <= flip_probability <= 0.25:
        problems.append("the flip probability must be between 0 and 0.25")
    if problems:
        raise PPRLError("Cannot encode with these settings: " + "; ".join(problems) + ".")
    params = EncodingParams(tuple(DEFAULT_SPECS[f] for f in fields), flip_probability)
    spec_problems = [p for f in params.fields for p in check_field_spec(f)]
    if spec_problems:
        raise PPRLError("Invalid field settings: " + "; ".join(spec_problems) + ".")
    return params


@dataclass
class EncodedRoll:
    """The encodings of one roll.

    Attributes:
        params: how it was encoded.
        key_check: the fingerprint of the secret (see :func:`recuento.pprl.keys.key_check`).
        tokens: one opaque token per record.
        words: record-level filters, one row of uint64 words per record.
        present: which fields each record has (bool, one column per field).
        name: a label for messages (the file name).
    """

    params: EncodingParams
    key_check: str
    tokens: list[str]
    words: np.ndarray
    present: np.ndarray
    name: str = "roll"
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.tokens)

    def field_words(self, name: str) -> np.ndarray:
        """The words of one field's block, for every record."""
        return self.words[:, self.params.word_slices()[name]]


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )


def fold_header(header: str) -> str:
    """A header folded for matching: lower case, no accents, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", _fold(header))


def normalise_postcode(value: str | None) -> str | None:
    """A postcode in capitals without spaces or punctuation (None when empty): the list
    reader's standardisation, so that a postcode read from an unmapped column encodes as
    one the reader mapped."""
    return standardise_postcode(value)


def postcode_tokens(postcode: str | None) -> str | None:
    """The encoded form of a normalised UK-style postcode: the postcode, then whole tokens
    for its area letters, its outward code and its sector (when it has the UK shape), each
    repeated as :data:`POSTCODE_TOKEN_REPEATS` says (copies after the first carry ``~k``).

    Example:
        >>> postcode_tokens("M139PL")
        'M139PL|aM|aM~2|aM~3|aM~4|oM13|oM13~2|sM139|sM139~2'
    """
    if not postcode:
        return None
    found = re.match(r"^([A-Z]{1,2})(\d[A-Z\d]?)(\d)([A-Z]{2})$", postcode)
    if found is None:
        return postcode
    area, district, sector, _ = found.groups()
    out = [postcode]
    for kind, token in (("a", area), ("o", area + district), ("s", area + district + sector)):
        copies = POSTCODE_TOKEN_REPEATS[kind]
        out += [f"{kind}{token}"] + [f"{kind}{token}~{k}" for k in range(2, copies + 1)]
    return "|".join(out)


def given_tokens(given: str | None, formal: Sequence[str] | None = None) -> str | None:
    """The encoded form of folded given names: the names (cut into q-grams), then whole
    tokens for the formal forms of the main given name and for its initial.

    Example:
        >>> given_tokens("bill", ["william"])
        'bill|william|^b'
        >>> given_tokens("b")
        'b|^b'
    """
    if not given:
        return None
    return given + "".join(f"|{f}" for f in (formal or ()) if f) + f"|^{given[0]}"


def date_tokens(iso: str | None) -> str | None:
    """The encoded form of an ISO (possibly partial) birth date.

    Example:
        >>> date_tokens("1971-05-30")
        '|y1971|y1971~2|y1971~3|m05|d30|md05-30'
        >>> date_tokens("1971")
        '|y1971|y1971~2|y1971~3'
    """
    if not iso:
        return None
    parts = iso.split("-")
    year = f"y{parts[0]}"
    out = f"|{year}" + "".join(f"|{year}~{k}" for k in range(2, YEAR_TOKEN_REPEATS + 1))
    if len(parts) > 1:
        out += f"|m{parts[1]}"
    if len(parts) > 2:
        low, high = sorted((parts[1], parts[2]))
        out += f"|d{parts[2]}|md{low}-{high}"
    return out


def _postcode_key(attributes: Sequence[str | None], wanted: str | None) -> str | None:
    seen: set[str] = set()
    for text in attributes[:1000]:  # an empty cell may leave its key out of a row
        if not text:
            continue
        for k in json.loads(text):
            if k in seen:
                continue
            seen.add(k)
            folded = fold_header(k)
            if (wanted is not None and folded == wanted) or (
                wanted is None and folded in POSTCODE_HEADERS
            ):
                return str(k)
    return None


def postcodes_from_attributes(
    attributes: Sequence[str | None], column: str | None = None
) -> tuple[list[str | None], str | None]:
    """Postcodes read from the ``attributes`` JSON of each record.

    Args:
        attributes: the ``attributes`` column (JSON objects of unmapped columns).
        column: the header of the postcode column; by default any header in
            :data:`POSTCODE_HEADERS` (after folding).

    Returns:
        The normalised postcodes (None where absent) and the header used (None if none).
    """
    key = _postcode_key(attributes, fold_header(column) if column is not None else None)
    if key is None:
        return [None] * len(attributes), None
    # A regular expression over the JSON text is much faster than parsing every row; rows
    # where it finds nothing (escaped characters, numbers) are parsed in full.
    pattern = re.compile(re.escape(json.dumps(key, ensure_ascii=False)) + r': "([^"\\]*)"')
    out: list[str | None] = []
    for text in attributes:
        if not text:
            out.append(None)
            continue
        found = pattern.search(text)
        if found is not None:
            out.append(normalise_postcode(found.group(1)))
            continue
        raw = json.loads(text).get(key)
        out.append(normalise_postcode(str(raw)) if raw is not None else None)
    return out, key


def postcodes_of(table: pa.Table, column: str | None = None) -> tuple[list[str | None], str | None]:
    """Postcodes of a standardised table: from its attributes, else its ``postcode`` column.

    The list reader maps the usual postcode headers to the ``postcode`` column (already
    normalised); a column named by ``column`` that it did not map is still found among the
    attributes (:func:`postcodes_from_attributes`).

    Returns:
        The normalised postcodes (None where absent) and the header used (``"postcode"`` for
        the mapped column; None if there is none).
    """
    n = table.num_rows
    names = table.column_names
    attributes = table.column("attributes").to_pylist() if "attributes" in names else [None] * n
    values, key = postcodes_from_attributes(attributes, column)
    if key is not None or "postcode" not in names:
        return values, key
    if column is not None and fold_header(column) not in POSTCODE_HEADERS:
        return values, key
    mapped = table.column("postcode").to_pylist()
    if all(v is None for v in mapped):
        return values, key
    return mapped, "postcode"


def _per_distinct(
    table: pa.Table, name: str, function: Callable[[str], str | None]
) -> list[str | None]:
    """``function`` of each value of a string column, computed once per distinct value."""
    if name not in table.column_names:
        return [None] * table.num_rows
    encoded = table.column(name).combine_chunks().dictionary_encode()
    mapped = pa.array([function(v) for v in encoded.dictionary.to_pylist()], type=pa.string())
    return mapped.take(encoded.indices).to_pylist()


def _given_values(table: pa.Table) -> list[str | None]:
    """:func:`given_tokens` of each record, computed once per distinct given name: the
    reader derives ``given_formal`` from the given names alone (recuento.people.names), so
    one distinct ``given_std`` has one ``given_formal``."""
    if "given_std" not in table.column_names:
        return [None] * table.num_rows
    encoded = table.column("given_std").combine_chunks().dictionary_encode()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    valid = ~np.asarray(encoded.indices.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    distinct = encoded.dictionary.to_pylist()
    formal: list[Any] = [None] * len(distinct)
    if "given_formal" in table.column_names and len(distinct):
        codes = indices[valid].astype(np.int64)
        _, first = np.unique(codes, return_index=True)
        rows = np.flatnonzero(valid)[first]
        formal = table.column("given_formal").take(pa.array(rows)).to_pylist()
    mapped = pa.array(
        [given_tokens(g, fs) for g, fs in zip(distinct, formal, strict=True)], type=pa.string()
    )
    return mapped.take(encoded.indices).to_pylist()


def field_values(
    table: pa.Table, fields: Sequence[str], postcode_column: str | None = None
) -> tuple[dict[str, list[str | None]], list[str]]:
    """The text encoded for each field of each record of a standardised table.

    Returns:
        Field name -> one value (or None) per record, and notes for the user (no values).

    Raises:
        PPRLError: the postcode is asked for and no postcode column can be found.
    """
    notes: list[str] = []

    def column(name: str) -> list[Any]:
        return table.column(name).to_pylist() if name in table.column_names else []

    out: dict[str, list[str | None]] = {}
    n = table.num_rows
    for name in fields:
        if name == "given":
            out[name] = _given_values(table)
        elif name == "surname":
            first = column("first_surname_std") or [None] * n
            second = column("second_surname_std") or [None] * n
            out[name] = [
                " ".join(p for p in (a, b) if p) or None for a, b in zip(first, second, strict=True)
            ]
        elif name == "birth_date":
            out[name] = _per_distinct(table, "birth_date", date_tokens)
        elif name == "postcode":
            values, key = postcodes_of(table, postcode_column)
            if key is None and n:
                wanted = (
                    f"a column named {postcode_column!r}"
                    if postcode_column
                    else (
                        "a column named Postcode, Post code, Postal code, ZIP, Código postal or CP"
                    )
                )
                raise PPRLError(
                    f"The postcode field is to be encoded but the list has no postcode column "
                    f"(looked for {wanted}). Name the column with --postcode-column, or leave "
                    "the postcode out with --fields."
                )
            out[name] = [postcode_tokens(v) for v in values]
        elif name == "email":
            out[name] = [e.strip().lower() if e else None for e in column("email") or [None] * n]
        missing = sum(v is None for v in out[name])
        if missing:
            notes.append(f"{missing} of {n} records have no {name.replace('_', ' ')}")
    return out, notes


def encode_values(
    values: Mapping[str, Sequence[str | None]],
    record_ids: Sequence[str],
    secret: bytes,
    params: EncodingParams | None = None,
    *,
    name: str = "roll",
) -> EncodedRoll:
    """Encode records given as field values.

    Args:
        values: field name -> one value (or None) per record, for every field of ``params``.
        record_ids: each record's id (unique); it keys the record's noise and its token.
        secret: the shared secret (see :func:`recuento.pprl.keys.load_secret`).
        params: encoding parameters (the defaults otherwise).
        name: a label for messages.

    Raises:
        PPRLError: ids are repeated, a field's values are missing, or ``params`` are of
            an older token scheme.
    """
    params = params or EncodingParams()
    n = len(record_ids)
    problems = [f"no values for field {f}" for f in params.field_names if f not in values]
    problems += [
        f"field {f} has {len(values[f])} values for {n} records"
        for f in params.field_names
        if f in values and len(values[f]) != n
    ]
    if params.scheme != TOKEN_SCHEME:
        problems.append(
            f"the settings are those of token scheme {params.scheme} (an encoding file made "
            f"by an older recuento), and this version encodes scheme {TOKEN_SCHEME} only; "
            "encode the other list again with this version"
        )
    if len(set(record_ids)) != n:
        problems.append(
            f"{n - len(set(record_ids))} record ids are repeated; every record needs its own id "
            "(it keys the record's noise and its token)"
        )
    if problems:
        raise PPRLError(f"Cannot encode {name}: " + "; ".join(problems) + ".")

    blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    present = np.zeros((n, len(params.fields)), dtype=bool)
    for j, spec in enumerate(params.fields):
        # Distinct values are hashed once: names, dates and postcodes repeat a lot.
        arr = pa.array(values[spec.name], type=pa.string()).dictionary_encode()
        dictionary = arr.dictionary.to_pylist()
        idx = arr.indices.to_numpy(zero_copy_only=False)
        valid = ~np.asarray(arr.indices.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        idx = np.where(valid, np.nan_to_num(idx, nan=0), 0).astype(np.int64)
        plain = FieldHasher(secret, spec).plain_filters(dictionary)
        balanced = balance(plain, balance_permutation(secret, spec))
        blocks.append((balanced, idx, valid))
        present[:, j] = valid

    seeds, tokens = record_seeds_and_tokens(secret, record_ids)
    n_words = params.n_bits // 64
    words = np.zeros((n, n_words), dtype=np.uint64)
    slices = params.word_slices()
    for start in range(0, n, _CHUNK_ROWS):
        stop = min(n, start + _CHUNK_ROWS)
        noise = flip_mask_words(seeds[start:stop], params.n_bits, params.flip_probability)
        for spec, (balanced, idx, valid) in zip(params.fields, blocks, strict=True):
            sl = slices[spec.name]
            if not len(balanced):
                continue
            block = pack_words(balanced[idx[start:stop]])
            block ^= noise[:, sl]
            block[~valid[start:stop]] = 0
            words[start:stop, sl] = block
    return EncodedRoll(params, key_check(secret), tokens, words, present, name=name)


def encode_table(
    table: pa.Table,
    secret: bytes,
    params: EncodingParams | None = None,
    *,
    postcode_column: str | None = None,
    name: str = "roll",
) -> EncodedRoll:
    """Encode a standardised table (the ``table`` of :func:`recuento.lists.reader.read_list`).

    Raises:
        PPRLError: no postcode column when the postcode is encoded, or repeated ids.
    """
    params = params or EncodingParams()
    values, notes = field_values(table, params.field_names, postcode_column)
    ids = [str(i) for i in table.column("id").to_pylist()]
    roll = encode_values(values, ids, secret, params, name=name)
    roll.notes.extend(notes)
    return roll
