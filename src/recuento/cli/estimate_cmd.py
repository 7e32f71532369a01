"""``recuento estimate``: how many people no list counted, with an interval."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import click

from recuento import __version__
from recuento.errors import EstimationError

_PROGRESS_AFTER_S = 1.0


def _sha256(path: Path) -> str:
    """The input's hash, recorded so that a result can be traced to its data."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _progress(enabled: bool) -> tuple[Callable[[float], None] | None, Callable[[], None]]:
    """A progress callback that writes a percentage to stderr once work takes a while."""
    if not enabled:
        return None, lambda: None
    start = time.monotonic()
    shown = {"any": False, "last": -1}

    def report(fraction: float) -> None:
        if time.monotonic() - start < _PROGRESS_AFTER_S:
            return
        pct = int(max(0.0, min(1.0, fraction)) * 100)
        if pct != shown["last"]:
            shown["any"], shown["last"] = True, pct
            click.echo(f"\restimating... {pct:3d}%", err=True, nl=False)

    def finish() -> None:
        if shown["any"]:
            click.echo("", err=True)

    return report, finish


@click.command(name="estimate")
@click.argument(
    "persons",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--histories",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read a histories table (list1,...,listK,count; optional leading stratum column) "
    "instead of a persons file.",
)
@click.option(
    "--method",
    type=click.Choice(["auto", "lcmcr", "loglinear"]),
    default="auto",
    show_default=True,
    help="auto: LCMCR with 3 or more lists with records, log-linear otherwise.",
)
@click.option(
    "--by",
    metavar="COLUMN[:BIN]",
    help="Estimate each stratum of this persons-file column and add them up. BIN: year, "
    "month, decade, raw or a band width (age:10). Dates default to years, age to 10-year "
    "bands.",
)
@click.option("--seed", type=int, help="Seed of the LCMCR sampler (for a reproducible run).")
@click.option(
    "--criterion",
    type=click.Choice(["bic", "aic"]),
    default="bic",
    show_default=True,
    help="How to choose the log-linear model.",
)
@click.option(
    "--model",
    metavar="NAME",
    help="Use this log-linear model instead of searching: e.g. '[123,14,34]' or 'Mth Chao (LB)'.",
)
@click.option("--level", type=float, default=0.95, show_default=True, help="Level of the interval.")
@click.option("--json", "as_json", is_flag=True, help="Write the result as JSON.")
@click.option(
    "--lang", type=click.Choice(["en", "es"]), default="en", show_default=True,
    help="Language of the printed table.",
)  # fmt: skip
@click.option("--lcmcr-classes", type=int, default=10, show_default=True, help="LCMCR K*.")
@click.option("--lcmcr-chains", type=int, default=4, show_default=True, help="LCMCR chains.")
@click.option(
    "--lcmcr-burnin", type=int, default=10000, show_default=True, help="LCMCR burn-in sweeps."
)
@click.option(
    "--lcmcr-samples", type=int, default=1000, show_default=True, help="LCMCR draws per chain."
)
@click.option(
    "--lcmcr-thin", type=int, default=10, show_default=True, help="LCMCR sweeps per draw."
)
@click.option(
    "--dependent",
    metavar="LIST+LIST",
    multiple=True,
    help="Lists that may depend on one another (one feeds the other), e.g. ong+familias; "
    "LCMCR then models them jointly. Repeat for several groups. 'auto': when the model "
    "without dependence does not fit, model the pair that makes it fit (chosen from the "
    "data).",
)
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
def estimate_command(
    persons: Path | None,
    histories: Path | None,
    method: str,
    by: str | None,
    seed: int | None,
    criterion: str,
    model: str | None,
    level: float,
    as_json: bool,
    lang: str,
    lcmcr_classes: int,
    lcmcr_chains: int,
    lcmcr_burnin: int,
    lcmcr_samples: int,
    lcmcr_thin: int,
    dependent: tuple[str, ...],
    quiet: bool,
) -> None:
    """Estimate how many people there are, counting those no list recorded.

    Reads a persons file written by 'recuento link' (source,id,person_id) or a histories
    table (--histories). Prints the documented count beside the estimate and its interval,
    with warnings when the data cannot support an estimate.

    \b
    Example:
        recuento estimate persons.csv
        recuento estimate persons.csv --by event_date --seed 19481210 --json
        recuento estimate --histories kosovo.csv --method loglinear
        recuento estimate --histories kosovo.csv --model '[123,14,34]' --lang es
        recuento estimate persons.csv --dependent ong+familias
        recuento estimate persons.csv --dependent auto
    """
    if (persons is None) == (histories is None):
        raise click.UsageError("give either a persons file or --histories FILE (not both).")
    if histories is not None and by is not None:
        raise click.UsageError(
            "--by works on a persons file; a histories table is stratified by its "
            "leading 'stratum' column."
        )
    if not 0.0 < level < 1.0:
        raise click.BadParameter("must be between 0 and 1, e.g. 0.95", param_hint="--level")
    # Imported here so that `recuento --help` and other commands do not load scipy.
    from recuento.estimate import (
        LCMCRSettings,
        estimate,
        format_table,
        read_histories_table,
        read_persons,
    )
    from recuento.estimate.dependent import parse_dependent_option

    if histories is not None:
        data = read_histories_table(histories)
    elif persons is not None:
        data = read_persons(persons, by=by)
    else:  # pragma: no cover - ruled out above
        raise click.UsageError("give a persons file or --histories FILE.")
    groups, auto = parse_dependent_option(dependent)
    settings = LCMCRSettings(
        K=lcmcr_classes,
        chains=lcmcr_chains,
        burnin=lcmcr_burnin,
        samples=lcmcr_samples,
        thin=lcmcr_thin,
        dependent=groups,
        dependent_auto=auto,
    )
    report, finish = _progress(not quiet and sys.stderr.isatty())
    try:
        result = estimate(
            data,
            method=method,
            criterion=criterion,
            level=level,
            model=model,
            seed=seed,
            lcmcr=settings,
            progress=report,
        )
    except EstimationError:
        finish()
        raise
    finish()
    source = histories if histories is not None else persons
    result = replace(
        result,
        settings={
            **result.settings,
            "input": {"file": str(source), "sha256": _sha256(source)} if source else None,
            "recuento_version": __version__,
        },
    )
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(result, lang=lang))


COMMANDS = [estimate_command]
