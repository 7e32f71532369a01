"""Elections: creating them, freezing the electorate, codes, voting, anonymity, the close."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, models  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from recuento.web.audit.log import verify  # noqa: E402
from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.elections import services  # noqa: E402
from recuento.web.elections.models import Ballot, Code, Election, Voter  # noqa: E402

from .test_web_elections_helpers import (  # noqa: E402
    HOUR,
    cast_all,
    end_voting,
    freeze,
    issue,
    make_election,
    now,
    ready,
    voters_csv,
)
from .test_web_roll_helpers import make_member  # noqa: E402

CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


@pytest.fixture(autouse=True)
def english(client: Any) -> Iterator[None]:
    """Messages are checked in English here (the site's default language is Spanish)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator(make_user: Any, client: Any) -> Any:
    user = make_user("coordinator")
    client.force_login(user)
    return user


def _when(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


# ---------------------------------------------------------------- creating


def test_creating_an_election_stores_rules_candidates_and_a_seed_and_is_audited(
    client: Any, coordinator: Any
) -> None:
    response = client.post(
        reverse("elections:new"),
        {
            "title": "NCG región norte",
            "method": "stv",
            "seats": 4,
            "opens_at": _when(now() + HOUR),
            "closes_at": _when(now() + 48 * HOUR),
            "quotas_text": "women:2",
            "candidates_text": "Ana [women]\nBea [women]\nCarla [women]\nDani\nEloy\n",
        },
    )
    election = Election.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("elections:election", args=[election.pk])
    assert (election.method, election.seats, election.quotas) == ("stv", 4, {"women": 2})
    names = list(election.candidates.values_list("name", "groups"))
    assert names[:2] == [("Ana", "women"), ("Bea", "women")] and names[3] == ("Dani", "")
    assert 0 <= election.lot_seed < 2**31
    entry = Entry.objects.get(action="create", object_type="election")
    assert entry.user == coordinator and entry.detail["candidates"] == 5


def test_a_consultation_gets_yes_no_and_abstain_whatever_the_candidates(
    client: Any, coordinator: Any
) -> None:
    client.post(
        reverse("elections:new"),
        {
            "title": "Consulta sobre los estatutos",
            "method": "yesno",
            "seats": 3,
            "opens_at": _when(now() + HOUR),
            "closes_at": _when(now() + 48 * HOUR),
            "candidates_text": "ignored",
        },
    )
    election = Election.objects.get()
    assert election.seats == 1
    assert [c.name for c in election.candidates.all()] == [
        "Sí / Yes",
        "No / No",
        "Abstención / Abstain",
    ]


def test_rules_that_cannot_be_counted_are_refused_with_every_reason(
    client: Any, coordinator: Any
) -> None:
    response = client.post(
        reverse("elections:new"),
        {
            "title": "Mal planteada",
            "method": "block",
            "seats": 3,
            "opens_at": _when(now() + 2 * HOUR),
            "closes_at": _when(now() + HOUR),
            "quotas_text": "women:1",
            "candidates_text": "Ana\nBea\n",
        },
    )
    assert response.status_code == 200
    errors = " ".join(str(e) for e in response.context["form"].errors.values())
    assert "close after it opens" in errors
    assert "3 seats but only 2 candidates" in errors
    assert "only to STV and Meek" in errors
    assert not Election.objects.exists()


def test_zero_seats_is_a_form_error_not_a_database_error(client: Any, coordinator: Any) -> None:
    response = client.post(
        reverse("elections:new"),
        {
            "title": "Sin puestos",
            "method": "stv",
            "seats": 0,
            "opens_at": _when(now() + HOUR),
            "closes_at": _when(now() + 2 * HOUR),
            "candidates_text": "Ana\nBea",
        },
    )
    assert response.status_code == 200
    assert "greater than or equal to 1" in str(response.context["form"].errors["seats"])
    assert not Election.objects.exists()


def test_a_draft_can_change_and_the_change_is_audited(client: Any, coordinator: Any) -> None:
    election = make_election(coordinator)
    response = client.post(
        reverse("elections:edit", args=[election.pk]),
        {
            "title": election.title,
            "method": "meek",
            "seats": 1,
            "opens_at": _when(election.opens_at),
            "closes_at": _when(election.closes_at),
            "candidates_text": "Ana\nBea\nCarlos",
        },
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert (election.method, election.candidates.count()) == ("meek", 3)
    assert Entry.objects.get(action="change").detail["fields"]


def test_rules_and_candidates_cannot_change_once_codes_are_issued(
    client: Any, coordinator: Any
) -> None:
    election, _codes = ready(coordinator)
    response = client.post(
        reverse("elections:edit", args=[election.pk]),
        {"title": "Otra", "method": "block", "seats": 1, "candidates_text": "X"},
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.title != "Otra" and election.method == "stv"
    with pytest.raises(services.ElectionError, match="cannot change"):
        services.set_candidates(election, services.parse_candidates("X"))


# ---------------------------------------------------------------- electorate


def test_freezing_from_an_uploaded_list_stores_a_snapshot_and_is_audited(
    client: Any, coordinator: Any
) -> None:
    election = make_election(coordinator)
    response = client.post(
        reverse("elections:electorate", args=[election.pk]),
        {
            "cutoff": _when(now() - HOUR),
            "source": "csv",
            "file": SimpleUploadedFile("votantes.csv", voters_csv(4)),
        },
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert election.electorate_size == 4 and election.electorate_source == "csv"
    first = election.voters.order_by("reference").values_list("reference", "email").first()
    assert first == ("M1", "v1@example.org")
    assert len(election.electorate_digest) == 64
    entry = Entry.objects.get(action="freeze_electorate")
    assert entry.detail["voters"] == 4
    assert "Votante" not in str(entry.detail)
    # Seeing the electorate (personal data) is audited too.
    assert client.get(reverse("elections:electorate", args=[election.pk])).status_code == 200
    assert Entry.objects.filter(action="view", object_type="electorate").count() == 1


def test_an_electorate_is_frozen_once_only(coordinator: Any) -> None:
    election = make_election(coordinator)
    freeze(election, 3)
    with pytest.raises(services.ElectionError, match="already frozen"):
        freeze(election, 5)
    assert Voter.objects.filter(election=election).count() == 3


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (b"id,full_name,email\nM1,Ana Uno,a@x.org\nM1,Otra Persona,b@x.org\n", "repeat a member"),
        (b"id,full_name,email\nM1,Ana Uno,a@x.org\n,Sin Numero,c@x.org\n", "line 3"),
    ],
)
def test_a_list_with_unusable_rows_is_refused_whole_and_nothing_is_stored(
    coordinator: Any, rows: bytes, problem: str
) -> None:
    election = make_election(coordinator)
    with pytest.raises(services.ElectionError, match=problem) as caught:
        services.freeze_from_csv(election, SimpleUploadedFile("v.csv", rows), cutoff=now() - HOUR)
    assert "Otra" not in str(caught.value) and "Sin Numero" not in str(caught.value)
    election.refresh_from_db()
    assert not election.electorate_frozen and not Voter.objects.exists()


def test_an_exact_repeated_row_is_one_voter(coordinator: Any) -> None:
    election = make_election(coordinator)
    rows = b"id,full_name,email\nM1,Ana Uno,a@x.org\nM1,Ana Uno,a@x.org\nM2,Bea Dos,\n"
    frozen = services.freeze_from_csv(election, SimpleUploadedFile("v.csv", rows), cutoff=now())
    assert (frozen.voters, frozen.read, frozen.duplicates) == (2, 3, 1)


def test_freezing_from_the_roll_takes_the_members_eligible_at_the_cut_off_as_a_snapshot(
    client: Any, coordinator: Any
) -> None:
    make_member("M1")
    make_member("M2", end_date=dt.date(2017, 4, 30))  # expired by 1 June 2017
    make_member("M3")
    election = make_election(coordinator)
    response = client.post(
        reverse("elections:electorate", args=[election.pk]),
        {"cutoff": "2017-06-01T12:00", "source": "roll"},
    )
    assert response.status_code == 302
    assert list(Voter.objects.values_list("reference", flat=True)) == ["M1", "M3"]
    # A later change to the roll does not change the frozen electorate.
    from recuento.web.roll.models import Member

    Member.objects.filter(member_id="M3").update(full_name="Cambiado", email="")
    make_member("M4")
    assert list(Voter.objects.values_list("reference", "name")) == [
        ("M1", "Member M1"),
        ("M3", "Member M3"),
    ]


# ---------------------------------------------------------------- codes


def test_codes_are_produced_once_for_distribution_and_stored_only_as_unlinked_hashes(
    client: Any, coordinator: Any
) -> None:
    election = make_election(coordinator)
    freeze(election, 4)
    response = client.post(
        reverse("elections:codes", args=[election.pk]), {"format": "csv", "confirm": "on"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-codes.csv"')
    sheet = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["member_id"] for r in sheet] == ["M1", "M2", "M3", "M4"]
    assert all(CODE.fullmatch(r["code"]) for r in sheet)
    assert sheet[0]["voting_page"].endswith(reverse("elections:vote", args=[election.pk]))
    codes = {r["code"] for r in sheet}
    assert len(codes) == 4
    stored = list(Code.objects.filter(election=election).values_list("digest", flat=True))
    assert sorted(stored) == sorted(services.code_digest(election.pk, c) for c in codes)
    # Nothing stored holds a code in the clear, or says whose a code is.
    with connection.cursor() as cursor:
        for table in ("elections_code", "elections_voter", "elections_election"):
            cursor.execute(f"SELECT * FROM {table}")
            text = str(cursor.fetchall())
            assert not any(c in text for c in codes), table
    assert {f.name for f in Code._meta.get_fields()} == {"id", "election", "digest"}
    entry = Entry.objects.get(action="issue_codes")
    assert entry.detail == {"codes": 4, "format": "csv"}


def test_code_messages_are_in_spanish_and_english(client: Any, coordinator: Any) -> None:
    election = make_election(coordinator)
    freeze(election, 2)
    response = client.post(
        reverse("elections:codes", args=[election.pk]), {"format": "emails", "confirm": "on"}
    )
    text = response.content.decode()
    assert text.count("To: v") == 2
    assert "Tu código para votar" in text and "Your code to vote" in text
    assert len(set(CODE.findall(text))) == 2  # each code once in each language


def test_codes_need_the_confirmation_and_a_frozen_electorate(client: Any, coordinator: Any) -> None:
    election = make_election(coordinator)
    url = reverse("elections:codes", args=[election.pk])
    assert client.post(url, {"format": "csv"}).status_code == 200  # form again, no codes
    response = client.post(url, {"format": "csv", "confirm": "on"})
    assert "Freeze the electorate" in str(response.context["form"].non_field_errors())
    assert not Code.objects.exists()


def test_new_codes_before_opening_invalidate_the_old_ones(coordinator: Any) -> None:
    election = make_election(coordinator, opens_at=now() + HOUR, closes_at=now() + 9 * HOUR)
    freeze(election, 3)
    old = issue(election)
    new = issue(election)
    assert Code.objects.count() == 3
    stored = set(Code.objects.values_list("digest", flat=True))
    assert not stored & {services.code_digest(election.pk, c) for c in old}
    assert stored == {services.code_digest(election.pk, c) for c in new}


def test_new_codes_are_refused_once_voting_has_opened(coordinator: Any) -> None:
    election, _codes = ready(coordinator, 3)
    with pytest.raises(services.ElectionError, match="voting has opened"):
        services.issue_codes(election)
    assert Code.objects.count() == 3


# ---------------------------------------------------------------- voting


def _vote(client: Any, election: Any, code: str, **choices: Any) -> Any:
    return client.post(reverse("elections:vote", args=[election.pk]), {"code": code, **choices})


def test_a_code_works_once_only(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 2)
    first = _vote(client, election, codes[0], rank_0="1", rank_2="2")
    assert first.status_code == 200 and "receipt" in first.context
    second = _vote(client, election, codes[0], rank_1="1")
    assert "receipt" not in second.context
    assert "already been used" in str(second.context["form"].non_field_errors())
    assert list(Ballot.objects.values_list("preferences", flat=True)) == [[0, 2]]


def test_a_code_may_be_typed_in_lower_case_without_dashes(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 1)
    typed = codes[0].replace("-", " ").lower()
    assert "receipt" in _vote(client, election, typed, rank_3="1").context


def test_an_unknown_code_and_a_used_code_get_the_same_answer(make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 1)
    cast_all(election, codes, [[0]])
    with pytest.raises(services.ElectionError) as used:
        services.cast(election.pk, codes[0], [1])
    with pytest.raises(services.ElectionError) as unknown:
        services.cast(election.pk, "AAAA-BBBB-CCCC-DDDD", [1])
    assert str(used.value) == str(unknown.value)


def test_a_code_of_another_election_is_not_valid_here(make_user: Any) -> None:
    user = make_user("coordinator")
    _first, codes = ready(user, 1)
    second, _other = ready(user, 1, title="Otra elección")
    with pytest.raises(services.ElectionError, match="not valid"):
        services.cast(second.pk, codes[0], [0])


def test_a_closed_election_refuses_ballots(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 3)
    cast_all(election, codes[:1], [[0]])
    end_voting(election)
    # After the voting period, before the close.
    with pytest.raises(services.ElectionError, match="not accepting"):
        services.cast(election.pk, codes[1], [0])
    services.close(election.pk)
    with pytest.raises(services.ElectionError, match="not accepting"):
        services.cast(election.pk, codes[2], [0])
    response = _vote(client, election, codes[2], rank_0="1")
    assert "receipt" not in response.context
    assert Ballot.objects.count() == 1


def test_voting_before_the_opening_is_refused(make_user: Any) -> None:
    user = make_user("coordinator")
    election = make_election(user, opens_at=now() + HOUR, closes_at=now() + 5 * HOUR)
    freeze(election, 1)
    (code,) = issue(election)
    with pytest.raises(services.ElectionError, match="not accepting"):
        services.cast(election.pk, code, [0])
    assert Code.objects.count() == 1


@pytest.mark.parametrize(
    ("choices", "problem"),
    [
        ({"rank_0": "1", "rank_1": "3"}, "without repeating or skipping"),
        ({"rank_0": "1", "rank_1": "1"}, "without repeating or skipping"),
    ],
)
def test_a_ranking_with_gaps_or_repeats_is_refused_and_the_code_kept(
    client: Any, make_user: Any, choices: dict[str, str], problem: str
) -> None:
    election, codes = ready(make_user("coordinator"), 1)
    response = _vote(client, election, codes[0], **choices)
    assert problem in str(response.context["form"].non_field_errors())
    assert Code.objects.count() == 1 and not Ballot.objects.exists()


def test_a_block_vote_marking_more_than_the_seats_is_refused(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 1, method="block", seats=2)
    response = _vote(client, election, codes[0], marks=["0", "1", "2"])
    assert "at most 2" in str(response.context["form"].non_field_errors())
    ok = _vote(client, election, codes[0], marks=["2", "0"])
    assert "receipt" in ok.context
    assert Ballot.objects.get().preferences == [0, 2]


def test_a_consultation_paper_takes_one_answer(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 1, method="yesno")
    assert "receipt" in _vote(client, election, codes[0], answer="1").context
    assert Ballot.objects.get().preferences == [1]


# ---------------------------------------------------------------- anonymity


def test_a_ballot_row_holds_no_voter_reference(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 3)
    _vote(client, election, codes[1], rank_1="1", rank_0="2")
    fields = {f.name: f for f in Ballot._meta.get_fields()}
    assert set(fields) == {"id", "election", "receipt", "preferences"}
    relations = [f.name for f in fields.values() if f.is_relation]
    assert relations == ["election"]
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in fields.values())
    # No model points at a ballot either.
    assert not [f for f in Ballot._meta.get_fields() if f.auto_created and not f.concrete]
    # The stored row holds nothing of the voter or of the code.
    voter = Voter.objects.get(reference="M2")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM elections_ballot")
        rows = cursor.fetchall()
        columns = {c[0] for c in cursor.description}
    assert columns == {"id", "election_id", "receipt", "preferences"}
    text = str(rows)
    for value in (voter.reference, voter.name, voter.email, codes[1]):
        assert value not in text
    assert services.code_digest(election.pk, codes[1]) not in text
    # The voter's row is the same as before voting: nothing marks who voted.
    assert {f.name for f in Voter._meta.get_fields()} == {
        "id",
        "election",
        "reference",
        "name",
        "email",
    }


def test_casting_a_ballot_writes_nothing_to_the_audit_log(client: Any, make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 1)
    before = Entry.objects.count()
    assert "receipt" in _vote(client, election, codes[0], rank_0="1").context
    assert Entry.objects.count() == before


def test_ballots_are_listed_by_receipt_not_in_the_order_they_were_cast(make_user: Any) -> None:
    election, codes = ready(make_user("coordinator"), 12)
    receipts = cast_all(election, codes, [[i % 4] for i in range(12)])
    end_voting(election)
    services.close(election.pk)
    listed = list(Ballot.objects.filter(election=election).values_list("receipt", flat=True))
    assert listed == sorted(receipts)
    # Ballot ids are random, not a sequence that follows the order of casting.
    ids = list(Ballot.objects.values_list("id", flat=True))
    assert all(i.version == 4 for i in ids)


# ---------------------------------------------------------------- close and receipts


def test_close_is_refused_before_voting_ends(client: Any, coordinator: Any) -> None:
    election, _codes = ready(coordinator, 1)
    response = client.post(reverse("elections:close", args=[election.pk]), follow=True)
    assert "only after voting has ended" in response.content.decode()
    election.refresh_from_db()
    assert election.status == "issued"


def test_closing_counts_publishes_and_is_audited(client: Any, coordinator: Any) -> None:
    election, codes = ready(coordinator, 5, seats=2, quotas={"women": 1})
    cast_all(election, codes, [[2, 0], [2, 3], [3, 2], [2], [1, 0]])
    end_voting(election)
    response = client.post(reverse("elections:close", args=[election.pk]))
    assert response.status_code == 302
    assert response.url == reverse("elections:results", args=[election.pk])
    election.refresh_from_db()
    assert election.status == "closed" and election.result["valid"] == 5
    assert "Carlos" in election.result["elected"]
    assert any(n in election.result["elected"] for n in ("Ana", "Bea"))  # the quota
    assert "Etapa" in election.result_text_es and "Stage" in election.result_text_en
    assert not Code.objects.exists()  # unused codes are dropped
    entry = Entry.objects.get(action="close")
    assert entry.detail == {"ballots": 5, "electorate": 5, "elected": 2, "method": "stv"}
    assert verify().ok
    page = client.get(reverse("elections:results", args=[election.pk])).content.decode()
    assert "recuento tally election-" in page and "--quota women:1" in page
    assert "--seed 2026" in page


def test_a_voter_finds_their_receipt_on_the_public_list_after_the_close(
    client: Any, make_user: Any
) -> None:
    election, codes = ready(make_user("coordinator"), 2)
    voted = _vote(client, election, codes[0], rank_3="1", rank_1="2")
    receipt = voted.context["receipt"]
    assert receipt in voted.content.decode()
    cast_all(election, codes[1:], [[0]])
    end_voting(election)
    services.close(election.pk)
    client.logout()
    url = reverse("elections:ballots", args=[election.pk])
    listing = client.get(url).content.decode()
    assert receipt in listing
    found = client.get(url, {"receipt": receipt.lower().replace("-", "")})
    assert found.context["found"] == "1. Dani; 2. Bea"
    missing = client.get(url, {"receipt": "AAAA-BBBB-CCCC"})
    assert missing.context["found"] is None


def test_an_election_with_no_ballot_closes_with_no_result(client: Any, make_user: Any) -> None:
    election, _codes = ready(make_user("coordinator"), 2)
    end_voting(election)
    election = services.close(election.pk)
    assert election.status == "closed" and election.result is None
    assert election.blt.startswith("4 2\n0\n")
    page = client.get(reverse("elections:results", args=[election.pk])).content.decode()
    assert "no valid paper" in page or "ninguna papeleta" in page


def test_a_failed_count_leaves_the_election_open(make_user: Any) -> None:
    # A block vote whose only tie survives needs a lot: the seed decides it, so force a
    # failure another way: a consultation's electorate smaller than the papers is refused
    # by the engine.
    election, codes = ready(make_user("coordinator"), 2, method="yesno")
    cast_all(election, codes, [[0], [1]])
    Election.objects.filter(pk=election.pk).update(electorate_size=1)
    end_voting(election)
    with pytest.raises(services.ElectionError, match="count failed"):
        services.close(election.pk)
    election.refresh_from_db()
    assert election.status == "issued" and election.result is None
    assert Code.objects.count() == 0 and Ballot.objects.count() == 2


def test_election_list_and_detail_show_counts_but_no_voter(client: Any, coordinator: Any) -> None:
    election, codes = ready(coordinator, 3)
    cast_all(election, codes[:2], [[0], [1]])
    listing = client.get(reverse("elections:elections")).content.decode()
    assert election.title in listing
    detail = client.get(reverse("elections:election", args=[election.pk]))
    assert detail.context["cast"] == 2 and detail.context["unused_codes"] == 1
    assert "Votante" not in detail.content.decode()


def test_after_the_close_the_stored_order_of_ballots_is_the_receipt_order(
    make_user: Any,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("rowid is SQLite's; PostgreSQL's ctid is checked in the postgres test")
    election, codes = ready(make_user("coordinator"), 10)
    receipts = cast_all(election, codes, [[i % 4] for i in range(10)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt FROM elections_ballot ORDER BY rowid")
        assert [r for (r,) in cursor.fetchall()] == receipts  # the order of casting
    end_voting(election)
    services.close(election.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt FROM elections_ballot ORDER BY rowid")
        assert [r for (r,) in cursor.fetchall()] == sorted(receipts)
    assert Ballot.objects.count() == 10
