"""link_tables, count_tables: review decisions override the model; big lists train on a sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from recuento.count.api import count_tables
from recuento.link.api import link_tables
from recuento.lists.reader import read_list
from recuento.simulate import simulate_lists, simulate_population, write_lists

LISTS = ("prensa.csv", "ong.xlsx", "fiscalia.csv", "familias.csv")


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> list:
    folder = tmp_path_factory.mktemp("sim")
    write_lists(simulate_lists(simulate_population(300, seed=5), seed=6), folder)
    return [read_list(folder / name).table for name in LISTS]


@pytest.fixture(scope="module")
def model_free(tables: list):
    return link_tables(tables, seed=2)


def person_of(result, source: str, record_id: str) -> str:
    persons = result.persons.to_pylist()
    return next(r["person_id"] for r in persons if (r["source"], r["id"]) == (source, record_id))


def a_linked_pair(result) -> tuple[str, str, str, str]:
    rows = result.persons.to_pylist()
    by_person: dict[str, list[dict]] = {}
    for row in rows:
        by_person.setdefault(row["person_id"], []).append(row)
    two = next(group for group in by_person.values() if len(group) == 2)
    return two[0]["source"], two[0]["id"], two[1]["source"], two[1]["id"]


def test_a_different_decision_splits_a_person_the_model_made(tables, model_free) -> None:
    pair = a_linked_pair(model_free)
    decided = link_tables(tables, model=model_free.model, decisions=[(*pair, False)])
    assert person_of(decided, *pair[:2]) != person_of(decided, *pair[2:])
    assert decided.n_persons == model_free.n_persons + 1


def test_a_same_decision_joins_records_the_model_never_compared(tables, model_free) -> None:
    rows = model_free.persons.to_pylist()
    first, last = rows[0], rows[-1]
    assert first["person_id"] != last["person_id"]
    pair = (first["source"], first["id"], last["source"], last["id"])
    decided = link_tables(tables, model=model_free.model, decisions=[(*pair, True)])
    assert person_of(decided, *pair[:2]) == person_of(decided, *pair[2:])
    joined = decided.pairs.filter(
        [
            (a, b, c, d) in {pair, (pair[2], pair[3], pair[0], pair[1])}
            for a, b, c, d in zip(
                *(
                    decided.pairs.column(k).to_pylist()
                    for k in ("source_l", "id_l", "source_r", "id_r")
                ),
                strict=True,
            )
        ]
    )
    assert joined.column("match_probability").to_pylist() == [1.0]


def test_decisions_on_unknown_records_are_counted_not_applied(tables, model_free) -> None:
    decided = link_tables(
        tables, model=model_free.model, decisions=[("prensa", "no-such-id", "ong", "x", True)]
    )
    assert decided.decisions_unmatched == 1
    assert decided.n_persons == model_free.n_persons


def linked_pairs(result) -> list[tuple[str, str, str, str]]:
    by_person: dict[str, list[dict]] = {}
    for row in result.persons.to_pylist():
        by_person.setdefault(row["person_id"], []).append(row)
    return [
        (group[0]["source"], group[0]["id"], group[1]["source"], group[1]["id"])
        for group in by_person.values()
        if len(group) == 2
    ]


@pytest.mark.slow
def test_the_count_applies_decisions_in_every_linkage_configuration(tables, model_free) -> None:
    names = [Path(n).stem for n in LISTS]
    split = [(*pair, False) for pair in linked_pairs(model_free)]
    assert len(split) > 20
    before = count_tables(tables, names, model=model_free.model, seed=3)
    result = count_tables(tables, names, model=model_free.model, decisions=split, seed=3)
    for key, persons in result.persons_by_configuration.items():
        assert persons > before.persons_by_configuration[key], key
    unknown = count_tables(
        tables, names, model=model_free.model, decisions=[("prensa", "?", "ong", "?", True)]
    )
    assert any("review decision" in w for w in unknown.to_dict()["warnings"])


def test_a_model_trained_on_a_sample_of_the_records_links_as_well(tables, model_free) -> None:
    # Large lists train on a random sample; the persons found barely change.
    n = sum(t.num_rows for t in tables)
    sampled = link_tables(tables, seed=2, training_sample=n * 2 // 3)
    assert sampled.model != model_free.model  # trained on other pairs
    assert abs(sampled.n_persons - model_free.n_persons) <= 0.02 * model_free.n_persons


def test_a_reused_model_gets_the_prior_of_the_lists_it_links(
    tables: list, model_free, tmp_path: Path
) -> None:
    # m and u carry over between lists; the prior (the share of all record pairs that are
    # the same person) falls as lists grow, so a model trained on 300 people and reused on
    # 3,000 must not keep its prior.
    import math

    write_lists(simulate_lists(simulate_population(3000, seed=7), seed=8), tmp_path)
    bigger = [read_list(tmp_path / name).table for name in LISTS]
    fresh = link_tables(bigger, seed=2)
    reused = link_tables(bigger, model=model_free.model)
    saved = model_free.model["probability_two_random_records_match"]
    assert saved == model_free.prior
    assert abs(math.log(reused.prior / fresh.prior)) < abs(math.log(saved / fresh.prior)) / 3
    # The same lists and model: the prior it was saved with.
    again = link_tables(tables, model=model_free.model)
    assert again.prior == pytest.approx(model_free.prior, rel=1e-3)


def test_a_pair_no_rule_compared_inside_a_group_is_scored_by_the_model(tables, model_free) -> None:
    # Three records of one woman: the first two share two names, the last two share
    # "Lupita Armendáriz"; the first and the last share only the surname (no rule compares
    # them: no year, no place, another given name). Clustering weighs every pair between
    # two groups, so the first and last are scored too, by the model (as 0 before).
    import pyarrow as pa

    from recuento.people.record import PERSON_SCHEMA

    from .conftest import person_row

    woman = pa.Table.from_pylist(
        [
            person_row("x", "1", full_name="Guadalupe Armendáriz Soto", birth_date="1985-03-02"),
            person_row("x", "2", full_name="Lupita Armendáriz Soto", birth_date="1985-03-02"),
            person_row("x", "3", full_name="Lupita Armendáriz"),
        ],
        schema=PERSON_SCHEMA,
    )
    first_last = ("x", "1", "x", "3")

    def pairs(result) -> dict:
        rows = result.pairs.to_pylist()
        return {(r["source_l"], r["id_l"], r["source_r"], r["id_r"]): r for r in rows}

    with_groups = pairs(link_tables([*tables, woman], model=model_free.model))
    blocked_only = pairs(link_tables([*tables, woman], model=model_free.model, group_limit=0))
    assert first_last in with_groups
    assert first_last not in blocked_only
    # Every pair the rules compare scores alike in both.
    for key, row in blocked_only.items():
        assert with_groups[key]["match_probability"] == pytest.approx(row["match_probability"])


def test_remains_found_years_after_the_disappearance_still_join_the_family_report(
    tables, model_free
) -> None:
    # The family reports her disappearance in 2005; the prosecutor's record is of remains
    # found in 2016. Events more than two years apart are evidence against a link (a
    # trained level), never a veto: her names, date of birth and place outweigh it.
    import pyarrow as pa

    from recuento.people.record import PERSON_SCHEMA

    from .conftest import person_row

    woman = dict(full_name="Esmeralda Armendáriz Quiñónez", birth_date="1987-09-14", place="Anapra")
    records = pa.Table.from_pylist(
        [
            person_row("familia", "1", event_date="2005-03-02", **woman),
            person_row("fiscal", "1", event_date="2016-11-20", **woman),
        ],
        schema=PERSON_SCHEMA,
    )
    result = link_tables([*tables, records], model=model_free.model)
    assert person_of(result, "familia", "1") == person_of(result, "fiscal", "1")
    event = next(c for c in model_free.model["comparisons"] if c["output_column_name"] == "event")
    far = event["comparison_levels"][-1]
    assert far["m_probability"] < far["u_probability"]  # evidence against, as trained
