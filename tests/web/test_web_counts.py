"""The counts dashboard: the newest finished run's count with intervals, strata, charts,
warnings, and its report as a download for those who may see counts."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from recuento.web.audit.models import Entry  # noqa: E402
from recuento.web.runs.models import Run  # noqa: E402

# The shape of CountResult.to_dict() (``recuento count --by sex --json`` on 600 simulated
# people, trimmed): no total estimate, two strata with one, one stratum without.
STRATIFIED: dict[str, Any] = {
    "documented": 398,
    "estimate": None,
    "lower": None,
    "upper": None,
    "level": 0.95,
    "method": "lcmcr",
    "with_linkage_uncertainty": False,
    "lists": ["familias", "fiscalia", "ong", "prensa"],
    "warnings": [
        "69 people have no usable 'sex' value; they form the stratum '(missing)'.",
        "no total: 1 strata have no estimate ((missing)). Merge small strata or estimate "
        "without --by.",
    ],
    "persons": 398,
    "persons_by_configuration": {"0.3/0.3": 396, "0.5/0.5": 400, "0.7/0.4": 398},
    "conditional": {},
    "by": "sex",
    "strata": [
        {"stratum": "F", "documented": 266, "estimate": 298.0, "lower": 270.0, "upper": 395.0,
         "method": "lcmcr", "lists": ["familias", "fiscalia", "ong", "prensa"],
         "warnings": ["stratum F: Only 51 effective draws of N (fewer than 400)."]},
        {"stratum": "M", "documented": 63, "estimate": 69.0, "lower": 64.0, "upper": 84.0,
         "method": "lcmcr", "lists": ["familias", "fiscalia", "ong", "prensa"], "warnings": []},
        {"stratum": "(missing)", "documented": 69, "estimate": None, "lower": None,
         "upper": None, "method": "loglinear", "lists": ["familias"], "warnings": []},
    ],
}  # fmt: skip
TOTAL: dict[str, Any] = {
    **{k: v for k, v in STRATIFIED.items() if k not in {"by", "strata"}},
    "estimate": 1234.0,
    "lower": 1100.0,
    "upper": 1517.0,
    "method": "lcmcr with linkage uncertainty",
    "warnings": [],
}
REPORT = b"<!DOCTYPE html><html><body>report of run</body></html>"


def _run(user: Any, result: dict[str, Any] | None, status: str = "done", **fields: Any) -> Run:
    return Run.objects.create(
        created_by=user,
        status=status,
        finished_at=fields.pop("finished_at", timezone.now()),
        result=copy.deepcopy(result),
        **fields,
    )


@pytest.fixture
def analyst(client: Any, make_user: Any) -> Any:
    client.force_login(make_user("analyst"))
    return client


def _page(client: Any) -> str:
    response = client.get(reverse("counts:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


# Access --------------------------------------------------------------------------------


@pytest.fixture
def report_run(make_user: Any, media_root: Path) -> Run:
    (media_root / "runs").mkdir(parents=True)
    (media_root / "runs" / "report-1.html").write_bytes(REPORT)
    return _run(make_user("analyst"), TOTAL, report="runs/report-1.html")


# Every page of the counts app; each gets the three access tests below.
COUNTS_URL_NAMES = {"counts:dashboard", "counts:dashboard_json", "counts:report"}


def test_every_counts_page_has_the_access_tests() -> None:
    from django.urls import get_resolver

    names = {
        f"counts:{p.name}"
        for r in get_resolver().url_patterns
        if getattr(r, "namespace", None) == "counts"
        for p in r.url_patterns
    }
    assert names == COUNTS_URL_NAMES


def _urls(run: Run) -> list[str]:
    return [
        reverse("counts:dashboard"),
        reverse("counts:dashboard_json"),
        reverse("counts:report", kwargs={"run": run.pk}),
    ]


def test_counts_pages_send_anonymous_visitors_to_login(client: Any, report_run: Run) -> None:
    for url in _urls(report_run):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize("role", ["reviewer", None])
def test_counts_pages_are_403_without_view_counts(
    client: Any, make_user: Any, report_run: Run, role: str | None
) -> None:
    client.force_login(make_user(role))
    for url in _urls(report_run):
        assert client.get(url).status_code == 403
    assert not Entry.objects.filter(action="download").exists()


@pytest.mark.parametrize("role", ["analyst", "coordinator", "administrator"])
def test_counts_pages_are_200_with_view_counts_and_never_cached(
    client: Any, make_user: Any, report_run: Run, role: str
) -> None:
    client.force_login(make_user(role))
    for url in _urls(report_run):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


# The dashboard -------------------------------------------------------------------------


def test_without_a_finished_run_the_dashboard_says_so(analyst: Any, make_user: Any) -> None:
    _run(make_user("analyst"), None, status="running")
    assert "No linkage run has finished yet" in _page(analyst)
    body = analyst.get(reverse("counts:dashboard_json")).json()
    assert body == {"ok": True, "run": None, "finished_at": None, "count": None, "report": False}


def test_dashboard_shows_documented_and_estimate_with_interval(
    analyst: Any, make_user: Any
) -> None:
    run = _run(make_user("analyst"), TOTAL)
    text = _page(analyst)
    assert f"linkage run {run.pk}" in text
    for number in ("398", "1,234", "1,100", "1,517", "836"):
        assert number in text
    assert "95% interval" in text and "lcmcr with linkage uncertainty" in text


def test_dashboard_numbers_are_written_the_spanish_way_in_spanish(
    analyst: Any, make_user: Any
) -> None:
    _run(make_user("analyst"), TOTAL)
    text = analyst.get(reverse("counts:dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "1\u202f234" in text and "95\u00a0%" in text


def test_dashboard_shows_each_stratum_and_the_warnings(analyst: Any, make_user: Any) -> None:
    _run(make_user("analyst"), STRATIFIED)
    text = _page(analyst)
    assert "Per stratum of sex" in text
    assert "(missing)" in text and "298" in text and "270" in text and "395" in text
    assert "no estimate" in text
    assert "no total: 1 strata have no estimate" in text
    assert "stratum F: Only 51 effective draws" in text


def test_dashboard_draws_its_charts_as_inline_svg(analyst: Any, make_user: Any) -> None:
    _run(make_user("analyst"), STRATIFIED)
    text = _page(analyst)
    assert text.count("<svg") == 2
    assert "<script" not in text
    assert "0.5/0.5" in text  # the linkage configurations chart


def _recall(estimate: float | None, compared: int, pairs: int) -> dict[str, Any]:
    """A count's ``blocking_recall`` entry (``recuento.count.api.blocking_recall_dict``)."""
    return {"estimate": estimate, "pairs_compared": compared, "pairs_in_persons": pairs}


def test_dashboard_shows_the_blocking_recall_estimate_in_english_and_spanish(
    analyst: Any, make_user: Any
) -> None:
    _run(make_user("analyst"), {**TOTAL, "blocking_recall": _recall(0.987, 1234, 1250)})
    text = _page(analyst)
    assert "Linkage diagnostics" in text
    assert "Blocking recall estimate" in text
    assert "98.7% (1,234 of 1,250)" in text
    assert 'data-value="0.987"' in text
    assert "an upper bound on the share of true pairs ever compared" in text
    assert "blocking-recall-low" not in text  # 98.7% is not low
    spanish = analyst.get(reverse("counts:dashboard"), HTTP_ACCEPT_LANGUAGE="es")
    text = spanish.content.decode()
    assert "Diagnóstico del enlace" in text
    assert "cobertura del bloqueo" in text
    assert "98,7\u00a0% (1\u202f234 de 1\u202f250)" in text
    assert "Blocking recall" not in text


def test_a_low_blocking_recall_estimate_is_a_warning_on_the_dashboard(
    analyst: Any, make_user: Any
) -> None:
    _run(make_user("analyst"), {**TOTAL, "blocking_recall": _recall(0.8, 80, 100)})
    text = _page(analyst)
    assert "80.0% (80 of 100)" in text
    assert 'id="blocking-recall-low"' in text
    assert "the blocking recall estimate is below 95%" in text
    text = analyst.get(reverse("counts:dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "está por debajo del 95\u00a0%" in text


def test_the_dashboard_says_when_blocking_recall_had_nothing_to_measure(
    analyst: Any, make_user: Any
) -> None:
    _run(make_user("analyst"), {**TOTAL, "blocking_recall": _recall(None, 0, 0)})
    text = _page(analyst)
    assert "nothing to measure (no person has two records)" in text
    assert "blocking-recall-low" not in text


def test_a_count_without_a_blocking_recall_estimate_shows_no_diagnostics(
    analyst: Any, make_user: Any
) -> None:
    _run(make_user("analyst"), TOTAL)  # counts stored before the estimate was kept
    text = _page(analyst)
    assert "Linkage diagnostics" not in text and "Blocking recall" not in text


def test_the_newest_finished_run_is_shown_not_a_newer_unfinished_one(
    analyst: Any, make_user: Any
) -> None:
    user = make_user("analyst")
    _run(user, STRATIFIED, finished_at=timezone.now() - timezone.timedelta(days=1))
    done = _run(user, TOTAL)
    _run(user, {**TOTAL, "documented": 5}, status="failed")
    _run(user, None, status="running")
    body = analyst.get(reverse("counts:dashboard_json")).json()
    assert body["run"] == done.pk and body["count"]["estimate"] == 1234.0


def test_a_finished_run_without_a_count_says_so(analyst: Any, make_user: Any) -> None:
    run = _run(make_user("analyst"), None)
    assert f"Linkage run {run.pk} finished without a count" in _page(analyst)


def test_dashboard_query_count_is_fixed(
    analyst: Any, make_user: Any, django_assert_num_queries: Any
) -> None:
    _run(make_user("analyst"), STRATIFIED)
    analyst.get(reverse("counts:dashboard"))
    with django_assert_num_queries(6):
        analyst.get(reverse("counts:dashboard"))


# The report ----------------------------------------------------------------------------


def test_report_is_downloaded_as_an_attachment_and_audited(analyst: Any, report_run: Run) -> None:
    response = analyst.get(reverse("counts:report", kwargs={"run": report_run.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == REPORT
    entry = Entry.objects.get(action="download")
    assert (entry.object_type, entry.object_id) == ("report", str(report_run.pk))
    assert "Download the full report" in _page(analyst)


def test_report_is_not_served_as_a_static_file(analyst: Any, report_run: Run) -> None:
    for url in ("/uploads/runs/report-1.html", "/media/runs/report-1.html", "/runs/report-1.html"):
        assert analyst.get(url).status_code == 404


@pytest.mark.parametrize("report", ["", "runs/gone.html", "../../etc/passwd", "/etc/passwd"])
def test_a_missing_or_outside_report_is_404(
    analyst: Any, make_user: Any, media_root: Path, report: str
) -> None:
    run = _run(make_user("analyst"), TOTAL, report=report)
    assert analyst.get(reverse("counts:report", kwargs={"run": run.pk})).status_code == 404


def test_report_of_an_unfinished_run_is_404(analyst: Any, report_run: Run) -> None:
    Run.objects.filter(pk=report_run.pk).update(status="running")
    assert analyst.get(reverse("counts:report", kwargs={"run": report_run.pk})).status_code == 404


def test_dashboard_speaks_spanish(analyst: Any, make_user: Any) -> None:
    analyst.get(reverse("counts:dashboard"))  # no run: the empty state
    text = analyst.get(reverse("counts:dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Aún no ha terminado ninguna vinculación" in text
    _run(make_user("analyst"), STRATIFIED)
    text = analyst.get(reverse("counts:dashboard"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Por estrato de sex" in text and "sin estimación" in text and "Documentadas" in text
