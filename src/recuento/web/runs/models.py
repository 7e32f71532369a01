"""A linkage run and what it found: every record's person, the uncertain pairs, the count.

A run links the sources chosen when it was started (their file hashes are kept, so a
result always says what it was computed from) and stores its results; it never changes a
source. Review decisions (:mod:`recuento.web.review`) made before a run starts override the
model in that run.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Run(models.Model):
    """One linkage (and count) of a set of sources."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("asked for at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.FloatField(_("progress (0 to 1)"), default=0.0)
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    # A message safe to show: never a personal value.
    message = models.TextField(_("message"), blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    sources = models.ManyToManyField(
        "registry.Source", related_name="runs", verbose_name=_("sources linked")
    )
    parameters: Any = models.JSONField(_("parameters (threshold, seed, ...)"), default=dict)
    source_hashes: Any = models.JSONField(_("SHA-256 of each source's file"), default=dict)
    decisions_applied = models.PositiveIntegerField(_("review decisions applied"), default=0)
    # The count's JSON contract (DESIGN.md): documented, estimate, lower, upper, level,
    # method, lists, warnings, strata, records, rejected, persons, conditional.
    result: Any = models.JSONField(_("count"), null=True, blank=True)
    # The HTML report, relative to MEDIA_ROOT (never served as a static file).
    report = models.CharField(_("report file"), max_length=255, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("linkage run")
        verbose_name_plural = _("linkage runs")

    def __str__(self) -> str:
        return f"run {self.pk}"


class Assignment(models.Model):
    """The person a run assigned one accepted record to."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="assignments")
    source = models.ForeignKey("registry.Source", on_delete=models.CASCADE, related_name="+")
    record_id = models.CharField(_("record id"), max_length=200)
    person_id = models.CharField(_("person id"), max_length=64)
    # The weakest link that holds the person together (None for a person of one record).
    strength = models.FloatField(_("link strength"), null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("run", "source", "record_id"), name="runs_assignment_one_per_record"
            ),
        )
        indexes = (models.Index(fields=("run", "person_id"), name="runs_assign_person"),)


class UncertainPair(models.Model):
    """A pair of records the model was unsure about, for the review queue."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="uncertain_pairs")
    left_source = models.ForeignKey("registry.Source", on_delete=models.CASCADE, related_name="+")
    left_id = models.CharField(max_length=200)
    right_source = models.ForeignKey("registry.Source", on_delete=models.CASCADE, related_name="+")
    right_id = models.CharField(max_length=200)
    probability = models.FloatField(_("match probability"))
    match_weight = models.FloatField(_("match weight"))
    # One entry per comparison: {"column", "level", "agrees": bool | None, "weight"}.
    comparisons: Any = models.JSONField(_("comparisons"), default=list)
    # How much deciding this pair can change the number of persons (review order).
    impact = models.FloatField(_("effect of a decision on the count"), default=0.0)
    # Whether the run put the two records in one person.
    same_person = models.BooleanField(_("linked in this run"), default=False)
    # The two records' standardised display fields as the run read them, {"left": {...},
    # "right": {...}}: shown when registry.Record does not hold them.
    records: Any = models.JSONField(_("the records as read"), default=dict, blank=True)

    class Meta:
        ordering = ("-impact", "pk")
        indexes = (models.Index(fields=("run", "-impact"), name="runs_pair_impact"),)
