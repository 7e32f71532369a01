"""``estimate()``: one entry point for every estimator, stratified or not.

Method choice (``method="auto"``, the default), following HRDAG's practice since 2016:

* **LCMCR** when at least 3 lists have records and the sampler is available: it models
  heterogeneity of capture (the usual reason lists of victims overlap the way they do)
  without choosing one log-linear model among many that fit equally well;
* **log-linear** otherwise (2 lists: the independence model, i.e. Lincoln-Petersen, with a
  loud warning), or when a specific model is asked for with ``model=``.

Stratified estimates (``HistoriesInput`` with strata) estimate each stratum on its own
and add them up. A stratum with fewer than 3 lists with records is estimated only by the
log-linear method (with a warning), never by LCMCR, as in HRDAG's verdata; a stratum
without any estimate leaves the total without one (a warning says which). The total's
interval is, for LCMCR, the quantiles of the sum of the strata's posterior draws (the
strata are independent); for log-linear models an approximation: the strata's profile
intervals are treated as independent normal errors, ``lower = sum(N_s) -
sqrt(sum((N_s - lower_s)^2))`` and likewise above.

Every LCMCR estimate (and every LCMCR stratum) also tests whether the two-class
latent-class model fits the observed capture histories (:mod:`recuento.estimate.fit_check`)
and warns when it does not: lists that feed one another make LCMCR too low and too sure.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from recuento.errors import EstimationError, ProblemsError
from recuento.estimate.dependent import check_auto, check_dependent, resolve_dependent
from recuento.estimate.fit_check import fit_warning, latent_class_fit_check, pairs_that_fit
from recuento.estimate.heterogeneity import STANDARD_MODELS, fit_standard, profile_standard
from recuento.estimate.histories import CaptureHistories, HistoriesInput, check_estimable
from recuento.estimate.loglinear_fit import (
    Criterion,
    ModelFit,
    fit_hierarchical,
    search_models,
)
from recuento.estimate.loglinear_models import parse_model_name
from recuento.estimate.messages import Text, prefixed
from recuento.estimate.profile import UPPER_FACTOR, profile_interval
from recuento.estimate.result import EstimateResult, StratumEstimate

Method = Literal["auto", "loglinear", "lcmcr"]
Progress = Callable[[float], None]
MIN_LISTS_LCMCR = 3


@dataclass(frozen=True)
class LCMCRSettings:
    """Settings of the LCMCR sampler (defaults: issue 4 / the R package's Kosovo example).

    Attributes:
        K: latent classes (truncation of the stick-breaking prior).
        a, b: shape and rate of the Gamma prior of the concentration.
        chains: independent chains (R-hat needs at least 2).
        burnin: sweeps discarded per chain.
        samples: draws kept per chain.
        thin: sweeps per kept draw.
        target_ess: chains whose draws of N have fewer effective draws than this are run
            longer, doubling the thinning (see ``fit_lcmcr``); None runs exactly
            ``burnin + samples * thin`` sweeps per chain. Kosovo needs about 1,000 sweeps
            per effective draw: 4 x 10,000 give about 100 effective draws, too few for the
            ends of a 95% interval.
        max_doublings: the most times the thinning may be doubled (4: up to 16 times
            the sweeps asked for).
        dependent: groups of list names that may depend on one another within a latent
            class (e.g. ``(("ong", "familias"),)``: families who also report to the NGO);
            see :mod:`recuento.estimate.dependent`. Empty: LCMCR as published.
        dependent_auto: choose the dependent pair from the data when the model without
            dependence does not fit (:mod:`recuento.estimate.dependent_choice`); not
            with ``dependent``.
    """

    K: int = 10
    a: float = 0.25
    b: float = 0.25
    chains: int = 4
    burnin: int = 10000
    samples: int = 1000
    thin: int = 10
    target_ess: float | None = 400.0
    max_doublings: int = 4
    dependent: tuple[tuple[str, ...], ...] = ()
    dependent_auto: bool = False


def lcmcr_available() -> bool:
    """Whether the LCMCR sampler (``recuento.estimate.lcmcr``) can be imported."""
    try:
        importlib.import_module("recuento.estimate.lcmcr")
    except ImportError:
        return False
    return True


@dataclass
class _Table:
    """One table's estimate, before it becomes a stratum or the whole result."""

    documented: int
    estimate: float
    lower: float
    upper: float
    method: str
    lists: list[str]
    warnings: list[str]
    model: dict[str, Any] | None
    diagnostics: dict[str, Any]
    draws: np.ndarray | None = None


def _lists_with_records(h: CaptureHistories) -> int:
    return sum(1 for s in h.list_sizes().values() if s > 0)


def _resolve_method(method: str, h: CaptureHistories, model: str | None) -> tuple[str, str]:
    if method not in ("auto", "loglinear", "lcmcr"):
        raise EstimationError(f"unknown method {method!r}; use auto, loglinear or lcmcr")
    if method != "auto":
        return method, "asked for"
    if model is not None:
        return "loglinear", "a log-linear model was named"
    k = _lists_with_records(h)
    if k < MIN_LISTS_LCMCR:
        return "loglinear", f"only {k} lists have records (LCMCR needs {MIN_LISTS_LCMCR})"
    if not lcmcr_available():
        return "loglinear", "the LCMCR sampler is not available in this installation"
    return "lcmcr", f"{k} lists with records (HRDAG practice since 2016)"


def _fit_named(h: CaptureHistories, model: str) -> ModelFit:
    if model in STANDARD_MODELS:
        return fit_standard(h, model)
    return fit_hierarchical(h, parse_model_name(model, h.n_lists))


def _loglinear(
    h: CaptureHistories,
    *,
    criterion: Criterion,
    level: float,
    model: str | None,
    progress: Progress | None,
) -> _Table:
    warnings: list[str] = []
    diagnostics: dict[str, Any] = {}
    if model is not None:
        fit = _fit_named(h, model)
        diagnostics["search"] = "none (model given)"
    else:
        search = search_models(h, criterion=criterion, progress=progress)
        fit_or_none = search.best
        diagnostics.update(
            search="exhaustive" if search.exhaustive else "stepwise",
            models_fitted=len(search.fits),
            models_without_mle=search.n_without_mle,
            models_on_boundary=sum(f.status == "boundary" for f in search.fits),
            best_models=[
                {
                    "name": f.name,
                    criterion: round(f.criterion(criterion), 4),
                    "poisson_estimate": f.estimate,
                    "status": f.status,
                }
                for f in search.fits[:5]
            ],
        )
        if not search.exhaustive:
            warnings.append(
                Text(
                    f"with {h.n_lists} lists not every log-linear model can be fitted; the "
                    f"model was found by a stepwise search from the independence model "
                    f"({len(search.fits)} models fitted), which may miss a better one.",
                    f"con {h.n_lists} listas no se pueden ajustar todos los modelos "
                    "log-lineales; el modelo se buscó paso a paso desde el de independencia "
                    f"({len(search.fits)} modelos ajustados) y puede haber uno mejor.",
                )
            )
        if search.n_without_mle:
            warnings.append(
                Text(
                    f"{search.n_without_mle} of {len(search.fits)} log-linear models give no "
                    "finite estimate with this table (empty cells) and were not considered.",
                    f"{search.n_without_mle} de {len(search.fits)} modelos log-lineales no dan "
                    "una estimación finita con esta tabla (celdas vacías) y no se "
                    "consideraron.",
                )
            )
        if fit_or_none is None:
            raise EstimationError(
                Text(
                    "no log-linear model gives a finite estimate with this table: the empty "
                    "cells leave the number of people no list recorded undetermined. Try "
                    "--method lcmcr, or merge lists that rarely overlap.",
                    "ningún modelo log-lineal da una estimación finita con esta tabla: las "
                    "celdas vacías dejan indeterminado el número de personas que ninguna "
                    "lista registró. Pruebe --method lcmcr, o junte listas que casi no se "
                    "solapan.",
                )
            )
        fit = fit_or_none
    if not fit.finite:
        raise EstimationError(
            f"model {fit.name} gives no finite estimate with this table (its maximum-"
            "likelihood estimate does not exist). Choose another model or leave --model "
            "out to search."
        )
    if fit.status == "boundary":
        warnings.append(
            Text(
                f"model {fit.name} has interactions estimated at minus infinity because some "
                "combinations of lists have nobody; the estimate treats those combinations "
                "as impossible.",
                f"el modelo {fit.name} tiene interacciones estimadas en menos infinito porque "
                "algunas combinaciones de listas no tienen a nadie; la estimación trata esas "
                "combinaciones como imposibles.",
            )
        )
    y = h.cell_counts()[1:]
    if fit.name in STANDARD_MODELS:
        prof = profile_standard(h, fit, level=level)
    else:
        prof = profile_interval(fit.columns, y, fit.beta, level=level)
    if math.isinf(prof.upper):
        warnings.append(
            Text(
                f"the interval has no upper end below {UPPER_FACTOR:g} times the estimate: "
                "the data are compatible with a much larger population.",
                f"el intervalo no tiene límite superior por debajo de {UPPER_FACTOR:g} veces "
                "la estimación: los datos son compatibles con una población mucho mayor.",
            )
        )
    model_info = {
        "name": fit.name,
        "description": fit.description,
        "criterion": criterion if model is None else None,
        "bic": fit.bic,
        "aic": fit.aic,
        "deviance": fit.deviance,
        "df": fit.df,
        "status": fit.status,
        "poisson_estimate": fit.estimate,
        "stderr": fit.stderr,
        "estimate_type": "maximum likelihood (multinomial profile), profile-likelihood interval",
    }
    return _Table(
        documented=h.n_observed,
        estimate=prof.estimate,
        lower=prof.lower,
        upper=prof.upper,
        method="loglinear",
        lists=list(h.lists),
        warnings=warnings,
        model=model_info,
        diagnostics=diagnostics,
    )


def _lcmcr(
    h: CaptureHistories,
    *,
    level: float,
    seed: int | None,
    settings: LCMCRSettings,
    progress: Progress | None,
) -> _Table:
    k = _lists_with_records(h)
    if k < MIN_LISTS_LCMCR:
        raise EstimationError(
            f"LCMCR needs at least {MIN_LISTS_LCMCR} lists with records; this table has {k}. "
            "Use --method loglinear (with 2 lists: Lincoln-Petersen) or add lists."
        )
    lcmcr = importlib.import_module("recuento.estimate.lcmcr")
    options = asdict(settings)
    auto = options.pop("dependent_auto")
    groups, notes = resolve_dependent(options.pop("dependent"), h.lists)
    warnings: list[str] = list(notes)
    chosen: dict[str, Any] = {}
    if auto:
        # --dependent auto: the pair that makes the model fit, chosen from the data.
        from recuento.estimate import dependent_choice

        choice = dependent_choice.choose_dependent(h.patterns, h.counts)
        fit = dependent_choice.fit_choice(
            h.patterns, h.counts, choice, seed=seed, progress=progress, **options
        )
        check = choice.chosen_check or choice.check
        groups = tuple(choice.alternatives[0])
        chosen = {"dependent_auto": choice.to_dict(h.lists)}
        warnings.append(dependent_choice.choice_note(choice, h.lists))
    else:
        fit = lcmcr.fit_lcmcr(
            h.patterns, h.counts, seed=seed, progress=progress, dependent=groups, **options
        )
        # Lists that feed one another make LCMCR too low and too sure: say so when the
        # two-class latent-class model (with the groups named) does not fit the observed
        # cells (fit_check.py).
        check = latent_class_fit_check(h.patterns, h.counts, groups=groups)
    lower, upper = fit.interval(level)
    warnings.extend(fit.warnings)
    fitting_pairs = []
    if check.rejects and not groups and not auto:
        fitting_pairs = [
            "+".join(h.lists[j] for j in pair) for pair, _ in pairs_that_fit(h.patterns, h.counts)
        ]
    misfit = fit_warning(check, named=bool(groups), pairs=fitting_pairs)
    if misfit is not None:
        warnings.append(misfit)
    return _Table(
        documented=h.n_observed,
        estimate=fit.median(),
        lower=lower,
        upper=upper,
        method="lcmcr",
        lists=list(h.lists),
        warnings=warnings,
        model=None,
        diagnostics={
            "rhat": None if math.isnan(fit.rhat) else float(fit.rhat),
            "ess": None if math.isnan(fit.ess) else float(fit.ess),
            "chains": int(fit.N_draws.shape[0]),
            "samples_per_chain": int(fit.N_draws.shape[1]),
            "thin": int(fit.settings["thin"]),
            "posterior_mean": float(np.mean(fit.N_draws)),
            "estimate_type": "posterior median, equal-tail credible interval",
            "fit_check": {**check.to_dict(), "pairs_that_fit": fitting_pairs},
            "dependent": [] if auto else [[h.lists[j] for j in g] for g in groups],
            **chosen,
        },
        draws=np.asarray(fit.N_draws, dtype=np.float64),
    )


def _one(
    h: CaptureHistories,
    method: str,
    *,
    criterion: Criterion,
    level: float,
    model: str | None,
    seed: int | None,
    settings: LCMCRSettings,
    progress: Progress | None,
) -> _Table:
    empty = [name for name, size in h.list_sizes().items() if size == 0]
    warnings = check_estimable(h)
    if empty:
        h = h.without_lists(empty)
    if method == "lcmcr":
        t = _lcmcr(h, level=level, seed=seed, settings=settings, progress=progress)
    else:
        t = _loglinear(h, criterion=criterion, level=level, model=model, progress=progress)
    t.warnings = warnings + t.warnings
    return t


def estimate(
    data: CaptureHistories | HistoriesInput,
    *,
    method: Method | str = "auto",
    criterion: Criterion | str = "bic",
    level: float = 0.95,
    model: str | None = None,
    seed: int | None = None,
    lcmcr: LCMCRSettings | None = None,
    progress: Progress | None = None,
) -> EstimateResult:
    """Estimate how many people there are, documented or not, with an interval.

    Args:
        data: a table, or what a reader returned (with strata when stratified).
        method: ``auto`` (see the module docstring), ``loglinear`` or ``lcmcr``.
        criterion: ``bic`` (default) or ``aic``, to choose the log-linear model.
        level: the interval's level, in (0, 1).
        model: a log-linear model to use instead of searching: a hierarchical model in
            Rcapture notation (``[123,14,34]``) or a standard model (``Mth Chao (LB)``,
            ``Mt``...).
        seed: seed of the LCMCR sampler (strata get seeds derived from it).
        lcmcr: LCMCR sampler settings.
        progress: called with the fraction of the work done (long searches, sampling).

    Returns:
        The estimate, with per-stratum estimates when the input is stratified.

    Raises:
        NotEstimableError: the table cannot support an estimate (every reason listed).
        EstimationError: a bad argument, or no estimate exists for an unstratified table.

    Examples:
        >>> from recuento.estimate import CaptureHistories, estimate
        >>> import numpy as np
        >>> h = CaptureHistories.from_patterns(
        ...     ["A", "B"], np.array([[1, 0], [0, 1], [1, 1]]), np.array([60, 30, 20]))
        >>> round(estimate(h, method="loglinear").estimate)
        200
    """
    if criterion not in ("bic", "aic"):
        raise EstimationError(f"criterion must be bic or aic, not {criterion!r}")
    if not 0.0 < level < 1.0:
        raise EstimationError(f"the level must be between 0 and 1 (e.g. 0.95), not {level}")
    crit: Criterion = "bic" if criterion == "bic" else "aic"
    source = data if isinstance(data, HistoriesInput) else HistoriesInput(total=data)
    settings = lcmcr or LCMCRSettings()
    chosen, reason = _resolve_method(str(method), source.total, model)
    asked: dict[str, Any] = {
        "method_asked": str(method),
        "method_reason": reason,
        "criterion": crit,
        "model": model,
        "seed": seed,
    }
    check_auto(settings.dependent, settings.dependent_auto)
    check_dependent(settings.dependent, source.total.lists)
    notes = list(source.notes)
    if chosen == "lcmcr":
        asked["lcmcr"] = asdict(settings)
    elif settings.dependent:
        notes.append(
            Text(
                "the lists named as dependent were not used: they are for LCMCR, and a "
                "log-linear model chooses its own interactions between lists.",
                "las listas indicadas como dependientes no se usaron: sirven para LCMCR, y "
                "un modelo log-lineal elige sus propias interacciones entre listas.",
            )
        )
    elif settings.dependent_auto:
        notes.append(
            Text(
                "no dependent lists were chosen from the data (--dependent auto): that "
                "choice is for LCMCR, and a log-linear model chooses its own interactions "
                "between lists.",
                "no se eligieron listas dependientes a partir de los datos (--dependent "
                "auto): esa elección es para LCMCR, y un modelo log-lineal elige sus propias "
                "interacciones entre listas.",
            )
        )
    if not source.strata:
        t = _one(
            source.total,
            chosen,
            criterion=crit,
            level=level,
            model=model,
            seed=seed,
            settings=settings,
            progress=progress,
        )
        return EstimateResult(
            documented=t.documented,
            estimate=t.estimate,
            lower=t.lower,
            upper=t.upper,
            level=level,
            method=t.method,
            lists=t.lists,
            warnings=notes + t.warnings,
            model=t.model,
            diagnostics=t.diagnostics,
            settings=asked,
        )
    return _stratified(source, chosen, crit, level, model, seed, settings, progress, asked)


def stratum_seed(seed: int | None, i: int) -> int | None:
    """The seed of the ``i``-th stratum's fit, derived from the whole estimate's seed."""
    if seed is None:
        return None
    return int(np.random.SeedSequence([seed, i]).generate_state(1)[0])


def _stratified(
    source: HistoriesInput,
    method: str,
    criterion: Criterion,
    level: float,
    model: str | None,
    seed: int | None,
    settings: LCMCRSettings,
    progress: Progress | None,
    asked: dict[str, Any],
) -> EstimateResult:
    strata: list[StratumEstimate] = []
    tables: list[_Table | None] = []
    warnings = list(source.notes)
    k = len(source.strata)
    for i, (label, h) in enumerate(source.strata.items()):
        where, donde = f"stratum {label}: ", f"estrato {label}: "
        sub = None if progress is None else _scaled(progress, i, k)
        with_records = _lists_with_records(h)
        this_method = method
        extra: list[str] = []
        if with_records < MIN_LISTS_LCMCR:
            extra.append(
                Text(
                    f"{where}only {with_records} lists have records; HRDAG estimates a "
                    f"stratum only with {MIN_LISTS_LCMCR} or more. Consider wider strata.",
                    f"{donde}solo {with_records} listas tienen registros; HRDAG estima un "
                    f"estrato solo con {MIN_LISTS_LCMCR} o más. Conviene usar estratos más "
                    "amplios.",
                )
            )
            this_method = "loglinear"
        try:
            t: _Table | None = _one(
                h,
                this_method,
                criterion=criterion,
                level=level,
                model=model,
                seed=stratum_seed(seed, i),
                settings=settings,
                progress=sub,
            )
        except (ProblemsError, EstimationError) as e:
            t = None
            # an EstimationError raised with a Text keeps its Spanish version in args[0]
            problems = (
                e.problems if isinstance(e, ProblemsError) else [e.args[0] if e.args else str(e)]
            )
            extra += [prefixed(p, where, donde) for p in problems]
        tables.append(t)
        if t is None:
            strata.append(
                StratumEstimate(
                    label, h.n_observed, None, None, None, this_method, list(h.lists), extra
                )
            )
        else:
            strata.append(
                StratumEstimate(
                    label,
                    t.documented,
                    t.estimate,
                    t.lower,
                    t.upper,
                    t.method,
                    t.lists,
                    extra + [prefixed(w, where, donde) for w in t.warnings],
                    t.model,
                    t.diagnostics,
                )
            )
    documented = sum(s.documented for s in strata)
    missing = [s.stratum for s in strata if s.estimate is None]
    estimate_: float | None = None
    lower: float | None = None
    upper: float | None = None
    diagnostics: dict[str, Any] = {}
    if missing:
        warnings.append(
            Text(
                f"no total: {len(missing)} strata have no estimate ({', '.join(missing)}). "
                "Merge small strata or estimate without --by.",
                f"sin total: {len(missing)} estratos no tienen estimación "
                f"({', '.join(missing)}). Junte estratos pequeños o estime sin --by.",
            )
        )
    else:
        done = [t for t in tables if t is not None]
        draws = [t.draws.ravel() for t in done if t.draws is not None]
        if len(draws) == len(done) and len({d.size for d in draws}) == 1:
            total_draws = np.sum(draws, axis=0)
            tail = (1 - level) / 2
            estimate_ = float(np.median(total_draws))
            lower, upper = (float(q) for q in np.quantile(total_draws, [tail, 1 - tail]))
            diagnostics["combination"] = "sum of the strata's posterior draws"
        else:
            estimate_ = sum(t.estimate for t in done)
            lower = estimate_ - math.sqrt(sum((t.estimate - t.lower) ** 2 for t in done))
            upper = estimate_ + math.sqrt(sum((t.upper - t.estimate) ** 2 for t in done))
            lower = max(lower, float(documented))
            diagnostics["combination"] = (
                "sum of the strata's estimates; interval from the strata's intervals "
                "treated as independent normal errors (an approximation)"
            )
    return EstimateResult(
        documented=documented,
        estimate=estimate_,
        lower=lower,
        upper=upper,
        level=level,
        method=method,
        lists=list(source.total.lists),
        warnings=warnings,
        model=None,
        diagnostics=diagnostics,
        strata=strata,
        by=source.by,
        binning=source.binning,
        settings=asked,
    )


def _scaled(progress: Progress, i: int, k: int) -> Progress:
    def inner(f: float) -> None:
        progress((i + f) / k)

    return inner
