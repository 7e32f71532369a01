"""Other estimators, and a check of the latent-class model's fit, on TRUE capture histories.

Not a test: run it by hand and put the output in the report / BENCHMARKS.md.

    python benchmarks/estimate/bench_true_histories_methods.py [--reps 100] [--people 1500]
        [--scenario juarez] [--variant full --variant classes-only ...] [--lcmcr]
        [--csv out.csv]

Same replicates as ``bench_true_histories.py`` (same seeds, same populations, same capture
histories, no linkage). For every replicate it fits:

* the two-class latent-class model by maximum likelihood (EM, several starts): its estimate
  of N and its G² on the observed cells, a goodness-of-fit test with 2^J - 2J - 3 degrees
  of freedom (5 with four lists). For the ``classes-only`` variant this is exactly the
  model the data were drawn from; a G² far above its degrees of freedom says the lists are
  dependent in a way no latent-class model (LCMCR included) represents;
* the log-linear model chosen by BIC and by AIC (``recuento estimate --method loglinear``)
  and Rivest's Mth models (Chao, Poisson2, Darroch, Gamma3.5), profile-likelihood intervals;
* with ``--lcmcr``, LCMCR as ``bench_true_histories.py`` runs it (for the same table).

It also fits the two-class model to the average table of the replicates (scaled to the
population), which shows where a latent-class model converges without sampling noise.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
from bench_true_histories import VARIANTS, replicate, variant
from scipy.stats import chi2

from recuento.estimate import CaptureHistories, estimate
from recuento.estimate.fit_check import fit_latent_classes, g2_statistic
from recuento.estimate.lcmcr import fit_lcmcr
from recuento.simulate.scenarios import SCENARIOS

LOGLINEAR = (
    ("loglinear BIC", {}),
    ("loglinear AIC", {"criterion": "aic"}),
    ("Mth Chao (LB)", {"model": "Mth Chao (LB)"}),
    ("Mth Poisson2", {"model": "Mth Poisson2"}),
    ("Mth Darroch", {"model": "Mth Darroch"}),
    ("Mth Gamma3.5", {"model": "Mth Gamma3.5"}),
)
HEADER = (
    "variant",
    "rep",
    "true_n",
    "n_observed",
    "method",
    "model",
    "estimate",
    "lower",
    "upper",
    "g2",
)


def full_table(patterns: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Counts of all 2^J cells in bit-mask order (list j is bit j); cell 0 is 0."""
    cells = patterns.astype(np.int64) @ (1 << np.arange(patterns.shape[1]))
    return np.bincount(cells, weights=counts, minlength=1 << patterns.shape[1]).astype(float)


def latent_class_mle(y: np.ndarray, n_lists: int) -> tuple[float, float]:
    """The two-class model by maximum likelihood (``recuento.estimate.fit_check``), N unknown.

    Args:
        y: counts of all 2^J cells (cell 0 ignored).

    Returns:
        (estimate of N, G² of the observed cells against the saturated table).
    """
    x = (np.arange(1, 1 << n_lists)[:, None] >> np.arange(n_lists)) & 1
    fit = fit_latent_classes(x, y[1:])
    return fit.estimate, g2_statistic(y[1:], fit.fitted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--people", type=int, default=1500)
    parser.add_argument("--scenario", default="juarez", choices=sorted(SCENARIOS))
    parser.add_argument("--variant", action="append", choices=VARIANTS)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--lcmcr", action="store_true", help="also fit LCMCR (slower)")
    parser.add_argument("--csv", type=Path, help="one row per replicate and method")
    args = parser.parse_args()
    rows: list[list[object]] = []
    for name in args.variant or ["full"]:
        scenario = variant(SCENARIOS[args.scenario], name)
        J = len(scenario.lists)
        df = (1 << J) - 2 - (2 * J + 1)
        start = time.perf_counter()
        results: dict[str, list[tuple[float, float, float, int]]] = {}
        g2s, average = [], np.zeros(1 << J)
        for r in range(args.reps):
            seed = args.seed + r
            truth, patterns, counts = replicate(scenario, args.people, seed)
            seen = int(counts.sum())
            y = full_table(patterns, counts)
            average += y * args.people / truth
            est, g2 = latent_class_mle(y, J)
            g2s.append(g2)
            results.setdefault("2-class LC MLE", []).append((est, np.nan, np.nan, truth))
            rows.append([name, r, truth, seen, "2-class LC MLE", "", est, "", "", g2])
            h = CaptureHistories.from_patterns(scenario.lists, patterns, counts)
            for label, kw in LOGLINEAR:
                fit = estimate(h, method="loglinear", **kw)
                model = (fit.model or {}).get("name", "")
                results.setdefault(label, []).append((fit.estimate, fit.lower, fit.upper, truth))
                rows.append(
                    [name, r, truth, seen, label, model, fit.estimate, fit.lower, fit.upper, ""]
                )
            if args.lcmcr:
                lc = fit_lcmcr(patterns, counts, seed=seed, threads=1)
                lower, upper = lc.interval()
                results.setdefault("LCMCR", []).append((lc.median(), lower, upper, truth))
                rows.append([name, r, truth, seen, "LCMCR", "", lc.median(), lower, upper, ""])
        g2 = np.asarray(g2s)
        avg_est, _ = latent_class_mle(average / args.reps, J)
        print(
            f"{args.scenario} {name} N={args.people}, {args.reps} replicates "
            f"({time.perf_counter() - start:.0f} s). 2-class latent-class model: G2 median "
            f"{np.median(g2):.1f} on {df} df, rejected at 5% in "
            f"{(chi2.sf(g2, df) < 0.05).mean():.2f} of replicates; MLE on the average table "
            f"{avg_est:,.0f}",
            flush=True,
        )
        for label, values in results.items():
            v = np.asarray(values)
            est, lower, upper, true_n = v[:, 0], v[:, 1], v[:, 2], v[:, 3]
            line = f"  {label:15s} median estimate {np.median(est):7,.0f}"
            if not np.isnan(lower).all():
                cover = float(np.mean((lower <= true_n) & (true_n <= upper)))
                se = np.sqrt(cover * (1 - cover) / len(v))
                line += (
                    f", coverage {cover:.2f} (se {se:.2f}), below {np.mean(upper < true_n):.2f}"
                    f", above {np.mean(lower > true_n):.2f}, median width "
                    f"{np.median(upper - lower):,.0f}"
                )
            print(line, flush=True)
    if args.csv is not None:
        with args.csv.open("w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(HEADER)
            out.writerows(rows)


if __name__ == "__main__":
    main()
