"""Per-stratum estimates with linkage uncertainty (`recuento count --by`).

Each stratum's LCMCR draws are pooled over the same linkage configurations as the total,
and the total is then the sum of the strata's draws within each configuration; a stratum
with fewer than three lists with records keeps only its conditional estimate, and the
total then comes from the whole table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from recuento.cli import cli
from recuento.count import CountResult, count_tables
from recuento.count.pooling import CHAINS, LINKAGE_CONFIGURATIONS, SAMPLES, pooled_draws
from recuento.lists.reader import read_list
from recuento.simulate import simulate_lists, simulate_population, write_lists

LISTS = ("prensa", "ong", "fiscalia", "familias")
BY = "event_date:decade"


def _write(folder: Path) -> list[Path]:
    written = write_lists(simulate_lists(simulate_population(400, seed=21), seed=22), folder)
    return [p for name in LISTS for p in written if p.stem == name]


def _count(files: list[Path]) -> tuple[CountResult, list]:
    lists = [read_list(p) for p in files]
    result = count_tables([r.table for r in lists], [r.name for r in lists], by=BY, seed=3)
    return result, lists


@pytest.fixture(scope="module")
def decades(tmp_path_factory: pytest.TempPathFactory) -> tuple[CountResult, list]:
    return _count(_write(tmp_path_factory.mktemp("decades")))


@pytest.fixture(scope="module")
def with_a_thin_decade(tmp_path_factory: pytest.TempPathFactory) -> CountResult:
    # Five invented women whose events fall in the 1950s, on two lists only (two on both):
    # a stratum of two lists with records, which LCMCR cannot fit.
    files = _write(tmp_path_factory.mktemp("thin"))
    prensa, familias = files[0], files[3]
    women = [
        ("Zulema", "Quintanar", "Ybarra", "3/4/1951"),
        ("Eufrosina", "Valdivieso", "Orduño", "9/9/1953"),
        ("Herminia", "Zubiría", "Lacarra", "12/1/1955"),
        ("Olegaria", "Tamariz", "Cuéllar", "5/6/1957"),
        ("Casilda", "Ruvalcaba", "Iturbe", "22/10/1958"),
    ]
    with prensa.open("a", encoding="utf-8") as f:
        for k, (given, first, second, day) in enumerate(women[:4]):
            f.write(f"{9000 + k},{given} {first} {second},30,{day},Ciudad Juárez\n")
    with familias.open("a", encoding="utf-8") as f:
        for k, (given, first, second, day) in enumerate([women[0], women[1], women[4]]):
            f.write(f"FAM-{9000 + k},{given},{first},{second},mujer,,{day},Juárez\n")
    return _count(files)[0]


def test_every_stratum_carries_linkage_uncertainty_and_the_total_adds_them_up(
    decades: tuple[CountResult, list],
) -> None:
    result, _ = decades
    payload = result.to_dict()
    assert payload["total_from"] == "strata"
    assert len(payload["strata"]) >= 3
    for stratum in payload["strata"]:
        assert stratum["with_linkage_uncertainty"] is True
        assert stratum["method"] == "lcmcr with linkage uncertainty"
        assert stratum["lower"] <= stratum["estimate"] <= stratum["upper"]
    # The conditional strata stay where they were, with their own numbers.
    conditional = {s["stratum"]: s for s in payload["conditional"]["strata"]}
    assert set(conditional) == {s["stratum"] for s in payload["strata"]}
    assert all(s["method"] == "lcmcr" for s in conditional.values())
    # The total's interval is no narrower than the sum of the strata suggests it could be:
    # it holds the sum of the strata's medians.
    medians = sum(s["estimate"] for s in payload["strata"])
    assert payload["lower"] <= medians <= payload["upper"]


def test_the_pooled_total_is_the_sum_of_the_strata_draw_by_draw(
    decades: tuple[CountResult, list],
) -> None:
    result, lists = decades
    pooled = pooled_draws(
        result.link,
        [r.table for r in lists],
        [r.name for r in lists],
        seed=3,
        say=lambda _: None,
        by=BY,
    )
    assert pooled.total_from_strata and not pooled.strata_left_out
    size = len(LINKAGE_CONFIGURATIONS) * CHAINS * SAMPLES
    assert all(draws.size == size for draws in pooled.strata.values())
    np.testing.assert_array_equal(pooled.total, np.sum(list(pooled.strata.values()), axis=0))
    # count_tables reports these draws (the same seed gives the same fits).
    assert result.estimate == pytest.approx(float(np.median(pooled.total)))
    for label, (median, _, _) in result.strata_with_linkage.items():
        assert median == pytest.approx(float(np.median(pooled.strata[label])))


def test_a_stratum_of_two_lists_keeps_its_conditional_estimate_and_says_so(
    with_a_thin_decade: CountResult,
) -> None:
    payload = with_a_thin_decade.to_dict()
    strata = {s["stratum"]: s for s in payload["strata"]}
    thin = strata["1950-1959"]
    assert thin["with_linkage_uncertainty"] is False
    assert thin["method"] == "loglinear"
    conditional = {s["stratum"]: s for s in payload["conditional"]["strata"]}
    assert thin["estimate"] == conditional["1950-1959"]["estimate"]
    assert all(s["with_linkage_uncertainty"] for k, s in strata.items() if k != "1950-1959")
    # The total cannot add up a stratum without draws: it comes from the whole table.
    assert payload["total_from"] == "whole table"
    assert payload["with_linkage_uncertainty"] is True
    left_out = [w for w in payload["warnings"] if w.startswith("Strata that could not carry")]
    assert len(left_out) == 1
    assert "1950-1959" in left_out[0] and "whole table" in left_out[0]
    assert not any("The estimate could not carry" in w for w in payload["warnings"])


def test_count_prints_the_strata_with_linkage_uncertainty_then_the_conditional_ones(
    tmp_path: Path,
) -> None:
    files = _write(tmp_path)
    result = CliRunner().invoke(cli, ["count", *map(str, files), "--by", BY, "--lang", "es"])
    assert result.exit_code == 0, result.output
    pooled = result.output.index("Por estrato, con la incertidumbre del enlace")
    conditional = result.output.index("Por estrato (condicionado al mejor enlace)")
    assert pooled < conditional
    for section in (result.output[pooled:conditional], result.output[conditional:]):
        rows = [line.split()[0] for line in section.splitlines()[3:] if line[:1].isdigit()]
        assert "2000-2009" in rows and "2010-2019" in rows
