"""Keyed Bloom filters of q-grams, hardened by balancing and randomised response.

Why hand-written: the Python library for this (clkhash, with anonlink for matching) has
been unmaintained since May 2023, pins cryptography 40.x and ships no wheels past Python
3.11. What recuento needs is small: HMAC-SHA256 from the standard library, and numpy for
the bit matrices. Writing it here keeps it tested and free of that dependency.

The construction, field by field (Schnell, Bachteler & Reiher 2009; hardening after Berger
& Schnell and Schnell & Borgs 2016):

1. **q-grams.** The standardised value is padded with ``_`` and cut into overlapping
   q-grams (bigrams by default): ``_ann_`` -> ``_a an nn n_``.
2. **Keyed hashing.** Each q-gram sets ``hashes`` positions among ``bits``, read from
   HMAC-SHA256(field key, q-gram): 16-bit words modulo ``bits`` (a power of two, so without
   bias). Without the secret nobody can compute where a q-gram lands, which stops the
   dictionary attack on plain double hashing.
3. **Balancing.** The filter is joined to its complement and the ``2 * bits`` positions
   are shuffled by a keyed permutation: every filter then has exactly ``bits`` ones, so the
   number of ones no longer tells the length of a name.
4. **Randomised response.** Each bit is flipped with probability ``flip_probability``,
   with noise drawn from a key and the record's id: the same record always gets the same
   noise (re-encoding it cannot be averaged out), while two records with the same value get
   different noise, so equal values no longer give equal filters.

A missing value gives an all-zero block and a cleared presence bit (no noise is added to
it): whether a field is filled in is visible to whoever holds the encodings.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recuento.pprl.keys import derive_key


@dataclass(frozen=True)
class FieldSpec:
    """How one field is encoded.

    Attributes:
        name: the field (``given``, ``surname``, ``birth_date``, ``postcode``, ``email``).
        bits: filter length before balancing (a power of two between 64 and 65536).
        hashes: positions set per q-gram (1-16).
        q: q-gram length.
    """

    name: str
    bits: int = 128
    hashes: int = 8
    q: int = 2

    @property
    def encoded_bits(self) -> int:
        """Bits of the field's block in an encoding (doubled by balancing)."""
        return 2 * self.bits


def check_field_spec(spec: FieldSpec) -> list[str]:
    """Problems with a field specification (empty when usable)."""
    problems = []
    if spec.bits < 64 or spec.bits > 65536 or spec.bits & (spec.bits - 1):
        problems.append(f"field {spec.name}: bits must be a power of two in 64..65536")
    if not 1 <= spec.hashes <= 16:
        problems.append(f"field {spec.name}: hashes must be between 1 and 16")
    if not 1 <= spec.q <= 4:
        problems.append(f"field {spec.name}: q must be between 1 and 4")
    return problems


def qgrams(value: str, q: int = 2) -> list[str]:
    """The distinct padded q-grams of a value, in order of first appearance.

    Text after a ``|`` is a list of whole tokens, kept as one item each (prefixed with
    ``|``): the encoder uses it for the formal forms of a nickname.

    Example:
        >>> qgrams("ann")
        ['_a', 'an', 'nn', 'n_']
        >>> qgrams("bill|william")
        ['_b', 'bi', 'il', 'll', 'l_', '|william']
        >>> qgrams("|y1971|m05")
        ['|y1971', '|m05']
    """
    text, *tokens = value.split("|")
    padded = f"_{text}_" if q > 1 else text
    seen: dict[str, None] = {}
    if text:
        for i in range(max(len(padded) - q + 1, 1)):
            seen.setdefault(padded[i : i + q], None)
    for token in tokens:
        if token:
            seen.setdefault(f"|{token}", None)
    return list(seen)


class FieldHasher:
    """Positions of a field's values in its (unbalanced) Bloom filter, with a q-gram cache."""

    def __init__(self, secret: bytes, spec: FieldSpec) -> None:
        self.spec = spec
        self._key = derive_key(secret, f"qgram/{spec.name}")
        self._gram_ids: dict[str, int] = {}
        self._positions: list[list[int]] = []

    def _gram_id(self, gram: str) -> int:
        gid = self._gram_ids.get(gram)
        if gid is None:
            digest = hmac.digest(self._key, gram.encode("utf-8"), "sha256")
            words = np.frombuffer(digest, dtype="<u2")[: self.spec.hashes]
            self._positions.append([int(w) % self.spec.bits for w in words])
            gid = self._gram_ids[gram] = len(self._positions) - 1
        return gid

    def gram_positions(self, gram: str) -> tuple[int, ...]:
        """The distinct positions one q-gram sets, sorted."""
        return tuple(sorted(set(self._positions[self._gram_id(gram)])))

    def value_positions(self, value: str) -> list[int]:
        """Every position set by a value (sorted, distinct)."""
        out: set[int] = set()
        for gram in qgrams(value, self.spec.q):
            out.update(self.gram_positions(gram))
        return sorted(out)

    def plain_filters(self, values: Sequence[str]) -> np.ndarray:
        """Unbalanced, noise-free filters of distinct values, as a bool matrix."""
        q, gram_id = self.spec.q, self._gram_id
        rows: list[int] = []
        grams: list[int] = []
        for i, value in enumerate(values):
            ids = [gram_id(g) for g in qgrams(value, q)]
            grams.extend(ids)
            rows.extend([i] * len(ids))
        matrix = np.zeros((len(values), self.spec.bits), dtype=bool)
        if grams:
            table = np.array(self._positions, dtype=np.int64)
            cols = table[np.array(grams, dtype=np.int64)]
            matrix[np.repeat(np.array(rows, dtype=np.int64), cols.shape[1]), cols.ravel()] = True
        return matrix


def balance_permutation(secret: bytes, spec: FieldSpec) -> np.ndarray:
    """The keyed permutation of a field's ``2 * bits`` balanced positions."""
    seed = int.from_bytes(derive_key(secret, f"balance/{spec.name}")[:16], "little")
    return np.random.default_rng(seed).permutation(spec.encoded_bits)


def balance(plain: np.ndarray, permutation: np.ndarray) -> np.ndarray:
    """Join filters to their complements and shuffle the columns (Berger & Schnell).

    Every balanced row has exactly as many ones as the plain filter has bits.
    """
    return np.concatenate([plain, ~plain], axis=1)[:, permutation]


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser, elementwise on uint64 (wrapping arithmetic)."""
    z = x + np.uint64(0x9E3779B97F4A7C15)
    t = np.empty_like(z)
    for shift, mult in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
        np.right_shift(z, np.uint64(shift), out=t)
        np.bitwise_xor(z, t, out=z)
        np.multiply(z, np.uint64(mult), out=z)
    np.right_shift(z, np.uint64(31), out=t)
    np.bitwise_xor(z, t, out=z)
    return z


def record_seeds_and_tokens(
    secret: bytes, record_ids: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """Each record's secret noise seed and public token, from one keyed hash of its id.

    HMAC-SHA256(record key, id): bytes 0-7 are the 64-bit noise seed (never written),
    bytes 8-17 in hex the 20-character token written instead of the id. Distinct bytes of
    a keyed hash are independent, so the token says nothing about the seed. The custodian,
    who knows the secret and its ids, can recompute every token; nobody else can invert it.
    """
    key = derive_key(secret, "record")
    digests = [hmac.digest(key, rid.encode("utf-8"), "sha256") for rid in record_ids]
    seeds = np.frombuffer(b"".join(d[:8] for d in digests), dtype="<u8").astype(np.uint64)
    return seeds, [d[8:18].hex() for d in digests]


def flip_mask(seeds: np.ndarray, n_bits: int, flip_probability: float) -> np.ndarray:
    """Which bits randomised response flips: a bool matrix, one row per seed.

    Each splitmix64(seed + c * golden) output, for counters ``c``, gives four 16-bit
    uniforms; bit ``j`` flips when its uniform falls below ``round(flip_probability *
    65536)`` (so the probability is quantised to 1/65536). The seed is secret (keyed by
    record), so the pattern is unpredictable without the key, and repeatable with it.
    """
    n = len(seeds)
    limit = round(flip_probability * 65536)
    if limit <= 0:
        return np.zeros((n, n_bits), dtype=bool)
    counters = -(-n_bits // 4)
    with np.errstate(over="ignore"):
        c = np.arange(counters, dtype=np.uint64) * np.uint64(0xD1B54A32D192ED03)
        mixed = _splitmix64(seeds[:, None] ^ c[None, :])
    uniforms = np.ascontiguousarray(mixed).view("<u2")[:, :n_bits]
    return uniforms < limit


def flip_mask_words(seeds: np.ndarray, n_bits: int, flip_probability: float) -> np.ndarray:
    """:func:`flip_mask` packed into uint64 words."""
    return pack_words(flip_mask(seeds, n_bits, flip_probability))


def pack_words(bits: np.ndarray) -> np.ndarray:
    """Pack a bool matrix (width a multiple of 64) into uint64 words, row by row."""
    packed = np.packbits(bits, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view("<u8")


def unpack_words(words: np.ndarray, n_bits: int) -> np.ndarray:
    """The bool matrix packed by :func:`pack_words`."""
    raw = np.ascontiguousarray(words).view(np.uint8)
    return np.unpackbits(raw, axis=1, bitorder="little", count=n_bits).astype(bool)


def popcount(words: np.ndarray) -> np.ndarray:
    """Number of ones per row of a uint64 word matrix."""
    return np.bitwise_count(words).sum(axis=1, dtype=np.int64)


def dice(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dice coefficients of paired rows of two uint64 word matrices.

    ``2 |A ∩ B| / (|A| + |B|)``; 0 when both are empty.
    """
    inter = np.bitwise_count(a & b).sum(axis=1, dtype=np.int64)
    total = popcount(a) + popcount(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, 2.0 * inter / np.maximum(total, 1), 0.0)
    return out
