"""Deny by default: every page needs a login, every action page needs the right role."""

from __future__ import annotations

from typing import Any

import pytest

MISSING = "the web extra is not installed: pip install 'recuento[web]' pytest-django"
pytest.importorskip("django_otp", reason=MISSING)
pytest.importorskip("pytest_django", reason=MISSING)

from django.contrib.auth.models import Group  # noqa: E402
from django.urls import URLPattern, URLResolver, get_resolver, reverse  # noqa: E402

from recuento.web.accounts.permissions import ACTION_NAMES, ROLES, allowed  # noqa: E402

# (url name, object the URL names, wrong role, right role)
PROTECTED = [
    ("registry:sources", None, "reviewer", "analyst"),
    ("registry:upload", None, "reviewer", "coordinator"),
    ("registry:sources_json", None, "reviewer", "analyst"),
    ("registry:source", "source", "reviewer", "analyst"),
    ("registry:source_json", "source", "reviewer", "analyst"),
    ("registry:mapping", "source", "reviewer", "analyst"),
    ("accounts:users", None, "coordinator", "administrator"),
    ("accounts:user_new", None, "coordinator", "administrator"),
    ("accounts:user_edit", "user", "coordinator", "administrator"),
    ("audit:log", None, "coordinator", "administrator"),
    ("audit:log_json", None, "coordinator", "administrator"),
    ("audit:export", None, "coordinator", "administrator"),
]
# Pages every logged-in user may see, whatever their roles.
LOGGED_IN = ["home", "accounts:profile", "accounts:two_factor"]
PUBLIC = {"healthz", "accounts:login", "set_language"}
# Public by decision: voting, the ballot list and published results (no login, by design).
PUBLIC |= {
    "elections:vote",
    "elections:ballots",
    "elections:results",
    "elections:results_json",
    "elections:blt",
}


@pytest.fixture
def url_of(make_source: Any, make_user: Any) -> Any:
    def url(name: str, needs: str | None) -> str:
        target = {"source": make_source, "user": lambda: make_user("analyst")}.get(needs or "")
        return reverse(name, kwargs={"pk": target().pk} if target is not None else None)

    return url


@pytest.mark.parametrize(("name", "needs", "wrong", "right"), PROTECTED)
def test_protected_page_redirects_anonymous_to_login(
    client: Any, url_of: Any, name: str, needs: str | None, wrong: str, right: str
) -> None:
    url = url_of(name, needs)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


@pytest.mark.parametrize(("name", "needs", "wrong", "right"), PROTECTED)
def test_protected_page_is_403_for_a_role_without_the_action(
    client: Any,
    make_user: Any,
    url_of: Any,
    name: str,
    needs: str | None,
    wrong: str,
    right: str,
) -> None:
    url = url_of(name, needs)
    client.force_login(make_user(wrong))
    assert client.get(url).status_code == 403
    client.force_login(make_user(None))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("name", "needs", "wrong", "right"), PROTECTED)
def test_protected_page_is_200_for_a_role_with_the_action_and_never_cached(
    client: Any,
    make_user: Any,
    url_of: Any,
    name: str,
    needs: str | None,
    wrong: str,
    right: str,
) -> None:
    url = url_of(name, needs)
    client.force_login(make_user(right))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", LOGGED_IN)
def test_logged_in_page_needs_a_login_but_no_role(client: Any, make_user: Any, name: str) -> None:
    url = reverse(name)
    assert client.get(url).status_code == 302
    client.force_login(make_user(None))
    assert client.get(url).status_code == 200


def test_healthz_answers_200_without_login(client: Any) -> None:
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_login_page_is_public_at_accounts_login(client: Any, db: Any) -> None:
    assert reverse("accounts:login") == "/accounts/login/"
    assert client.get("/accounts/login/").status_code == 200


def _names(patterns: list[Any], namespace: str = "") -> list[str]:
    names = []
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names += _names(p.url_patterns, inner)
        elif isinstance(p, URLPattern) and p.name:
            names.append(f"{namespace}{p.name}")
    return names


def test_every_page_is_public_by_decision_or_tested_here() -> None:
    # A new page must be added to PROTECTED, LOGGED_IN or PUBLIC, so that it gets the
    # three access tests (or is public on purpose).
    known = {n for n, *_ in PROTECTED} | set(LOGGED_IN) | PUBLIC
    known |= {"accounts:logout", "registry:upload_mapping"}
    # POST only: its access tests are in test_web_registry_storing.py.
    known |= {"registry:retry"}
    # Apps whose access tests live in their own modules (anonymous, wrong role, right role):
    # elections in test_web_elections_access.py, cases in test_web_cases.py.
    known |= {
        "elections:elections",
        "elections:new",
        "elections:election",
        "elections:edit",
        "elections:electorate",
        "elections:codes",
        "elections:close",
    }
    # runs in test_web_runs.py, review in test_web_review.py.
    known |= {
        "runs:runs",
        "runs:runs_json",
        "runs:run",
        "runs:run_json",
        "runs:repeat",
        "runs:report",
        "review:queue",
        "review:queue_json",
        "review:pair",
        "review:pair_json",
        "review:decide",
    }
    from .test_web_cases import CASES_URL_NAMES
    from .test_web_counts import COUNTS_URL_NAMES
    from .test_web_persons import PERSONS_URL_NAMES
    from .test_web_roll_views import ROLL_URL_NAMES

    known |= set(CASES_URL_NAMES) | PERSONS_URL_NAMES | COUNTS_URL_NAMES | ROLL_URL_NAMES
    assert set(_names(get_resolver().url_patterns)) == known


@pytest.mark.django_db
def test_each_role_group_has_exactly_the_registry_permissions() -> None:
    from recuento.web.accounts.permissions import sync_roles

    sync_roles()
    for role, actions in ROLES.items():
        granted = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
        assert granted == set(actions), role
    assert ROLES["administrator"] == ACTION_NAMES


def test_a_user_without_a_role_may_do_nothing(make_user: Any) -> None:
    user = make_user(None)
    assert not any(allowed(user, action=a) for a in ACTION_NAMES)


def test_an_inactive_user_may_do_nothing_whatever_the_role(make_user: Any) -> None:
    user = make_user("administrator")
    user.is_active = False
    user.save()
    assert not any(allowed(user, action=a) for a in ACTION_NAMES)


def test_unknown_action_is_a_programming_error(make_user: Any) -> None:
    with pytest.raises(LookupError, match="register it there first"):
        allowed(make_user("administrator"), action="delete_everything")


def test_json_errors_have_one_body(client: Any, make_user: Any, make_source: Any) -> None:
    source = make_source()
    client.force_login(make_user("reviewer"))
    forbidden = client.get(reverse("registry:source_json", kwargs={"pk": source.pk}))
    client.force_login(make_user("analyst"))
    missing = client.get(reverse("registry:source_json", kwargs={"pk": source.pk + 1000}))
    for response, status in ((forbidden, 403), (missing, 404)):
        body = response.json()
        assert response.status_code == status
        assert set(body) == {"ok", "error", "errors", "status"}
        assert body["ok"] is False and body["status"] == status
        assert body["errors"] == [body["error"]]


def test_html_errors_use_the_site_templates(client: Any, make_user: Any) -> None:
    client.force_login(make_user("reviewer"))
    response = client.get(reverse("registry:sources"))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]


def test_every_menu_item_of_every_app_leads_to_a_page_and_names_a_real_action() -> None:
    from recuento.web.accounts.permissions import ACTION_NAMES
    from recuento.web.nav import items

    menu = items()
    assert len(menu) >= 8  # runs, review, persons, counts, audit, cases, roll, elections
    for item in menu:
        assert reverse(item.url_name)  # NoReverseMatch fails the test
        assert item.action in ACTION_NAMES, item


def test_the_menu_shows_only_the_pages_a_role_may_open(client: Any, make_user: Any) -> None:
    client.force_login(make_user("reviewer"))
    page = client.get(reverse("home")).content.decode()
    assert reverse("review:queue") in page and reverse("persons:search") in page
    assert reverse("audit:log") not in page and reverse("runs:runs") not in page


def test_a_users_permissions_are_read_in_one_query_with_the_same_answer_as_djangos(
    make_user: Any, django_assert_num_queries: Any
) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.backends import ModelBackend
    from django.contrib.auth.models import Permission

    from recuento.web.accounts.backends import RoleBackend

    user = make_user("reviewer")
    user.user_permissions.add(Permission.objects.get(codename="view_audit_log"))
    superuser = get_user_model().objects.create_superuser("jefa", password="x" * 16)
    for someone in (user, superuser, make_user(None)):
        fresh = get_user_model().objects.get(pk=someone.pk)
        with django_assert_num_queries(1):
            ours = RoleBackend().get_all_permissions(fresh)
            assert RoleBackend().get_all_permissions(fresh) is ours  # cached on the user
        expected = ModelBackend().get_all_permissions(get_user_model().objects.get(pk=someone.pk))
        assert ours == expected
    assert "accounts.view_audit_log" in RoleBackend().get_all_permissions(user)
    assert "accounts.review_pairs" in RoleBackend().get_all_permissions(user)


def test_the_menu_follows_each_users_roles_request_after_request(
    client: Any, make_user: Any
) -> None:
    for role, shown, hidden in (
        ("reviewer", "review:queue", "audit:log"),
        ("administrator", "audit:log", None),
        ("analyst", "runs:runs", "review:queue"),
    ):
        client.force_login(make_user(role))
        page = client.get(reverse("home")).content.decode()
        assert f'href="{reverse(shown)}"' in page
        if hidden is not None:
            assert f'href="{reverse(hidden)}"' not in page


def test_the_home_page_reads_the_session_the_user_and_the_permissions_only(
    client: Any, make_user: Any, django_assert_num_queries: Any
) -> None:
    client.force_login(make_user("coordinator"))
    client.get(reverse("home"))
    # No transaction around it (it only reads) and the permissions in one query.
    with django_assert_num_queries(3):
        assert client.get(reverse("home")).status_code == 200
