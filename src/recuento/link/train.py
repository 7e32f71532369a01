"""Training the person model without labels, and the prior that makes its scores honest.

Unsupervised, as linkage of victims' lists must be (nobody has labelled pairs):

1. ``u`` probabilities by random sampling of record pairs (almost all are non-matches).
2. ``m`` probabilities by expectation maximisation in two sessions, each blocked so that
   the comparisons it does not fix are trained: pairs sharing a day-precision date of
   birth train the name, sex, event and place; pairs sharing both surnames and the main
   given name train birth, sex, event and place. (Blocking on a single year, as generic
   recipes do, let EM settle on a solution with the names' evidence reversed.)
3. The prior (the share of all record pairs that are the same person) by a fixed point:
   given the trained Bayes factors of every blocked pair, the prior is the expected number
   of matches among them divided by the number of all pairs; iterating that equation from
   a rough start converges in a few steps. A prior estimated from deterministic rules
   depends on guessing those rules' recall, and was off by half on simulated lists.

Levels too rare to train get bounded values rather than Splink's placeholders: a level no
random pair fell in gets u = 1 / the pairs sampled; a level no EM pair fell in weighs
nothing (m = u); and no other m goes below :data:`M_FLOOR` (a level no training match
fell in is strong evidence against, never a veto).
"""

from __future__ import annotations

import copy
import logging
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from splink import Linker, block_on
from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT  # not re-exported either
from splink.internals.exceptions import EMTrainingException  # not re-exported by Splink 5

logger = logging.getLogger(__name__)

#: Pairs scored below this match weight add nothing measurable to the prior's fixed point.
PRIOR_FLOOR_WEIGHT = -10.0


def train(
    linker: Linker,
    n_records: int,
    *,
    seed: int = 1,
    max_u_pairs: float = 1e6,
    progress: Callable[[str], None] | None = None,
    present: set[str] | None = None,
) -> float:
    """Train ``linker``'s m and u in place; return the rough starting prior.

    The prior itself is estimated afterwards from the scored pairs
    (:func:`prior_fixed_point`), which saves scoring every pair twice.

    Args:
        linker: a Splink linker on the prepared records (see :mod:`recuento.link.prepare`).
        n_records: how many records it holds (for the number of all pairs).
        seed: seed of the random sampling of pairs for ``u``.
        max_u_pairs: how many random pairs to sample for ``u``.
        progress: called with a short description of each step.
        present: the prepared columns filled in at least :data:`EM_MIN_FILLED` of the
            records (EM sessions blocked on others are skipped); all when None.
    """
    say = progress or (lambda _: None)
    say("estimating u from random pairs")
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_tokens", "birth_date"), block_on("name_tokens", "event_day")],
        recall=0.6,
    )
    _keep_prior_usable(linker, n_records)
    linker.training.estimate_u_using_random_sampling(max_pairs=max_u_pairs, seed=seed)
    _settle_unobserved_u(linker, max_u_pairs)
    say("estimating m by expectation maximisation (names)")
    for rule, description in (
        (block_on("birth_date"), "pairs born on the same day"),
        (block_on("event_day"), "pairs with the same event date"),
        (block_on("birth_year_low", "event_year", "sex"), "pairs alike in birth, event, sex"),
    ):
        if _em(linker, rule, description):
            break
    say("estimating m by expectation maximisation (birth, event, place)")
    for columns, description in (
        (
            ("first_surname_std", "second_surname_std", "given_main"),
            "pairs with the same surnames and given name",
        ),
        (("first_surname_std", "given_main"), "pairs with the same first surname and given name"),
        (("name_tokens",), "pairs with the same names"),
    ):
        # A rule on a column no record fills (English names have no second surname) yields
        # no pairs, and EM then "finishes" without training birth, sex or place: skip it.
        # So does one that few records fill (FEBRL4's few surnames with a space): its
        # handful of pairs left every date-of-birth level but the same date untrained.
        if present is not None and not set(columns) <= present:
            continue
        if _em(linker, block_on(*columns), description):
            break
    _keep_prior_usable(linker, n_records)
    _floor_m(linker)
    return float(linker._settings_obj._probability_two_random_records_match)


#: EM sessions are blocked only on columns filled in at least this share of records.
EM_MIN_FILLED = 0.2

#: No level's m probability is taken below this after EM: a level that no match in the
#: training pairs fell in (a sex recorded wrongly, a day of birth mistyped) is rare
#: evidence against, not a veto. EM drives such levels to 0 (a Bayes factor of 2^-140,
#: which no other agreement can outweigh); at 1e-3 a disagreeing sex weighs about -8.5
#: bits, against an identical name (+17) and date of birth (+14). On FEBRL4, whose EM
#: leaves every date-of-birth level but "the same date" at 0, pairwise F1 was 0.9935 with
#: a floor of 1e-4 and 0.9972 with 1e-3 (true pairs with a mistyped date of birth).
M_FLOOR = 1e-3


def _levels(linker: Linker) -> Iterator[Any]:
    for comparison in linker._settings_obj.comparisons:
        for level in comparison.comparison_levels:
            if not level.is_null_level:
                yield level


def _settle_unobserved_u(linker: Linker, sampled_pairs: float) -> None:
    """A level no sampled random pair fell in gets u = 1 / the pairs sampled.

    Splink marks such a level "not observed", scores it with u = 1e-6 in the session that
    trained it, and leaves u out of the saved model, so that a model applied elsewhere
    (training on a sample, ``--model``) falls back to Splink's default u for the level's
    position: the same names by sound then weighed +6 bits in one run and +15 in another.
    Seeing none in N pairs bounds u near 1 / N; that is the value every run now uses.
    """
    for level in _levels(linker):
        if level._u_probability in (None, LEVEL_NOT_OBSERVED_TEXT):
            level.u_probability = 1.0 / sampled_pairs


def _floor_m(linker: Linker) -> None:
    """Settle the m of levels EM could not or barely train.

    A level no pair of the EM sessions fell in (Splink: "not observed") says nothing
    about matches: its m is set to its u, a weight of 0, no evidence either way. (Splink
    scores such a level with m = 1e-6 where it was trained and with a default for its
    position once the model is saved and reused, neither of them learnt.) Every other m
    is raised to at least :data:`M_FLOOR`.
    """
    for level in _levels(linker):
        m = level._m_probability
        if m in (None, LEVEL_NOT_OBSERVED_TEXT):
            u = level._u_probability
            level.m_probability = u if isinstance(u, float) and u > 0 else M_FLOOR
        elif m < M_FLOOR:
            level.m_probability = M_FLOOR


def _keep_prior_usable(linker: Linker, n_records: int) -> None:
    """A prior of 0 or 1 (no pair found by the rules that estimate it) becomes 1 / n.

    Splink takes its logarithm; the fixed point after scoring sets the real value. One
    match per record on average is where lists of the same people start.
    """
    prior = linker._settings_obj._probability_two_random_records_match
    if not 0 < prior < 1:
        set_prior(linker, min(0.5, 1 / max(n_records - 1, 1)))


def _em(linker: Linker, rule: Any, description: str) -> bool:
    """One EM session; return whether it finished.

    On small or lopsided lists a match probability can underflow to exactly 0 for a whole
    level, and Splink 5 then refuses the m value of 0 it computed itself (ValueError), in
    the middle of a session that has switched off the comparisons its blocking rule fixes;
    or the session's own match proportion reaches 0 or 1 and Splink fails taking its
    logarithm (ValueError: math domain error); or the blocking rule finds no pairs at all
    (EMTrainingException).
    The model is restored to what it was before the session, so that the caller can try
    another blocking rule; the failure is logged at DEBUG (it is routine, and the fallback
    is what matters).
    """
    before = copy.deepcopy(linker._settings_obj)
    try:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    except (ValueError, EMTrainingException) as e:
        routine = ("below the minimum allowed value", "math domain", "no record pairs")
        if not any(words in str(e) for words in routine):
            raise
        linker._settings_obj = before
        logger.debug("EM on %s could not finish (a level's m underflowed)", description)
        return False
    return True


def set_prior(linker: Linker, prior: float) -> None:
    """Set the model's prior probability that two random records match."""
    # Splink 5 exposes no setter after training; the settings object holds it.
    linker._settings_obj._probability_two_random_records_match = prior


def prior_fixed_point(
    match_weights: np.ndarray,
    start: float,
    total_pairs: float,
    iterations: int = 50,
    counts: np.ndarray | None = None,
) -> float:
    """Iterate prior = sum_i P(match | w_i, prior) / total_pairs to convergence.

    Args:
        match_weights: log2 posterior odds of each scored pair under the prior ``start``
            (or of each bin of pairs, with ``counts``).
        start: the prior the weights were computed with.
        total_pairs: the number of all record pairs.
        iterations: at most this many steps (it converges in a handful).
        counts: pairs per weight, when the weights are a histogram's bins.
    """
    if total_pairs <= 0 or match_weights.size == 0:
        return start
    bayes = match_weights - math.log2(start / (1 - start))
    many = np.ones_like(bayes) if counts is None else np.asarray(counts, dtype=np.float64)
    prior = start
    for _ in range(iterations):
        odds = prior / (1 - prior) * np.exp2(bayes)
        new = float((odds / (1 + odds) * many).sum() / total_pairs)
        new = min(max(new, 1e-12), 0.5)
        if abs(new - prior) <= 1e-4 * prior:
            return new
        prior = new
    return prior


def logit2(p: float) -> float:
    """log2(p / (1 - p)): the prior's contribution to a match weight."""
    return math.log2(p / (1 - p))
