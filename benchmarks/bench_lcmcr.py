"""Benchmark the LCMCR sampler: speed, mixing, and coverage on seeded simulations.

Usage (from the repository root, with the project venv active):

    python benchmarks/bench_lcmcr.py speed       # default settings on Kosovo and Congenital
    python benchmarks/bench_lcmcr.py mixing      # sweeps per effective draw on reference tables
    python benchmarks/bench_lcmcr.py coverage [--reps 50] [--scenario hrdag_sim4]
        [--csv reps.csv] [--threads 1]   # latent-class scenarios (default: all four)

``speed`` times ``fit_lcmcr`` with its defaults (4 chains x (10,000 burn-in + 1,000 draws
thinned by 10) = 80,000 sweeps) after one small warm-up call that loads the compiled kernel.
The R package LCMCR 0.4.14 (C++) runs 10,000 + 100,000 sweeps of one chain on Kosovo in
about 1.9 s on a 2-core machine (issue 4), i.e. about 17 microseconds per sweep.

``coverage`` draws 50 populations per scenario of ../shared/reference/mse/README.md (the
latent-class ones: mv2016_sim1, hrdag_sim4, hrdag_sim5, and indep_4lists), fits LCMCR with
K=10 and prints bias, RMSE, 95% coverage and mean width beside the R package's numbers from
simulation_summary.csv (same scenarios, different random populations). ``--csv`` writes one
row per replicate (median, interval, R-hat, ESS); ``--threads`` (default 1) is how many
chains run at once, so that a run uses one core of a shared machine.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

from recuento.estimate.lcmcr import fit_lcmcr

MSE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "mse"
if not MSE.exists():
    MSE = Path("/work/shared/reference/mse")

# Scenarios of simulation_summary.csv: (class sizes, capture probabilities per class).
SCENARIOS: dict[str, tuple[list[int], list[list[float]]]] = {
    "mv2016_sim1": (
        [1800, 200],
        [[0.033, 0.033, 0.099, 0.132, 0.033], [0.66, 0.825, 0.759, 0.99, 0.693]],
    ),
    "hrdag_sim4": (
        [1600, 200, 200],
        [[0.1, 0.05, 0.15, 0.2, 0.1], [0.5, 0.4, 0.6, 0.4, 0.5], [0.8, 0.9, 0.6, 0.7, 0.7]],
    ),
    "hrdag_sim5": (
        [1600, 400],
        [[0.113, 0.113, 0.199, 0.832, 0.733], [0.86, 0.925, 0.859, 0.19, 0.193]],
    ),
    "indep_4lists": ([1000], [[0.3, 0.25, 0.2, 0.35]]),
}


def load_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    data = np.loadtxt(MSE / "histories" / f"{name}.csv", delimiter=",", skiprows=1, dtype=int)
    return data[:, :-1], data[:, -1]


def speed() -> None:
    # Load (and if needed compile) the kernel before timing.
    fit_lcmcr(*load_table("spina_bifida_my"), chains=1, burnin=10, samples=10, thin=1, seed=0)
    for name in ("kosovo", "congenital"):
        patterns, counts = load_table(name)
        start = time.perf_counter()
        fit = fit_lcmcr(patterns, counts, seed=1)
        seconds = time.perf_counter() - start
        sweeps = fit.N_draws.shape[0] * (10_000 + 1_000 * 10)
        lower, upper = fit.interval()
        print(
            f"{name:12s} J={patterns.shape[1]} cells={len(counts):3d} "
            f"kernel={fit.settings['kernel']}"
            f"  {seconds:6.2f} s for 4 chains ({seconds / 4:.2f} s/chain, "
            f"{1e6 * seconds / sweeps:.1f} us/sweep)  median {fit.median():,.0f} "
            f"[{lower:,.0f}, {upper:,.0f}]  R-hat {fit.rhat:.3f}  ESS {fit.ess:.0f}"
        )
    # The R package's timing in issue 4: one chain, 10,000 + 100,000 sweeps on Kosovo.
    patterns, counts = load_table("kosovo")
    start = time.perf_counter()
    fit_lcmcr(patterns, counts, chains=1, burnin=10_000, samples=10_000, thin=10, seed=1)
    seconds = time.perf_counter() - start
    print(
        f"kosovo, one chain of 10,000 + 100,000 sweeps (the R timing): {seconds:.2f} s "
        f"({1e6 * seconds / 110_000:.1f} us/sweep; R LCMCR about 1.9 s)"
    )


def mixing() -> None:
    tables = ["kosovo", "congenital", "spina_bifida_my", "hiv", "diabetes"]
    tables.append("hav")  # codespell:ignore
    for name in tables:
        patterns, counts = load_table(name)
        start = time.perf_counter()
        fit = fit_lcmcr(patterns, counts, burnin=10_000, samples=10_000, thin=20, seed=7)
        seconds = time.perf_counter() - start
        lower, upper = fit.interval()
        print(
            f"{name:16s} {seconds:6.1f} s  median {fit.median():9,.0f} [{lower:,.0f}, "
            f"{upper:,.0f}]  R-hat {fit.rhat:.3f}  ESS {fit.ess:6.0f}  "
            f"sweeps per effective draw {4 * 200_000 / fit.ess:6.0f}  warnings {len(fit.warnings)}"
        )


def simulate_table(
    rng: np.random.Generator, sizes: list[int], probs: list[list[float]]
) -> tuple[np.ndarray, np.ndarray]:
    """Capture histories of a latent-class population, aggregated (all-zero row dropped)."""
    rows = [
        rng.random((size, len(p))) < np.asarray(p) for size, p in zip(sizes, probs, strict=True)
    ]
    captured = np.vstack(rows).astype(int)
    captured = captured[captured.any(axis=1)]
    patterns, counts = np.unique(captured, axis=0, return_counts=True)
    return patterns, counts


def r_rows() -> dict[str, dict[str, str]]:
    path = MSE / "simulation_summary.csv"
    if not path.exists():
        return {}
    with path.open(newline="") as handle:
        return {r["scenario"]: r for r in csv.DictReader(handle) if r["method"] == "LCMCR_K10"}


def coverage(
    reps: int,
    scenarios: list[str],
    threads: int,
    csv_path: Path | None,
    fit_args: dict[str, int],
) -> None:
    """Coverage over seeded replicates; one row per replicate in ``csv_path`` when given."""
    reference = r_rows()
    writer = None
    if csv_path is not None:
        handle = csv_path.open("w", newline="")
        writer = csv.writer(handle)
        writer.writerow(
            ["scenario", "rep", "true_n", "n_observed", "median", "lower", "upper", "rhat", "ess"]
        )
    for name in scenarios:
        sizes, probs = SCENARIOS[name]
        true_n = sum(sizes)
        rng = np.random.default_rng(np.random.SeedSequence([2026, len(name), sum(map(ord, name))]))
        estimates, covered, widths, seconds = [], 0, [], 0.0
        for rep in range(reps):
            patterns, counts = simulate_table(rng, sizes, probs)
            start = time.perf_counter()
            fit = fit_lcmcr(patterns, counts, seed=1000 + rep, threads=threads, **fit_args)
            seconds += time.perf_counter() - start
            lower, upper = fit.interval()
            estimates.append(fit.median())
            covered += lower <= true_n <= upper
            widths.append(upper - lower)
            if writer is not None:
                row = (name, rep, true_n, fit.n_observed, fit.median(), lower, upper)
                writer.writerow((*row, f"{fit.rhat:.4f}", f"{fit.ess:.0f}"))
                handle.flush()
        est = np.asarray(estimates)
        ref = reference.get(name, {})
        print(
            f"{name:13s} N={true_n}  bias {est.mean() - true_n:7.1f}  "
            f"RMSE {np.sqrt(np.mean((est - true_n) ** 2)):6.1f}  coverage {covered / reps:.2f}  "
            f"width {np.mean(widths):6.1f}  {seconds / reps:.2f} s/fit   |  R: bias "
            f"{ref.get('bias', '?')}, RMSE {ref.get('rmse', '?')}, coverage "
            f"{ref.get('coverage95', '?')}, width {ref.get('mean_width', '?')}",
            flush=True,
        )
    if writer is not None:
        handle.close()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["speed", "mixing", "coverage"])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument(
        "--scenario", action="append", choices=sorted(SCENARIOS), help="repeatable; default all"
    )
    parser.add_argument("--threads", type=int, default=1, help="chains run at once (coverage)")
    parser.add_argument("--csv", type=Path, help="coverage: write one row per replicate here")
    parser.add_argument("--K", type=int, default=10)
    parser.add_argument("--burnin", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--thin", type=int, default=10)
    args = parser.parse_args(argv)
    if args.what == "speed":
        speed()
    elif args.what == "mixing":
        mixing()
    else:
        fit_args = {"K": args.K, "burnin": args.burnin, "samples": args.samples, "thin": args.thin}
        coverage(args.reps, args.scenario or list(SCENARIOS), args.threads, args.csv, fit_args)


if __name__ == "__main__":
    main(sys.argv[1:])
