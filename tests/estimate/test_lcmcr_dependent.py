"""Lists named as dependent: LCMCR with a group of lists as one variable (docs/lcmcr.md)."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.special import gammaln

from recuento.cli import cli
from recuento.estimate import CaptureHistories, LCMCRSettings, estimate
from recuento.estimate._lcmcr_kernel import N0_CAP_RATIO, Chain, encode_blocks
from recuento.estimate._lcmcr_numba import load, load_blocks
from recuento.estimate.dependent import (
    DependentListsError,
    check_dependent,
    parse_dependent,
    resolve_dependent,
)
from recuento.estimate.fit_check import (
    degrees_of_freedom,
    fit_latent_classes,
    fit_warning,
    latent_class_fit_check,
    pairs_that_fit,
)
from recuento.estimate.lcmcr import LCMCRInputError, fit_lcmcr
from recuento.estimate.lcmcr_diagnostics import bulk_ess

LISTS = ("prensa", "ong", "fiscalia", "familias")
PI = (0.6, 0.4)
LAM = ((0.2, 0.3, 0.1, 0.25), (0.7, 0.6, 0.8, 0.5))


def observed_patterns(J: int) -> np.ndarray:
    return np.array([p for p in itertools.product((0, 1), repeat=J) if any(p)])


def feeding_table(n_total: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected observed counts of ``n_total`` people: two classes (PI, LAM) for prensa,
    ong and fiscalia, independent within a class; familias copies ong: people on the ong
    list are on familias with probability 0.8, the others with 0.05 (in both classes)."""
    x = observed_patterns(4)
    counts = []
    for p in x:
        abc = sum(
            PI[k] * math.prod(LAM[k][j] if p[j] else 1 - LAM[k][j] for j in range(3))
            for k in range(2)
        )
        d = 0.8 if p[1] else 0.05
        counts.append(n_total * abc * (d if p[3] else 1 - d))
    return x, np.array(counts)


# --- the sampler ----------------------------------------------------------------------


def test_encode_blocks_makes_one_variable_per_group_in_the_order_of_its_first_list() -> None:
    x = np.array([[1, 0, 0, 1], [0, 1, 1, 1], [0, 1, 0, 0]])
    codes, levels = encode_blocks(x, [(3, 1)])
    # Variables: list 0, lists (1, 3) as 1 + 2 x list 3, list 2.
    assert levels.tolist() == [2, 4, 2]
    assert codes.tolist() == [[1, 2, 0], [0, 3, 1], [0, 1, 0]]


def exact_pair_posterior(patterns: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Posterior of N with one class, lists 0 and 1 as one variable, list 2 on its own.

    With K = 1 the pair (lists 0, 1) has a distribution theta over its four patterns,
    theta ~ Dirichlet(1, 1, 1, 1), and list 2 records with probability lambda ~ Beta(1, 1),
    independently of the pair. With m_l people at level l of the pair (m_0: those on list 2
    only, plus the N - n nobody recorded) and s people on list 2, integrating theta and
    lambda out of the multinomial gives

        p(N | data) prop. to (1/N) N! / (N - n)!
            * Gamma(4) prod_l Gamma(1 + m_l) / Gamma(4 + N)
            * Gamma(1 + s) Gamma(1 + N - s) / Gamma(2 + N),

    for n <= N <= (1 + N0_CAP_RATIO) n. Only m_0 depends on N among the m_l.
    """
    n = int(counts.sum())
    codes, _ = encode_blocks(patterns, [(0, 1)])
    m0_seen = int(counts[codes[:, 0] == 0].sum())
    s = int(counts[patterns[:, 2] == 1].sum())
    big_n = np.arange(n, (1 + N0_CAP_RATIO) * n + 1)
    log_post = (
        -np.log(big_n)
        + gammaln(big_n + 1)
        - gammaln(big_n - n + 1)
        + gammaln(1 + m0_seen + big_n - n)
        - gammaln(4 + big_n)
        + gammaln(1 + big_n - s)
        - gammaln(2 + big_n)
    )
    post = np.exp(log_post - log_post.max())
    return big_n, post / post.sum()


@pytest.mark.parametrize("kernel", ["numpy", "numba"])
def test_one_class_with_a_pair_matches_the_exact_posterior(kernel: str) -> None:
    patterns = observed_patterns(3)
    counts = np.array([40, 30, 12, 35, 14, 25, 9])  # 165 people, synthetic
    values, probs = exact_pair_posterior(patterns, counts)
    cdf = np.cumsum(probs)
    exact = [int(values[np.searchsorted(cdf, q)]) for q in (0.025, 0.5, 0.975)]
    mean = float((values * probs).sum())
    sd = float(np.sqrt((values**2 * probs).sum() - mean**2))
    fit = fit_lcmcr(
        patterns,
        counts,
        K=1,
        chains=4,
        burnin=500,
        samples=2000,
        thin=1,
        seed=3,
        kernel=kernel,
        dependent=[(0, 1)],
    )
    # Monte Carlo error at an ESS of 1,000 (the chains give more; asserted): median
    # 1.25 sd / sqrt(ESS), the 2.5% and 97.5% quantiles about 2.7 sd / sqrt(ESS), the mean
    # sd / sqrt(ESS). Tolerances are 4 of those standard errors, at least one person.
    assert fit.ess > 1000
    se = sd / math.sqrt(1000)
    lower, upper = fit.interval(0.95)
    assert abs(fit.median() - exact[1]) <= max(1, 4 * 1.25 * se)
    assert abs(lower - exact[0]) <= max(1, 4 * 2.7 * se)
    assert abs(upper - exact[2]) <= max(1, 4 * 2.7 * se)
    assert abs(fit.N_draws.mean() - mean) <= 4 * se
    assert fit.settings["dependent"] == [[0, 1]]


@pytest.mark.parametrize("compiled", [False, True])
def test_the_block_sweep_with_every_list_on_its_own_samples_lcmcr(compiled: bool) -> None:
    # A Dirichlet(1, 1) is a Beta(1, 1): with groups of one list the block model is LCMCR,
    # drawn differently. Four chains of each on the same table must agree on N.
    x, y = feeding_table(3000)
    counts = np.round(y).astype(np.int64)

    def draws(groups: tuple[tuple[int, ...], ...], sweeps: object) -> np.ndarray:
        out = []
        for c in range(4):
            chain = Chain(
                x,
                counts,
                n_classes=5,
                a=0.25,
                b=0.25,
                rng=np.random.default_rng([7, c]),
                sweeps=sweeps,
                groups=groups,
            )
            chain.burn_in(2000)
            out.append(chain.draw(2000, 5) + counts.sum())
        return np.array(out)

    plain = draws((), load() if compiled else None)
    block = draws(((0,), (1,), (2,), (3,)), load_blocks() if compiled else None)
    # Standard error of each median: 1.25 sd / sqrt(ESS); the difference of two
    # independent medians within 4 standard errors of the difference.
    se = [1.25 * d.std() / math.sqrt(bulk_ess(d)) for d in (plain, block)]
    assert abs(np.median(plain) - np.median(block)) <= 4 * math.hypot(*se)


def test_naming_the_feeding_pair_recovers_the_population_lcmcr_misses() -> None:
    x, y = feeding_table(20_000)
    counts = np.round(y).astype(np.int64)
    settings = {"chains": 2, "burnin": 3000, "samples": 1000, "thin": 5, "seed": 5}
    plain = fit_lcmcr(x, counts, **settings)
    named = fit_lcmcr(x, counts, dependent=[(1, 3)], **settings)
    # The pair's extra overlap reads as good coverage to LCMCR: far too low.
    lower, upper = named.interval()
    assert lower <= 20_000 <= upper
    assert plain.median() < lower


def test_fit_lcmcr_reports_every_problem_with_the_groups_at_once() -> None:
    x, y = feeding_table(1000)
    with pytest.raises(LCMCRInputError) as caught:
        fit_lcmcr(x, np.round(y), dependent=[(1, 3), (3, 0), (2,), (9, 1)])
    problems = caught.value.problems
    assert any("list '3' is in dependent groups 1 and 2" in p for p in problems)
    assert any("group 3 (2) names 1 distinct list(s)" in p for p in problems)
    assert any("no list is called '9'; the lists are 0, 1, 2, 3" in p for p in problems)
    with pytest.raises(LCMCRInputError, match="must be a list of column numbers"):
        fit_lcmcr(x, np.round(y), dependent=[("ong", "familias")])
    with pytest.raises(LCMCRInputError, match="fewer than two separate variables"):
        fit_lcmcr(x, np.round(y), dependent=[(0, 1, 2, 3)])


# --- the fit check ----------------------------------------------------------------------


def test_a_dependent_pair_takes_two_degrees_of_freedom() -> None:
    # The pair's 3 free probabilities replace 2, in each of the two classes.
    assert degrees_of_freedom(4, 2, [(1, 3)]) == 5 - 2 == 3
    assert degrees_of_freedom(5, 2, [(0, 1, 2)]) == 19 - 2 * (7 - 3)


def test_the_check_with_the_feeding_pair_named_fits_exactly_and_finds_the_population() -> None:
    x, y = feeding_table(10_000)
    plain = latent_class_fit_check(x, y)
    named = latent_class_fit_check(x, y, groups=[(1, 3)])
    assert plain.rejects
    assert named.checked and not named.rejects and named.df == 3
    assert named.g2 is not None and named.g2 < 1e-6
    assert "dependent within a class: lists 2+4" in named.reason
    fit = fit_latent_classes(x, y, groups=[(1, 3)])
    assert fit.estimate == pytest.approx(10_000, rel=1e-4)
    order = np.argsort(fit.pi)[::-1]
    np.testing.assert_allclose(fit.pi[order], PI, atol=1e-4)
    # P(on the ong list) in each class, from the pair's distribution.
    np.testing.assert_allclose(fit.lam[order][:, 1], [LAM[0][1], LAM[1][1]], atol=1e-4)


def test_with_two_classes_the_other_two_lists_make_the_same_model() -> None:
    # With four lists and two classes, letting lists 1 and 3 depend fits the table as
    # exactly as the true pair 2 and 4, with the same population: the observed cells
    # cannot tell the two apart (docs/lcmcr.md says so).
    x, y = feeding_table(10_000)
    other = fit_latent_classes(x, y, groups=[(0, 2)])
    assert latent_class_fit_check(x, y, groups=[(0, 2)]).g2 < 1e-3
    assert other.estimate == pytest.approx(10_000, rel=1e-3)


def test_a_misfit_with_lists_named_says_other_lists_may_depend() -> None:
    x, y = feeding_table(10_000)
    check = latent_class_fit_check(x, y, groups=[(0, 1)])  # the wrong pair
    warning = fit_warning(check, named=True)
    assert warning is not None
    assert "even with the lists named as dependent" in warning
    assert "ni siquiera con las listas indicadas como dependientes" in warning.es


# --- names ------------------------------------------------------------------------------


def test_parse_dependent_splits_on_plus_strips_spaces_and_skips_blank_groups() -> None:
    assert parse_dependent(["ong + familias", "prensa+fiscalia+"]) == (
        ("ong", "familias"),
        ("prensa", "fiscalia"),
    )
    assert parse_dependent(["ong+familias", " "]) == (("ong", "familias"),)


def test_check_dependent_reports_every_problem_at_once() -> None:
    with pytest.raises(DependentListsError) as caught:
        check_dependent((("ong", "familia"), ("ong",), ("prensa", "ong")), LISTS)
    problems = caught.value.problems
    assert len(problems) == 4
    assert (
        "no list is called 'familia'; the lists are prensa, ong, fiscalia, familias"
        in (problems[0])
    )
    assert "names 1 distinct list(s)" in problems[1]
    assert "'ong' is in dependent groups 1 and 2" in problems[2]
    assert "'ong' is in dependent groups 2 and 3" in problems[3]


def test_resolve_dependent_drops_lists_a_stratum_has_not_with_a_warning() -> None:
    groups, warnings = resolve_dependent((("ong", "familias"),), ("prensa", "ong", "fiscalia"))
    assert groups == ()
    assert len(warnings) == 1 and "familias has no records here" in warnings[0]
    assert "no se modela" in warnings[0].es
    groups, warnings = resolve_dependent((("familias", "ong"),), LISTS)
    assert groups == ((1, 3),) and warnings == []
    # A group of three that loses one list keeps the other two, and says so.
    groups, warnings = resolve_dependent((("prensa", "ong", "familias"),), LISTS[:3])
    assert groups == ((0, 1),)
    assert len(warnings) == 1 and "modelled among the other lists only" in warnings[0]
    assert "se modela solo entre las demás listas" in warnings[0].es


def test_estimate_models_the_named_lists_and_says_so() -> None:
    x, y = feeding_table(3000)
    h = CaptureHistories(LISTS, x, np.round(y).astype(np.int64))
    fast = {"K": 5, "chains": 2, "burnin": 500, "samples": 300, "thin": 2, "target_ess": None}
    result = estimate(
        h, method="lcmcr", seed=1, lcmcr=LCMCRSettings(**fast, dependent=(("ong", "familias"),))
    )
    assert result.diagnostics["dependent"] == [["ong", "familias"]]
    assert result.diagnostics["fit_check"]["rejects"] is False
    assert result.settings["lcmcr"]["dependent"] == (("ong", "familias"),)
    with pytest.raises(DependentListsError, match="no list is called 'ngo'"):
        estimate(h, method="lcmcr", lcmcr=LCMCRSettings(dependent=(("ngo", "familias"),)))


def test_a_log_linear_estimate_says_the_named_lists_were_not_used() -> None:
    x, y = feeding_table(3000)
    h = CaptureHistories(LISTS, x, np.round(y).astype(np.int64))
    result = estimate(h, method="loglinear", lcmcr=LCMCRSettings(dependent=(("ong", "familias"),)))
    assert any("named as dependent were not used" in w for w in result.warnings)


def test_a_log_linear_estimate_says_no_lists_were_chosen_from_the_data() -> None:
    x, y = feeding_table(3000)
    h = CaptureHistories(LISTS, x, np.round(y).astype(np.int64))
    result = estimate(h, method="loglinear", lcmcr=LCMCRSettings(dependent_auto=True))
    assert any("no dependent lists were chosen from the data" in w for w in result.warnings)
    assert not any("named as dependent" in w for w in result.warnings)


def write_feeding_histories(folder: Path, n_total: float = 3000) -> Path:
    """:func:`feeding_table` written as a histories table (``recuento estimate --histories``)."""
    x, y = feeding_table(n_total)
    table = folder / "histories.csv"
    lines = [",".join(LISTS) + ",count"]
    lines += [",".join(map(str, p)) + f",{round(c)}" for p, c in zip(x, y, strict=True)]
    table.write_text("\n".join(lines) + "\n")
    return table


def test_cli_estimate_dependent(tmp_path: Path) -> None:
    table = write_feeding_histories(tmp_path)
    fast = ["--lcmcr-chains", "2", "--lcmcr-burnin", "500", "--lcmcr-samples", "300"]
    named = ["--dependent", "ong+familias"]
    run = CliRunner().invoke(
        cli,
        ["estimate", "--histories", str(table), "--json", "--seed", "1", "--quiet", *fast, *named],
    )
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["diagnostics"]["dependent"] == [["ong", "familias"]]
    bad = CliRunner().invoke(
        cli, ["estimate", "--histories", str(table), "--dependent", "ong", "--quiet"]
    )
    assert bad.exit_code != 0
    assert "names 1 distinct list(s)" in bad.output


def test_the_misfit_warning_names_the_pairs_that_would_fit() -> None:
    x, y = feeding_table(3000)
    pairs = [pair for pair, _ in pairs_that_fit(x, y)]
    # The true pair (ong, familias) and the other two lists, which make the same model.
    assert sorted(pairs) == [(0, 2), (1, 3)]
    h = CaptureHistories(LISTS, x, np.round(y).astype(np.int64))
    fast = {"K": 5, "chains": 2, "burnin": 500, "samples": 300, "thin": 2, "target_ess": None}
    result = estimate(h, method="lcmcr", seed=1, lcmcr=LCMCRSettings(**fast))
    assert sorted(result.diagnostics["fit_check"]["pairs_that_fit"]) == [
        "ong+familias",
        "prensa+fiscalia",
    ]
    (warning,) = [w for w in result.warnings if "does not fit" in w]
    assert "modelled as depending on one another: " in warning
    assert "ong+familias" in warning and "--dependent A+B" in warning
    assert "let the data choose (--dependent auto)" in warning
    assert "deje que elijan los datos (--dependent auto)" in warning.es
    assert "ong+familias" in warning.es and "indíquelo" in warning.es


def test_no_pairs_are_tried_with_three_lists() -> None:
    x = observed_patterns(3)
    assert pairs_that_fit(x, np.full(7, 100.0)) == []
