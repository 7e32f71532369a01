"""The blocking recall estimate in `recuento count`: in the JSON, the text and the warnings.

Issue #5 item 3: the count's linkage diagnostics include the blocking recall estimate (the
share of pairs of records put in one person that some blocking rule compares directly,
:func:`recuento.link.recall.clustered_blocking_recall`), with a warning when it is low.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from splink import block_on

import recuento.link.api as link_api
from recuento.cli import cli
from recuento.count.api import blocking_recall_dict, blocking_recall_warning
from recuento.link.recall import BlockingRecall, clustered_blocking_recall
from recuento.simulate import simulate_lists, simulate_population, write_lists


def _recall(pairs: int, compared: int) -> BlockingRecall:
    return BlockingRecall(records=50, true_pairs=pairs, compared=compared)


def test_blocking_recall_warning_is_given_below_95_percent_only() -> None:
    # 90 of 100 pairs compared directly: 0.90 < 0.95, warned, in English and Spanish.
    warning = blocking_recall_warning(_recall(100, 90))
    assert warning is not None
    assert str(warning).startswith("Only 90.0% of the pairs of records put in the same person")
    assert "(below 95%)" in warning and "optimistic" in warning
    assert warning.es.startswith("Solo el 90,0\u00a0% de los pares de registros")
    # 949 of 1000 = 0.949 is below; 95 of 100 = 0.95 is not; no pairs: nothing to measure.
    assert blocking_recall_warning(_recall(1000, 949)) is not None
    assert blocking_recall_warning(_recall(100, 95)) is None
    assert blocking_recall_warning(_recall(0, 0)) is None
    assert blocking_recall_warning(None) is None


def test_blocking_recall_in_json_is_null_when_no_person_has_two_records() -> None:
    assert blocking_recall_dict(_recall(0, 0)) == {
        "estimate": None,
        "pairs_in_persons": 0,
        "pairs_compared": 0,
    }
    assert blocking_recall_dict(None) is None
    assert blocking_recall_dict(_recall(8, 6)) == {
        "estimate": 0.75,
        "pairs_in_persons": 8,
        "pairs_compared": 6,
    }


@pytest.fixture(scope="module")
def two_lists(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("lists")
    write_lists(simulate_lists(simulate_population(150, seed=5), seed=6), folder)
    return [str(folder / "prensa.csv"), str(folder / "fiscalia.csv")]


def test_count_text_output_gives_the_blocking_recall_estimate(two_lists: list[str]) -> None:
    result = CliRunner().invoke(cli, ["count", *two_lists, "--lang", "en"])
    assert result.exit_code == 0, result.output
    line = next(v for v in result.stdout.splitlines() if v.startswith("Blocking recall estimate:"))
    assert "compared directly by a blocking rule (an optimistic upper bound)" in line


def test_a_count_whose_blocking_rules_compare_few_pairs_warns(
    two_lists: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Measure the recall of one narrow rule (the same full date of birth) instead of the
    # model's rules: records given only an age or a year have no full date, so most pairs
    # of records in one person are not compared by it.
    def narrow(prepared: Any, rules: Any, person_ids: Any) -> BlockingRecall:
        return clustered_blocking_recall(prepared, [block_on("birth_date")], person_ids)

    monkeypatch.setattr(link_api, "clustered_blocking_recall", narrow)
    report = tmp_path / "r.html"
    result = CliRunner().invoke(
        cli, ["count", *two_lists, "--json", "--report", str(report), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    recall = payload["blocking_recall"]
    assert recall["estimate"] < 0.95
    assert recall["estimate"] == recall["pairs_compared"] / recall["pairs_in_persons"]
    shown = f"{recall['estimate'] * 100:.1f}%"
    warned = [w for w in payload["warnings"] if w.startswith(f"Only {shown} of the pairs")]
    assert len(warned) == 1
    page = report.read_text(encoding="utf-8")
    warnings_section = page.split("<section id='warnings'>")[1].split("</section>")[0]
    assert warned[0] in warnings_section
    assert "id='blocking-recall-low'" in page.split("<section id='linkage'>")[1]
