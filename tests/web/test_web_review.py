"""The review queue: uncertain pairs by impact, side by side, decided and audited."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.urls import reverse  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.registry.models import Record  # noqa: E402
from recuento.web.review.models import PairDecision  # noqa: E402
from recuento.web.review.services import (  # noqa: E402
    canonical,
    decide,
    engine_decisions,
    latest_decisions,
)
from recuento.web.runs.models import Run, UncertainPair  # noqa: E402

COMPARISONS = [
    {"column": "name", "level": "the same names by sound", "agrees": True, "weight": 7.5},
    {"column": "birth", "level": "All other comparisons", "agrees": False, "weight": -4.25},
    {"column": "sex", "level": "null", "agrees": None, "weight": 0.0},
]
# Synthetic values, as a run stores them.
LEFT = {"full_name": "Ana Peres", "birth_date": "1990-03-04", "sex": None}
RIGHT = {"full_name": "Ana Pérez", "birth_date": "1971", "sex": "F"}


@pytest.fixture
def queue(make_user: Any, make_source: Any) -> dict[str, Any]:
    """A finished run of two lists with three uncertain pairs (and an older run)."""
    prensa, ong = make_source("prensa"), make_source("ong")
    analyst = make_user("analyst")
    older = Run.objects.create(created_by=analyst, status=Run.Status.DONE, result={})
    UncertainPair.objects.create(
        run=older,
        left_source=prensa,
        left_id="9",
        right_source=ong,
        right_id="z",
        probability=0.5,
        match_weight=0.0,
        impact=5.0,
    )
    run = Run.objects.create(created_by=analyst, status=Run.Status.DONE, result={})
    Run.objects.create(created_by=analyst, status=Run.Status.FAILED)
    pairs = [
        UncertainPair.objects.create(
            run=run,
            left_source=left,
            left_id=lid,
            right_source=right,
            right_id=rid,
            probability=p,
            match_weight=w,
            impact=impact,
            same_person=same,
            comparisons=COMPARISONS,
            records={"left": LEFT, "right": RIGHT},
        )
        for left, lid, right, rid, p, w, impact, same in (
            (prensa, "1", ong, "a", 0.7, 1.2, 1.2, True),
            (prensa, "2", ong, "b", 0.5, 0.0, 2.0, False),
            (prensa, "3", prensa, "4", 0.3, -1.2, 0.6, False),
        )
    ]
    return {"run": run, "pairs": pairs, "prensa": prensa, "ong": ong, "older": older}


PROTECTED = [
    ("review:queue", False, "analyst", "reviewer", "get"),
    ("review:queue_json", False, "analyst", "coordinator", "get"),
    ("review:pair", True, "analyst", "reviewer", "get"),
    ("review:pair_json", True, "analyst", "reviewer", "get"),
    ("review:decide", True, "analyst", "reviewer", "post"),
]


def url_for(name: str, needs_pair: bool, queue: dict[str, Any]) -> str:
    if not needs_pair:
        return reverse(name)
    return reverse(name, kwargs={"pk": queue["pairs"][0].pk})


@pytest.mark.parametrize(("name", "needs_pair", "wrong", "right", "method"), PROTECTED)
def test_review_pages_send_anonymous_visitors_to_login(
    client: Any,
    queue: dict[str, Any],
    name: str,
    needs_pair: bool,
    wrong: str,
    right: str,
    method: str,
) -> None:
    url = url_for(name, needs_pair, queue)
    response = getattr(client, method)(url, {"decision": "same"} if method == "post" else None)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"
    assert not PairDecision.objects.exists()


@pytest.mark.parametrize(("name", "needs_pair", "wrong", "right", "method"), PROTECTED)
def test_review_pages_are_403_for_a_role_without_the_action(
    client: Any,
    make_user: Any,
    queue: dict[str, Any],
    name: str,
    needs_pair: bool,
    wrong: str,
    right: str,
    method: str,
) -> None:
    url = url_for(name, needs_pair, queue)
    for user in (make_user(wrong), make_user(None)):
        client.force_login(user)
        response = getattr(client, method)(url, {"decision": "same"} if method == "post" else None)
        assert response.status_code == 403
    assert not PairDecision.objects.exists()


@pytest.mark.parametrize(("name", "needs_pair", "wrong", "right", "method"), PROTECTED)
def test_review_pages_answer_the_right_role(
    client: Any,
    make_user: Any,
    queue: dict[str, Any],
    name: str,
    needs_pair: bool,
    wrong: str,
    right: str,
    method: str,
) -> None:
    url = url_for(name, needs_pair, queue)
    client.force_login(make_user(right))
    response = getattr(client, method)(url, {"decision": "same"} if method == "post" else None)
    assert response.status_code == (302 if method == "post" else 200)
    assert "no-store" in response["Cache-Control"]


def test_queue_lists_the_newest_finished_runs_pairs_by_impact(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    client.force_login(make_user("reviewer"))
    body = client.get(reverse("review:queue_json")).json()
    assert body["run"] == queue["run"].pk
    assert [p["id"] for p in body["pairs"]] == [
        queue["pairs"][1].pk,
        queue["pairs"][0].pk,
        queue["pairs"][2].pk,
    ]
    assert body["pairs"][0]["left"] == {"source": "prensa", "id": "2"}
    assert body["pairs"][0]["decision"] is None
    page = client.get(reverse("review:queue")).content.decode()
    assert page.index(f'href="/review/{queue["pairs"][1].pk}/"') < page.index(
        f'href="/review/{queue["pairs"][0].pk}/"'
    )


def test_queue_shows_no_personal_value(client: Any, make_user: Any, queue: dict[str, Any]) -> None:
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("review:queue")).content.decode()
    assert "Ana" not in page


def test_queue_without_a_finished_run_says_so(client: Any, make_user: Any, db: Any) -> None:
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("review:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No run has finished yet" in page
    assert client.get(reverse("review:queue_json")).json()["pairs"] == []


def test_queue_pins_its_query_count(
    client: Any,
    make_user: Any,
    queue: dict[str, Any],
    django_assert_num_queries: Any,
) -> None:
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    decide(reviewer, queue["pairs"][0], "same")
    client.get(reverse("review:queue"))
    # session, user, permissions (one query), newest run, count, pairs, decisions, first
    # undecided pair (no transaction: the page only reads)
    with django_assert_num_queries(8):
        client.get(reverse("review:queue"))
    for k in range(5):
        UncertainPair.objects.create(
            run=queue["run"],
            left_source=queue["prensa"],
            left_id=f"x{k}",
            right_source=queue["ong"],
            right_id=f"y{k}",
            probability=0.4,
            match_weight=-0.5,
            impact=0.1,
        )
        decide(reviewer, UncertainPair.objects.order_by("-pk").first(), "different")
    with django_assert_num_queries(8):
        client.get(reverse("review:queue"))
    with django_assert_num_queries(7):
        client.get(reverse("review:queue_json"))
    with django_assert_num_queries(8):
        client.get(reverse("review:queue") + "?undecided=1")


def test_pair_page_shows_both_records_each_comparison_its_level_and_weight(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    client.force_login(make_user("reviewer"))
    pair = queue["pairs"][0]
    page = client.get(
        reverse("review:pair", kwargs={"pk": pair.pk}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Ana Peres" in page and "Ana Pérez" in page
    assert "the same names by sound" in page and "7.5" in page
    assert "-4.2" in page or "-4.3" in page
    assert 'class="agrees"' in page and 'class="disagrees"' in page and 'class="missing"' in page
    # Keyboard shortcuts: s, d, u decide; n and p move.
    for key in "sdu":
        assert f'data-key="{key}"' in page
    assert 'id="next"' in page


def test_pair_page_is_in_spanish_for_a_spanish_reader(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    client.force_login(make_user("reviewer"))
    page = client.get(
        reverse("review:pair", kwargs={"pk": queue["pairs"][0].pk}), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "the same names by sound" not in page
    assert "Misma persona" in page


def test_pair_page_prefers_the_registrys_records(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    Record.objects.create(source=queue["prensa"], record_id="1", full_name="Ana Registro Uno")
    client.force_login(make_user("reviewer"))
    body = client.get(reverse("review:pair_json", kwargs={"pk": queue["pairs"][0].pk})).json()
    assert body["pair"]["records"]["left"]["full_name"] == "Ana Registro Uno"
    assert body["pair"]["records"]["right"]["full_name"] == "Ana Pérez"
    assert body["pair"]["comparisons"] == COMPARISONS


def test_viewing_a_pair_is_audited_without_its_values(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    pair = queue["pairs"][0]
    client.get(reverse("review:pair", kwargs={"pk": pair.pk}))
    entry = Entry.objects.get(action="view", object_type="pair")
    assert entry.user == reviewer and entry.object_id == str(pair.pk)
    assert "Ana" not in str(entry.detail)


def test_deciding_records_who_and_what_audits_it_and_goes_to_the_next_undecided_pair(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    first, second, third = queue["pairs"][1], queue["pairs"][0], queue["pairs"][2]
    decide(reviewer, second, "unsure")
    response = client.post(reverse("review:decide", kwargs={"pk": first.pk}), {"decision": "same"})
    assert response.url == reverse("review:pair", kwargs={"pk": third.pk})
    decision = PairDecision.objects.order_by("-pk").first()
    assert (decision.decision, decision.decided_by) == ("same", reviewer)
    assert (decision.left_source, decision.left_id) == (queue["ong"], "b") or (
        decision.left_source,
        decision.left_id,
    ) == (queue["prensa"], "2")
    entry = Entry.objects.filter(action="decide").order_by("-pk").first()
    assert entry.user == reviewer and entry.detail["decision"] == "same"
    assert entry.object_type == "pair" and entry.object_id == str(decision.pk)
    # The last pair decided: back to the queue.
    response = client.post(
        reverse("review:decide", kwargs={"pk": third.pk}), {"decision": "different"}
    )
    assert response.url == reverse("review:queue")


def test_an_unknown_decision_is_refused(client: Any, make_user: Any, queue: dict[str, Any]) -> None:
    client.force_login(make_user("reviewer"))
    pair = queue["pairs"][0]
    response = client.post(reverse("review:decide", kwargs={"pk": pair.pk}), {"decision": "maybe"})
    assert response.url == reverse("review:pair", kwargs={"pk": pair.pk})
    assert not PairDecision.objects.exists()


def test_decisions_are_only_added_and_the_newest_counts(
    make_user: Any, queue: dict[str, Any]
) -> None:
    reviewer = make_user("reviewer")
    pair = queue["pairs"][0]
    first = decide(reviewer, pair, "same")
    decide(make_user("coordinator"), pair, "different")
    assert PairDecision.objects.count() == 2
    assert list(latest_decisions([queue["prensa"], queue["ong"]]).values()) == ["different"]
    first.decision = "unsure"
    with pytest.raises(RuntimeError, match="never changed"):
        first.save()
    with pytest.raises(RuntimeError, match="never deleted"):
        first.delete()


def test_the_engine_gets_the_newest_decisions_by_list_name_without_unsure(
    make_user: Any, queue: dict[str, Any]
) -> None:
    reviewer = make_user("reviewer")
    a, b, c = queue["pairs"]
    decide(reviewer, a, "different")
    decide(reviewer, a, "same")
    decide(reviewer, b, "same")
    decide(reviewer, b, "unsure")
    decide(reviewer, c, "different")
    decisions = engine_decisions([queue["prensa"], queue["ong"]])
    assert sorted(decisions) == sorted(
        [
            (*_names(queue, a), True),
            (*_names(queue, c), False),
        ]
    )
    # A run of one list only gets the decisions within it.
    assert engine_decisions([queue["prensa"]]) == [(*_names(queue, c), False)]


def _names(queue: dict[str, Any], pair: UncertainPair) -> tuple[str, str, str, str]:
    names = {queue["prensa"].pk: "prensa", queue["ong"].pk: "ong"}
    ls, li, rs, ri = canonical(
        pair.left_source_id, pair.left_id, pair.right_source_id, pair.right_id
    )
    return (names[ls], li, names[rs], ri)


def test_a_pair_is_the_same_pair_whichever_record_comes_first() -> None:
    assert canonical(2, "b", 1, "a") == canonical(1, "a", 2, "b") == (1, "a", 2, "b")


def test_previous_and_next_follow_the_queues_order(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    client.force_login(make_user("reviewer"))
    first, second, third = queue["pairs"][1], queue["pairs"][0], queue["pairs"][2]
    page = client.get(reverse("review:pair", kwargs={"pk": second.pk})).content.decode()
    assert f'id="previous" href="/review/{first.pk}/"' in page
    assert f'id="next" href="/review/{third.pk}/"' in page


def test_each_pairs_neighbours_are_the_ones_before_and_after_it_in_the_queue(
    queue: dict[str, Any],
) -> None:
    from recuento.web.review.services import neighbours

    run = queue["run"]
    UncertainPair.objects.bulk_create(
        [
            UncertainPair(
                run=run if k % 5 else queue["older"],
                left_source=queue["prensa"],
                left_id=f"t{k}",
                right_source=queue["ong"],
                right_id=f"u{k}",
                probability=0.4,
                match_weight=0.0,
                impact=(k % 4) / 4,  # ties, broken by number
            )
            for k in range(40)
        ]
    )
    for r in (run, queue["older"]):
        order = list(
            UncertainPair.objects.filter(run=r)
            .order_by("-impact", "pk")
            .values_list("pk", flat=True)
        )
        for i, pk in enumerate(order):
            before, after = neighbours(UncertainPair.objects.get(pk=pk))
            assert (before.pk if before else None) == (order[i - 1] if i else None)
            assert (after.pk if after else None) == (order[i + 1] if i + 1 < len(order) else None)


def test_queue_can_show_only_the_pairs_nobody_has_decided(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    first, second, third = queue["pairs"][1], queue["pairs"][0], queue["pairs"][2]
    decide(reviewer, first, "same")
    decide(reviewer, third, "unsure")
    body = client.get(reverse("review:queue_json") + "?undecided=1").json()
    assert [p["id"] for p in body["pairs"]] == [second.pk]
    page = client.get(reverse("review:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The first undecided pair of the whole queue is offered.
    assert f'<a href="/review/{second.pk}/">Review the first undecided pair</a>' in page


def test_after_a_decision_the_next_undecided_pair_is_found_whichever_order_it_was_decided_in(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    first, second, third = queue["pairs"][1], queue["pairs"][0], queue["pairs"][2]
    # A decision made on the same two records named the other way round.
    PairDecision.objects.create(
        left_source=second.right_source,
        left_id=second.right_id,
        right_source=second.left_source,
        right_id=second.left_id,
        decision="different",
        decided_by=reviewer,
    )
    response = client.post(reverse("review:decide", kwargs={"pk": first.pk}), {"decision": "same"})
    assert response.url == reverse("review:pair", kwargs={"pk": third.pk})


def test_pair_page_pins_its_query_count(
    client: Any, make_user: Any, queue: dict[str, Any], django_assert_num_queries: Any
) -> None:
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    pair = queue["pairs"][0]
    decide(reviewer, pair, "same")
    url = reverse("review:pair", kwargs={"pk": pair.pk})
    client.get(url)
    from django.db import connection

    # session, user, permissions (one query), the pair with its lists' names, the two
    # records, the decisions, the audit entry (BEGIN, last digest, INSERT, COMMIT on SQLite;
    # one more on PostgreSQL), the previous and next pairs; no transaction around the page
    # (it writes only its audit entry)
    expected = {"sqlite": 12, "postgresql": 13}[connection.vendor]
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_queue_pages_past_the_first_keep_the_order_by_impact(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    run = queue["run"]
    UncertainPair.objects.bulk_create(
        [
            UncertainPair(
                run=run,
                left_source=queue["prensa"],
                left_id=f"m{k}",
                right_source=queue["ong"],
                right_id=f"n{k}",
                probability=0.4,
                match_weight=-0.5,
                impact=(k % 7) / 10,
            )
            for k in range(120)
        ]
    )
    expected = list(
        UncertainPair.objects.filter(run=run).order_by("-impact", "pk").values_list("pk", flat=True)
    )
    client.force_login(make_user("reviewer"))
    seen = []
    for page in (1, 2, 3):
        body = client.get(reverse("review:queue_json"), {"page": page}).json()
        assert body["pages"] == 3
        seen += [p["id"] for p in body["pairs"]]
    assert seen == expected
    html = client.get(reverse("review:queue"), {"page": 3}).content.decode()
    assert html.index(f'href="/review/{expected[100]}/"') < html.index(
        f'href="/review/{expected[-1]}/"'
    )
    assert f'href="/review/{expected[99]}/"' not in html


def test_queue_lines_are_written_in_the_readers_language(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    decide(reviewer, queue["pairs"][0], "same")
    english = client.get(reverse("review:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # pairs[0]: probability 0.7, impact 1.2, joined by the run, decided "same".
    first, second = (p.pk for p in queue["pairs"][:2])
    line = english[english.index(f'href="/review/{first}/">{first}</a>') :]
    line = line[: line.index("</tr>")]
    assert "0.70" in line and "1.20" in line and "one person" in line
    assert f"same person ({reviewer.get_username()})" in line
    spanish = client.get(reverse("review:queue"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    line = spanish[spanish.index(f'href="/review/{second}/">{second}</a>') :]
    line = line[: line.index("</tr>")]
    assert "0,50" in line and "2,00" in line and "dos personas" in line and "—" in line


def test_queue_and_pair_pages_escape_every_value_they_show(
    client: Any, make_user: Any, queue: dict[str, Any]
) -> None:
    # The queue's lines and the pair's comparison rows are written in Python, not by the
    # template: what a list or the engine wrote must still reach the page escaped.
    pair = UncertainPair.objects.create(
        run=queue["run"],
        left_source=queue["prensa"],
        left_id="<i>x</i>",
        right_source=queue["ong"],
        right_id='"y"&',
        probability=0.5,
        match_weight=0.0,
        impact=9.0,
        comparisons=[
            {"column": "<b>col</b>", "level": "<u>level</u>", "agrees": True, "weight": 1.25},
            {"column": "name", "level": "null", "agrees": None, "weight": 0.0},
        ],
        records={"left": {"full_name": "<i>Ana</i>"}, "right": {"full_name": "Ana & Eva"}},
    )
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("review:queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&lt;i&gt;x&lt;/i&gt;" in page and "&quot;y&quot;&amp;" in page
    assert "<i>x</i>" not in page
    text = client.get(
        reverse("review:pair", kwargs={"pk": pair.pk}), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "&lt;i&gt;Ana&lt;/i&gt;" in text and "Ana &amp; Eva" in text
    assert "&lt;b&gt;col&lt;/b&gt;" in text and "&lt;u&gt;level&lt;/u&gt;" in text
    assert "<i>Ana</i>" not in text and "<b>col</b>" not in text and "<u>level</u>" not in text
    assert '<tr class="agrees">' in text and '<tr class="missing">' in text
    # The weight as floatformat:1 writes it (half up: 1.25 -> 1.3).
    assert "✓ evidence for: &lt;u&gt;level&lt;/u&gt;" in text and ">1.3<" in text


def test_the_newest_decision_on_each_pair_is_the_orms_with_who_and_when(
    make_user: Any, queue: dict[str, Any]
) -> None:
    from recuento.web.review.services import decisions_on, key_of, latest_for

    prensa, ong = queue["prensa"], queue["ong"]
    pairs = queue["pairs"] + [
        UncertainPair.objects.create(
            run=queue["run"],
            left_source=left,
            left_id=f"k{k}",
            right_source=right,
            right_id=f"j{k}",
            probability=0.4,
            match_weight=0.0,
        )
        for k, (left, right) in enumerate([(ong, prensa), (prensa, ong)] * 6)
    ]
    reviewers = [make_user("reviewer"), make_user("coordinator")]
    for k, pair in enumerate(pairs):
        for j in range(k % 3):  # none, one or two decisions; the second one counts
            decide(reviewers[j], pair, ["same", "different", "unsure"][(k + j) % 3])
    ours = latest_for(pairs)
    expected = {}
    for d in PairDecision.objects.select_related("decided_by").order_by("-decided_at", "-pk"):
        expected.setdefault((d.left_source_id, d.left_id, d.right_source_id, d.right_id), d)
    expected = {key_of(p): expected[key_of(p)] for p in pairs if key_of(p) in expected}
    assert ours.keys() == expected.keys() and len(ours) == 2 * len(pairs) // 3
    for key, d in ours.items():
        e = expected[key]
        assert (d.pk, d.decision, d.decided_at, d.note) == (e.pk, e.decision, e.decided_at, e.note)
        assert d.decided_by.get_username() == e.decided_by.get_username()
        assert d.get_decision_display() == e.get_decision_display()
    assert latest_for([]) == {}
    for pair in pairs:  # and every decision on a pair, newest first
        ls, li, rs, ri = key_of(pair)
        orm = PairDecision.objects.filter(
            left_source_id=ls, left_id=li, right_source_id=rs, right_id=ri
        ).order_by("-decided_at", "-pk")
        history = decisions_on(key_of(pair))
        assert [d.pk for d in history] == [d.pk for d in orm]
        assert [d.decided_by.get_username() for d in history] == [
            d.decided_by.get_username() for d in orm
        ]
