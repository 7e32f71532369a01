"""``recuento simulate``: synthetic lists of people with known truth."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from recuento.simulate import (
    DEFAULT_ERROR_RATE,
    FILE_FORMATS,
    SCENARIOS,
    SETTINGS,
    SimulationError,
    get_scenario,
    simulate_lists,
    simulate_population,
    write_lists,
)
from recuento.simulate.scenarios import first_lists
from recuento.simulate.write import check_not_there


def _years(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        first, last = (int(part) for part in value.split("-"))
    except ValueError:
        raise click.BadParameter(f"expected FIRST-LAST, e.g. 1993-2023 (got {value!r})") from None
    if first > last:
        raise click.BadParameter(f"the first year comes after the last ({value!r})")
    return first, last


@click.command("simulate")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write into (created if missing).",
)
@click.option(
    "--people",
    type=click.IntRange(min=1),
    default=2000,
    show_default=True,
    help="True population size N (people documented or not).",
)
@click.option(
    "--scenario",
    type=click.Choice(list(SCENARIOS)),
    default="juarez",
    show_default=True,
    help="Which lists exist and how they capture people.",
)
@click.option(
    "--lists",
    "n_lists",
    type=click.IntRange(min=1),
    default=None,
    help="Keep only the scenario's first K lists [default: all].",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--error-rate",
    type=click.FloatRange(0.0, 1.0),
    default=DEFAULT_ERROR_RATE,
    show_default=True,
    help="Base rate of record errors (0 for clean lists); see docs/simulate.md.",
)
@click.option(
    "--duplicate-rate",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Share of each list's persons recorded twice [default: each source's, 0.5-4%].",
)
@click.option(
    "--setting",
    type=click.Choice(list(SETTINGS)),
    default=None,
    help="Vocabulary of names and places [default: the scenario's, else juarez].",
)
@click.option(
    "--share-female",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Share of women in the population [default: 0.8 juarez, 0.5 uk].",
)
@click.option(
    "--years",
    default=None,
    callback=_years,
    help="Range of event years, FIRST-LAST [default: 1993-2023 juarez, 2015-2017 uk].",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["mixed", *FILE_FORMATS]),
    default="mixed",
    show_default=True,
    help="File format of every list; mixed: each in its source's usual format.",
)
@click.option(
    "--population",
    "write_population",
    is_flag=True,
    help="Also write population.csv: every person, documented or not.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def simulate(
    out: Path,
    people: int,
    scenario: str,
    n_lists: int | None,
    seed: int,
    error_rate: float,
    duplicate_rate: float | None,
    setting: str | None,
    share_female: float | None,
    years: tuple[int, int] | None,
    file_format: str,
    write_population: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Make synthetic lists of people with known truth (demo, tests, benchmarks).

    Draws PEOPLE synthetic people, the lists of SCENARIO that capture some of them (each
    written in its source's style, with record errors and a few duplicates), and writes
    one file per list, truth.csv (source,id,person_id,errors), histories.csv (true
    capture histories) and manifest.json. Nobody in them is real. Existing files are
    never overwritten without --force.

    \b
    Example:
        recuento simulate --out demo/ --people 2000 --scenario juarez --seed 7
        recuento simulate --out roll/ --people 1000000 --scenario uk_roll
    """
    formats = None if file_format == "mixed" else {"*": file_format}
    scen = get_scenario(scenario)
    if n_lists is not None:
        scen = first_lists(scen, n_lists)
    setting = setting or scen.setting or "juarez"
    if scen.setting is not None and setting != scen.setting:
        raise SimulationError(
            f"scenario {scenario!r} needs the {scen.setting!r} setting, not {setting!r}: "
            f"drop --setting or give --setting {scen.setting}."
        )
    if not force:
        check_not_there(out, scen, formats, write_population)
    started = time.perf_counter()
    click.echo(f"Simulating {people:,} people and the {scenario} lists...", err=True)
    population = simulate_population(
        people, seed=seed, setting=setting, share_female=share_female, years=years
    )
    sim = simulate_lists(
        population,
        scenario=scen,
        seed=seed,
        error_rate=error_rate,
        duplicate_rate=duplicate_rate,
    )
    paths = write_lists(sim, out, formats=formats, overwrite=force, population=write_population)
    if write_population:
        *paths, population_path = paths
    seconds = time.perf_counter() - started

    files: list[dict[str, str | int]] = [
        {"file": str(path), "list": name, "records": len(source)}
        for (name, source), path in zip(sim.sources.items(), paths, strict=False)
    ]
    summary: dict[str, object] = {
        "population_size": sim.population_size,
        "documented": sim.documented,
        "records": sim.n_records,
        "scenario": scen.name,
        "seed": seed,
        "lists": files,
        "truth": str(paths[-3]),
        "histories": str(paths[-2]),
        "manifest": str(paths[-1]),
    }
    if write_population:
        summary["population"] = str(population_path)
    if as_json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        click.echo()
        return
    width = max(len(str(f["file"])) for f in files)
    for f in files:
        click.echo(f"{f['file']:<{width}}  {f['records']:>9,} records  ({f['list']})")
    for path in paths[-3:]:
        click.echo(str(path))
    if write_population:
        click.echo(str(population_path))
    click.echo(
        f"True population N = {sim.population_size:,}; documented (on at least one list) = "
        f"{sim.documented:,}; records = {sim.n_records:,}."
    )
    click.echo(f"Done in {seconds:.1f} s.", err=True)


COMMANDS = [simulate]
