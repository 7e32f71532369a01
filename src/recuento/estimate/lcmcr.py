"""LCMCR: Bayesian latent-class multiple systems estimation (Manrique-Vallier 2016).

The model and its Gibbs sampler are described, with every full conditional derived, in
docs/lcmcr.md. In short: every person belongs to one of K* latent classes with weights from
a truncated stick-breaking (Dirichlet process) prior with concentration alpha ~ Gamma(a, b);
within a class the lists record a person independently, list j with probability
lambda_jk ~ Beta(1, 1); the population size has the prior p(N) proportional to 1/N.

Several chains are run, each with its own generator spawned from the seed, and the fit
reports the rank-normalised split R-hat and the bulk effective sample size of N, with a
warning (never silence) when the chains disagree, when there are too few effective draws or
when the posterior reaches the truncation of N.

Example:
    >>> import numpy as np
    >>> patterns = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 1, 1]])
    >>> fit = fit_lcmcr(patterns, np.array([60, 50, 40, 20, 10]), K=2, chains=2,
    ...                 burnin=200, samples=100, thin=2, seed=1)
    >>> fit.n_observed
    180
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from recuento.errors import EstimationError, ProblemsError
from recuento.estimate._lcmcr_kernel import N0_CAP_RATIO, Chain
from recuento.estimate.dependent import DependentListsError, check_dependent
from recuento.estimate.lcmcr_diagnostics import bulk_ess, split_rhat

__all__ = ["LCMCRFit", "LCMCRInputError", "fit_lcmcr"]

#: R-hat above this says the chains disagree (Vehtari et al. 2021 recommend 1.01 for final
#: results; 1.05 is the looser threshold used for a warning here).
RHAT_WARN = 1.05
#: Bulk ESS below this (Vehtari et al. 2021: 100 per chain for 4 chains) gets a warning.
ESS_WARN = 400.0
#: Share of draws within 10% of the truncation of N above which a warning is given.
CAP_SHARE_WARN = 0.01


class LCMCRInputError(ProblemsError, EstimationError):
    """The capture table or the sampler settings given to :func:`fit_lcmcr` are not usable."""


@dataclass
class LCMCRFit:
    """Posterior draws of the population size N and their diagnostics.

    Attributes:
        N_draws: (chains, samples) posterior draws of N.
        n_observed: People recorded by at least one list.
        rhat: Rank-normalised split R-hat of N across chains (Vehtari et al. 2021).
        ess: Bulk effective sample size of N.
        warnings: Plain-language problems with the fit (chains disagree, few effective
            draws, posterior reaching the truncation of N).
        settings: The arguments the sampler ran with (for the report's methods section).
    """

    N_draws: np.ndarray
    n_observed: int
    rhat: float
    ess: float
    warnings: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def median(self) -> float:
        """Posterior median of N over all chains."""
        return float(np.median(self.N_draws))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Equal-tail credible interval of N over all chains.

        Args:
            level: Posterior probability inside the interval, strictly between 0 and 1.

        Returns:
            (lower, upper), the (1 - level)/2 and (1 + level)/2 quantiles (linear
            interpolation, as R's default ``quantile`` type 7).
        """
        if not 0.0 < level < 1.0:
            raise EstimationError(
                f"The interval level must be strictly between 0 and 1; got {level}. "
                "Use for example 0.95 for a 95% interval."
            )
        tail = (1.0 - level) / 2.0
        lower, upper = np.quantile(self.N_draws, [tail, 1.0 - tail])
        return float(lower), float(upper)

    def to_dict(self, level: float = 0.95, include_draws: bool = False) -> dict[str, Any]:
        """JSON-ready summary: median, interval, diagnostics, warnings, settings.

        Args:
            level: Level of the credible interval.
            include_draws: Add the draws of N, one list per chain.
        """
        lower, upper = self.interval(level)
        out: dict[str, Any] = {
            "method": "lcmcr",
            "documented": int(self.n_observed),
            "n_observed": int(self.n_observed),
            "estimate": self.median(),
            "estimate_type": "posterior median",
            "lower": lower,
            "upper": upper,
            "level": level,
            "rhat": None if math.isnan(self.rhat) else float(self.rhat),
            "ess": None if math.isnan(self.ess) else float(self.ess),
            "chains": int(self.N_draws.shape[0]),
            "samples_per_chain": int(self.N_draws.shape[1]),
            "warnings": list(self.warnings),
            "settings": dict(self.settings),
        }
        if include_draws:
            out["N_draws"] = self.N_draws.astype(int).tolist()
        return out


def _as_table(patterns: Any, counts: Any) -> tuple[np.ndarray, np.ndarray]:
    """Validate the capture table, collecting every problem; merge duplicate patterns."""
    problems: list[str] = []
    pat = np.asarray(patterns)
    cnt = np.asarray(counts)
    if pat.ndim != 2:
        problems.append(
            f"patterns must be a 2-D array (one row per capture pattern, one column per "
            f"list); it has {pat.ndim} dimension(s)."
        )
    if cnt.ndim != 1:
        problems.append(f"counts must be a 1-D array; it has {cnt.ndim} dimension(s).")
    if pat.ndim == 2 and cnt.ndim == 1 and pat.shape[0] != cnt.shape[0]:
        problems.append(
            f"patterns has {pat.shape[0]} rows but counts has {cnt.shape[0]} values; "
            "give one count per pattern."
        )
    if pat.ndim == 2 and pat.shape[1] < 2:
        problems.append(
            f"patterns has {pat.shape[1]} list column(s); at least 2 lists are needed "
            "(3 or more for a credible estimate)."
        )
    numeric_pat = pat.dtype.kind in "biuf"
    numeric_cnt = cnt.dtype.kind in "biuf"
    if not numeric_pat:
        problems.append("patterns must hold the numbers 0 and 1 only.")
    if not numeric_cnt:
        problems.append("counts must hold non-negative whole numbers.")
    if pat.ndim == 2 and numeric_pat:
        bad = ~np.isin(pat, (0, 1))
        if bad.any():
            rows = np.unique(np.nonzero(bad)[0])
            problems.append(
                f"patterns must hold only 0 and 1; {rows.size} row(s) do not "
                f"(first rows, counting from 0: {rows[:5].tolist()})."
            )
        elif pat.shape[1] >= 1:
            zero = np.nonzero(pat.sum(axis=1) == 0)[0]
            if zero.size:
                problems.append(
                    f"patterns has {zero.size} all-zero row(s) (first, counting from 0: "
                    f"{zero[:5].tolist()}); nobody is observed on no list: remove them."
                )
    if cnt.ndim == 1 and numeric_cnt:
        finite = np.isfinite(cnt)
        bad_cnt = ~finite | (np.where(finite, cnt, 0) < 0)
        bad_cnt |= finite & (np.where(finite, cnt, 0) % 1 != 0)
        if bad_cnt.any():
            rows = np.nonzero(bad_cnt)[0]
            problems.append(
                f"counts must be non-negative whole numbers; {rows.size} value(s) are not "
                f"(first positions, counting from 0: {rows[:5].tolist()})."
            )
        elif cnt.sum() <= 0:
            problems.append("counts add up to 0: nobody was recorded by any list.")
    if problems:
        raise LCMCRInputError("The capture table given to LCMCR is not usable:", problems)
    pat_i = pat.astype(np.int64)
    cnt_i = cnt.astype(np.int64)
    keep = cnt_i > 0
    uniq, inverse = np.unique(pat_i[keep], axis=0, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=cnt_i[keep], minlength=uniq.shape[0])
    return uniq.astype(float), merged.astype(np.int64)


def _check_settings(
    K: int,
    a: float,
    b: float,
    chains: int,
    burnin: int,
    samples: int,
    thin: int,
    threads: Any,
    target_ess: Any = None,
    max_doublings: Any = 0,
) -> None:
    problems = []
    if target_ess is not None and (
        isinstance(target_ess, bool)
        or not isinstance(target_ess, int | float)
        or not math.isfinite(target_ess)
        or target_ess <= 0
    ):
        problems.append(f"target_ess must be None or a number > 0; got {target_ess!r}.")
    if threads is not None and (
        isinstance(threads, bool) or not isinstance(threads, int) or threads < 1
    ):
        problems.append(f"threads must be None or a whole number >= 1; got {threads!r}.")
    for name, value, low in (
        ("K", K, 1),
        ("chains", chains, 1),
        ("burnin", burnin, 0),
        ("samples", samples, 1),
        ("thin", thin, 1),
        ("max_doublings", max_doublings, 0),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
            problems.append(f"{name} must be a whole number >= {low}; got {value!r}.")
    for prior_name, prior_value in (("a", a), ("b", b)):
        if (
            not isinstance(prior_value, int | float)
            or not math.isfinite(prior_value)
            or prior_value <= 0
        ):
            problems.append(
                f"{prior_name} (Gamma prior of alpha) must be a number > 0; got {prior_value!r}."
            )
    if problems:
        raise LCMCRInputError("The LCMCR settings are not usable:", problems)


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask, e.g. ``taskset -c 0``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _check_groups(dependent: Any, n_lists: int) -> tuple[tuple[int, ...], ...]:
    """Validate the groups of dependent list columns, collecting every problem.

    The checks are those of :func:`recuento.estimate.dependent.check_dependent`, with the
    columns' numbers as the lists' names."""
    groups = [list(g) if isinstance(g, list | tuple) else None for g in dependent or ()]
    bad = [
        f"dependent group {number} must be a list of column numbers."
        for number, g in enumerate(groups, start=1)
        if g is None
        or not all(isinstance(j, int | np.integer) and not isinstance(j, bool) for j in g)
    ]
    if bad:
        raise LCMCRInputError("The dependent lists given to LCMCR are not usable:", bad)
    named = tuple(tuple(str(int(j)) for j in g) for g in groups if g is not None)
    try:
        check_dependent(named, [str(j) for j in range(n_lists)])
    except DependentListsError as e:
        raise LCMCRInputError(
            "The dependent lists given to LCMCR are not usable:", e.problems
        ) from None
    return tuple(sorted(tuple(sorted({int(j) for j in g})) for g in groups if g is not None))


def _choose_kernel(kernel: str, blocks: bool = False) -> Callable[..., Any] | None:
    """The compiled sweep function (of the block model with ``blocks``), or None for the
    numpy kernel."""
    if kernel not in ("auto", "numba", "numpy"):
        raise LCMCRInputError(
            "The LCMCR settings are not usable:",
            [f"kernel must be 'auto', 'numba' or 'numpy'; got {kernel!r}."],
        )
    if kernel == "numpy":
        return None
    try:
        from recuento.estimate._lcmcr_numba import load, load_blocks
    except ImportError:
        sweeps = None
    else:
        sweeps = load_blocks() if blocks else load()
    if sweeps is None and kernel == "numba":
        raise EstimationError(
            "kernel='numba' was asked for but numba is not installed: install it "
            "(pip install numba) or use kernel='numpy' (about 10 times slower)."
        )
    return sweeps


def _warnings(draws: np.ndarray, n: int, rhat: float, ess: float) -> list[str]:
    out = []
    if draws.shape[0] > 1 and not math.isnan(rhat) and rhat > RHAT_WARN:
        per_chain = ", ".join(f"{m:,.0f}" for m in np.median(draws, axis=1))
        out.append(
            f"The chains disagree (R-hat of N = {rhat:.2f}, above {RHAT_WARN}): the "
            f"posterior may have several modes (median of N per chain: {per_chain}). "
            "Run longer chains, and do not report this estimate without saying so."
        )
    if not math.isnan(ess) and ess < ESS_WARN:
        out.append(
            f"Only {ess:.0f} effective draws of N (fewer than {ESS_WARN:.0f}): the "
            "interval ends are imprecise. Run more samples or a larger thinning."
        )
    n_max = (1 + N0_CAP_RATIO) * n
    share = float(np.mean(draws >= 0.9 * n_max))
    if share > CAP_SHARE_WARN:
        out.append(
            f"{share:.1%} of the posterior draws of N are within 10% of the largest value "
            f"the sampler allows ({N0_CAP_RATIO + 1} times the number observed): the data "
            "hardly bound N, and the upper end of the interval is set by that limit."
        )
    return out


def fit_lcmcr(
    patterns: np.ndarray,
    counts: np.ndarray,
    *,
    K: int = 10,
    a: float = 0.25,
    b: float = 0.25,
    chains: int = 4,
    burnin: int = 10000,
    samples: int = 1000,
    thin: int = 10,
    seed: int | None = None,
    progress: Callable[[float], None] | None = None,
    kernel: str = "auto",
    threads: int | None = None,
    target_ess: float | None = None,
    max_doublings: int = 4,
    dependent: Sequence[Sequence[int]] = (),
) -> LCMCRFit:
    """Fit the LCMCR model to a capture table and draw the posterior of the population size.

    Args:
        patterns: (n_cells, J) 0/1 array of observed capture patterns (no all-zero row);
            duplicate rows are merged and zero counts dropped.
        counts: (n_cells,) non-negative whole numbers: how many people have each pattern.
        K: Number of latent classes K* (truncation of the stick-breaking prior).
        a: Shape of the Gamma prior of the concentration alpha.
        b: Rate of the Gamma prior of alpha.
        chains: Number of independent chains.
        burnin: Sweeps discarded at the start of each chain.
        samples: Draws kept per chain.
        thin: Sweeps per kept draw (each chain runs burnin + samples * thin sweeps).
        seed: Seed of ``np.random.SeedSequence``; each chain gets a spawned child. None
            draws fresh entropy (the result is then not reproducible).
        progress: Called with the fraction of the work done (0 to 1) now and then, in
            increasing order; with several threads it may be called from a worker thread.
        kernel: "numba" (compiled, about 10 times faster; needs the numba package),
            "numpy", or "auto" (numba when installed). Both sample the same posterior, but
            a seed reproduces the same draws only with the same kernel; the fit records
            which one ran in ``settings["kernel"]``.
        threads: Chains run at the same time with the compiled kernel (which releases the
            GIL); None means one per CPU core this process may use, at most ``chains``.
            The draws do not depend on it: every chain has its own generator. The numpy
            kernel always runs the chains one after the other.
        target_ess: When given, chains whose draws of N have a bulk effective sample size
            below it are run longer: every chain continues for as many sweeps again, and
            every second draw is kept, so that ``samples`` draws per chain are kept with
            twice the thinning. This doubling is repeated at most ``max_doublings`` times
            (with the defaults, up to 16 times the sweeps asked for). None (the default
            here; ``recuento.estimate.estimate`` asks for 400) runs exactly what was asked.
            ``settings["thin"]`` records the thinning actually used.
        max_doublings: The most times the thinning may be doubled for ``target_ess``.
        dependent: Groups of list columns (numbers from 0) that may depend on one another
            within a latent class, e.g. ``[(1, 3)]`` when list 3 is families who also go to
            list 1's NGO. Each group is treated as one variable with a free distribution
            over its 2^|group| patterns in every class (Dirichlet(1, ..., 1) prior)
            instead of independent lists; see docs/lcmcr.md, "Lists that depend on one
            another". Empty (the default): LCMCR as published.

    Returns:
        An :class:`LCMCRFit`.

    Raises:
        LCMCRInputError: (an EstimationError) listing every problem with the inputs.
    """
    _check_settings(K, a, b, chains, burnin, samples, thin, threads, target_ess, max_doublings)
    pat, cnt = _as_table(patterns, counts)
    groups = _check_groups(dependent, pat.shape[1])
    sweeps = _choose_kernel(kernel, blocks=bool(groups))
    n = int(cnt.sum())
    children = np.random.SeedSequence(seed).spawn(chains)
    total = chains * (burnin + samples * thin)
    done = 0
    last = 0.0
    lock = threading.Lock()

    def tick(n_sweeps: int) -> None:
        nonlocal done, last
        with lock:  # chains may run on several threads; keep the fractions in order
            done += n_sweeps
            # A chain run longer (target_ess) adds work after the fact: the fraction never
            # goes back, and reaches 1 only when everything is done.
            last = max(last, min(0.99, done / total))
            if progress is not None:
                progress(last)

    block = max(1, (burnin + samples * thin) // 100)
    runners = [
        Chain(
            pat,
            cnt,
            n_classes=int(K),
            a=float(a),
            b=float(b),
            rng=np.random.default_rng(child),
            sweeps=sweeps,
            tick=tick,
            block=block,
            groups=groups,
        )
        for child in children
    ]
    workers = 1 if sweeps is None else min(chains, threads or usable_cores())

    def run_all(step: Callable[[Chain], np.ndarray]) -> np.ndarray:
        if workers > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                return np.array(list(pool.map(step, runners)), dtype=np.int64)
        return np.array([step(chain) for chain in runners], dtype=np.int64)

    def first(chain: Chain) -> np.ndarray:
        chain.burn_in(int(burnin))
        return chain.draw(int(samples), int(thin))

    n0 = run_all(first)
    used_thin = int(thin)
    doublings = 0
    while (
        target_ess is not None
        and doublings < max_doublings
        and not bulk_ess(n0 + n) >= target_ess  # also when the ESS is NaN
    ):
        total = done + chains * samples * used_thin

        def extend(chain: Chain, t: int = used_thin) -> np.ndarray:
            return chain.draw(int(samples), t)

        more = run_all(extend)
        # Draws at sweeps t, 2t, ..., 2 samples t after burn-in; keep 2t, 4t, ...
        n0 = np.concatenate([n0, more], axis=1)[:, 1::2]
        used_thin *= 2
        doublings += 1
    if progress is not None:
        progress(1.0)
    draws = n0 + n
    rhat = split_rhat(draws)
    ess = bulk_ess(draws)
    settings = {
        "K": int(K),
        "a": float(a),
        "b": float(b),
        "chains": int(chains),
        "burnin": int(burnin),
        "samples": int(samples),
        "thin": used_thin,
        "thin_requested": int(thin),
        "target_ess": None if target_ess is None else float(target_ess),
        "seed": seed,
        "n_max": (1 + N0_CAP_RATIO) * n,
        "kernel": "numpy" if sweeps is None else "numba",
        "threads": workers,
        "dependent": [list(g) for g in groups],
    }
    return LCMCRFit(
        N_draws=draws,
        n_observed=n,
        rhat=rhat,
        ess=ess,
        warnings=_warnings(draws, n, rhat, ess),
        settings=settings,
    )
