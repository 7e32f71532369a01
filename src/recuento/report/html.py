"""The count report as one self-contained HTML page (and, through it, a PDF).

The page makes no request of any kind: the style sheet is inline, the charts are inline
SVG, and there is no script. Every word comes from :mod:`recuento.report.text`; every number
from the :class:`~recuento.report.context.ReportContext` (this module formats, it does not
compute). Key numbers carry ``id`` and ``data-value`` attributes so that a test (or a
reader's own tool) can check them against the JSON output.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from xml.sax.saxutils import escape, quoteattr

from recuento.lists.messages import reject_message, warning_message
from recuento.report import svg
from recuento.report.context import MAX_CHART_PATTERNS, Estimate, ReportContext, build_context
from recuento.report.methods import explain
from recuento.report.style import CSS
from recuento.report.text import (
    Lang,
    decimal,
    in_language,
    number,
    percent,
    share,
    t,
)

if TYPE_CHECKING:
    from recuento.count.api import CountResult
    from recuento.lists.reader import ListResult


SECTIONS: tuple[tuple[str, str], ...] = (
    ("lists", "sec_lists"),
    ("overlaps", "sec_overlaps"),
    ("documented", "sec_documented"),
    ("estimates", "sec_estimates"),
    ("linkage", "sec_linkage"),
    ("methods", "sec_methods"),
    ("warnings", "sec_warnings"),
    ("reproducibility", "sec_repro"),
)
"""Section ids (anchors) and their title keys, in page order."""


def _e(text: object) -> str:
    return escape(str(text))


def _num(value: float | None, lang: Lang, ident: str | None = None) -> str:
    shown = number(value, lang)
    if ident is None:
        return _e(shown)
    raw = "" if value is None else repr(float(value)) if math.isfinite(value) else "inf"
    return f"<span id={quoteattr(ident)} data-value={quoteattr(raw)}>{_e(shown)}</span>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    """A table; cells are HTML already (escaped by the caller)."""

    def cls(i: int) -> str:
        return " class='n'" if i in numeric else ""

    head = "".join(f"<th{cls(i)}>{_e(h)}</th>" for i, h in enumerate(headers))
    head = f"<thead><tr>{head}</tr></thead>" if any(headers) else ""
    body = []
    for row in rows:
        quote = ""
        if row and row[0].startswith("\x00"):
            quote, row = " class='quote'", [row[0][1:], *row[1:]]
        cells = "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row))
        body.append(f"<tr{quote}>{cells}</tr>")
    return f"<table>{head}<tbody>{''.join(body)}</tbody></table>"


def _across(headers: Sequence[str], rows: Sequence[Sequence[str]], chunk: int = 12) -> str:
    """A long narrow table turned on its side: one column per row, ``chunk`` at a time."""
    out = []
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        lines = []
        for j, header in enumerate(headers):
            tag = "th" if j == 0 else "td"
            cells = "".join(
                f"<{tag} class='n'>{row[j] if j < len(row) else ''}</{tag}>" for row in part
            )
            lines.append(f"<tr><th>{_e(header)}</th>{cells}</tr>")
        out.append(f"<table class='across'><tbody>{''.join(lines)}</tbody></table>")
    return "".join(out)


def _figure(chart: str, caption: str) -> str:
    return f"<figure>{chart}<figcaption>{_e(caption)}</figcaption></figure>"


def _interval(e: Estimate, lang: Lang, ident: str | None = None) -> str:
    if e.estimate is None or e.lower is None:
        return _e("-")
    low = _num(e.lower, lang, f"{ident}-lower" if ident else None)
    if e.upper is None or not math.isfinite(e.upper):
        return f"<span class='iv'>{low} - {_e(t('unbounded', lang))}</span>"
    high = _num(e.upper, lang, f"{ident}-upper" if ident else None)
    return f"<span class='iv'>{low} - {high}</span>"


def _method(e: Estimate, lang: Lang) -> str:
    if e.method == "lcmcr":
        return t("method_lcmcr", lang)
    if e.model:
        return t("method_loglinear", lang, model=e.model)
    return t("method_loglinear_plain", lang)


class _Page:
    """Builds the page's sections in one language."""

    def __init__(self, ctx: ReportContext, lang: Lang) -> None:
        self.ctx = ctx
        self.lang = lang
        self.fmt: Callable[[float], str] = lambda v: number(v, lang)

    def t(self, key: str, **values: object) -> str:
        return t(key, self.lang, **values)

    def section(self, ident: str, key: str, body: str) -> str:
        return f"<section id='{ident}'><h2>{_e(self.t(key))}</h2>{body}</section>"

    # --- sections -------------------------------------------------------------------

    def summary(self) -> str:
        c, e = self.ctx, self.ctx.with_linkage
        lang = self.lang
        if e.estimate is None:
            text = self.t("summary_none", lists=len(c.lists), documented=number(c.documented, lang))
        else:
            upper = number(e.upper, lang) if e.upper is not None else self.t("unbounded")
            text = self.t(
                "summary_estimate",
                lists=len(c.lists),
                documented=number(c.documented, lang),
                estimate=number(e.estimate, lang),
                level=percent(c.level, lang),
                lower=number(e.lower, lang),
                upper=upper,
                undocumented=number(e.undocumented, lang),
            )
        return (
            f"<section id='summary' class='summary'><strong>{_e(self.t('summary'))}.</strong> "
            f"{_e(text)}</section>"
        )

    def lists(self) -> str:
        c, lang = self.ctx, self.lang
        rows = [
            [
                _e(r.name),
                _e(r.format),
                _num(r.read, lang),
                _num(r.accepted, lang),
                _num(r.rejected, lang, f"rejected-{i}"),
                _num(r.persons, lang),
                _num(r.only_here, lang),
            ]
            for i, r in enumerate(c.lists)
        ]
        rows.append(
            [
                _e(self.t("col_total")),
                "",
                _num(sum(r.read for r in c.lists), lang, "n-read"),
                _num(sum(r.accepted for r in c.lists), lang, "n-accepted"),
                _num(sum(r.rejected for r in c.lists), lang, "n-rejected"),
                "",
                "",
            ]
        )
        headers = [
            self.t(k)
            for k in (
                "col_list",
                "col_format",
                "col_read",
                "col_accepted",
                "col_rejected",
                "col_persons",
                "col_only",
            )
        ]
        parts = [f"<p>{_e(self.t('lists_intro'))}</p>", _table(headers, rows, {2, 3, 4, 5, 6})]
        if c.lists:
            chart = svg.bar_chart(
                [r.name for r in c.lists],
                [r.accepted for r in c.lists],
                self.t("accepted_chart"),
                self.fmt,
            )
            parts.append(_figure(chart, self.t("accepted_chart")))
        parts.append(f"<h3>{_e(self.t('rejects_title'))}</h3>")
        if c.rejects:
            parts.append(
                _table(
                    [self.t("col_list"), self.t("col_reason"), self.t("col_rows")],
                    [
                        [_e(r.list), _e(reject_message(r.code, lang)), _num(r.count, lang)]
                        for r in c.rejects
                    ],
                    {2},
                )
            )
        else:
            parts.append(f"<p>{_e(self.t('no_rejects'))}</p>")
        parts.append(f"<h3>{_e(self.t('field_warnings_title'))}</h3>")
        if c.field_warnings:
            parts.append(
                _table(
                    [self.t("col_list"), self.t("col_warning"), self.t("col_rows")],
                    [
                        [_e(w.list), _e(warning_message(w.code, lang)), _num(w.count, lang)]
                        for w in c.field_warnings
                    ],
                    {2},
                )
            )
        else:
            parts.append(f"<p>{_e(self.t('no_field_warnings'))}</p>")
        return self.section("lists", "sec_lists", "".join(parts))

    def overlaps(self) -> str:
        c, lang = self.ctx, self.lang
        parts = [f"<p>{_e(self.t('overlaps_intro'))}</p>"]
        shown = c.patterns[:MAX_CHART_PATTERNS]
        if shown:
            chart = svg.upset_chart(
                c.list_names, [(p.on, p.count) for p in shown], self.t("overlap_chart"), self.fmt
            )
            caption = self.t("overlap_chart")
            if len(c.patterns) > len(shown):
                caption += " " + self.t("overlap_top", n=len(shown), total=len(c.patterns))
            parts.append(_figure(chart, caption))
        rows = [
            [
                "<span class='dots'>" + "".join("●" if v else "○" for v in p.on) + "</span> "
                + _e(", ".join(n for n, v in zip(c.list_names, p.on, strict=True) if v)),
                _num(p.count, lang, f"pattern-{i}"),
            ]
            for i, p in enumerate(c.patterns)
        ]  # fmt: skip
        parts.append(_table([self.t("col_pattern"), self.t("col_count")], rows, {1}))
        return self.section("overlaps", "sec_overlaps", "".join(parts))

    def documented(self) -> str:
        c, lang = self.ctx, self.lang
        rows = [
            [_e(self.t("records_total")), _num(c.records, lang, "n-records")],
            [_e(self.t("documented_total")), _num(c.documented, lang, "n-documented")],
            [_e(self.t("on_several")), _num(c.on_several_lists, lang, "n-on-several")],
            [
                _e(self.t("with_several_records")),
                _num(c.with_several_records, lang, "n-several-records"),
            ],
        ]
        parts = [f"<p>{_e(self.t('documented_intro'))}</p>", _table(["", ""], rows, {1})]
        if c.years:
            parts.append(f"<h3>{_e(self.t('year_title'))}</h3>")
            intro = "year_intro_strata" if c.year_estimates else "year_intro"
            parts.append(f"<p>{_e(self.t(intro))}</p>")
            chart = svg.interval_chart(
                [str(y.year) for y in c.years],
                [y.documented for y in c.years],
                [
                    (y.estimate.estimate, y.estimate.lower, y.estimate.upper)
                    if y.estimate
                    else (None, None, None)
                    for y in c.years
                ],
                self.t("year_chart"),
                (
                    self.t("legend_documented"),
                    self.t("legend_estimate") if c.year_estimates else None,
                ),
                self.fmt,
            )
            parts.append(_figure(chart, self.t("year_chart")))
            headers = [self.t("col_year"), self.t("col_documented")]
            if c.year_estimates:
                headers += [
                    self.t("col_estimate"),
                    self.t("col_interval", level=percent(c.level, lang)),
                ]
            rows = []
            for y in c.years:
                row = [_e(y.year), _num(y.documented, lang, f"year-{y.year}")]
                if c.year_estimates and y.estimate:
                    row += [_num(y.estimate.estimate, lang), _interval(y.estimate, lang)]
                rows.append(row)
            parts.append(_across(headers, rows))
            if c.year_unknown:
                parts.append(f"<p>{_e(self.t('year_unknown', n=number(c.year_unknown, lang)))}</p>")
        return self.section("documented", "sec_documented", "".join(parts))

    def estimates(self) -> str:
        c, lang = self.ctx, self.lang
        level = percent(c.level, lang)
        headers = [
            self.t("col_which"),
            self.t("col_documented"),
            self.t("col_estimate"),
            self.t("col_interval", level=level),
            self.t("col_undocumented"),
            self.t("col_method"),
        ]
        k = len(c.linkage.configurations)
        rows = []
        for key, ident, e in (
            ("with_linkage", "n-estimate", c.with_linkage),
            ("conditional", "n-conditional", c.conditional),
        ):
            method = _method(e, lang)
            if key == "with_linkage" and c.methods.pooled:
                method = self.t("method_pooled", method=method, k=k)
            shown = (
                _num(e.estimate, lang, ident)
                if e.estimate is not None
                else _e(self.t("no_estimate"))
            )
            rows.append(
                [
                    ("\x00" if key == "with_linkage" else "") + _e(self.t(key)),
                    _num(e.documented, lang),
                    shown,
                    _interval(e, lang, ident),
                    _num(e.undocumented, lang) if e.undocumented is not None else "-",
                    _e(method),
                ]
            )
        parts = [f"<p>{_e(self.t('estimates_intro'))}</p>", _table(headers, rows, {1, 2, 4})]
        bars = [(self.t("with_linkage"), c.with_linkage), (self.t("conditional"), c.conditional)]
        chart = svg.interval_chart(
            [self.t("with_linkage").split(" (")[0], self.t("conditional")],
            [e.documented for _, e in bars],
            [(e.estimate, e.lower, e.upper) for _, e in bars],
            self.t("estimate_chart"),
            (self.t("legend_documented"), self.t("legend_estimate")),
            self.fmt,
            width=520,
        )
        parts.append(_figure(chart, self.t("estimate_chart")))
        if c.strata:
            parts.append(f"<h3>{_e(self.t('strata_title', by=c.by or ''))}</h3>")
            parts.append(f"<p>{_e(self.t('strata_intro'))}</p>")
            rows = [
                [
                    _e(s.label),
                    _num(s.estimate.documented, lang),
                    _num(s.estimate.estimate, lang, f"stratum-{i}")
                    if s.estimate.estimate is not None
                    else _e(self.t("no_estimate")),
                    _interval(s.estimate, lang),
                    _e(
                        self.t("method_pooled", method=_method(s.estimate, lang), k=k)
                        if s.with_linkage
                        else _method(s.estimate, lang)
                    ),
                    _num(s.conditional.estimate, lang, f"stratum-{i}-conditional")
                    if s.conditional.estimate is not None
                    else _e(self.t("no_estimate")),
                    _interval(s.conditional, lang),
                ]
                for i, s in enumerate(c.strata)
            ]
            parts.append(
                _table(
                    [
                        self.t("col_stratum"),
                        self.t("col_documented"),
                        self.t("col_estimate"),
                        self.t("col_interval", level=level),
                        self.t("col_method"),
                        self.t("col_conditional"),
                        self.t("col_interval", level=level),
                    ],
                    rows,
                    {1, 2, 5},
                )
            )
            if not c.year_estimates:
                chart = svg.interval_chart(
                    [s.label for s in c.strata],
                    [s.estimate.documented for s in c.strata],
                    [(s.estimate.estimate, s.estimate.lower, s.estimate.upper) for s in c.strata],
                    self.t("strata_chart"),
                    (self.t("legend_documented"), self.t("legend_estimate")),
                    self.fmt,
                )
                parts.append(_figure(chart, self.t("strata_chart")))
        return self.section("estimates", "sec_estimates", "".join(parts))

    def linkage(self) -> str:
        k, lang = self.ctx.linkage, self.lang
        low, high = (percent(v, lang) for v in k.band)
        prior = f"{k.prior:.2g}".replace(".", "," if lang == "es" else ".")
        uncertain = self.t("pairs_uncertain", low=low, high=high)
        rows = [
            [_e(self.t("pairs_scored")), _num(k.pairs, lang, "n-pairs")],
            [_e(self.t("pairs_linked")), _num(k.linked_pairs, lang, "n-linked-pairs")],
            [_e(uncertain), _num(k.uncertain, lang, "n-uncertain")],
            [_e(self.t("prior")), _e(prior)],
        ]
        if k.blocking_measured:
            rows.append([_e(self.t("blocking_recall")), self._blocking_recall()])
        parts = [f"<p>{_e(self.t('linkage_intro'))}</p>", _table(["", ""], rows, {1})]
        if k.blocking_measured:
            parts.append(f"<p>{_e(self.t('blocking_recall_caveat'))}</p>")
        if k.blocking_recall_low:
            limit = percent(k.blocking_recall_warn_below, lang)
            warning = self.t("blocking_recall_low", limit=limit)
            parts.append(f"<p class='alert' id='blocking-recall-low'>{_e(warning)}</p>")
        h = k.histogram
        if h.edges:
            chart = svg.histogram(
                h.edges,
                [
                    (self.t("legend_same"), svg.BLUE, h.same),
                    (self.t("legend_apart"), svg.GREY, h.apart),
                ],
                self.t("weights_chart"),
                self.t("axis_weight"),
                self.t("axis_pairs"),
                self.fmt,
                marks=[(k.threshold_weight, self.t("mark_threshold", p=percent(k.min_edge, lang)))],
                band=(*k.band_weights, self.t("band_uncertain")),
            )
            parts.append(_figure(chart, self.t("weights_chart")))
        else:
            parts.append(f"<p>{_e(self.t('no_pairs'))}</p>")
        if k.configurations:
            parts.append(f"<h3>{_e(self.t('configs_title'))}</h3>")
            parts.append(f"<p>{_e(self.t('configs_intro'))}</p>")
            rows = [
                [
                    _e(decimal(g.min_edge, 1, lang)),
                    _e(decimal(g.min_average, 1, lang)),
                    _num(g.persons, lang, f"config-{i}"),
                ]
                for i, g in enumerate(k.configurations)
            ]
            parts.append(
                _table(
                    [self.t("col_min_edge"), self.t("col_min_average"), self.t("col_persons")],
                    rows,
                    {0, 1, 2},
                )
            )
        if k.seconds is not None:
            parts.append(
                f"<p class='meta'>{_e(self.t('timing', seconds=decimal(k.seconds, 1, lang)))}</p>"
            )
        return self.section("linkage", "sec_linkage", "".join(parts))

    def _blocking_recall(self) -> str:
        k, lang = self.ctx.linkage, self.lang
        if k.blocking_recall is None:
            return _e(self.t("blocking_recall_none"))
        shown = (
            f"<span id={quoteattr('n-blocking-recall')} "
            f"data-value={quoteattr(repr(k.blocking_recall))}>"
            f"{_e(share(k.blocking_recall, lang))}</span>"
        )
        return self.t(
            "blocking_recall_value",
            share=shown,
            compared=_e(number(k.blocking_compared, lang)),
            pairs=_e(number(k.blocking_pairs, lang)),
        )

    def methods(self) -> str:
        paragraphs, assumptions = explain(self.ctx, self.lang)
        body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
        body += f"<h3>{_e(self.t('assumptions_title'))}</h3><ul>"
        body += "".join(f"<li>{_e(a)}</li>" for a in assumptions) + "</ul>"
        return self.section("methods", "sec_methods", body)

    def warnings(self) -> str:
        if not self.ctx.warnings:
            return self.section("warnings", "sec_warnings", f"<p>{_e(self.t('no_warnings'))}</p>")
        items = "".join(f"<li>{_e(in_language(w, self.lang))}</li>" for w in self.ctx.warnings)
        body = f"<p>{_e(self.t('warnings_intro'))}</p><ul class='warnings'>{items}</ul>"
        return self.section("warnings", "sec_warnings", body)

    def reproducibility(self) -> str:
        c = self.ctx
        files = _table(
            [self.t("col_file"), self.t("col_sha")],
            [
                [_e(f.name), f"<span class='hash'>{_e(f.sha256)}</span>" if f.sha256
                 else _e(self.t("missing_file"))]
                for f in c.inputs
            ],
            set(),
        )  # fmt: skip
        software = _table(
            [self.t("col_software"), self.t("col_version")],
            [[_e(p), _e(v or self.t("not_installed"))] for p, v in c.versions]
            + [[_e("Python"), _e(c.python)]],
            set(),
        )
        seed = _e(c.seed) if c.seed is not None else _e(self.t("seed_none"))
        facts = _table(
            ["", ""],
            [
                [_e(self.t("seed")), f"<span id='n-seed'>{seed}</span>"],
                [_e(self.t("date")), _e(c.date)],
            ],
            set(),
        )
        body = f"<p>{_e(self.t('repro_intro'))}</p>{facts}{files}{software}"
        return self.section("reproducibility", "sec_repro", body)

    def page(self) -> str:
        nav = "".join(
            f"<li><a href='#{ident}'>{_e(self.t(key))}</a></li>" for ident, key in SECTIONS
        )
        sections = [
            self.lists(),
            self.overlaps(),
            self.documented(),
            self.estimates(),
            self.linkage(),
            self.methods(),
            self.warnings(),
            self.reproducibility(),
        ]
        made = self.t("generated", version=self.ctx.version, date=self.ctx.date)
        return (
            f"<!DOCTYPE html>\n<html lang='{self.lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(self.t('title'))}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{_e(self.t('title'))}</h1>"
            f"<p class='subtitle'>{_e(self.t('subtitle'))}</p>"
            f"<p class='meta'>{_e(made)} "
            f"{_e(self.t('privacy'))}</p></header>"
            f"<nav><h2>{_e(self.t('contents'))}</h2><ol>{nav}</ol></nav>"
            f"{self.summary()}{''.join(sections)}</body></html>\n"
        )  # fmt: skip


def render_context(ctx: ReportContext, lang: Lang = "en") -> str:
    """The page for an already gathered context."""
    return _Page(ctx, "es" if lang == "es" else "en").page()


def render_report(
    counted: CountResult,
    lists: Sequence[ListResult],
    *,
    lang: Literal["es", "en"] = "en",
    seed: int | None = None,
    inputs: Sequence[Path] = (),
) -> str:
    """The count report as one self-contained HTML page.

    Args:
        counted: what :func:`recuento.count.count_tables` returned.
        lists: the lists as read (:func:`recuento.lists.reader.read_list`), in the order
            they were counted.
        lang: ``en`` or ``es``.
        seed: the seed counting used.
        inputs: the input files whose SHA-256 the report records (default: the lists'
            paths).
    """
    return render_context(build_context(counted, lists, seed=seed, inputs=inputs), lang)
