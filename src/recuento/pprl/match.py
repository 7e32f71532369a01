"""Match two encoded rolls: Dice per field, a match weight, one-to-one assignment.

The neutral party runs this on two ``.clk`` files. It sees filters, never values, and it
returns pairs of tokens with their scores, never filters.

1. **Candidates** by locality-sensitive hashing on the filters
   (:mod:`recuento.pprl.candidates`).
2. **Dice per field** with a bit-count kernel: ``2 |A ∩ B| / (|A| + |B|)`` from
   ``numpy.bitwise_count`` over the 64-bit words of each field's block.
3. **Match weight** (Fellegi-Sunter): each field's Dice falls in a level (the matcher's
   grid :data:`MATCH_LEVELS`: ``>= 0.90``, ``0.85``, ``0.80``, ``0.775``, ``0.75``,
   ``0.70``, ``0.65``, ``0.60``, lower); the weight is the sum over fields of
   ``log2(m / u)`` for the level. ``u``, its chance for a random pair, is estimated from
   random pairs of the two rolls themselves (so it adapts to how common names and dates
   are, without seeing any), and for given name and surname the top level uses the
   value's own estimated frequency (:mod:`recuento.pprl.tf`). ``m``, its chance for a
   true pair, starts from documented defaults (:data:`DEFAULT_M`) and is estimated from
   the candidate pairs on which every other field agrees (:func:`estimate_m`). A field
   missing on either side adds nothing. The match probability adds the prior odds of one
   match per record of the smaller roll.
4. **Assignment**: one-to-one (greedy, best probability first, as anonlink's solver) or,
   for eligibility, the best candidate of each record of the first roll.
5. **Threshold** on the match probability. ``similarity`` is the record-level Dice (over
   the fields both records have), reported for people to read beside the probability.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from recuento.pprl.candidates import Candidates, CandidateSettings, find_candidates
from recuento.pprl.encode import EncodedRoll
from recuento.pprl.keys import PPRLError
from recuento.pprl.tf import tf_u

LEVELS = (0.90, 0.80, 0.70, 0.60)
"""Dice thresholds of the coarse agreement levels, highest first (a last level takes the
rest): the levels of :data:`DEFAULT_M`, and of a model built with ``m`` given by hand."""

MATCH_LEVELS = (0.90, 0.85, 0.80, 0.775, 0.75, 0.70, 0.65, 0.60)
"""Dice thresholds of the levels the matcher uses with its own ``m`` (the default).

Finer than :data:`LEVELS` between 0.60 and 0.90, where the hardened filters put the
partial agreements: with balanced filters and 2% randomised response, random pairs have a
Dice around 0.5-0.65 (0.77 at their 99th percentile for birth dates), while a year-only
birth date against the full date gives 0.78-0.85, a day-month swap 0.74-0.86, a nickname
or an initial 0.6-0.75 (measured on the uk_roll benchmark rolls, seed 8, with token
scheme 1; scheme 2 moves these, see :mod:`recuento.pprl.encode`). With the coarse
levels a year-only date fell half in the level of random pairs; with these, ``m`` and
``u`` (both estimated, see :func:`estimate_m`) separate them. On the 4k x 100k benchmark
rolls (seed 8) the best recall at precision >= 0.99 went from 0.979 to 0.982.
"""

DEFAULT_M: dict[str, tuple[float, float, float, float, float]] = {
    "given": (0.83, 0.02, 0.04, 0.05, 0.06),
    "surname": (0.92, 0.02, 0.01, 0.01, 0.04),
    "birth_date": (0.86, 0.09, 0.03, 0.01, 0.01),
    "postcode": (0.80, 0.01, 0.03, 0.06, 0.10),
    "email": (0.75, 0.02, 0.03, 0.05, 0.15),
}
"""Chance of each level (Dice >= .90, >= .80, >= .70, >= .60, lower) for a true pair.

Set from what realistic rolls look like: nicknames and dropped middle names (given),
changed surnames after marriage (surname), year-only or swapped birth dates, people who
moved (postcode), new e-mail addresses. They change the weights little where the
evidence is strong; see docs/pprl.md.
"""


def refine_m(m: tuple[float, ...]) -> tuple[float, ...]:
    """A coarse ``m`` (the 5 levels of :data:`LEVELS`) spread over :data:`MATCH_LEVELS`.

    Each coarse level's share is divided among the fine levels inside it: ``0.80-0.90``
    in halves (``0.85-0.90``, ``0.80-0.85``), ``0.70-0.80`` in quarters, a quarter and a
    half (``0.775-0.80``, ``0.75-0.775``, ``0.70-0.75``), ``0.60-0.70`` in halves; the top
    and the bottom level keep theirs. Only a starting point: :func:`estimate_m` re-weighs
    it with the data.
    """
    top, high, mid, low, bottom = m
    return (top, high / 2, high / 2, mid / 4, mid / 4, mid / 2, low / 2, low / 2, bottom)


RANDOM_PAIRS = 1_000_000
"""Random pairs drawn to estimate the ``u`` probabilities."""

_CHUNK = 65_536


@dataclass
class FieldModel:
    """One field's levels: ``m`` and ``u`` probabilities and weights (log2 m/u)."""

    m: tuple[float, ...]
    u: tuple[float, ...]

    @property
    def weights(self) -> np.ndarray:
        """The weight of each level, in bits."""
        return np.log2(np.asarray(self.m) / np.asarray(self.u))


@dataclass
class MatchModel:
    """The scoring model: per-field levels and the prior odds of a match."""

    fields: dict[str, FieldModel]
    prior: float
    levels: tuple[float, ...] = LEVELS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (for reports and reproducibility)."""
        return {
            "levels": list(self.levels),
            "prior": self.prior,
            "fields": {
                name: {
                    "m": list(fm.m),
                    "u": [float(x) for x in fm.u],
                    "weights": [round(float(w), 4) for w in fm.weights],
                }
                for name, fm in self.fields.items()
            },
        }


@dataclass
class Comparison:
    """Scores of pairs (index arrays into the two rolls)."""

    a: np.ndarray
    b: np.ndarray
    dice: np.ndarray  # pairs x fields; NaN where a field is missing on either side
    similarity: np.ndarray
    weight: np.ndarray = field(default_factory=lambda: np.empty(0))
    probability: np.ndarray = field(default_factory=lambda: np.empty(0))

    def take(self, keep: np.ndarray) -> Comparison:
        """The pairs selected by an index or mask."""
        return Comparison(
            self.a[keep],
            self.b[keep],
            self.dice[keep],
            self.similarity[keep],
            self.weight[keep],
            self.probability[keep],
        )


@dataclass
class MatchResult:
    """Pairs found between two encoded rolls (tokens and scores, never filters).

    Attributes:
        pairs: the kept pairs with their scores.
        tokens_a, tokens_b: the tokens of the two rolls (index with ``pairs.a``/``.b``).
        fields: field names (the columns of ``pairs.dice``).
        model: the scoring model used.
        candidates: how many candidate pairs were compared, and LSH statistics.
    """

    pairs: Comparison
    tokens_a: list[str]
    tokens_b: list[str]
    fields: tuple[str, ...]
    model: MatchModel
    candidates: dict[str, int]

    def rows(self) -> list[dict[str, Any]]:
        """One dict per pair: tokens, similarity, probability, weight, Dice per field."""
        out = []
        p = self.pairs
        for i in range(len(p.a)):
            row: dict[str, Any] = {
                "a_token": self.tokens_a[int(p.a[i])],
                "b_token": self.tokens_b[int(p.b[i])],
                "similarity": round(float(p.similarity[i]), 4),
                "probability": round(float(p.probability[i]), 6),
                "weight": round(float(p.weight[i]), 3),
            }
            for j, name in enumerate(self.fields):
                d = p.dice[i, j]
                row[f"dice_{name}"] = "" if np.isnan(d) else round(float(d), 4)
            out.append(row)
        return out


def check_compatible(a: EncodedRoll, b: EncodedRoll, *, check_keys: bool = True) -> None:
    """Refuse two rolls that cannot be compared, saying why.

    Raises:
        PPRLError: different secrets (key checks), token schemes or encoding parameters.
    """
    if check_keys and a.key_check != b.key_check:
        raise PPRLError(
            f"{a.name} and {b.name} were encoded with different secrets (their key checks "
            "differ), so no record could ever match. Both sides must encode with the same "
            "shared secret; encode again with the right --secret-file."
        )
    if a.params.scheme != b.params.scheme:
        raise PPRLError(
            f"{a.name} and {b.name} were encoded by different versions of recuento's encoder "
            f"(token schemes {a.params.scheme} and {b.params.scheme}): the same value gives "
            "different filters, so they cannot be compared. Encode both lists again with "
            "the same version."
        )
    if a.params != b.params:
        raise PPRLError(
            f"{a.name} and {b.name} were encoded with different settings (fields, filter "
            "lengths, hashes or noise); encode both with the same --fields and --flip."
        )


def _field_starts(roll: EncodedRoll) -> np.ndarray:
    return np.array([sl.start for sl in roll.params.word_slices().values()], dtype=np.int64)


def field_popcounts(roll: EncodedRoll) -> np.ndarray:
    """Number of ones of each field block of each record (records x fields)."""
    counts = np.bitwise_count(roll.words)
    return np.add.reduceat(counts, _field_starts(roll), axis=1, dtype=np.int64)


def compare(
    a: EncodedRoll,
    b: EncodedRoll,
    ia: np.ndarray,
    ib: np.ndarray,
    pops: tuple[np.ndarray, np.ndarray] | None = None,
) -> Comparison:
    """Dice per field and record-level similarity of pairs ``(ia[k], ib[k])``.

    The kernel: AND of the two records' 64-bit words, ``numpy.bitwise_count``, sums per
    field block; the ones of each block are counted once per record beforehand.

    Args:
        a, b: the rolls.
        ia, ib: record indices of the pairs.
        pops: :func:`field_popcounts` of ``a`` and ``b`` if already computed.
    """
    pop_a, pop_b = pops if pops is not None else (field_popcounts(a), field_popcounts(b))
    starts = _field_starts(a)
    n = len(ia)
    dice = np.full((n, len(starts)), np.nan)
    similarity = np.zeros(n)
    for start in range(0, n, _CHUNK):
        stop = min(n, start + _CHUNK)
        ca, cb = ia[start:stop], ib[start:stop]
        inter = np.add.reduceat(
            np.bitwise_count(a.words[ca] & b.words[cb]), starts, axis=1, dtype=np.int64
        )
        total = pop_a[ca] + pop_b[cb]
        ok = a.present[ca] & b.present[cb] & (total > 0)
        dice[start:stop] = np.where(ok, 2.0 * inter / np.maximum(total, 1), np.nan)
        tot_inter = np.where(ok, inter, 0).sum(axis=1)
        tot_pop = np.where(ok, total, 0).sum(axis=1)
        similarity[start:stop] = np.where(tot_pop > 0, 2.0 * tot_inter / np.maximum(tot_pop, 1), 0)
    return Comparison(ia, ib, dice, similarity)


def levels_of(dice: np.ndarray, levels: tuple[float, ...] = LEVELS) -> np.ndarray:
    """Agreement level of each Dice value: 0 (>= the first threshold, .90) ... ``len(levels)``
    (below the last); -1 where missing."""
    # The number of thresholds above a value is its level (one comparison per threshold:
    # much faster on millions of pairs than masked assignments or a binary search).
    level = np.zeros(dice.shape, dtype=np.int8)
    for threshold in levels:
        level += dice < threshold
    level[np.isnan(dice)] = -1
    return level


def estimate_u(
    a: EncodedRoll,
    b: EncodedRoll,
    n_pairs: int = RANDOM_PAIRS,
    seed: int = 0,
    pops: tuple[np.ndarray, np.ndarray] | None = None,
    levels: tuple[float, ...] = LEVELS,
) -> dict[str, tuple[float, ...]]:
    """``u`` probabilities per field and level, from random pairs of the two rolls.

    A level never seen among the random pairs gets half a count (so no weight is infinite).
    Random pairs are almost all non-matches (at most one in ``min(n_a, n_b)`` matches).
    """
    rng = np.random.default_rng(seed)
    n = min(n_pairs, len(a) * len(b))
    ia = rng.integers(0, len(a), n)
    ib = rng.integers(0, len(b), n)
    level = levels_of(compare(a, b, ia, ib, pops).dice, levels)
    out: dict[str, tuple[float, ...]] = {}
    for j, name in enumerate(a.params.field_names):
        seen = level[:, j][level[:, j] >= 0]
        counts = np.bincount(seen, minlength=len(levels) + 1).astype(float)
        counts = np.maximum(counts, 0.5)
        out[name] = tuple(float(x) for x in counts / counts.sum())
    return out


def build_model(
    a: EncodedRoll,
    b: EncodedRoll,
    m: Mapping[str, tuple[float, ...]] | None = None,
    prior: float | None = None,
    seed: int = 0,
    pops: tuple[np.ndarray, np.ndarray] | None = None,
    levels: tuple[float, ...] | None = None,
) -> MatchModel:
    """The scoring model for two rolls: default (or given) ``m``, estimated ``u``.

    The levels are :data:`MATCH_LEVELS` with the default ``m`` (:data:`DEFAULT_M` spread
    by :func:`refine_m`), and :data:`LEVELS` with an ``m`` given by hand (five values per
    field), unless ``levels`` says otherwise (then ``m`` must have ``len(levels) + 1``
    values per field).

    The prior (chance that a random pair matches) is one match per record of the smaller
    roll unless given. ``m`` is not fitted by expectation-maximisation on the candidate
    pairs: that was tried and drifted to the class "same common name" instead of "same
    person" (see docs/pprl.md); :func:`estimate_m` is used instead.
    """
    if m is None:
        levels = levels or MATCH_LEVELS
        coarse = len(levels) == len(LEVELS)
        m = {k: v if coarse else refine_m(v) for k, v in DEFAULT_M.items()}
    levels = levels or LEVELS
    wrong = sorted(k for k in a.params.field_names if len(m[k]) != len(levels) + 1)
    if wrong:
        raise PPRLError(
            f"m must have {len(levels) + 1} values per field (one per level); "
            f"{', '.join(wrong)} do not."
        )
    u = estimate_u(a, b, seed=seed, pops=pops, levels=levels)
    fields = {name: FieldModel(tuple(m[name]), u[name]) for name in a.params.field_names}
    if prior is None:
        prior = min(len(a), len(b)) / max(len(a) * len(b), 1)
    return MatchModel(fields, prior, levels)


def estimate_m(
    comparison: Comparison,
    model: MatchModel,
    fields: tuple[str, ...],
    *,
    min_pairs: int = 200,
    prior_weight: float = 20.0,
) -> dict[str, int]:
    """Estimate each field's ``m`` from pairs on which every other field agrees.

    A candidate pair whose other fields all agree at the top level is, with these ``u``
    values, almost surely the same person; how often *this* field falls in each level
    among such pairs estimates its ``m`` (how many people moved, changed surname, gave a
    nickname...). The defaults count as ``prior_weight`` pseudo-pairs, so a field with
    few such pairs keeps values near them. Fields are assumed independent given the match
    status, as in the rest of the model. Updates ``model`` in place.

    Returns:
        The number of pairs used for each field (0 when fewer than ``min_pairs``).
    """
    level = levels_of(comparison.dice, model.levels)
    used = {}
    for j, name in enumerate(fields):
        others = [k for k in range(len(fields)) if k != j]
        anchor = (level[:, others] == 0).all(axis=1) & (level[:, j] >= 0)
        n = int(anchor.sum())
        if n < min_pairs or len(others) < 2:
            used[name] = 0
            continue
        counts = np.bincount(level[anchor, j], minlength=len(model.levels) + 1).astype(float)
        counts += prior_weight * np.asarray(model.fields[name].m)
        model.fields[name].m = tuple(float(x) for x in counts / counts.sum())
        used[name] = n
    return used


def score(
    comparison: Comparison,
    model: MatchModel,
    fields: tuple[str, ...],
    tf: Mapping[str, np.ndarray] | None = None,
) -> None:
    """Fill in the weight and probability of each pair (in place).

    Args:
        comparison: the pairs.
        model: levels, ``m``, ``u`` and prior.
        fields: field names, in the column order of ``comparison.dice``.
        tf: for some fields, the ``u`` of exact agreement per record of the first roll
            (:func:`recuento.pprl.tf.tf_u`); it replaces the field's average ``u`` at the
            top level, so that a rare name weighs more than a common one.
    """
    level = levels_of(comparison.dice, model.levels)
    weight = np.zeros(len(comparison.a))
    for j, name in enumerate(fields):
        w = model.fields[name].weights
        lj = level[:, j]
        wj = w[np.maximum(lj, 0)]
        if tf is not None and name in tf:
            m0 = model.fields[name].m[0]
            top = lj == 0
            wj = np.where(top, np.log2(m0 / tf[name][comparison.a]), wj)
        weight += np.where(lj >= 0, wj, 0.0)
    prior = min(max(model.prior, 1e-300), 1 - 1e-12)
    log_odds = weight + np.log2(prior / (1 - prior))
    comparison.weight = weight
    comparison.probability = 1.0 / (1.0 + np.exp2(-np.clip(log_odds, -1000, 1000)))


def one_to_one(comparison: Comparison) -> np.ndarray:
    """Indices of pairs kept by greedy one-to-one assignment, best probability first.

    Ties are broken by similarity, then by position (deterministic).
    """
    order = np.lexsort((-comparison.similarity, -comparison.probability))
    used_a: set[int] = set()
    used_b: set[int] = set()
    keep = []
    for k in order.tolist():
        x, y = int(comparison.a[k]), int(comparison.b[k])
        if x in used_a or y in used_b:
            continue
        used_a.add(x)
        used_b.add(y)
        keep.append(k)
    return np.array(sorted(keep), dtype=np.int64)


def best_per_a(comparison: Comparison) -> np.ndarray:
    """Indices of the best pair of each record of the first roll."""
    order = np.lexsort((-comparison.similarity, -comparison.probability, comparison.a))
    first = np.ones(len(order), dtype=bool)
    first[1:] = comparison.a[order][1:] != comparison.a[order][:-1]
    return np.sort(order[first])


def match_encodings(
    a: EncodedRoll,
    b: EncodedRoll,
    *,
    threshold: float = 0.5,
    assignment: Literal["one-to-one", "best-per-a"] = "one-to-one",
    candidates: CandidateSettings | None = None,
    m: Mapping[str, tuple[float, ...]] | None = None,
    term_frequencies: bool = True,
    check_keys: bool = True,
) -> MatchResult:
    """Pairs of records of two encoded rolls that are probably the same person.

    Args:
        a, b: encoded rolls (same secret, same parameters).
        threshold: keep pairs whose match probability is at least this.
        assignment: ``one-to-one`` (each record in at most one pair) or ``best-per-a``
            (each record of ``a`` with its best candidate; records of ``b`` may repeat).
        candidates: LSH settings.
        m: ``m`` probabilities per field (defaults: :data:`DEFAULT_M`).
        term_frequencies: weigh exact agreement on given name and surname by how common
            the value is in ``b`` (estimated from the encodings, :mod:`recuento.pprl.tf`).
        check_keys: refuse rolls with different key checks (turn off only to show that
            different secrets find nothing).

    Raises:
        PPRLError: the rolls were encoded with different secrets or settings.
    """
    check_compatible(a, b, check_keys=check_keys)
    if not 0 <= threshold <= 1:
        raise PPRLError(f"The threshold must be a probability between 0 and 1 (got {threshold}).")
    fields = a.params.field_names
    cands: Candidates = find_candidates(a, b, candidates)
    pops = (field_popcounts(a), field_popcounts(b))
    comparison = compare(a, b, cands.a, cands.b, pops)
    model = build_model(a, b, m, pops=pops)
    if m is None:
        estimate_m(comparison, model, fields)
    tf = tf_u(a, b) if term_frequencies else None
    score(comparison, model, fields, tf)
    # Pairs below the threshold can neither be kept nor, coming last in the greedy order,
    # block a better pair: leave them out before assigning.
    comparison = comparison.take(comparison.probability >= threshold)
    chosen = one_to_one(comparison) if assignment == "one-to-one" else best_per_a(comparison)
    kept = comparison.take(chosen)
    stats = {
        "compared": len(cands.a),
        "generated": cands.generated,
        "tables": cands.tables,
        "skipped_in_large_buckets": cands.skipped_pairs,
    }
    return MatchResult(kept, a.tokens, b.tokens, fields, model, stats)
