"""The methods and assumptions, in plain words, from what was actually run.

:func:`explain` turns the facts a :class:`~recuento.report.context.ReportContext` holds
(which linkage, which estimator and why, its priors and sampler, its convergence, how
linkage uncertainty was carried, the strata) into sentences in English or Spanish, and
lists the assumptions a reader should weigh for that method.
"""

from __future__ import annotations

from recuento.report.context import ReportContext
from recuento.report.text import (
    Lang,
    comparison_name,
    decimal,
    engine_name,
    join_words,
    number,
    share,
    t,
)


def explain(ctx: ReportContext, lang: Lang) -> tuple[list[str], list[str]]:
    """The methods paragraphs and the assumptions to weigh, in ``lang``."""
    c, m, k = ctx, ctx.methods, ctx.linkage
    paragraphs: list[str] = []
    if k.single_record:
        paragraphs.append(t("m_linkage_single", lang))
    else:
        paragraphs.append(
            t(
                "m_linkage_trained" if k.trained else "m_linkage_reused",
                lang,
                lists=len(c.lists),
                comparisons=join_words([comparison_name(n, lang) for n in k.comparisons], lang),
                rules=k.blocking_rules,
                engine=engine_name(k.engine),
                edge=decimal(k.min_edge, 1, lang),
                average=decimal(k.min_average, 1, lang),
            )
        )
        if k.blocking_recall is not None:
            paragraphs.append(t("m_blocking_recall", lang, share=share(k.blocking_recall, lang)))
    if c.conditional.estimate is None and not c.strata:
        paragraphs.append(t("m_none", lang))
    elif m.method == "lcmcr":
        if m.asked == "lcmcr":
            paragraphs.append(t("m_lcmcr_asked", lang))
        else:
            paragraphs.append(t("m_lcmcr", lang, k=m.lists_with_records))
        if m.lcmcr:
            s = m.lcmcr
            paragraphs.append(
                t(
                    "m_priors",
                    lang,
                    K=s.get("K"),
                    a=decimal(float(s.get("a", 0)), 2, lang),
                    b=decimal(float(s.get("b", 0)), 2, lang),
                    chains=s.get("chains"),
                    burnin=number(s.get("burnin", 0), lang),
                    samples=number(s.get("samples", 0), lang),
                    thin=s.get("thin"),
                )
            )
            if s.get("dependent"):
                groups = join_words(["+".join(g) for g in s["dependent"]], lang)
                paragraphs.append(t("m_dependent", lang, groups=groups))
            if s.get("dependent_auto"):
                paragraphs.append(t("m_dependent_auto", lang))
                if m.dependent_chosen:
                    pairs = join_words(list(m.dependent_chosen), lang)
                    paragraphs.append(t("m_dependent_auto_pairs", lang, pairs=pairs))
                elif m.dependent_chosen is not None:
                    paragraphs.append(t("m_dependent_auto_none", lang))
        if m.rhat is not None and m.ess is not None:
            paragraphs.append(
                t("m_convergence", lang, rhat=decimal(m.rhat, 3, lang), ess=number(m.ess, lang))
            )
    elif m.model_given:
        paragraphs.append(t("m_loglinear_given", lang, model=m.model or ""))
    else:
        if m.asked == "loglinear":
            reason = t("reason_asked", lang)
        elif m.lists_with_records < 3:
            reason = t("reason_few_lists", lang, k=m.lists_with_records)
        else:
            reason = t("reason_no_lcmcr", lang)
        paragraphs.append(
            t(
                "m_loglinear",
                lang,
                k=m.lists_with_records,
                reason=reason,
                model=m.model or "",
                fitted=m.models_fitted if m.models_fitted is not None else "-",
                criterion=(m.criterion or "bic").upper(),
            )
        )
    if m.pooled:
        configs = ", ".join(
            f"{decimal(g.min_edge, 1, lang)}/{decimal(g.min_average, 1, lang)}"
            for g in k.configurations
        )
        paragraphs.append(t("m_pooling", lang, k=len(k.configurations), configs=configs))
    else:
        paragraphs.append(t("m_pooling_none", lang))
    if m.by:
        paragraphs.append(t("m_strata", lang, by=m.by))
    assumptions = ["a_closed", "a_identifying", "a_dependence", "a_linkage"]
    if m.method == "lcmcr" or m.pooled:
        assumptions.extend(["a_priors", "a_rarely_recorded"])
        if m.lcmcr and m.lcmcr.get("dependent"):
            assumptions.append("a_dependent_named")
        if m.lcmcr and m.lcmcr.get("dependent_auto"):
            assumptions.append("a_dependent_auto")
    if m.lists_with_records == 2:
        assumptions.append("a_two_lists")
    return paragraphs, [t(a, lang) for a in assumptions]
