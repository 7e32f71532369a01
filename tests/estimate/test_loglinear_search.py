"""The hierarchical model search: enumeration, and every model against Rcapture closedpMS.t.

Reference: Rcapture 1.4-4, ``closedpMS.t(X, dfreq = TRUE)$results`` (every hierarchical
model with all main effects, maxorder = J - 1, sorted by BIC), stored in
../shared/reference/mse/reference_outputs/rcapture_closedpMS_<dataset>.csv.

Tolerance: relative 1e-6 on N, deviance, AIC and BIC. Both sides compute a deterministic
maximum-likelihood fit; R's ``glm`` stops when the deviance changes by less than 1e-8
(relative), which leaves errors of order 1e-8 to 1e-7 in N; the largest difference seen
is 7e-10.

Where the MLE does not exist the programs differ on purpose: recuento decides it exactly
(Haberman's linear-programming criterion) and reports ``boundary`` (an interaction at
minus infinity, N still determined: compared with R, which converges to the same number)
or ``no_mle`` (N not determined: R reports whatever ``glm`` stopped at, e.g. N = n or
N = 10^13, with or without a warning flag). Only models where both sides give a finite
estimate with no R warning (infoFit = 0) are compared by value.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from recuento.errors import EstimationError
from recuento.estimate.loglinear_fit import search_models, stepwise
from recuento.estimate.loglinear_models import (
    HierarchicalModel,
    enumerate_hierarchical,
    neighbours,
    parse_model_name,
)

from ._reference import HEPATITIS_A, load_histories, reference_rows, table

REL = 1e-6


@pytest.mark.parametrize(("lists", "count"), [(2, 1), (3, 8), (4, 113), (5, 6893)])
def test_enumeration_gives_rcapture_model_counts(lists: int, count: int) -> None:
    # 3 lists: any subset of the 3 pairs (2^3 = 8), the 3-way term being excluded.
    # 4 and 5 lists: Rcapture closedpMS.t reports 113 and 6,893 models.
    models = list(enumerate_hierarchical(lists))
    assert len(models) == count
    assert len({m.interactions for m in models}) == count


def test_enumeration_beyond_five_lists_is_refused() -> None:
    # 6 lists have 7,828,353 hierarchical models (Dedekind-type growth): search stepwise.
    with pytest.raises(EstimationError, match="not feasible for 6 lists"):
        next(enumerate_hierarchical(6))


def test_every_enumerated_model_is_hierarchical_and_below_the_top_order() -> None:
    for m in enumerate_hierarchical(5):
        terms = set(m.interactions)
        for t in terms:
            members = [j for j in range(5) if t >> j & 1]
            assert 2 <= len(members) <= 4
            for k in range(2, len(members)):
                for sub in combinations(members, k):
                    assert sum(1 << j for j in sub) in terms


def test_model_names_round_trip_in_rcapture_notation() -> None:
    for m in enumerate_hierarchical(4):
        assert parse_model_name(m.name, 4) == m
    assert parse_model_name("[123,14,34]", 4).describe(["EXH", "ABA", "OSCE", "HRW"]) == (
        "EXH*ABA*OSCE + EXH*HRW + OSCE*HRW"
    )


def test_neighbours_stay_hierarchical() -> None:
    m = parse_model_name("[123,14]", 4)
    names = {x.name for x in neighbours(m)}
    assert "[12,13,14,23]" in names  # the 3-way term removed
    assert "[123]" not in names and "[123,4]" in names  # 1:4 removed
    assert "[123,124]" not in names  # needs 2:4 first
    assert all(isinstance(x, HierarchicalModel) for x in neighbours(m))


DATASETS_4 = ["kosovo", "diabetes", "hiv", "lesbian", "scotpwid"]
DATASETS_3 = [HEPATITIS_A, "spina_bifida_my", "spina_bifida_conting", "artificial_3"]


def compare_with_closedpms(name: str) -> int:
    h = load_histories(name)
    search = search_models(h, criterion="bic")
    ref = {r["model"]: r for r in reference_rows(f"rcapture_closedpMS_{name}.csv")}
    assert {f.name for f in search.fits} == set(ref)
    compared = 0
    for fit in search.fits:
        r = ref[fit.name]
        assert fit.df == int(r["df"]), fit.name
        if fit.finite and r["infoFit"] == "0":
            assert fit.estimate == pytest.approx(float(r["abundance"]), rel=REL), fit.name
            assert fit.deviance == pytest.approx(float(r["deviance"]), rel=REL, abs=1e-6)
            assert fit.bic == pytest.approx(float(r["BIC"]), rel=REL), fit.name
            assert fit.aic == pytest.approx(float(r["AIC"]), rel=REL), fit.name
            compared += 1
        if fit.status == "no_mle":
            # R either flags the fit or stops at N = n (the intercept went to -infinity)
            assert r["infoFit"] != "0" or float(r["abundance"]) < h.n_observed + 1e-3
    return compared


@pytest.mark.parametrize("name", DATASETS_3 + DATASETS_4)
def test_every_hierarchical_model_matches_rcapture_closedpms(name: str) -> None:
    clean = sum(r["infoFit"] == "0" for r in reference_rows(f"rcapture_closedpMS_{name}.csv"))
    compared = compare_with_closedpms(name)
    assert compared > 0 or clean == 0


def test_every_one_of_6893_models_for_congenital_matches_rcapture() -> None:
    # 5 lists; about 3 s. Rcapture needs 39 s for the same search.
    assert compare_with_closedpms("congenital") > 6000


@pytest.mark.parametrize("name", [*DATASETS_4, HEPATITIS_A, "spina_bifida_my"])
def test_bic_selects_the_same_model_as_rcapture(name: str) -> None:
    h = load_histories(name)
    best = search_models(h, criterion="bic").best
    ref = reference_rows(f"rcapture_closedpMS_{name}.csv")
    first_ok = next(r for r in ref if r["infoFit"] == "0" or name == HEPATITIS_A)
    assert best is not None
    assert best.name == first_ok["model"]


def test_kosovo_bic_model_is_the_hrdag_model_with_poisson_fit_10356() -> None:
    # Ball et al. (2002) report 10,356; Rcapture's Poisson fit of [123,14,34] is 10,356.5.
    best = search_models(load_histories("kosovo")).best
    assert best is not None
    assert best.name == "[123,14,34]"
    assert best.estimate == pytest.approx(10356.5189572519, rel=REL)


def test_aic_ranks_by_aic() -> None:
    search = search_models(load_histories("kosovo"), criterion="aic")
    aics = [f.aic for f in search.fits if f.finite]
    assert aics == sorted(aics)
    assert search.best is not None and search.best.name == "[123,134]"


def test_artificial_table_selects_independence_and_excludes_models_without_mle() -> None:
    # Rcapture flags all 8 models (infoFit != 0) and its min-BIC model [12,3] gives
    # N = 1.4e13. recuento finds that [12,3], [12,13], [12,23] and [12,13,23] have no
    # finite N, and selects among the others; SparseMSE (which also checks existence)
    # gives the same independence estimate, 539.09.
    search = search_models(load_histories("artificial_3"))
    no_mle = {f.name for f in search.fits if f.status == "no_mle"}
    assert no_mle == {"[12,3]", "[12,13]", "[12,23]", "[12,13,23]"}
    assert search.best is not None and search.best.name == "[1,2,3]"
    assert search.best.estimate == pytest.approx(539.093929428606, rel=REL)


def test_stepwise_search_finds_kosovo_bic_model_from_independence() -> None:
    fits = stepwise(load_histories("kosovo"), criterion="bic")
    best = min((f for f in fits if f.finite), key=lambda f: f.bic)
    assert best.name == "[123,14,34]"
    assert len(fits) < 113


def test_search_beyond_five_lists_is_stepwise() -> None:
    # 6 lists, independent with a little pairwise dependence between lists 1 and 2.
    cells = {}
    for mask in range(1, 64):
        x = [(mask >> (5 - j)) & 1 for j in range(6)]
        cells["".join(map(str, x))] = 3 + 5 * x[0] * x[1] + sum(x)
    search = search_models(table(list("ABCDEF"), cells))
    assert not search.exhaustive
    assert search.best is not None


@pytest.mark.slow
@pytest.mark.parametrize("name", ["western"])
def test_bic_selects_rcapture_model_on_sparse_five_list_tables(name: str) -> None:
    # results_reference.csv row Rcapture_closedpMS_BIC names the min-BIC model. western
    # has 18 empty cells of 31, so most of the 6,893 models sit on the boundary (about
    # 5 s). ukdat_5, ned_5 and neworl_5 are checked the same way by
    # benchmarks/bench_loglinear.py (5-8 s each, too slow for the test budget).
    row = next(
        r
        for r in reference_rows("results_reference.csv")
        if r["dataset"] == name and r["method"] == "Rcapture_closedpMS_BIC"
    )
    want = row["settings"].split("-> ")[1].split(";")[0].strip()
    best = search_models(load_histories(name)).best
    assert best is not None and best.name == want
