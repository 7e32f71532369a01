"""How common is each record's name? Term frequencies estimated from the encodings.

Agreeing on a rare surname is much stronger evidence than agreeing on *Smith*. With
plaintext, Splink replaces the ``u`` probability of exact agreement by the value's
frequency. The matching party has no values, but it can estimate, for each record of the
first roll, how many records of the second roll carry the same value in a field: the
encodings of equal values differ only by the randomised-response noise, so they fall in
the same locality-sensitive-hashing bucket with a known probability.

For ``tables`` tables of ``bits`` positions sampled within the field's block, two
encodings of one value agree on a sampled bit unless exactly one of them was flipped,
which happens with probability ``2 f (1 - f)``; they share a bucket with probability
``p = (1 - 2 f (1 - f)) ** bits``. The number of records of the second roll in a record's
bucket, averaged over the tables and divided by ``p``, estimates how many carry its value
(near-identical values, *smith* and *smyth*, count in part; unrelated values collide with
probability about ``2 ** -bits``, negligible).

This uses only what the filters already show to whoever holds them (see the threat model
in docs/pprl.md: similar encodings can be clustered); it reveals nothing new.
"""

from __future__ import annotations

import numpy as np

from recuento.pprl.candidates import _keys, word_columns
from recuento.pprl.encode import EncodedRoll

TF_FIELDS = ("given", "surname")
"""Fields whose exact agreement is weighted by the value's estimated frequency."""


def value_counts(
    a: EncodedRoll,
    b: EncodedRoll,
    field: str,
    *,
    tables: int = 8,
    bits: int = 20,
    seed: int = 1,
) -> np.ndarray:
    """Estimated number of records of ``b`` with the same ``field`` value as each record of
    ``a`` (NaN where ``a`` lacks the field).
    """
    names = a.params.field_names
    j = names.index(field)
    start = sum(spec.encoded_bits for spec in a.params.fields[:j])
    width = a.params.fields[j].encoded_bits
    f = round(a.params.flip_probability * 65536) / 65536
    p_same = (1 - 2 * f * (1 - f)) ** bits
    rng = np.random.default_rng(seed)
    ok_a = np.flatnonzero(a.present[:, j])
    ok_b = np.flatnonzero(b.present[:, j])
    total = np.zeros(len(ok_a))
    # Only the field's own words are laid out by column (positions are shifted to them).
    words = slice(start // 64, (start + width) // 64)
    wa, wb = word_columns(a.words[:, words]), word_columns(b.words[:, words])
    for _ in range(tables):
        positions = rng.choice(width, bits, replace=False)
        key_b = np.sort(_keys(wb, positions)[ok_b])
        key_a = _keys(wa, positions)[ok_a]
        total += np.searchsorted(key_b, key_a, "right") - np.searchsorted(key_b, key_a, "left")
    out = np.full(len(a), np.nan)
    out[ok_a] = total / tables / p_same
    return out


def tf_u(
    a: EncodedRoll, b: EncodedRoll, fields: tuple[str, ...] = TF_FIELDS
) -> dict[str, np.ndarray]:
    """Per record of ``a``, the ``u`` of exact agreement for each field: its value's
    estimated share of ``b`` (at least one record in ``b``)."""
    out = {}
    for field in fields:
        if field in a.params.field_names:
            counts = value_counts(a, b, field)
            out[field] = np.maximum(np.nan_to_num(counts, nan=1.0), 1.0) / max(len(b), 1)
    return out
