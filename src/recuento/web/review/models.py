"""Review decisions on pairs of records: kept forever, the newest one for a pair counts.

A decision names the two records by source and record id (not by run), so it outlives
the run that asked for it and overrides the model in every later run. Rows are only ever
added: changing one's mind adds a decision.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PairDecision(models.Model):
    """A person's decision that two records are, or are not, the same person."""

    class Decision(models.TextChoices):
        SAME = "same", _("same person")
        DIFFERENT = "different", _("different persons")
        UNSURE = "unsure", _("unsure")

    # The pair in a canonical order: (left_source_id, left_id) < (right_source_id, right_id).
    left_source = models.ForeignKey("registry.Source", on_delete=models.CASCADE, related_name="+")
    left_id = models.CharField(max_length=200)
    right_source = models.ForeignKey("registry.Source", on_delete=models.CASCADE, related_name="+")
    right_id = models.CharField(max_length=200)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="pair_decisions",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        ordering = ("-decided_at", "-pk")
        indexes = (
            models.Index(
                fields=("left_source", "left_id", "right_source", "right_id"),
                name="review_decision_pair",
            ),
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: changing one's mind adds a decision."""
        if self.pk is not None:
            raise RuntimeError("review decisions are never changed; add a new one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        """Never: the history of decisions is kept."""
        raise RuntimeError("review decisions are never deleted")
