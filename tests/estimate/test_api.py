"""The estimate() dispatcher, the result object and its JSON contract."""

from __future__ import annotations

import importlib.util
import json
import math

import numpy as np
import pytest
from scipy.special import digamma

from recuento.errors import EstimationError, ProblemsError
from recuento.estimate import (
    CaptureHistories,
    HistoriesInput,
    LCMCRSettings,
    estimate,
    format_table,
    lcmcr_available,
)

from ._reference import load_histories, table

CONTRACT = {"documented", "estimate", "lower", "upper", "level", "method", "lists", "warnings"}
FAST_LCMCR = LCMCRSettings(K=2, chains=2, burnin=200, samples=100, thin=2)
needs_lcmcr = pytest.mark.skipif(
    importlib.util.find_spec("recuento.estimate.lcmcr") is None,
    reason="recuento.estimate.lcmcr (the LCMCR sampler) is not importable",
)


def test_kosovo_loglinear_result_follows_the_json_contract() -> None:
    # results_reference.csv, Rcapture_closedpMS_BIC: [123,14,34], 10,334.5 (8,994-12,110).
    result = estimate(load_histories("kosovo"), method="loglinear")
    d = result.to_dict()
    assert set(d) >= CONTRACT
    assert "strata" not in d
    assert d["documented"] == 4400
    assert d["method"] == "loglinear"
    assert d["model"]["name"] == "[123,14,34]"
    assert d["estimate"] == pytest.approx(10334.4959754667, rel=2e-4)
    assert d["lower"] == pytest.approx(8994.25670710859, rel=2e-4)
    assert d["upper"] == pytest.approx(12110.4081124685, rel=2e-4)
    assert d["lists"] == ["list1", "list2", "list3", "list4"]
    json.dumps(d, allow_nan=False)


def test_named_standard_model_gives_rcapture_mth_chao_interval() -> None:
    # results_reference.csv, kosovo Rcapture_Mth_Chao: 8,588.4 (8,188.7-9,026.9).
    result = estimate(load_histories("kosovo"), method="loglinear", model="Mth Chao (LB)")
    assert result.model is not None and result.model["name"] == "Mth Chao (LB)"
    assert result.estimate == pytest.approx(8588.39704253227, rel=2e-4)
    assert result.lower == pytest.approx(8188.71868842216, rel=2e-4)
    assert result.upper == pytest.approx(9026.91777309981, rel=2e-4)


def test_two_lists_give_lincoln_petersen_with_a_loud_warning() -> None:
    # n1 = 80, n2 = 50, m = 20, n = 110: the Poisson fit gives Lincoln-Petersen,
    # 80 * 50 / 20 = 200. The reported estimate maximises the multinomial profile
    # likelihood over real N. With p1 = n1 / N and p2 = n2 / N profiled out,
    #   l(N) = lgamma(N + 1) - lgamma(N - n + 1) + (N - n1) log(N - n1)
    #          + (N - n2) log(N - n2) - 2 N log N + constants,
    # and l'(N) = 0 reads digamma(N + 1) - digamma(N - n + 1)
    #          + log((N - n1) (N - n2) / N^2) = 0.
    h = table(["A", "B"], {"10": 60, "01": 30, "11": 20})
    result = estimate(h)
    assert result.method == "loglinear"
    assert result.settings["method_reason"].startswith("only 2 lists")
    assert result.model is not None and result.model["poisson_estimate"] == pytest.approx(200)
    N = result.estimate
    assert N is not None
    score = digamma(N + 1) - digamma(N - 110 + 1) + math.log((N - 80) * (N - 50) / N**2)
    assert score == pytest.approx(0.0, abs=1e-6)
    assert any("Lincoln-Petersen" in w for w in result.warnings)


def test_one_list_cannot_be_estimated() -> None:
    with pytest.raises(ProblemsError, match="only 1 list has records"):
        estimate(table(["A", "B"], {"10": 60}))


def test_bad_arguments_are_refused() -> None:
    h = load_histories("kosovo")
    with pytest.raises(EstimationError, match="level"):
        estimate(h, level=1.5)
    with pytest.raises(EstimationError, match="criterion"):
        estimate(h, criterion="cp")
    with pytest.raises(EstimationError, match="unknown method"):
        estimate(h, method="magic")


def test_no_finite_model_is_an_error_not_a_number() -> None:
    h = load_histories("artificial_3")
    with pytest.raises(EstimationError, match="no finite estimate"):
        estimate(h, method="loglinear", model="[12,3]")


def test_unbounded_upper_end_is_null_in_json_with_a_warning() -> None:
    # Three lists that barely overlap: 1 person on A and B, nobody else on two lists.
    # The data say little about the unrecorded: the likelihood stays within the bound
    # beyond 10 times the estimate.
    h = table(["A", "B", "C"], {"100": 30, "010": 25, "001": 20, "110": 1})
    result = estimate(h, method="loglinear", model="[1,2,3]")
    d = result.to_dict()
    assert d["upper"] is None
    assert math.isinf(result.upper or 0.0)
    assert any("no upper end" in w for w in d["warnings"])


def stratified(h1: CaptureHistories, h2: CaptureHistories) -> HistoriesInput:
    total = CaptureHistories.from_cell_counts(h1.lists, h1.cell_counts() + h2.cell_counts())
    return HistoriesInput(total=total, strata={"a": h1, "b": h2}, by="region", binning="raw")


def test_stratified_loglinear_adds_strata_and_combines_intervals() -> None:
    h1 = table(["A", "B", "C"], {"100": 40, "010": 31, "001": 25, "110": 9, "101": 8,
                                 "011": 6, "111": 3})  # fmt: skip
    h2 = table(["A", "B", "C"], {"100": 20, "010": 11, "001": 15, "110": 5, "101": 4,
                                 "011": 3, "111": 2})  # fmt: skip
    result = estimate(stratified(h1, h2), method="loglinear", model="[1,2,3]")
    a, b = result.strata
    assert result.documented == h1.n_observed + h2.n_observed
    assert result.estimate == pytest.approx(a.estimate + b.estimate)
    # lower = sum - sqrt((N_a - lower_a)^2 + (N_b - lower_b)^2), likewise above
    assert result.lower == pytest.approx(
        result.estimate - math.hypot(a.estimate - a.lower, b.estimate - b.lower)
    )
    assert result.upper == pytest.approx(
        result.estimate + math.hypot(a.upper - a.estimate, b.upper - b.estimate)
    )
    d = result.to_dict()
    assert d["by"] == "region"
    assert [s["stratum"] for s in d["strata"]] == ["a", "b"]
    assert set(d["strata"][0]) | {"level"} >= CONTRACT


def test_a_stratum_without_estimate_leaves_no_total_and_says_why() -> None:
    h1 = table(["A", "B", "C"], {"100": 40, "010": 31, "001": 25, "110": 9, "101": 8,
                                 "011": 6, "111": 3})  # fmt: skip
    h2 = table(["A", "B", "C"], {"100": 3})
    result = estimate(stratified(h1, h2), method="loglinear")
    assert result.estimate is None
    assert result.strata[1].estimate is None
    assert any(w.startswith("no total") for w in result.warnings)
    assert any("stratum b: only 1 lists have records" in w for w in result.strata[1].warnings)
    assert "no estimate" in format_table(result)


def test_human_table_shows_documented_beside_estimate_in_both_languages() -> None:
    result = estimate(load_histories("kosovo"), method="loglinear")
    en = format_table(result)
    es = format_table(result, lang="es")
    assert "documented" in en and "4,400" in en and "10,334" in en
    assert "documentadas" in es and "10\u00a0334" in es


@needs_lcmcr
def test_auto_uses_lcmcr_with_three_lists_and_reports_diagnostics() -> None:
    assert lcmcr_available()
    result = estimate(load_histories("kosovo"), seed=1, lcmcr=FAST_LCMCR)
    assert result.method == "lcmcr"
    assert result.estimate is not None and result.lower is not None
    assert result.lower <= result.estimate <= (result.upper or math.inf)
    assert {"rhat", "ess", "chains"} <= set(result.diagnostics)
    assert result.settings["seed"] == 1
    again = estimate(load_histories("kosovo"), seed=1, lcmcr=FAST_LCMCR)
    assert again.estimate == result.estimate


@needs_lcmcr
def test_stratified_lcmcr_total_is_the_median_of_summed_draws() -> None:
    h1 = load_histories("spina_bifida_my")
    h2 = load_histories("spina_bifida_conting")
    result = estimate(stratified(h1, h2), method="lcmcr", seed=3, lcmcr=FAST_LCMCR)
    assert result.estimate is not None
    assert result.diagnostics["combination"] == "sum of the strata's posterior draws"
    a, b = result.strata
    assert a.estimate is not None and b.estimate is not None
    # medians do not add exactly, but the total must sit between the sum of lower ends
    # and the sum of upper ends
    assert (a.lower or 0) + (b.lower or 0) <= result.estimate <= (a.upper or 0) + (b.upper or 0)


@needs_lcmcr
def test_lcmcr_with_two_lists_is_refused() -> None:
    h = table(["A", "B"], {"10": 60, "01": 30, "11": 20})
    with pytest.raises(EstimationError, match="LCMCR needs at least 3 lists"):
        estimate(h, method="lcmcr", lcmcr=FAST_LCMCR)


def test_empty_list_is_dropped_with_a_warning() -> None:
    pats = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 1, 0, 0], [0, 1, 1, 0],
                     [1, 0, 1, 0], [1, 1, 1, 0]])  # fmt: skip
    h = CaptureHistories.from_patterns(
        ["A", "B", "C", "D"], pats, np.array([40, 31, 25, 9, 6, 8, 3])
    )
    result = estimate(h, method="loglinear")
    assert result.lists == ["A", "B", "C"]
    assert any("list 'D' has no records" in w for w in result.warnings)


def test_warnings_are_english_in_json_and_spanish_in_the_spanish_table() -> None:
    h = table(["A", "B"], {"10": 60, "01": 30, "11": 20})
    result = estimate(h)
    d = result.to_dict()
    assert any(w.startswith("only 2 lists have records") for w in d["warnings"])
    json.dumps(d)
    es = format_table(result, lang="es")
    assert "solo 2 listas tienen registros" in es
    assert "only 2 lists" not in es


@needs_lcmcr
def test_estimate_runs_lcmcr_longer_until_400_effective_draws_by_default():
    settings = LCMCRSettings()
    assert settings.target_ess == 400.0 and settings.max_doublings == 4
    # Kosovo mixes slowly (about 1,000 sweeps per effective draw): 2 x 100 draws thinned by
    # 2 are far too few, so the thinning is doubled as often as allowed, and the draws per
    # chain stay as asked.
    few = LCMCRSettings(K=2, chains=2, burnin=200, samples=100, thin=2, max_doublings=2)
    result = estimate(load_histories("kosovo"), method="lcmcr", seed=1, lcmcr=few)
    assert result.diagnostics["thin"] == 8
    assert result.diagnostics["samples_per_chain"] == 100
