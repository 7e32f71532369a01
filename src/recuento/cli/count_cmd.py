"""``recuento count`` and ``recuento demo``: the main job, on your lists or synthetic ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from recuento.cli._lists import (
    ReadOptions,
    list_options,
    raise_failures,
    read_lists,
    write_table,
)
from recuento.cli._progress import steps
from recuento.lists.messages import Lang, default_lang

TEXT: dict[str, dict[Lang, str]] = {
    "list": {"en": "{name}: {read:,} read, {accepted:,} accepted, {rejected:,} rejected",
             "es": "{name}: {read:,} leídas, {accepted:,} aceptadas, {rejected:,} rechazadas"},
    "documented": {"en": "Documented persons (on at least one list): {n:,}",
                   "es": "Personas documentadas (en al menos una lista): {n:,}"},
    "estimate": {
        "en": "Estimated total: {estimate:,.0f} ({level:.0%} interval {lower:,.0f} to "
        "{upper:,.0f}), with linkage uncertainty",
        "es": "Total estimado: {estimate:,.0f} (intervalo del {level:.0%}: {lower:,.0f} a "
        "{upper:,.0f}), con la incertidumbre del enlace",
    },
    "conditional": {
        "en": "Conditional on the best linkage: {estimate:,.0f} ({lower:,.0f} to {upper:,.0f}), "
        "method {method}",
        "es": "Condicionado al mejor enlace: {estimate:,.0f} ({lower:,.0f} a {upper:,.0f}), "
        "método {method}",
    },
    "recall": {
        "en": "Blocking recall estimate: {share:.1%} of the pairs of records put in one person "
        "were compared directly by a blocking rule (an optimistic upper bound)",
        "es": "Estimación de la cobertura del bloqueo: el {share:.1%} de los pares de "
        "registros puestos en una persona se comparó directamente con una regla de bloqueo "
        "(una cota superior optimista)",
    },
    "none": {"en": "No estimate: the data cannot support one (see the warnings).",
             "es": "Sin estimación: los datos no la sostienen (vea las advertencias)."},
    "warning": {"en": "warning: {w}", "es": "advertencia: {w}"},
    "truth": {
        "en": "Truth of the synthetic population: {n:,} people, {documented:,} documented",
        "es": "Verdad de la población sintética: {n:,} personas, {documented:,} documentadas",
    },
    "files": {"en": "Synthetic lists written to {folder}", "es": "Listas sintéticas en {folder}"},
    "report": {"en": "Report written to {path}", "es": "Informe escrito en {path}"},
    "strata_pooled": {
        "en": "Per stratum, with linkage uncertainty (a stratum that could not carry it shows "
        "its conditional numbers; see the warnings):",
        "es": "Por estrato, con la incertidumbre del enlace (un estrato que no pudo incluirla "
        "muestra sus cifras condicionadas; vea las advertencias):",
    },
    "strata": {"en": "Per stratum (conditional on the best linkage):",
               "es": "Por estrato (condicionado al mejor enlace):"},
}  # fmt: skip


def _t(key: str, lang: Lang, **values: Any) -> str:
    return TEXT[key][lang].format(**values)


def _with_linkage_view(counted: Any) -> Any:
    """The conditional result with the numbers that carry linkage uncertainty put in."""
    from dataclasses import replace

    strata = []
    for s in counted.conditional.strata:
        pooled = counted.strata_with_linkage.get(s.stratum)
        if pooled is not None:
            s = replace(s, estimate=pooled[0], lower=pooled[1], upper=pooled[2], method="lcmcr")
        strata.append(s)
    return replace(
        counted.conditional,
        estimate=counted.estimate,
        lower=counted.lower,
        upper=counted.upper,
        method="lcmcr",
        strata=strata,
    )


def _report(results: list[Any], counted: Any, lang: Lang) -> str:
    from recuento.count.api import blocking_recall_share

    lines = [
        _t("list", lang, name=r.name, read=r.read, accepted=r.accepted, rejected=r.rejected)
        for r in results
    ]
    lines.append(_t("documented", lang, n=counted.documented))
    share = blocking_recall_share(counted.blocking_recall)
    if share is not None:
        lines.append(_t("recall", lang, share=share))
    c = counted.conditional
    if counted.estimate is None or c.estimate is None:
        lines.append(_t("none", lang))
    else:
        lines.append(
            _t(
                "estimate",
                lang,
                estimate=counted.estimate,
                lower=counted.lower,
                upper=counted.upper,
                level=counted.level,
            )
        )
        lines.append(
            _t(
                "conditional",
                lang,
                estimate=c.estimate,
                lower=c.lower or 0,
                upper=c.upper if c.upper is not None else float("inf"),
                method=c.method,
            )
        )
    if c.strata:
        from recuento.estimate import format_table

        if counted.strata_with_linkage:
            lines.append(_t("strata_pooled", lang))
            # The table alone: the method, lists and warnings follow with the conditional one.
            lines.append(format_table(_with_linkage_view(counted), lang=lang).split("\n\n")[0])
        lines.append(_t("strata", lang))
        lines.append(format_table(c, lang=lang))
    for w in [*counted.warnings, *c.warnings]:
        lines.append(_t("warning", lang, w=w))
    return "\n".join(lines)


@click.command()
@click.argument("lists", nargs=-1, required=True, metavar="LIST...")
@list_options
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Seed of training and sampling."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the persons file (source,id,person_id,...) here.",
)
@click.option(
    "--by",
    help="Estimate per stratum of a record column, e.g. event_date (by year) or sex; "
    "COLUMN:BIN as for `recuento estimate --by`.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the report here (.html; .pdf needs WeasyPrint).",
)
@click.option(
    "--dependent",
    metavar="LIST+LIST",
    multiple=True,
    help="Lists that may depend on one another (one feeds the other), by the names the "
    "count prints, e.g. ong+familias; the estimate then models them jointly. Repeat for "
    "several groups. 'auto': when the model without dependence does not fit, model the "
    "pair that makes it fit (chosen from the data; see the report).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def count(
    lists: tuple[str, ...],
    seed: int,
    by: str | None,
    out: Path | None,
    report_path: Path | None,
    dependent: tuple[str, ...],
    as_json: bool,
    **read: Any,
) -> None:
    """Count the people several lists document, and estimate those none recorded.

    Reads every LIST, links their records into persons, and estimates the total population
    by multiple systems estimation, with an interval that carries the uncertainty of the
    linkage. Needs at least three lists for an estimate.

    \b
    Example:
        recuento count prensa.csv ong.xlsx fiscalia.csv familias.csv
        recuento count *.csv --report informe.html --lang es
        recuento count *.csv --by event_date
        recuento count *.csv --dependent ong+familias
        recuento count *.csv --dependent auto
    """
    options = ReadOptions(**read)
    results, _, errors = read_lists(lists, options)
    raise_failures(errors, len(lists))
    from recuento.estimate.dependent import parse_dependent_option

    groups, auto = parse_dependent_option(dependent)
    counted = _count(results, seed, by, groups, auto)
    if out is not None:
        write_table(counted.link.persons, out)
    _print(results, counted, as_json, options.language)
    if report_path is not None:
        _write_report(report_path, counted, results, options.language, seed)


def _write_report(path: Path, counted: Any, results: list[Any], lang: Lang, seed: int) -> None:
    from recuento.report import write_report

    write_report(path, counted, results, lang=lang, seed=seed, inputs=[r.path for r in results])
    click.echo(_t("report", lang, path=path), err=True)


def _count(
    results: list[Any],
    seed: int,
    by: str | None = None,
    dependent: tuple[tuple[str, ...], ...] = (),
    dependent_auto: bool = False,
) -> Any:
    from recuento.count import count_tables

    with steps() as say:
        return count_tables(
            [r.table for r in results],
            [r.name for r in results],
            by=by,
            seed=seed,
            progress=say,
            dependent=dependent,
            dependent_auto=dependent_auto,
        )


def _print(results: list[Any], counted: Any, as_json: bool, lang: Lang, **extra: Any) -> None:
    if as_json:
        payload = counted.to_dict()
        payload["records"] = sum(r.read for r in results)
        payload["rejected"] = sum(r.rejected for r in results)
        payload.update(extra)
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(_report(results, counted, lang))


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("recuento-demo"),
    show_default=True,
    help="Folder for the synthetic lists (replaced if it holds an earlier demo).",
)
@click.option("--people", type=click.IntRange(50, 200_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--lang", type=click.Choice(["es", "en"]), default=None, help="Language.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def demo(out: Path, people: int, seed: int, lang: Lang | None, as_json: bool) -> None:
    """Run the main job on synthetic Juárez-like lists, beside the known truth.

    Makes four synthetic lists (a newspaper, an NGO, the prosecutor, the families) of a
    synthetic population with recuento's simulator (nobody in them is real), counts them
    as `recuento count` would, prints the result beside the truth, and writes the count's
    report (informe.html) into the same folder.

    \b
    Example:
        recuento demo
        recuento demo --out /tmp/demo --lang es
    """
    from recuento.errors import InputError
    from recuento.lists.reader import read_list
    from recuento.simulate import simulate_lists, simulate_population, write_lists

    lang = lang or default_lang()
    if out.exists() and any(out.iterdir()) and not (out / "manifest.json").exists():
        raise InputError(
            f"{out}: the folder exists and does not hold an earlier demo; choose another "
            "folder with --out."
        )
    sim = simulate_lists(simulate_population(people, seed=seed), seed=seed + 1)
    written = write_lists(sim, out, overwrite=True)
    files = [p for p in written if p.stem in sim.lists]
    results = [read_list(p) for p in files]
    counted = _count(results, seed)
    truth = {"population_size": sim.population_size, "documented": sim.documented}
    _print(results, counted, as_json, lang, truth=truth, folder=str(out))
    if not as_json:
        click.echo(_t("truth", lang, n=sim.population_size, documented=sim.documented))
        click.echo(_t("files", lang, folder=out))
    _write_report(out / "informe.html", counted, results, lang, seed)


COMMANDS = [count, demo]
