"""Candidate pairs for encoded matching: locality-sensitive hashing on the filters.

Comparing every pair of a 20,000-record roll with a 500,000-record roll is 10^10 Dice
coefficients; instead, pairs are compared only when they collide in at least one hash
table. A table takes ``bits_per_key`` fixed bit positions, half from each of two fields,
and puts records with the same bits at those positions in the same bucket (Hamming LSH,
as in Durham's work on Bloom-filter blocking). Two encodings of the same value differ
only in the randomised-response noise (each bit with probability about ``2f``), so they
collide in a table with probability about ``(1 - 2f) ** bits_per_key``; unrelated values
agree on a bit about half the time and rarely collide. Tables use every pair of fields, so
a pair that disagrees on one or two fields (a move and a changed surname) still collides
through the fields it shares.

Tables per pair of fields: 24 (12 before 2026-11-26). A pair that agrees on one field and
only half agrees on the other (the same given name, a year-only birth date against the
full date) collides in a table with probability about 0.04, so 12 tables found 40-65% of
such pairs and 24 find 65-75%. On the uk_roll benchmark rolls the best recall at
precision 0.99 rose by 0.03-0.17 points (4k x 100k, seeds 8-11; 0.08 at 20k x 500k, seed
9), and on the 4k x 100k rolls of seed 8 the members missed because their pair was never
compared fell from 16 to 7. The kernels keep this cheap: keys are read from the filters
laid out word by word (:func:`word_columns`), and records of the larger roll whose key no
record of the smaller one has are dropped through a table of flags before anything is
sorted. Matching 20k x 500k took 34 s of CPU with 12 tables and the former kernels, and
takes about 25 s with 24.

Only the filters are used: no other key leaves the custodians. The bit positions are not
secret (they come from a fixed seed) and need not be.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from recuento.pprl.encode import EncodedRoll

_MERGE_CODES = 50_000_000
"""Candidate codes (8 bytes each) gathered before repeats are dropped."""


@dataclass(frozen=True)
class CandidateSettings:
    """How candidate pairs are found.

    Attributes:
        bits_per_key: bits sampled per table (at most 64), half from each field.
        tables_per_combination: tables per pair of fields (see the module's text).
        max_bucket: buckets of the second roll holding more records than this are skipped
            (their pairs are counted in ``skipped_pairs``); it bounds the work when many
            records share a value.
        seed: seed of the sampled positions.
    """

    bits_per_key: int = 24
    tables_per_combination: int = 24
    max_bucket: int = 5000
    seed: int = 0


@dataclass
class Candidates:
    """Candidate pairs (indices into the two rolls) and what finding them cost.

    Attributes:
        a, b: record indices, one entry per distinct pair, sorted by ``a`` then ``b``.
        tables: number of hash tables used.
        generated: pairs generated before removing repeats.
        skipped_pairs: pairs not generated because their bucket was too large.
    """

    a: np.ndarray
    b: np.ndarray
    tables: int
    generated: int
    skipped_pairs: int


def word_columns(words: np.ndarray) -> np.ndarray:
    """Filters laid out word by word (``words.T``, contiguous): the layout :func:`_keys`
    reads, where each word of every record is one contiguous column."""
    return np.ascontiguousarray(words.T)


def _keys(columns: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The LSH key of each record: the bits at ``positions`` packed into a uint64.

    Args:
        columns: the filters as :func:`word_columns` lays them out (words x records).
        positions: bit positions in the record-level filter (at most 64).

    Bit ``k`` of a key is the filter's bit at ``positions[k]``: each is masked out of its
    word's column and shifted into place, a few passes over contiguous memory (gathering
    a records x positions matrix first was four times as slow and used that much memory).
    """
    out = np.zeros(columns.shape[1], dtype=np.uint64)
    bit = np.empty(columns.shape[1], dtype=np.uint64)
    for k, p in enumerate(np.asarray(positions, dtype=np.int64).tolist()):
        shift = p % 64
        np.bitwise_and(columns[p // 64], np.uint64(1 << shift), out=bit)
        if shift > k:
            np.right_shift(bit, np.uint64(shift - k), out=bit)
        elif shift < k:
            np.left_shift(bit, np.uint64(k - shift), out=bit)
        np.bitwise_or(out, bit, out=out)
    return out


def _distinct(codes: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a comparison: faster here than ``np.unique``)."""
    codes = np.sort(codes)
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = codes[1:] != codes[:-1]
    return codes[keep]


_TABLE_KEY_BITS = 26
"""Keys of at most this many bits are looked up in a table of ``2 ** bits`` flags."""


def _shared_keys(key_a: np.ndarray, key_b: np.ndarray, key_bits: int) -> np.ndarray:
    """Which keys of ``key_b`` some key of ``key_a`` equals (a bool mask)."""
    if key_bits <= _TABLE_KEY_BITS:
        flags = np.zeros(1 << key_bits, dtype=bool)
        flags[key_a] = True
        return flags[key_b]
    sorted_a = np.sort(key_a)
    found = np.minimum(np.searchsorted(sorted_a, key_b), len(sorted_a) - 1)
    return sorted_a[found] == key_b


def _bucket_pairs(
    key_a: np.ndarray,
    idx_a: np.ndarray,
    key_b: np.ndarray,
    idx_b: np.ndarray,
    max_bucket: int,
    key_bits: int = 64,
) -> tuple[np.ndarray, int]:
    """Pairs of records with equal keys, as rows ``a`` and ``b`` of a 2 x pairs array.

    ``key_bits`` bounds the keys (``key < 2 ** key_bits``)."""
    if not len(key_a) or not len(key_b):
        return np.empty((2, 0), dtype=np.int64), 0
    # Most records of the larger roll share no key with the smaller one: drop them before
    # sorting.
    shared = _shared_keys(key_a, key_b, key_bits)
    key_b, idx_b = key_b[shared], idx_b[shared]
    order = np.argsort(key_b)  # the order within a bucket does not matter
    sorted_b = key_b[order]
    lo = np.searchsorted(sorted_b, key_a, side="left")
    hi = np.searchsorted(sorted_b, key_a, side="right")
    counts = hi - lo
    big = counts > max_bucket
    skipped = int(counts[big].sum())
    counts[big] = 0
    total = int(counts.sum())
    if total == 0:
        return np.empty((2, 0), dtype=np.int64), skipped
    starts = np.repeat(lo, counts)
    within = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    rows_a = np.repeat(idx_a, counts)
    rows_b = idx_b[order[starts + within]]
    return np.stack([rows_a, rows_b]), skipped


def find_candidates(
    a: EncodedRoll, b: EncodedRoll, settings: CandidateSettings | None = None
) -> Candidates:
    """Candidate pairs between two rolls encoded with the same parameters.

    Args:
        a, b: the encoded rolls (``b`` is usually the larger one).
        settings: LSH settings (the defaults otherwise).
    """
    settings = settings or CandidateSettings()
    rng = np.random.default_rng(settings.seed)
    params = a.params
    offsets: dict[str, int] = {}
    start = 0
    for spec in params.fields:
        offsets[spec.name] = start
        start += spec.encoded_bits
    widths = {spec.name: spec.encoded_bits for spec in params.fields}
    names = params.field_names
    n_b = len(b)
    codes: list[np.ndarray] = []
    generated = skipped = tables = pending = 0
    half = settings.bits_per_key // 2
    columns_a, columns_b = word_columns(a.words), word_columns(b.words)
    for f1, f2 in combinations(range(len(names)), 2):
        ok_a = np.flatnonzero(a.present[:, f1] & a.present[:, f2])
        ok_b = np.flatnonzero(b.present[:, f1] & b.present[:, f2])
        if not len(ok_a) or not len(ok_b):
            continue
        for _ in range(settings.tables_per_combination):
            positions = np.concatenate(
                [
                    offsets[names[f]] + rng.choice(widths[names[f]], half, replace=False)
                    for f in (f1, f2)
                ]
            )
            pairs, skip = _bucket_pairs(
                _keys(columns_a, positions)[ok_a],
                ok_a,
                _keys(columns_b, positions)[ok_b],
                ok_b,
                settings.max_bucket,
                2 * half,
            )
            tables += 1
            skipped += skip
            if pairs.size:
                generated += pairs.shape[1]
                codes.append(pairs[0] * n_b + pairs[1])
                pending += pairs.shape[1]
            # A pair comes once per table it collides in: sort the codes and drop repeats
            # once at the end, or when they grow large (memory stays bounded).
            if pending > _MERGE_CODES:
                codes, pending = [_distinct(np.concatenate(codes))], 0
    merged = _distinct(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    return Candidates(merged // n_b, merged % n_b, tables, generated, skipped)


def field_combinations(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """The pairs of fields that get hash tables."""
    return list(combinations(names, 2))
