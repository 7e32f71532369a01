"""Benchmark: does the count's interval cover the true population size?

Not a test: run it by hand and record its output in BENCHMARKS.md.

    python benchmarks/bench_count_coverage.py [--reps 20] [--people 1500] [--scenario juarez]
        [--dependent ong+familias | --dependent auto] [--error-rate 0.15] [--true-histories]
        [--by event_date:decade]

Each replicate simulates a population of ``--people`` and its lists with
``recuento.simulate`` (known truth), runs ``recuento.count.count_tables`` exactly as
``recuento count`` does (read, link, estimate), and checks whether the 95% interval
covers the true population size, for the interval with linkage uncertainty and for the
one conditional on the best clustering. Issue #5's target: the interval with linkage
uncertainty covers the truth in at least 90% of replicates.

``--dependent`` names lists that may depend on one another, as ``recuento count
--dependent`` does (the ``juarez`` scenario's families report to the NGO: ong+familias);
``--dependent auto`` chooses them from the data (``recuento.estimate.dependent_choice``).

``--error-rate`` sets the base rate of record errors of ``simulate_lists`` (default 0.05):
higher rates make the linkage harder, which is where the interval with linkage
uncertainty should cover more often than the conditional one.

With ``--by event_date:decade`` (or ``:year``) it counts per stratum too, as ``recuento
count --by`` does, and also reports how often each stratum's interval covers the number
of people of the population whose true event date falls in it, with linkage uncertainty
and conditional (a person whose records give a wrong date can land in another stratum:
that is part of what is measured).

With ``--true-histories`` it also fits LCMCR (``recuento.estimate.estimate``'s defaults) to
the TRUE capture histories of each replicate (perfect linkage), which tells what the
estimator does on the scenario apart from linkage.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from recuento.count import count_tables
from recuento.estimate import CaptureHistories, EstimateResult, LCMCRSettings, estimate
from recuento.estimate.dependent import parse_dependent_option
from recuento.lists.reader import read_list
from recuento.simulate import simulate_lists, simulate_population, write_lists


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--scenario", default="juarez")
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--true-histories", action="store_true")
    parser.add_argument("--dependent", action="append", default=[], metavar="LIST+LIST")
    parser.add_argument("--error-rate", type=float, default=None)
    parser.add_argument("--by", default=None, metavar="event_date:decade|event_date:year")
    args = parser.parse_args()
    dependent, auto = parse_dependent_option(args.dependent)
    covered = conditional_covered = true_covered = 0
    estimates: list[float] = []
    widths: list[float] = []
    strata_seen = strata_covered = strata_conditional_covered = 0
    start = time.perf_counter()
    for r in range(args.reps):
        seed = args.seed + r
        folder = Path(tempfile.mkdtemp(prefix="recuento-coverage-"))
        sim = simulate_lists(
            simulate_population(args.people, seed=seed),
            scenario=args.scenario,
            seed=seed + 1,
            error_rate=args.error_rate,
        )
        written = write_lists(sim, folder)
        results = [read_list(p) for p in written if p.stem in sim.lists]
        counted = count_tables(
            [x.table for x in results],
            [x.name for x in results],
            seed=seed,
            dependent=dependent,
            dependent_auto=auto,
            by=args.by,
        )
        truth = sim.population_size
        if args.by is not None:
            seen, hits, chits = _strata_coverage(counted.to_dict(), sim.population, args.by)
            strata_seen += seen
            strata_covered += hits
            strata_conditional_covered += chits
        c = counted.conditional
        hit = counted.lower is not None and counted.lower <= truth <= (counted.upper or 0)
        chit = c.lower is not None and c.lower <= truth <= (c.upper or 0)
        covered += hit
        conditional_covered += chit
        if counted.estimate is not None and counted.lower is not None:
            estimates.append(counted.estimate)
            widths.append((counted.upper or 0) - counted.lower)
        if args.true_histories:
            true = _true_estimate(sim.capture_histories(), seed, sim.list_names, dependent, auto)
            thit = true.lower is not None and true.lower <= truth <= (true.upper or 0)
            true_covered += thit
            print(
                f"rep {r + 1:>3}: true histories {true.estimate:,.0f} [{true.lower:,.0f}, "
                f"{true.upper:,.0f}] {'covers' if thit else 'MISSES'}",
                flush=True,
            )
        print(
            f"rep {r + 1:>3}: truth {truth:,}, documented {counted.documented:,} "
            f"(true {sim.documented:,}); with linkage uncertainty {counted.estimate:,.0f} "
            f"[{counted.lower:,.0f}, {counted.upper:,.0f}] {'covers' if hit else 'MISSES'}; "
            f"conditional {c.estimate:,.0f} [{c.lower:,.0f}, {c.upper:,.0f}] "
            f"{'covers' if chit else 'MISSES'}" + _chosen(c.diagnostics),
            flush=True,
        )
    n = args.reps
    print(
        f"coverage of the 95% interval over {n} replicates ({args.scenario}, "
        f"{args.people:,} people): with linkage uncertainty {covered / n:.2f}, conditional "
        f"{conditional_covered / n:.2f}"
        + (f", on the true histories {true_covered / n:.2f}" if args.true_histories else "")
        + f"; median estimate {np.median(estimates):,.0f}, median width {np.median(widths):,.0f}"
        + f"; {time.perf_counter() - start:.0f} s"
    )
    if strata_seen:
        print(
            f"per stratum ({args.by}, {strata_seen} strata in all): with linkage uncertainty "
            f"{strata_covered / strata_seen:.2f}, conditional "
            f"{strata_conditional_covered / strata_seen:.2f}"
        )


def _strata_coverage(payload: dict, population: object, by: str) -> tuple[int, int, int]:
    """Strata with an estimate, and how many of their intervals cover the true count."""
    from collections import Counter

    from recuento.estimate.strata import bin_value

    binning = by.split(":", 1)[1]
    true = Counter(bin_value(str(d), binning) for d in population.event_date)  # type: ignore[attr-defined]
    conditional = {s["stratum"]: s for s in payload["conditional"]["strata"]}
    seen = hits = chits = 0
    for s in payload["strata"]:
        c = conditional[s["stratum"]]
        if s["lower"] is None or c["lower"] is None:
            continue
        n = true.get(s["stratum"], 0)
        seen += 1
        hits += s["lower"] <= n <= (s["upper"] if s["upper"] is not None else float("inf"))
        chits += c["lower"] <= n <= (c["upper"] if c["upper"] is not None else float("inf"))
    return seen, hits, chits


def _chosen(diagnostics: dict[str, object] | None) -> str:
    """With --dependent auto: the pairs the conditional estimate modelled as dependent."""
    chosen = (diagnostics or {}).get("dependent_auto")
    if not isinstance(chosen, dict):
        return ""
    pairs = ["+".join(g) for groups in chosen["alternatives"] for g in groups]
    return f"; auto: {' / '.join(pairs) or 'none'}"


def _true_estimate(
    histories: dict[tuple[int, ...], int],
    seed: int,
    lists: Sequence[str],
    dependent: tuple[tuple[str, ...], ...],
    auto: bool,
) -> EstimateResult:
    """LCMCR with the defaults of ``estimate`` on a pattern -> count table."""
    patterns = np.array(list(histories), dtype=np.int64)
    counts = np.array(list(histories.values()), dtype=np.int64)
    keep = counts > 0
    h = CaptureHistories(tuple(lists), patterns[keep], counts[keep])
    settings = LCMCRSettings(dependent=dependent, dependent_auto=auto)
    return estimate(h, method="lcmcr", seed=seed, lcmcr=settings)


if __name__ == "__main__":
    main()
