"""Who may open each election page: coordinators' pages need manage_elections; voting,
the published ballots and the result are public."""

from __future__ import annotations

import re
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.urls import reverse  # noqa: E402

from recuento.web.elections import services  # noqa: E402

from .test_web_elections_helpers import cast_all, end_voting, make_election, ready  # noqa: E402

# (url name, needs an election): coordinators' pages.
MANAGED = [
    ("elections:elections", False),
    ("elections:new", False),
    ("elections:election", True),
    ("elections:edit", True),
    ("elections:electorate", True),
    ("elections:codes", True),
    ("elections:close", True),
]
# Public pages, opened on a closed election.
PUBLIC = [
    "elections:vote",
    "elections:ballots",
    "elections:results",
    "elections:results_json",
    "elections:blt",
]


@pytest.fixture
def closed_election(make_user: Any) -> Any:
    election, codes = ready(make_user("coordinator"), 3)
    cast_all(election, codes, [[0, 2], [1], [2, 0]])
    end_voting(election)
    return services.close(election.pk)


def _url(name: str, election: Any, needs: bool = True) -> str:
    return reverse(name, args=[election.pk]) if needs else reverse(name)


@pytest.mark.parametrize(("name", "needs"), MANAGED)
def test_coordinator_page_redirects_anonymous_to_login(
    client: Any, make_user: Any, name: str, needs: bool
) -> None:
    url = _url(name, make_election(make_user("coordinator")), needs)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize(("name", "needs"), MANAGED)
def test_coordinator_page_is_403_without_manage_elections(
    client: Any, make_user: Any, name: str, needs: bool
) -> None:
    url = _url(name, make_election(make_user("coordinator")), needs)
    for role in ("analyst", "reviewer", None):
        client.force_login(make_user(role))
        assert client.get(url).status_code == 403, role
        assert client.post(url).status_code == 403, role


@pytest.mark.parametrize(("name", "needs"), MANAGED)
def test_coordinator_page_is_200_with_manage_elections_and_never_cached(
    client: Any, make_user: Any, name: str, needs: bool
) -> None:
    url = _url(name, make_election(make_user("coordinator")), needs)
    for role in ("coordinator", "administrator"):
        client.force_login(make_user(role))
        response = client.get(url)
        assert response.status_code == 200, role
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_page_answers_anonymous_visitors(
    client: Any, closed_election: Any, name: str
) -> None:
    assert client.get(_url(name, closed_election)).status_code == 200


@pytest.mark.parametrize("name", PUBLIC)
def test_public_page_of_a_draft_election_does_not_exist(
    client: Any, make_user: Any, name: str
) -> None:
    draft = make_election(make_user("coordinator"))
    assert client.get(_url(name, draft)).status_code == 404


@pytest.mark.parametrize("name", ["elections:blt", "elections:results_json"])
def test_result_files_do_not_exist_before_the_close(client: Any, make_user: Any, name: str) -> None:
    election, _codes = ready(make_user("coordinator"))
    assert client.get(_url(name, election)).status_code == 404


def test_results_and_ballots_pages_say_they_wait_for_the_close(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"))
    (receipt,) = cast_all(election, codes[:1], [[0]])
    for name in ("elections:results", "elections:ballots"):
        response = client.get(_url(name, election), {"receipt": receipt})
        assert response.status_code == 200
        page = response.content.decode()
        assert f'class="key">{receipt}' not in page  # not listed
        assert "looked_up" not in response.context  # not looked up


def test_nav_item_resolves_to_the_election_list(client: Any, make_user: Any) -> None:
    client.force_login(make_user("coordinator"))
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("elections:elections")}"' in home


def test_the_elections_catalog_is_complete_and_not_fuzzy() -> None:
    from pathlib import Path

    import recuento.web.elections

    po = (
        Path(recuento.web.elections.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
    ).read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    assert not re.search(r'msgstr(\[\d\])? ""\n\n', po.split("\n\n", 1)[1] + "\n")


def test_the_voting_page_is_in_spanish_and_in_english(client: Any, make_user: Any) -> None:
    election, _codes = ready(make_user("coordinator"))
    url = _url("elections:vote", election)
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Emitir mi voto" in spanish and "Numere las candidaturas" in spanish
    assert "Cast my ballot" in english and "Number the candidates" in english


def test_a_refused_code_is_explained_in_the_visitors_language(client: Any, make_user: Any) -> None:
    election, _codes = ready(make_user("coordinator"))
    url = _url("elections:vote", election)
    paper = {"code": "AAAA-BBBB-CCCC-DDDD", "rank_0": "1"}
    spanish = client.post(url, paper, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.post(url, paper, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Este código no es válido para esta elección" in spanish
    assert "This code is not valid for this election" in english
