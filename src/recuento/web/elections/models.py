"""Elections, their frozen electorates, unused voting codes, and anonymous ballots.

How a ballot is kept apart from its voter (see README.md for the whole argument):

- :class:`Voter` is the electorate as frozen at the cut-off: who may vote. It holds no
  code, no code hash and no "has voted" mark; it never changes after the freeze.
- :class:`Code` holds the SHA-256 of each single-use code, and nothing else: no voter,
  no time. The codes of an electorate are inserted in a shuffled order, so a code row's
  position says nothing about which voter holds it. The link between a voter and a code
  exists only on the code sheet produced once for distribution; it is never stored.
- Voting deletes the code's row and inserts a :class:`Ballot` in one transaction. A
  ballot has a random primary key, a random receipt, the election and the preferences:
  no foreign key but the election, no time of casting, no code.

So the database cannot say who cast a ballot, nor even who voted: turnout is the number
of ballots.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

YESNO = "yesno"
BLOCK = "block"
STV = "stv"
MEEK = "meek"

METHOD_CHOICES = (
    (YESNO, _("Consultation (yes / no / abstain)")),
    (BLOCK, _("Block vote (mark up to as many as there are seats)")),
    (STV, _("STV, Scottish rules (rank the candidates)")),
    (MEEK, _("Meek STV (rank the candidates)")),
)

# The options of a consultation, in the order the counting engine reads them:
# 1 yes, 2 no, 3 abstain. Bilingual, because the published BLT is read by everyone.
YESNO_OPTIONS = ("Sí / Yes", "No / No", "Abstención / Abstain")

DRAFT = "draft"
ISSUED = "issued"
CLOSED = "closed"
STATUS_CHOICES = (
    (DRAFT, _("Draft")),
    (ISSUED, _("Codes issued")),
    (CLOSED, _("Closed and counted")),
)

CSV_SOURCE = "csv"
ROLL_SOURCE = "roll"
SOURCE_CHOICES = ((CSV_SOURCE, _("Uploaded list of voters")), (ROLL_SOURCE, _("Member roll")))


class Election(models.Model):
    """One election or consultation, from draft to published count."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("counting method"), max_length=8, choices=METHOD_CHOICES)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    # {group: minimum elected}, for STV and Meek only.
    quotas: Any = models.JSONField(_("group quotas"), default=dict, blank=True)
    opens_at = models.DateTimeField(_("voting opens"))
    closes_at = models.DateTimeField(_("voting closes"))
    status = models.CharField(_("status"), max_length=8, choices=STATUS_CHOICES, default=DRAFT)
    # Drawn when the election is created, before any ballot, and published with the
    # result: a tie that survives every earlier stage is broken by this seed, and nobody
    # can choose it after seeing the ballots.
    lot_seed = models.PositiveIntegerField(_("seed for lots"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    electorate_source = models.CharField(
        _("electorate taken from"), max_length=8, choices=SOURCE_CHOICES, blank=True
    )
    electorate_cutoff = models.DateTimeField(_("electorate cut-off"), null=True, blank=True)
    electorate_frozen_at = models.DateTimeField(_("electorate frozen at"), null=True, blank=True)
    electorate_size = models.PositiveIntegerField(_("voters"), default=0)
    # SHA-256 of the frozen voters' references, sorted: lets anyone holding the roll at
    # the cut-off check that the electorate was not changed later.
    electorate_digest = models.CharField(_("digest of the electorate"), max_length=64, blank=True)
    electorate_notes: Any = models.JSONField(_("electorate notes"), default=dict, blank=True)
    codes_issued_at = models.DateTimeField(_("codes issued at"), null=True, blank=True)

    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result: Any = models.JSONField(_("result"), null=True, blank=True)
    result_text_en = models.TextField(_("result (English)"), blank=True)
    result_text_es = models.TextField(_("result (Spanish)"), blank=True)
    blt = models.TextField(_("anonymised ballots (BLT)"), blank=True)

    class Meta:
        ordering = ("-opens_at", "-pk")
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="elections_election_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(seats__gte=1), name="elections_election_seats_positive"
            ),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def is_ranked(self) -> bool:
        """STV and Meek papers rank candidates; the others mark them."""
        return self.method in (STV, MEEK)

    @property
    def electorate_frozen(self) -> bool:
        """Whether the electorate has been frozen (it cannot change afterwards)."""
        return self.electorate_frozen_at is not None

    def accepts_ballots(self, now: Any = None) -> bool:
        """Codes issued, not closed, and ``now`` within the voting period."""
        now = now or timezone.now()
        return self.status == ISSUED and self.opens_at <= now < self.closes_at

    def may_close(self, now: Any = None) -> bool:
        """Codes issued and the voting period over."""
        now = now or timezone.now()
        return self.status == ISSUED and now >= self.closes_at


class Candidate(models.Model):
    """A candidate, or an option of a consultation, in ballot order."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("election")
    )
    position = models.PositiveSmallIntegerField(_("position on the ballot"))
    name = models.CharField(_("name"), max_length=200)
    # Comma-separated group names for quotas ("women", "under30").
    groups = models.CharField(_("groups"), max_length=200, blank=True)

    class Meta:
        ordering = ("election", "position")
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = (
            models.UniqueConstraint(
                fields=("election", "position"), name="elections_candidate_position_unique"
            ),
            models.UniqueConstraint(
                fields=("election", "name"), name="elections_candidate_name_unique"
            ),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def group_set(self) -> frozenset[str]:
        """The candidate's groups."""
        return frozenset(g.strip() for g in self.groups.split(",") if g.strip())


class Voter(models.Model):
    """A member of an election's frozen electorate. Never changed after the freeze.

    Deliberately without a code, a code hash or a "voted" mark: see the module docstring.
    """

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="voters", verbose_name=_("election")
    )
    reference = models.CharField(_("member reference"), max_length=100)
    name = models.CharField(_("name"), max_length=300, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)

    class Meta:
        ordering = ("election", "reference")
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = (
            models.UniqueConstraint(
                fields=("election", "reference"), name="elections_voter_reference_unique"
            ),
        )

    def __str__(self) -> str:
        return self.reference


class Code(models.Model):
    """The SHA-256 of one unused single-use code. Deleted when the code is used.

    No voter, no time: the link between a voter and a code exists only on the code sheet.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="codes", verbose_name=_("election")
    )
    digest = models.CharField(_("SHA-256 of the code"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("unused code")
        verbose_name_plural = _("unused codes")


class Ballot(models.Model):
    """One anonymous paper: a random id, a random receipt and the preferences.

    No voter, no code, no time of casting. ``preferences`` lists 0-based candidate
    positions, in order of preference (ranked methods) or in ballot order (marks); an empty
    list is a blank paper. Ballots are always listed by receipt (random), never in the
    order they were cast.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(
        Election, on_delete=models.PROTECT, related_name="ballots", verbose_name=_("election")
    )
    receipt = models.CharField(_("receipt"), max_length=20)
    preferences: Any = models.JSONField(_("preferences"), default=list)

    class Meta:
        ordering = ("election", "receipt")
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = (
            models.UniqueConstraint(
                fields=("election", "receipt"), name="elections_ballot_receipt_unique"
            ),
        )
