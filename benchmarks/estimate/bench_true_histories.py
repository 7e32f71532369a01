"""Coverage of the LCMCR interval on TRUE capture histories of a recuento.simulate scenario.

Not a test: run it by hand and put the output in the report / BENCHMARKS.md.

    python benchmarks/estimate/bench_true_histories.py [--reps 30] [--people 1500]
        [--scenario juarez] [--variant full --variant no-dependence ...] [--csv out.csv]
        [--check-only]

No list is written, read or linked: each replicate draws a population with
``recuento.simulate.simulate_population`` and who is on which list with the scenario's own
capture model (``Scenario.capture_matrix``, with the population's event years), and fits
LCMCR (the defaults of ``recuento estimate``) to the true capture histories. This separates
what the estimator does from what linkage does (benchmarks/bench_count_coverage.py runs the
whole pipeline).

Every replicate also runs the goodness-of-fit check that ``recuento estimate`` adds to LCMCR
estimates (``recuento.estimate.fit_check``: the two-class latent-class model's G² on the
observed cells) and the share of replicates it warns on is printed; ``--check-only`` skips
LCMCR and prints only that (seconds instead of hours).

Variants switch parts of the scenario off, to see which part the estimator cannot follow:

* ``full``: the scenario as defined;
* ``no-dependence``: without direct dependence between lists (e.g. families -> NGO);
* ``no-years``: without the year effects;
* ``classes-only``: neither (a pure latent-class population, which LCMCR models exactly).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import math
import time
from pathlib import Path

import numpy as np

from recuento.estimate.fit_check import latent_class_fit_check
from recuento.estimate.lcmcr import fit_lcmcr
from recuento.simulate import simulate_population
from recuento.simulate.scenarios import SCENARIOS, Scenario

VARIANTS = ("full", "no-dependence", "no-years", "classes-only")
HEADER = (
    "variant",
    "rep",
    "true_n",
    "n_observed",
    "median",
    "lower",
    "upper",
    "rhat",
    "ess",
    "fit_g2",
    "fit_p",
    "fit_warns",
)


def variant(scenario: Scenario, name: str) -> Scenario:
    """The scenario with its direct dependence and/or year effects switched off."""
    if name in ("no-dependence", "classes-only"):
        scenario = dataclasses.replace(scenario, dependence=())
    if name in ("no-years", "classes-only"):
        scenario = dataclasses.replace(scenario, year_effects=())
    return scenario


def histories(captured: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observed patterns and their counts (the all-zero pattern dropped)."""
    seen = captured[captured.any(axis=1)].astype(int)
    patterns, counts = np.unique(seen, axis=0, return_counts=True)
    return patterns, counts


def replicate(scenario: Scenario, people: int, seed: int) -> tuple[int, np.ndarray, np.ndarray]:
    """One replicate: the population's size and its observed patterns and their counts."""
    population = simulate_population(people, seed=seed, setting=scenario.setting or "juarez")
    years = population.event_date.astype("datetime64[Y]").astype(np.int64) + 1970
    rng = np.random.default_rng([seed + 1, 2])
    captured = scenario.capture_matrix(population.n, rng, years)
    patterns, counts = histories(captured)
    return population.n, patterns, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--scenario", default="juarez", choices=sorted(SCENARIOS))
    parser.add_argument("--variant", action="append", choices=VARIANTS)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1, help="chains run at once")
    parser.add_argument("--K", type=int, default=10, help="latent classes K* of LCMCR")
    parser.add_argument("--csv", type=Path, help="one row per replicate")
    parser.add_argument(
        "--check-only", action="store_true", help="only the fit check's warning share (no LCMCR)"
    )
    args = parser.parse_args()
    rows = []
    for name in args.variant or ["full"]:
        scenario = variant(SCENARIOS[args.scenario], name)
        covered, below, medians, widths = 0, 0, [], []
        warned, checked = 0, 0
        start = time.perf_counter()
        for r in range(args.reps):
            seed = args.seed + r
            truth, patterns, counts = replicate(scenario, args.people, seed)
            check = latent_class_fit_check(patterns, counts)
            checked += check.checked
            warned += check.rejects
            fit_cells = [check.g2, check.p_value, int(check.rejects)]
            if args.check_only:
                rows.append([name, r, truth, int(counts.sum()), *[""] * 5, *fit_cells])
                continue
            fit = fit_lcmcr(patterns, counts, K=args.K, seed=seed, threads=args.threads)
            lower, upper = fit.interval()
            covered += lower <= truth <= upper
            below += upper < truth
            medians.append(fit.median())
            widths.append(upper - lower)
            rows.append(
                [
                    name,
                    r,
                    truth,
                    int(counts.sum()),
                    fit.median(),
                    lower,
                    upper,
                    fit.rhat,
                    fit.ess,
                    *fit_cells,
                ]
            )
        share = warned / args.reps
        fit_line = (
            f"fit check: warns in {share:.2f} of replicates (se "
            f"{math.sqrt(share * (1 - share) / args.reps):.2f}), checked in "
            f"{checked / args.reps:.2f}"
        )
        if args.check_only:
            print(
                f"{args.scenario} {name:14s} N={args.people}: {fit_line}; {args.reps} "
                f"replicates in {time.perf_counter() - start:.0f} s",
                flush=True,
            )
            continue
        est = np.asarray(medians)
        print(
            f"{args.scenario} {name:14s} K={args.K} N={args.people}: "
            f"coverage {covered / args.reps:.2f} "
            f"(interval below the truth in {below / args.reps:.2f}), median of estimates "
            f"{np.median(est):,.0f}, mean {est.mean():,.0f}, mean width {np.mean(widths):,.0f}; "
            f"{fit_line}; {args.reps} replicates in {time.perf_counter() - start:.0f} s",
            flush=True,
        )
    if args.csv is not None:
        with args.csv.open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(HEADER)
            out.writerows(rows)


if __name__ == "__main__":
    main()
