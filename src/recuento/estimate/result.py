"""The result of an estimate: numbers with their uncertainty, and the JSON contract.

The library returns an :class:`EstimateResult`; only the CLI and the web layer format it.
:meth:`EstimateResult.to_dict` is the JSON contract of ``recuento estimate --json``
(DESIGN.md):

``documented``
    people recorded by at least one list (integer).
``estimate``, ``lower``, ``upper``
    the estimated population size (documented + undocumented) and its interval; ``null``
    when the data cannot support an estimate (then ``warnings`` says why) and ``upper``
    ``null`` when the interval is unbounded above.
``level``
    the interval's level (0.95 by default).
``method``
    ``loglinear`` (maximum likelihood, profile-likelihood interval) or ``lcmcr``
    (posterior median, equal-tail credible interval).
``lists``
    the list names, in column order.
``warnings``
    sentences, each complete: what the data cannot support and why.
``model`` (log-linear only)
    the model used: ``name`` (Rcapture notation), ``description``, ``criterion``,
    ``bic``, ``aic``, ``deviance``, ``df``, ``status``, ``poisson_estimate``, ``stderr``.
``diagnostics``
    method-specific: for log-linear the search (models fitted, models without an MLE,
    the five best); for LCMCR ``rhat``, ``ess``, chains and draws, and ``fit_check``: the
    two-class latent-class model's G² goodness-of-fit test on the observed cells (``g2``,
    ``df``, ``p_value``, ``rejects``; ``checked`` false with a ``reason`` when the table has
    too few lists or too few people for it), which adds a warning when it rejects
    (:mod:`recuento.estimate.fit_check`).
``strata`` (when stratified)
    one object per stratum with ``stratum``, ``documented``, ``estimate``, ``lower``,
    ``upper``, ``method``, ``lists`` and ``warnings`` (and ``model`` for log-linear).
``by``, ``binning`` (when stratified), ``settings``
    what was asked: column, binning, seed, criterion, sampler settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from recuento.estimate.messages import in_language


def _num(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(x)


@dataclass(frozen=True)
class StratumEstimate:
    """The estimate of one stratum (same fields as the whole, without strata)."""

    stratum: str
    documented: int
    estimate: float | None
    lower: float | None
    upper: float | None
    method: str
    lists: list[str]
    warnings: list[str] = field(default_factory=list)
    model: dict[str, Any] | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        out: dict[str, Any] = {
            "stratum": self.stratum,
            "documented": int(self.documented),
            "estimate": _num(self.estimate),
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "method": self.method,
            "lists": list(self.lists),
            "warnings": list(self.warnings),
        }
        if self.model is not None:
            out["model"] = dict(self.model)
        if self.diagnostics:
            out["diagnostics"] = dict(self.diagnostics)
        return out


@dataclass(frozen=True)
class EstimateResult:
    """An estimate of the population size with its interval, method and warnings.

    Attributes:
        documented: people recorded by at least one list.
        estimate: estimated population size, or ``None`` when not supported by the data.
        lower, upper: the interval (``upper`` may be ``inf``: unbounded).
        level: the interval's level.
        method: ``loglinear`` or ``lcmcr``.
        lists: list names.
        warnings: complete sentences.
        model: the log-linear model used (``None`` for LCMCR).
        diagnostics: method-specific details.
        strata: per-stratum estimates (empty when not stratified).
        by, binning: the stratifying column and its binning.
        settings: what was asked (seed, criterion, sampler settings).
    """

    documented: int
    estimate: float | None
    lower: float | None
    upper: float | None
    level: float
    method: str
    lists: list[str]
    warnings: list[str] = field(default_factory=list)
    model: dict[str, Any] | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    strata: list[StratumEstimate] = field(default_factory=list)
    by: str | None = None
    binning: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def undocumented(self) -> float | None:
        """Estimated people no list recorded."""
        return None if self.estimate is None else self.estimate - self.documented

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (see the module docstring)."""
        out: dict[str, Any] = {
            "documented": int(self.documented),
            "estimate": _num(self.estimate),
            "lower": _num(self.lower),
            "upper": _num(self.upper),
            "level": self.level,
            "method": self.method,
            "lists": list(self.lists),
            "warnings": list(self.warnings),
        }
        if self.model is not None:
            out["model"] = dict(self.model)
        if self.diagnostics:
            out["diagnostics"] = dict(self.diagnostics)
        if self.by is not None:
            out["by"] = self.by
            out["binning"] = self.binning
            out["strata"] = [s.to_dict() for s in self.strata]
        out["settings"] = dict(self.settings)
        return out


LABELS = {
    "en": {
        "stratum": "stratum",
        "total": "total",
        "documented": "documented",
        "estimate": "estimate",
        "interval": "interval",
        "none": "no estimate",
        "unbounded": "no upper bound",
        "model": "model",
        "method_loglinear": "Method: log-linear model chosen by {criterion} "
        "(maximum likelihood, profile-likelihood interval).",
        "method_loglinear_given": "Method: the log-linear model given "
        "(maximum likelihood, profile-likelihood interval).",
        "method_lcmcr": "Method: LCMCR latent-class model (posterior median, "
        "equal-tail credible interval).",
        "warnings": "Warnings",
        "lists": "Lists",
    },
    "es": {
        "stratum": "estrato",
        "total": "total",
        "documented": "documentadas",
        "estimate": "estimación",
        "interval": "intervalo",
        "none": "sin estimación",
        "unbounded": "sin límite superior",
        "model": "modelo",
        "method_loglinear": "Método: modelo log-lineal elegido por {criterion} "
        "(máxima verosimilitud, intervalo de verosimilitud perfil).",
        "method_loglinear_given": "Método: el modelo log-lineal indicado "
        "(máxima verosimilitud, intervalo de verosimilitud perfil).",
        "method_lcmcr": "Método: modelo LCMCR de clases "  # codespell:ignore
        "latentes (mediana a posteriori, intervalo de credibilidad de colas iguales).",
        "warnings": "Advertencias",
        "lists": "Listas",
    },
}


def _fmt(x: float | None, lang: str) -> str:
    if x is None:
        return "-"
    if not math.isfinite(x):
        return "∞"
    text = f"{round(x):,}"
    return text.replace(",", "\u00a0") if lang == "es" else text


def _interval(lower: float | None, upper: float | None, lang: str) -> str:
    if lower is None:
        return "-"
    if upper is None or not math.isfinite(upper):
        return f"{_fmt(lower, lang)} - {LABELS[lang]['unbounded']}"
    return f"{_fmt(lower, lang)} - {_fmt(upper, lang)}"


def format_table(result: EstimateResult, lang: str = "en") -> str:
    """A short table a person can read, with the documented count beside every estimate.

    Args:
        result: what :func:`recuento.estimate.estimate` returned.
        lang: ``en`` or ``es`` (labels and warnings; error texts turned into warnings in a
            stratum stay in English).
    """
    lang = "es" if lang == "es" else "en"
    lab = LABELS[lang]
    pct = f"{result.level * 100:g}%"
    loglinear = result.method == "loglinear"
    header = [lab["stratum"], lab["documented"], lab["estimate"], f"{lab['interval']} {pct}"]
    if loglinear:
        header.append(lab["model"])

    def row(
        name: str,
        documented: int,
        est: float | None,
        lo: float | None,
        hi: float | None,
        model: dict[str, Any] | None,
    ) -> list[str]:
        cells = [
            name,
            _fmt(documented, lang),
            _fmt(est, lang) if est is not None else lab["none"],
            _interval(lo, hi, lang),
        ]
        if loglinear:
            cells.append(str(model.get("name", "")) if model else "")
        return cells

    rows = [
        row(s.stratum, s.documented, s.estimate, s.lower, s.upper, s.model) for s in result.strata
    ]
    rows.append(
        row(
            lab["total"],
            result.documented,
            result.estimate,
            result.lower,
            result.upper,
            result.model,
        )
    )
    ncol = len(header)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(ncol)]
    lines = []
    for r in [header, *rows]:
        cells = [r[0].ljust(widths[0])] + [r[i].rjust(widths[i]) for i in range(1, 4)]
        if loglinear:
            cells.append(r[4].ljust(widths[4]))
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    criterion = str(result.settings.get("criterion", "bic")).upper()
    if loglinear and result.settings.get("model"):
        method = lab["method_loglinear_given"]
    elif loglinear:
        method = lab["method_loglinear"].format(criterion=criterion)
    else:
        method = lab["method_lcmcr"]
    lines += ["", method, f"{lab['lists']}: {', '.join(result.lists)}"]
    warnings = list(result.warnings)
    for s in result.strata:
        warnings += s.warnings
    if warnings:
        lines += ["", f"{lab['warnings']}:"]
        lines += [f"  - {in_language(w, lang)}" for w in dict.fromkeys(warnings)]
    return "\n".join(lines)
