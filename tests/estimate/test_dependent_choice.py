"""``--dependent auto``: the dependent pair chosen from the data (dependent_choice.py)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from recuento.cli import cli
from recuento.estimate import CaptureHistories, LCMCRSettings, estimate
from recuento.estimate.dependent import DependentListsError, parse_dependent_option
from recuento.estimate.dependent_choice import (
    DependentChoice,
    choice_note,
    choose_dependent,
    fit_choice,
    pool_fits,
)
from recuento.estimate.fit_check import latent_class_fit_check
from recuento.estimate.lcmcr import LCMCRFit, fit_lcmcr

from .test_lcmcr_dependent import (
    LAM,
    LISTS,
    PI,
    feeding_table,
    observed_patterns,
    write_feeding_histories,
)

FAST = {"K": 5, "chains": 2, "burnin": 500, "samples": 300, "thin": 2, "target_ess": None}


def independent_table(n_total: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected observed counts of the two-class model (PI, LAM) with four independent lists."""
    x = observed_patterns(4)
    counts = [
        n_total
        * sum(
            PI[k] * math.prod(LAM[k][j] if p[j] else 1 - LAM[k][j] for j in range(4))
            for k in range(2)
        )
        for p in x
    ]
    return x, np.array(counts)


def low_fit() -> LCMCRFit:
    return fit_with(np.full((2, 4), 100.0), 1.01, 500.0, ["few draws"])


def fit_with(draws: np.ndarray, rhat: float, ess: float, warnings: list[str]) -> LCMCRFit:
    return LCMCRFit(draws, 100, rhat, ess, warnings, {"thin": 10})


# --- the choice -------------------------------------------------------------------------


def test_lists_that_fit_without_dependence_are_left_as_published() -> None:
    x, y = independent_table(10_000)
    choice = choose_dependent(x, y)
    assert not choice.check.rejects and choice.pairs == ()
    assert choice.alternatives == [[]]


def test_a_feeding_pair_is_chosen_with_the_other_half_of_the_split() -> None:
    # Four lists, two classes: ong+familias (the true pair) and prensa+fiscalia make the
    # same maximum-likelihood model, so both are kept and pooled.
    x, y = feeding_table(10_000)
    choice = choose_dependent(x, y)
    assert choice.check.rejects
    assert sorted(choice.pairs) == [(0, 2), (1, 3)]
    assert choice.chosen_check is not None and not choice.chosen_check.rejects
    assert not latent_class_fit_check(x, y, groups=[(0, 2)]).rejects


def test_with_five_lists_only_the_pair_that_fits_best_is_chosen() -> None:
    # A fifth list, independent within a class, added to the feeding table: a pair and
    # the other three lists are no longer the same model.
    x = observed_patterns(5)
    lam = (0.35, 0.65)
    y = []
    for p in x:
        cells = 0.0
        for k in range(2):
            c = PI[k] * math.prod(LAM[k][j] if p[j] else 1 - LAM[k][j] for j in range(3))
            cells += c * (lam[k] if p[4] else 1 - lam[k])
        d = 0.8 if p[1] else 0.05
        y.append(10_000 * cells * (d if p[3] else 1 - d))
    choice = choose_dependent(x, np.array(y))
    assert choice.check.rejects
    assert choice.pairs == ((1, 3),)


def test_a_misfit_no_pair_mends_is_left_as_published() -> None:
    # A log-linear table with four two-list interactions around a cycle (1-2, 2-4, 4-3,
    # 3-1): no latent-class model with one dependent pair fits it.
    x = observed_patterns(4)
    y = np.exp(
        -1.2 * x.sum(1)
        + 1.5 * x[:, 0] * x[:, 1]
        - 1.0 * x[:, 0] * x[:, 2]
        + 1.0 * x[:, 1] * x[:, 3]
        + 1.2 * x[:, 2] * x[:, 3]
    )
    choice = choose_dependent(x, 2000 * y / y.sum())
    assert choice.check.rejects
    assert choice.pairs == () and choice.alternatives == [[]]


# --- pooling ----------------------------------------------------------------------------


def test_pooled_fits_weigh_each_model_equally_with_as_many_draws_as_one() -> None:
    low = low_fit()
    high = fit_with(np.full((2, 4), 200.0), 1.08, 300.0, ["few draws", "chains disagree"])
    pooled = pool_fits([low, high])
    assert pooled.N_draws.shape == (4, 2)
    assert np.sum(pooled.N_draws == 100.0) == np.sum(pooled.N_draws == 200.0) == 4
    assert pooled.rhat == 1.08 and pooled.ess == 300.0
    assert pooled.warnings == ["few draws", "chains disagree"]
    assert pool_fits([low]) is low


def test_pooled_fits_keep_every_draw_when_chains_cannot_be_thinned_evenly() -> None:
    pooled = pool_fits([fit_with(np.ones((2, 3)), 1.0, 1.0, []) for _ in range(2)])
    assert pooled.N_draws.shape == (4, 3)
    # A fit with no R-hat (one chain) does not hide the other's.
    pooled = pool_fits([fit_with(np.ones((1, 4)), math.nan, math.nan, []), low_fit()])
    assert pooled.rhat == 1.01 and pooled.ess == 500.0


def test_fit_choice_pools_one_fit_per_pair_with_the_same_seed() -> None:
    x, y = feeding_table(3000)
    counts = np.round(y).astype(np.int64)
    choice = choose_dependent(x, counts)
    pooled = fit_choice(x, counts, choice, seed=3, **FAST)
    each = [fit_lcmcr(x, counts, seed=3, dependent=[pair], **FAST) for pair in choice.pairs]
    np.testing.assert_array_equal(
        np.sort(pooled.N_draws.ravel()),
        np.sort(np.concatenate([f.N_draws[:, ::2].ravel() for f in each])),
    )
    seen: list[float] = []
    fit_choice(x, counts, choice, seed=3, progress=seen.append, **FAST)
    assert seen and max(seen) <= 1.0 and seen[-1] == pytest.approx(1.0)
    assert min(f for f in seen if f > 0.5) > 0.5  # the second fit reports the second half


# --- what the estimate says -------------------------------------------------------------


def test_auto_covers_the_population_plain_lcmcr_misses_and_says_what_it_chose() -> None:
    x, y = feeding_table(20_000)
    h = CaptureHistories(LISTS, x, np.round(y).astype(np.int64))
    settings = {"chains": 2, "burnin": 3000, "samples": 1000, "thin": 5, "target_ess": None}
    plain = estimate(h, method="lcmcr", seed=5, lcmcr=LCMCRSettings(**settings))
    auto = estimate(h, method="lcmcr", seed=5, lcmcr=LCMCRSettings(**settings, dependent_auto=True))
    assert auto.lower is not None and auto.upper is not None and plain.estimate is not None
    assert auto.lower <= 20_000 <= auto.upper
    assert plain.estimate < auto.lower
    chosen = auto.diagnostics["dependent_auto"]
    assert chosen["fit_check_without"]["rejects"] is True
    assert sorted(chosen["alternatives"]) == [[["ong", "familias"]], [["prensa", "fiscalia"]]]
    assert auto.diagnostics["dependent"] == []
    assert auto.diagnostics["fit_check"]["rejects"] is False
    (note,) = [w for w in auto.warnings if w.startswith("--dependent auto")]
    assert "fit exactly as well" in note and "does not carry its uncertainty" in note
    assert "no incluye su incertidumbre" in note.es
    assert not any("does not fit these lists (two-class" in w for w in auto.warnings)


def test_auto_on_lists_that_fit_runs_lcmcr_as_published() -> None:
    x, y = independent_table(3000)
    h = CaptureHistories(LISTS, x, np.round(y).astype(np.int64))
    plain = estimate(h, method="lcmcr", seed=2, lcmcr=LCMCRSettings(**FAST))
    auto = estimate(h, method="lcmcr", seed=2, lcmcr=LCMCRSettings(**FAST, dependent_auto=True))
    assert (auto.estimate, auto.lower, auto.upper) == (plain.estimate, plain.lower, plain.upper)
    assert auto.diagnostics["dependent_auto"]["alternatives"] == [[]]
    assert any("no lists were modelled as dependent" in w for w in auto.warnings)


def test_the_note_names_a_single_pair_and_the_test_in_both_languages() -> None:
    x, y = feeding_table(10_000)
    choice = choose_dependent(x, y)
    one = DependentChoice(choice.check, choice.pairs[:1], choice.chosen_check)
    note = choice_note(one, LISTS)
    named = "+".join(LISTS[j] for j in choice.pairs[0])
    assert f"{named} was modelled as dependent" in note
    assert "degrees of freedom, p < 0.001" in note
    assert f"se modeló {named} como dependiente" in note.es
    assert "grados de libertad, p < 0,001" in note.es


# --- names and the command line ---------------------------------------------------------


def test_auto_is_one_value_of_dependent_and_cannot_be_mixed_with_names() -> None:
    assert parse_dependent_option([" Auto "]) == ((), True)
    assert parse_dependent_option(["ong+familias"]) == ((("ong", "familias"),), False)
    with pytest.raises(DependentListsError) as caught:
        parse_dependent_option(["auto", "ong+familias"])
    (problem,) = caught.value.problems
    assert "cannot be combined with lists named as dependent (ong+familias)" in problem
    assert "no se puede combinar" in problem.es
    x, y = feeding_table(1000)
    h = CaptureHistories(LISTS, x, np.round(y).astype(np.int64))
    both = LCMCRSettings(dependent=(("ong", "familias"),), dependent_auto=True)
    with pytest.raises(DependentListsError, match="give one or the other"):
        estimate(h, method="lcmcr", lcmcr=both)


def test_cli_estimate_dependent_auto(tmp_path: Path) -> None:
    table = write_feeding_histories(tmp_path)
    fast = ["--lcmcr-chains", "2", "--lcmcr-burnin", "500", "--lcmcr-samples", "300"]
    base = ["estimate", "--histories", str(table), "--json", "--seed", "1", "--quiet", *fast]
    run = CliRunner().invoke(cli, [*base, "--dependent", "auto"])
    assert run.exit_code == 0, run.output
    alternatives = json.loads(run.output)["diagnostics"]["dependent_auto"]["alternatives"]
    assert sorted(alternatives) == [[["ong", "familias"]], [["prensa", "fiscalia"]]]
    bad = CliRunner().invoke(cli, [*base, "--dependent", "auto", "--dependent", "ong+familias"])
    assert bad.exit_code == 1
    assert "give one or the other" in bad.output
