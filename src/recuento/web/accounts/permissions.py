"""The one registry of named actions and of the roles that may perform them.

Deny by default: a user may do only what one of their roles grants. Each action is a Django
permission ``accounts.<name>`` (declared on :class:`~recuento.web.accounts.models.Access`
from :data:`ACTIONS`, so a new action needs a migration and ``makemigrations --check``
notices a forgotten one); each role is a Django group whose permissions
:func:`sync_roles` sets to exactly :data:`ROLES` after every ``migrate``.

Views use :func:`requires`; templates use the ``can`` context variable
(:func:`recuento.web.accounts.context.allowed_actions`); code uses :func:`allowed` and
:func:`ensure_permission`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

APP_LABEL = "accounts"


@dataclass(frozen=True)
class Action:
    """A named action a role may be granted.

    Attributes:
        name: the permission's codename (``snake_case`` verb_noun).
        description: one line in English, stored as the permission's name.
    """

    name: str
    description: str


ACTIONS: tuple[Action, ...] = (
    Action("view_sources", "See the lists brought in, their mappings and rejects"),
    Action("upload_sources", "Bring in a list (CSV/XLSX)"),
    Action("run_linkage", "Start a linkage run"),
    Action("review_pairs", "Decide uncertain pairs in the review queue"),
    Action("view_persons", "Search persons and see their records"),
    Action("view_counts", "See the counts dashboard and download reports"),
    Action("manage_users", "Create users and give them roles"),
    Action("view_audit_log", "Read the audit log"),
    # Find: missing-person cases (fichas), posters, remains, candidates and tips.
    Action("view_cases", "See case records at the collective tier"),
    Action("edit_cases", "File and change case records and their consents"),
    Action("view_restricted_fields", "See case fields at the authorities and secret tiers"),
    Action("publish_posters", "Make and revoke public posters of a case"),
    Action("manage_remains", "Enter and import unidentified remains and findings"),
    Action("review_candidates", "Mark candidate matches possible or excluded"),
    Action("confirm_identifications", "Confirm a match on DNA, dental or fingerprint evidence"),
    Action("read_tips", "Read anonymous tips routed to one's cases"),
    # Keep the roll: members, statuses, hearings.
    Action("view_members", "See members, their statuses and counts per local group"),
    Action("manage_members", "Import the roll and change a member's status"),
    Action("decide_hearings", "Schedule, minute and decide hearings"),
    # Ballots.
    Action("manage_elections", "Create elections, freeze electorates, publish results"),
)
ACTION_NAMES = frozenset(a.name for a in ACTIONS)

ADMINISTRATOR = "administrator"
COORDINATOR = "coordinator"
ANALYST = "analyst"
REVIEWER = "reviewer"

ROLE_LABELS = {
    ADMINISTRATOR: _("Administrator"),
    COORDINATOR: _("Coordinator"),
    ANALYST: _("Analyst"),
    REVIEWER: _("Reviewer"),
}

ROLES: dict[str, frozenset[str]] = {
    ADMINISTRATOR: ACTION_NAMES,
    COORDINATOR: frozenset(
        {"view_sources", "upload_sources", "run_linkage", "review_pairs", "view_persons"}
        | {"view_counts", "view_cases", "edit_cases", "view_restricted_fields"}
        | {"publish_posters", "manage_remains", "review_candidates", "confirm_identifications"}
        | {"read_tips", "view_members", "manage_members", "decide_hearings"}
        | {"manage_elections"}
    ),
    ANALYST: frozenset(
        {"view_sources", "upload_sources", "run_linkage", "view_persons", "view_counts"}
        | {"view_cases", "manage_remains", "view_members"}
    ),
    REVIEWER: frozenset({"review_pairs", "view_persons", "view_cases", "review_candidates"}),
}


def _check(action: str) -> str:
    if action not in ACTION_NAMES:
        raise LookupError(
            f"no action named {action!r} in recuento.web.accounts.permissions.ACTIONS; "
            "register it there first"
        )
    return f"{APP_LABEL}.{action}"


def allowed(user: Any, *, action: str) -> bool:
    """Whether ``user`` may perform ``action`` (an active user with a role granting it)."""
    return bool(user.is_active and user.has_perm(_check(action)))


def ensure_permission(user: Any, *, action: str) -> None:
    """Raise :class:`~django.core.exceptions.PermissionDenied` (a 403) unless allowed."""
    if not allowed(user, action=action):
        raise PermissionDenied(action)


V = TypeVar("V", bound=Callable[..., Any])


def requires(action: str) -> Callable[[V], V]:
    """Decorate a view: 403 unless the user's roles grant ``action``; never cached.

    Anonymous visitors never get this far: ``LoginRequiredMiddleware`` sends them to the
    login page first.
    """
    perm = _check(action)

    def decorate(view: V) -> V:
        return never_cache(permission_required(perm, raise_exception=True)(view))

    return decorate


def sync_roles(*, using: str = "default") -> None:
    """Create each role's group and give it exactly the permissions :data:`ROLES` lists."""
    from django.contrib.auth.models import Group, Permission

    permissions = {
        p.codename: p
        for p in Permission.objects.using(using).filter(
            content_type__app_label=APP_LABEL, codename__in=ACTION_NAMES
        )
    }
    for role, actions in ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set([permissions[a] for a in sorted(actions) if a in permissions])
