"""The prior's fixed point, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recuento.link.train import prior_fixed_point


def test_prior_fixed_point_solves_its_equation() -> None:
    # 10 pairs with Bayes factor 2^20 (surely matches) and 90 with 2^-20, out of 10,000
    # pairs in all. The fixed point satisfies prior = sum P(match | BF, prior) / 10,000;
    # the sure matches contribute ~10, so prior ~= 10 / 10,000 = 0.001.
    start = 0.01
    logit = math.log2(start / (1 - start))
    weights = np.array([20.0] * 10 + [-20.0] * 90) + logit
    prior = prior_fixed_point(weights, start, 10_000)
    assert prior == pytest.approx(0.001, rel=1e-3)
    odds = prior / (1 - prior) * np.exp2(weights - logit)
    assert prior == pytest.approx((odds / (1 + odds)).sum() / 10_000, rel=1e-3)


def test_no_scored_pairs_keeps_the_start() -> None:
    assert prior_fixed_point(np.array([]), 0.002, 100) == 0.002


def test_prior_fixed_point_from_a_histogram_matches_the_one_from_every_pair() -> None:
    rng = np.random.default_rng(4)
    weights = np.concatenate([rng.normal(-8, 1.5, 20_000), rng.normal(9, 2, 300)])
    bins, counts = np.unique(np.round(weights, 2), return_counts=True)
    exact = prior_fixed_point(weights, 0.001, 5e6)
    binned = prior_fixed_point(bins, 0.001, 5e6, counts=counts)
    # 0.01 in log2 odds moves a pair's odds by under 0.7%, and the errors mostly cancel.
    assert binned == pytest.approx(exact, rel=2e-3)


def test_small_noisy_lists_with_pairs_no_training_rule_finds_still_link(tmp_path) -> None:
    # Two short, error-ridden lists: the rules that estimate the prior find no pair (a prior
    # of 0 broke Splink's logarithm) and an EM rule finds none either (Splink raised).
    from recuento.link.api import link_tables
    from recuento.lists.reader import read_list
    from recuento.simulate import simulate_lists, simulate_population, write_lists

    sim = simulate_lists(simulate_population(150, seed=1), seed=2, error_rate=0.3)
    written = write_lists(sim, tmp_path)
    tables = [read_list(p).table for p in written if p.stem in ("prensa", "familias")]
    linked = link_tables(tables)
    assert linked.persons.num_rows == sum(t.num_rows for t in tables)
    assert 0 < linked.prior < 1


@pytest.fixture(scope="module")
def trained_model(tmp_path_factory) -> dict:
    from recuento.link.api import link_tables
    from recuento.lists.reader import read_list
    from recuento.simulate import simulate_lists, simulate_population, write_lists

    folder = tmp_path_factory.mktemp("train")
    sim = simulate_lists(simulate_population(1500, seed=5), seed=6)
    tables = [read_list(p).table for p in write_lists(sim, folder) if p.stem in sim.lists]
    return link_tables(tables).model


def _levels(model: dict) -> list[tuple[str, dict]]:
    return [
        (f"{c['output_column_name']}: {level.get('label_for_charts')}", level)
        for c in model["comparisons"]
        for level in c["comparison_levels"]
        if not level.get("is_null_level")
    ]


def test_every_level_of_a_saved_model_has_a_u_so_a_reused_model_scores_as_trained(
    trained_model,
) -> None:
    # A level no random pair fell in (the same names by sound, a CURP one typo apart) was
    # left without u in the saved model, and a model reused or trained on a sample then
    # scored it with Splink's placeholder instead.
    missing = [name for name, level in _levels(trained_model) if level.get("u_probability") is None]
    assert missing == []


def test_no_level_is_a_veto_after_training(trained_model) -> None:
    from recuento.link.train import M_FLOOR

    # EM drives levels no training match fell in (a different sex, the same month of birth
    # but another day) to m = 0: a Bayes factor of 2^-140 that no agreement outweighs. A
    # level EM never saw at all weighs nothing (m = u).
    vetoes = [
        name
        for name, level in _levels(trained_model)
        if level["m_probability"] < M_FLOOR and level["m_probability"] != level["u_probability"]
    ]
    assert vetoes == []


def test_a_level_em_never_saw_weighs_nothing_and_one_it_drove_to_zero_is_floored() -> None:
    import logging

    import pyarrow as pa
    from splink import DuckDBAPI, Linker
    from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

    from recuento.link.model import settings
    from recuento.link.train import M_FLOOR, _floor_m

    from .conftest import person_row, prepared

    rows = prepared(
        person_row("a", "1", full_name="Ana López"), person_row("b", "2", full_name="Rosa Díaz")
    )
    linker = Linker(
        DuckDBAPI().register(pa.Table.from_pylist(rows)), settings(), log_level=logging.ERROR
    )
    sex = next(c for c in linker._settings_obj.comparisons if c.output_column_name == "sex")
    same, other = [level for level in sex.comparison_levels if not level.is_null_level]
    same.u_probability, same.m_probability = 0.5, LEVEL_NOT_OBSERVED_TEXT
    other.u_probability, other.m_probability = 0.5, 1e-12  # what EM leaves for "none"
    _floor_m(linker)
    assert same.m_probability == same.u_probability  # log2(m / u) = 0: no evidence
    assert other.m_probability == M_FLOOR


def test_em_is_not_blocked_on_a_column_few_records_fill() -> None:
    # FEBRL4: a few surnames with a space filled second_surname for a handful of records;
    # EM blocked on it saw a handful of pairs and left the date of birth untrained.
    import pyarrow as pa

    from recuento.link.api import _present_columns
    from recuento.link.prepare import prepare
    from recuento.link.train import EM_MIN_FILLED
    from recuento.people.record import PERSON_SCHEMA

    from .conftest import person_row

    rows = [person_row("a", str(k), full_name=f"Ana López{k}") for k in range(18)]
    rows += [person_row("a", f"s{k}", full_name="Ana López Cruz") for k in range(2)]
    prepared = prepare([pa.Table.from_pylist(rows, schema=PERSON_SCHEMA)])
    assert "second_surname_std" in _present_columns(prepared)
    assert "second_surname_std" not in _present_columns(prepared, EM_MIN_FILLED)
    assert "first_surname_std" in _present_columns(prepared, EM_MIN_FILLED)
