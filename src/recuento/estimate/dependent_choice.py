"""Choosing from the data which lists depend on one another (``--dependent auto``).

An analyst who knows that two lists feed one another names them (``--dependent
ong+familias``, :mod:`recuento.estimate.dependent`). One who does not can ask the data:

1. the two-class latent-class model without dependence is tested against the observed
   overlaps (:func:`~recuento.estimate.fit_check.latent_class_fit_check`); when it fits,
   LCMCR runs as published;
2. when it does not, every pair of lists is tried as dependent
   (:func:`~recuento.estimate.fit_check.pairs_that_fit`, four or five lists); when no
   pair makes the model fit, LCMCR runs as published, with the fit check's warning;
3. otherwise the pair that fits best (smallest G²) is modelled as dependent. With four
   lists the other two lists are kept too: with two classes a pair and the other two
   lists make the same maximum-likelihood model (tests/estimate/test_lcmcr_dependent.py),
   so the data cannot tell which half of the split is the dependent pair. (Their G² agree
   to about 1e-8 when the EM finds the maximum of both, but it sometimes stops at a local
   maximum for one of them, so the pair is taken by that fact, not by comparing G².)
   LCMCR, whose classes are not limited to two, then gives the halves different
   posteriors: it is fitted once per pair kept, and the posterior draws of N are pooled
   with equal weights (a model average with equal prior weights on models the data cannot
   tell apart).

The interval does not carry the uncertainty of the choice itself (the test and the pair
are chosen on the same data). That is why it is asked for, never the default, and why the
report says that the lists were chosen from the data. Measured on every simulation
scenario in BENCHMARKS.md ("Session 9").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from recuento.estimate.fit_check import (
    FitCheck,
    latent_class_fit_check,
    p_value_text,
    pairs_that_fit,
)
from recuento.estimate.lcmcr import LCMCRFit, fit_lcmcr
from recuento.estimate.messages import Text

__all__ = ["DependentChoice", "choice_note", "choose_dependent", "fit_choice", "pool_fits"]


@dataclass(frozen=True)
class DependentChoice:
    """What :func:`choose_dependent` decided for one table.

    Attributes:
        check: the fit check of the model without dependence.
        pairs: the pairs of list columns modelled as dependent, one LCMCR fit each (their
            draws pooled), in column order; empty when LCMCR runs as published.
        chosen_check: the fit check with the pair that fits best; None when no pair is
            chosen.
    """

    check: FitCheck
    pairs: tuple[tuple[int, int], ...] = ()
    chosen_check: FitCheck | None = None

    @property
    def alternatives(self) -> list[list[tuple[int, int]]]:
        """The models fitted, each as its ``dependent`` groups (``[]``: as published)."""
        return [[pair] for pair in self.pairs] or [[]]

    def to_dict(self, lists: Sequence[str]) -> dict[str, Any]:
        """JSON-ready: the check without dependence, and the models pooled, each as its
        groups of list names (``[[]]``: LCMCR as published)."""
        return {
            "fit_check_without": self.check.to_dict(),
            "alternatives": [
                [[lists[j] for j in group] for group in groups] for groups in self.alternatives
            ],
        }


def choose_dependent(patterns: np.ndarray, counts: np.ndarray) -> DependentChoice:
    """Decide, from the observed patterns, which pairs of lists to model as dependent."""
    check = latent_class_fit_check(patterns, counts)
    if not check.rejects:
        return DependentChoice(check)
    fitting = pairs_that_fit(patterns, counts)
    if not fitting:
        return DependentChoice(check)
    best, best_check = fitting[0]
    J = np.asarray(patterns).shape[1]
    pairs = [best]
    if J == 4:
        a, b = (j for j in range(J) if j not in best)
        pairs.append((a, b))
    return DependentChoice(check, tuple(sorted(pairs)), best_check)


def fit_choice(
    patterns: np.ndarray,
    counts: np.ndarray,
    choice: DependentChoice,
    *,
    progress: Callable[[float], None] | None = None,
    **options: Any,
) -> LCMCRFit:
    """Fit LCMCR once per model of ``choice`` (``options`` as ``fit_lcmcr``'s), pooled."""
    alternatives = choice.alternatives
    fits = [
        fit_lcmcr(
            patterns,
            counts,
            progress=_part(progress, i, len(alternatives)),
            dependent=groups,
            **options,
        )
        for i, groups in enumerate(alternatives)
    ]
    return pool_fits(fits)


def _part(
    progress: Callable[[float], None] | None, i: int, m: int
) -> Callable[[float], None] | None:
    """Progress of the ``i``-th of ``m`` fits, as a share of all of them."""
    if progress is None:
        return None
    report = progress
    return lambda f: report((i + f) / m)


def pool_fits(fits: Sequence[LCMCRFit]) -> LCMCRFit:
    """One fit whose draws of N give each fit equal weight, as many draws as one fit.

    Each fit's chains are thinned by the number of fits (every m-th draw) when their
    length allows it, so that the pooled draws are as many as one fit's (a stratified
    estimate sums its strata's draws only when they are equally many). R-hat is the
    largest of the fits' (each fit's chains are compared among themselves: chains of
    different models are expected to differ) and the effective sample size the smallest.
    """
    if len(fits) == 1:
        return fits[0]
    m = len(fits)
    draws = [np.asarray(f.N_draws) for f in fits]
    if all(d.shape[1] % m == 0 for d in draws):
        draws = [d[:, ::m] for d in draws]
    warnings: list[str] = []
    for f in fits:
        warnings.extend(w for w in f.warnings if w not in warnings)
    return replace(
        fits[0],
        N_draws=np.concatenate(draws, axis=0),
        rhat=max((f.rhat for f in fits if not math.isnan(f.rhat)), default=math.nan),
        ess=min((f.ess for f in fits if not math.isnan(f.ess)), default=math.nan),
        warnings=warnings,
        settings={**fits[0].settings, "thin": max(int(f.settings["thin"]) for f in fits)},
    )


def choice_note(choice: DependentChoice, lists: Sequence[str]) -> Text:
    """What was decided, in English and Spanish, for the warnings of the estimate."""
    p = choice.check.p_value
    test_en = test_es = ""
    if choice.check.checked and p is not None and choice.check.g2 is not None:
        p_text = p_value_text(p)
        test_en = f" (G² = {choice.check.g2:.1f} on {choice.check.df} degrees of freedom, {p_text})"
        test_es = (
            f" (G² = {choice.check.g2:.1f} con {choice.check.df} grados de libertad, "
            f"{p_text})".replace(".", ",")
        )
    if not choice.check.rejects:
        return Text(
            "--dependent auto: the latent-class model without dependence fits these lists"
            f"{test_en}; no lists were modelled as dependent.",
            "--dependent auto: el modelo de clases latentes sin dependencia se ajusta a "
            f"estas listas{test_es}; ninguna lista se modeló como dependiente.",
        )
    if not choice.pairs:
        return Text(
            "--dependent auto: the latent-class model does not fit these lists, and no "
            "pair of lists modelled as dependent makes it fit (pairs are tried with four "
            "or five lists); no lists were modelled as dependent.",
            "--dependent auto: el modelo de clases latentes no se ajusta a estas listas, y "
            "ningún par de listas modelado como dependiente lo hace ajustarse (los pares se "
            "prueban con cuatro o cinco listas); ninguna lista se modeló como dependiente.",
        )
    names = ["+".join(lists[j] for j in pair) for pair in choice.pairs]
    if len(names) == 1:
        which_en = f"{names[0]} was modelled as dependent"
        which_es = f"se modeló {names[0]} como dependiente"
    else:
        which_en = (
            f"{' and '.join(names)} fit exactly as well, so the data cannot say which of "
            "them depend on one another: each was modelled as dependent in turn and the "
            "estimate gives the models equal weight"
        )
        which_es = (
            f"{' y '.join(names)} se ajustan exactamente igual, así que los datos no dicen "
            "cuáles dependen entre sí: cada par se modeló como dependiente por turno y la "
            "estimación da el mismo peso a los modelos"
        )
    return Text(
        f"--dependent auto: the latent-class model without dependence does not fit these "
        f"lists{test_en}; {which_en}. This choice was made on the same data, and the "
        "interval does not carry its uncertainty.",
        f"--dependent auto: el modelo de clases latentes sin dependencia no se ajusta a "
        f"estas listas{test_es}; {which_es}. Esta elección se hizo con los mismos datos, y "
        "el intervalo no incluye su incertidumbre.",
    )
