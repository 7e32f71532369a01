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

Only the filters are used: no other key leaves the custodians. The bit positions are not
secret (they come from a fixed seed) and need not be.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from recuento.pprl.encode import EncodedRoll


@dataclass(frozen=True)
class CandidateSettings:
    """How candidate pairs are found.

    Attributes:
        bits_per_key: bits sampled per table (at most 64), half from each field.
        tables_per_combination: tables per pair of fields.
        max_bucket: buckets of the second roll holding more records than this are skipped
            (their pairs are counted in ``skipped_pairs``); it bounds the work when many
            records share a value.
        seed: seed of the sampled positions.
    """

    bits_per_key: int = 24
    tables_per_combination: int = 12
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


def _keys(words: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The LSH key of each row: the bits at ``positions`` packed into a uint64."""
    positions = np.asarray(positions, dtype=np.int64)
    columns = words[:, positions // 64]
    bits = (columns >> (positions % 64).astype(np.uint64)) & np.uint64(1)
    bits <<= np.arange(len(positions), dtype=np.uint64)
    return np.bitwise_or.reduce(bits, axis=1)


def _distinct(codes: np.ndarray) -> np.ndarray:
    """Sorted distinct values (a sort and a comparison: faster here than ``np.unique``)."""
    codes = np.sort(codes)
    keep = np.ones(len(codes), dtype=bool)
    keep[1:] = codes[1:] != codes[:-1]
    return codes[keep]


def _bucket_pairs(
    key_a: np.ndarray, idx_a: np.ndarray, key_b: np.ndarray, idx_b: np.ndarray, max_bucket: int
) -> tuple[np.ndarray, int]:
    """Pairs of records with equal keys, as codes ``a * n_b_total + b`` (unsorted)."""
    order = np.argsort(key_b, kind="stable")
    sorted_b = key_b[order]
    lo = np.searchsorted(sorted_b, key_a, side="left")
    hi = np.searchsorted(sorted_b, key_a, side="right")
    counts = hi - lo
    big = counts > max_bucket
    skipped = int(counts[big].sum())
    counts[big] = 0
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), skipped
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
    generated = skipped = tables = 0
    half = settings.bits_per_key // 2
    for f1, f2 in combinations(range(len(names)), 2):
        ok_a = np.flatnonzero(a.present[:, f1] & a.present[:, f2])
        ok_b = np.flatnonzero(b.present[:, f1] & b.present[:, f2])
        if not len(ok_a) or not len(ok_b):
            continue
        wa, wb = a.words[ok_a], b.words[ok_b]
        for _ in range(settings.tables_per_combination):
            positions = np.concatenate(
                [
                    offsets[names[f]] + rng.choice(widths[names[f]], half, replace=False)
                    for f in (f1, f2)
                ]
            )
            pairs, skip = _bucket_pairs(
                _keys(wa, positions), ok_a, _keys(wb, positions), ok_b, settings.max_bucket
            )
            tables += 1
            skipped += skip
            if pairs.size:
                generated += pairs.shape[1]
                codes.append(_distinct(pairs[0] * n_b + pairs[1]))
        if len(codes) > 8:  # keep memory bounded: merge as we go
            codes = [_distinct(np.concatenate(codes))]
    merged = _distinct(np.concatenate(codes)) if codes else np.empty(0, dtype=np.int64)
    return Candidates(merged // n_b, merged % n_b, tables, generated, skipped)


def field_combinations(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """The pairs of fields that get hash tables."""
    return list(combinations(names, 2))
