"""The published count can be re-run: the published BLT, fed to ``recuento tally`` with the
published command, gives the published result, stage by stage."""

from __future__ import annotations

import json
import random
import shlex
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from click.testing import CliRunner  # noqa: E402
from django.urls import reverse  # noqa: E402

from recuento.ballots import parse_blt  # noqa: E402
from recuento.cli import cli  # noqa: E402
from recuento.web.elections import services  # noqa: E402

from .test_web_elections_helpers import cast_all, end_voting, ready  # noqa: E402

SIX = ("Ana [women]", "Bea [women]", "Carla [women]", "Dani", "Eloy", "Fermín")


def _ranked_papers(n: int, candidates: int, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    papers = []
    for _ in range(n):
        order = list(range(candidates))
        rng.shuffle(order)
        # Voters favour the low numbers a little, and rank from none to all.
        order.sort(key=lambda c: c + rng.random() * 3)
        papers.append(order[: rng.randint(0, candidates)])
    return papers


def _published(client: Any, election: Any) -> tuple[dict[str, Any], str]:
    body = json.loads(client.get(reverse("elections:results_json", args=[election.pk])).content)
    blt = client.get(reverse("elections:blt", args=[election.pk])).content.decode()
    return body, blt


def _rerun(command: str, blt: str, tmp_path: Path, *extra: str) -> Any:
    """Run the published command on the downloaded file, as anyone would."""
    args = shlex.split(command)
    assert args[:2] == ["recuento", "tally"]
    path = tmp_path / args[2]
    path.write_text(blt, encoding="utf-8")
    result = CliRunner().invoke(cli, ["tally", str(path), *args[3:], *extra])
    assert result.exit_code == 0, result.output
    return result.output


CASES: dict[str, dict[str, Any]] = {
    "stv_with_a_quota": {"method": "stv", "seats": 3, "quotas": {"women": 2}, "n": 80},
    "meek": {"method": "meek", "seats": 2, "n": 60},
    "block": {"method": "block", "seats": 2, "n": 40},
    "yesno": {"method": "yesno", "n": 30},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_published_blt_fed_to_recuento_tally_gives_the_published_result(
    client: Any, make_user: Any, tmp_path: Path, case: str
) -> None:
    spec = dict(CASES[case])
    n: int = spec.pop("n")
    election, codes = ready(make_user("coordinator"), n, candidates=SIX, **spec)
    if election.method == "yesno":
        rng = random.Random(7)
        papers = [[rng.choice([0, 0, 1, 2])] for _ in range(n - 3)]
    elif election.method == "block":
        papers = [p[: election.seats] for p in _ranked_papers(n - 3, 6, 11)]
    else:
        papers = _ranked_papers(n - 3, 6, 5)
    cast_all(election, codes, papers)  # three voters abstain
    end_voting(election)
    election = services.close(election.pk)

    body, blt = _published(client, election)
    published = body["result"]
    assert body["ballots"] == n - 3 and body["electorate"] == n
    assert published == election.result
    # The BLT holds every paper, merged, and nothing else.
    counted = parse_blt(blt)
    assert counted.total_papers == n - 3
    assert counted.names == [c.name for c in election.candidates.order_by("position")]
    # Re-run by anyone: the same JSON, stage by stage, and the same stage table.
    again = json.loads(_rerun(body["command"], blt, tmp_path, "--json"))
    assert again == published
    if election.method in ("stv", "meek"):
        assert len(published["stages"]) > 1
    assert _rerun(body["command"], blt, tmp_path) == election.result_text_en
    assert _rerun(body["command"], blt, tmp_path, "--lang", "es") == election.result_text_es


def test_a_tie_left_to_lot_is_decided_by_the_published_seed_and_reproduced(
    client: Any, make_user: Any, tmp_path: Path
) -> None:
    election, codes = ready(
        make_user("coordinator"), 4, method="block", seats=1, candidates=("Ana", "Bea", "Carla")
    )
    cast_all(election, codes, [[0], [1], [0], [1]])
    end_voting(election)
    election = services.close(election.pk)
    (tie,) = election.result["ties"]
    assert tie["method"] == "lot" and set(tie["candidates"]) == {"Ana", "Bea"}
    body, blt = _published(client, election)
    assert f"--seed {election.lot_seed}" in body["command"]
    assert json.loads(_rerun(body["command"], blt, tmp_path, "--json")) == election.result


def test_the_results_page_shows_the_stages_and_the_command(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 20, candidates=SIX, seats=2)
    cast_all(election, codes, _ranked_papers(20, 6, 3))
    end_voting(election)
    services.close(election.pk)
    url = reverse("elections:results", args=[election.pk])
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Etapa 1: primeras preferencias" in spanish
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Stage 1: first preferences" in english
    assert f"recuento tally election-{election.pk}.blt --method stv --seed 2026" in english
