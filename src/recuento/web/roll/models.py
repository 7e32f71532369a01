"""The roll: local groups, members, every status change, eligibility checks, notices and
hearings.

A member's status is computed from the dates (:mod:`recuento.roll.statuses`) unless an
administrator status is set; ``admin_status`` changes only through
:func:`recuento.web.roll.services.change_status` (a recorded decision: who, when, why), of
which a hearing's decision is one. Eligibility flags and a member's answers to a notice are
recorded beside the member and never change the status by themselves.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from recuento.roll import AdminStatus, Rules, may_vote, status_code

ADMIN_STATUS_CHOICES = [
    ("", _("None (computed from dates)")),
    (AdminStatus.PENDING_VERIFICATION.value, _("Pending verification")),
    (AdminStatus.MUST_JOIN.value, _("Must join by deadline")),
    (AdminStatus.DEEMED_RESIGNED.value, _("Deemed resigned (hearing requested)")),
    (AdminStatus.SUSPENDED_RETAINED.value, _("Suspended by party (retained)")),
    (AdminStatus.CANCELLED.value, _("Cancelled")),
    (AdminStatus.DECEASED.value, _("Deceased")),
]

STATUS_LABELS = {
    "new": _("New"),
    "current": _("Current"),
    "grace": _("Grace"),
    "expired": _("Expired"),
    "not_started": _("Not started"),
    **{code: label for code, label in ADMIN_STATUS_CHOICES if code},
}
"""Every status code (computed or administrator) -> its label."""

FLAG_CHOICES = [
    ("eligible", _("eligible")),
    ("must_join", _("must join by the deadline")),
    ("deemed_resigned", _("deemed resigned, pending hearing")),
    ("review", _("uncertain (review)")),
]

KIND_CHOICES = [
    ("decision", _("administrator's decision")),
    ("hearing", _("hearing's decision")),
]
MODE_CHOICES = [
    ("plaintext", _("plaintext rolls (linkage model)")),
    ("pprl", _("statuses file from recuento eligibility (encoded rolls)")),
]
RESPONSE_CHOICES = [
    ("confirmed", _("confirmed party membership")),
    ("hearing", _("requested a hearing")),
]
OUTCOME_CHOICES = [
    ("retain", _("membership retained (administrator status cleared)")),
    ("suspended_retained", _("suspended by party, retained")),
    ("must_join", _("must join by the deadline")),
    ("cancelled", _("resignation upheld (membership cancelled)")),
]


class LocalGroup(models.Model):
    """A local group of the movement."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("local group")
        verbose_name_plural = _("local groups")

    def __str__(self) -> str:
        return self.name


class RollImport(models.Model):
    """One import of the roll: the file's hash, who and when, and what was read."""

    filename = models.CharField(_("file name"), max_length=255)
    file = models.CharField(_("stored file"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    rows_read = models.PositiveIntegerField(_("rows read"))
    rows_accepted = models.PositiveIntegerField(_("rows accepted"))
    rows_rejected = models.PositiveIntegerField(_("rows rejected"))
    created = models.PositiveIntegerField(_("members added"), default=0)
    updated = models.PositiveIntegerField(_("members updated"), default=0)
    rejects = models.JSONField(_("rejects (line or row and reason code)"), default=list)
    columns = models.JSONField(_("roll columns read"), default=dict)

    class Meta:
        ordering = ("-imported_at", "-pk")
        verbose_name = _("roll import")
        verbose_name_plural = _("roll imports")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(rows_read=models.F("rows_accepted") + models.F("rows_rejected")),
                name="roll_import_read_is_accepted_plus_rejected",
            ),
        )


class Member(models.Model):
    """A member of the movement, as on the roll."""

    member_id = models.CharField(_("membership number"), max_length=100, unique=True)
    full_name = models.CharField(_("name"), max_length=300)
    birth_date = models.CharField(_("date of birth"), max_length=10, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    local_group = models.ForeignKey(
        LocalGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("local group"),
    )
    join_date = models.DateField(_("join date"))
    start_date = models.DateField(_("start of the current term"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    admin_status = models.CharField(
        _("administrator status"), max_length=32, choices=ADMIN_STATUS_CHOICES, blank=True
    )
    status_deadline = models.DateField(_("deadline"), null=True, blank=True)
    party_number = models.CharField(_("party membership number"), max_length=100, blank=True)
    flag = models.CharField(_("eligibility flag"), max_length=20, choices=FLAG_CHOICES, blank=True)
    last_import = models.ForeignKey(
        RollImport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("member_id",)
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.member_id

    def status_on(self, day: dt.date, rules: Rules | None = None) -> str:
        """The status code on ``day`` (administrator status, else computed)."""
        return status_code(
            self.join_date, self.end_date, self.admin_status, day, rules or Rules(),
            start=self.start_date,
        )  # fmt: skip

    def may_vote_on(self, day: dt.date, rules: Rules | None = None) -> bool:
        """Whether the member is in good standing on ``day`` (:func:`recuento.roll.may_vote`)."""
        return may_vote(
            self.join_date, self.end_date, self.admin_status, day, rules or Rules(),
            start=self.start_date, deadline=self.status_deadline,
        )  # fmt: skip


class StatusChange(models.Model):
    """A recorded decision that changed a member's administrator status: who, when, why."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    old_status = models.CharField(_("old status"), max_length=32, blank=True)
    new_status = models.CharField(_("new status"), max_length=32, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    reason = models.TextField(_("why"))
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES, default="decision")
    hearing = models.ForeignKey(
        "Hearing", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("at", "pk")
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


class EligibilityCheck(models.Model):
    """One eligibility check of the whole roll against the party's lists."""

    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=16, choices=MODE_CHOICES)
    deadline = models.DateField(_("deadline"))
    files = models.JSONField(_("files (name and SHA-256)"), default=list)
    counts = models.JSONField(_("members per flag"), default=dict)
    unmatched = models.PositiveIntegerField(_("rows naming no member"), default=0)

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("eligibility check")
        verbose_name_plural = _("eligibility checks")


class Flag(models.Model):
    """What one check said of one member, with the evidence behind it."""

    check_run = models.ForeignKey(EligibilityCheck, on_delete=models.CASCADE, related_name="flags")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="flags")
    flag = models.CharField(_("flag"), max_length=20, choices=FLAG_CHOICES)
    roll_probability = models.FloatField(_("match probability on the roll"), null=True)
    expelled_probability = models.FloatField(_("match probability on the expulsions"), null=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ("pk",)
        constraints = (
            models.UniqueConstraint(
                fields=("check_run", "member"), name="roll_flag_once_per_check"
            ),
        )


class Notice(models.Model):
    """A message to a flagged member, with a single-use link to answer it.

    Only the SHA-256 of the link's token is stored; the token itself is in the message.
    """

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="notices")
    flag = models.CharField(_("flag"), max_length=20, choices=FLAG_CHOICES)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("link expires at"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    sent = models.BooleanField(_("sent"), default=False)
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    response = models.CharField(_("answer"), max_length=16, choices=RESPONSE_CHOICES, blank=True)
    party_number = models.CharField(_("party membership number given"), max_length=100, blank=True)
    statement = models.TextField(_("member's statement"), blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("notice")
        verbose_name_plural = _("notices")


class Hearing(models.Model):
    """A hearing on a membership decision: requested, scheduled, minuted, decided."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="hearings")
    notice = models.ForeignKey(
        Notice, on_delete=models.PROTECT, null=True, blank=True, related_name="hearings"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    statement = models.TextField(_("member's statement"), blank=True)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    outcome = models.CharField(_("decision"), max_length=32, choices=OUTCOME_CHOICES, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-requested_at", "-pk")
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    @property
    def stage(self) -> str:
        """requested, scheduled or decided."""
        if self.decided_at is not None:
            return "decided"
        if self.scheduled_for is not None:
            return "scheduled"
        return "requested"
