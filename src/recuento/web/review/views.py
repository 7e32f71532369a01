"""Review pages: the queue of uncertain pairs, a pair side by side, and deciding it.

The queue is the newest finished run's uncertain pairs, most consequential first (see
:func:`recuento.web.runs.services.impact`). A decision is a new
:class:`~recuento.web.review.models.PairDecision` (the newest counts), audited, and
overrides the model in the next run.
"""

from __future__ import annotations

import functools
from html import escape
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connections, router, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record
from recuento.web.compiled import first
from recuento.web.registry.models import Record
from recuento.web.review.labels import FIELDS, comparison_text, field_text, level_text
from recuento.web.review.models import PairDecision
from recuento.web.review.services import (
    PairKey,
    decide,
    decisions_on,
    key_of,
    latest_for,
    neighbours,
)
from recuento.web.runs.models import Run, UncertainPair
from recuento.web.runs.services import DISPLAY_FIELDS

PAGE_SIZE = 50


def _newest_runs() -> QuerySet[Run]:
    return (
        Run.objects.filter(status=Run.Status.DONE)
        .order_by("-created_at", "-pk")
        .only("pk", "created_at", "status")
    )


def newest_run() -> Run | None:
    """The newest run that finished: its pairs are the queue (its number only: a run's
    result and report are large and these pages do not show them; its query compiled
    once: see :mod:`recuento.web.compiled`)."""
    return first(Run, _newest_runs)


#: What the pages show of a pair's two lists: their names (a source's row also holds its
#: header, mapping and rejects, read as JSON for nothing).
_SOURCE_NAMES = ("left_source__name", "right_source__name")
#: A pair's columns the queue shows (not its comparisons nor the records as read).
_QUEUE_FIELDS = (
    "run_id",
    "left_source_id",
    "left_id",
    "right_source_id",
    "right_id",
    "probability",
    "match_weight",
    "impact",
    "same_person",
    *_SOURCE_NAMES,
)


def _decision_json(d: PairDecision | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {
        "decision": d.decision,
        "decided_by": d.decided_by.get_username(),
        "decided_at": d.decided_at.isoformat(),
    }


class QueuePair(NamedTuple):
    """A pair as the queue shows it, read as plain values: a page's 50 pairs as model
    instances, with their two lists' and their decisions', took a fifth of its time."""

    pk: int
    run_id: int
    left_source_id: int
    left_id: str
    right_source_id: int
    right_id: str
    probability: float
    match_weight: float
    impact: float
    same_person: bool
    left_name: str
    right_name: str

    @classmethod
    def of(cls, pair: UncertainPair) -> QueuePair:
        """The same values from a pair read as the pair page reads it (with its two lists'
        names, ``left_name`` and ``right_name``)."""
        return cls(
            pair.pk,
            pair.run_id,
            pair.left_source_id,
            pair.left_id,
            pair.right_source_id,
            pair.right_id,
            pair.probability,
            pair.match_weight,
            pair.impact,
            pair.same_person,
            pair.left_name,
            pair.right_name,
        )


#: :class:`QueuePair`'s columns, in its order.
_QUEUE_VALUES = (
    *(f for f in QueuePair._fields if f not in ("left_name", "right_name")),
    *_SOURCE_NAMES,
)


def _pair_json(pair: QueuePair, decision: PairDecision | None) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "run": pair.run_id,
        "left": {"source": pair.left_name, "id": pair.left_id},
        "right": {"source": pair.right_name, "id": pair.right_id},
        "probability": pair.probability,
        "match_weight": pair.match_weight,
        "impact": pair.impact,
        "same_person": pair.same_person,
        "decision": _decision_json(decision),
    }


@transaction.non_atomic_requests
@requires("review_pairs")
def queue(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """The uncertain pairs of the newest finished run, by impact (``index.json``: the same).

    It only reads, so it runs outside the request's transaction: on SQLite, where a
    transaction takes the write lock when it begins, it would otherwise keep every other
    page's writes (their audit entries) waiting while it is served.
    """
    run = newest_run()
    ordered = UncertainPair.objects.filter(run=run).order_by("-impact", "pk")
    undecided = request.GET.get("undecided") == "1"
    if undecided:
        ordered = ordered.exclude(_decided())
    # The page's pairs are picked by their numbers alone (read from the run's impact index,
    # without visiting the pairs skipped on the way to a far page), then read in full.
    page = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        QueuePair(*values)
        for values in UncertainPair.objects.filter(pk__in=page.object_list)
        .order_by("-impact", "pk")
        .values_list(*_QUEUE_VALUES)
    ]
    decided = latest_for(rows)
    if fmt == "json":
        return JsonResponse(
            {
                "ok": True,
                "run": run.pk if run else None,
                "page": page.number,
                "pages": page.paginator.num_pages,
                "undecided_only": undecided,
                "pairs": [_pair_json(p, decided.get(key_of(p))) for p in rows],
            }
        )
    items = _queue_rows(rows, decided)
    first_undecided = None if run is None else first(UncertainPair, _undecided, run.pk)
    return render(
        request,
        "review/queue.html",
        {
            "run": run,
            "page": page,
            "items": items,
            "first_undecided": first_undecided,
            "undecided": undecided,
        },
    )


#: One line of the queue. The page has 50: written here rather than in the template, where
#: its ten values (a URL, two localised numbers, two labels...) cost more than the rest of
#: the page. Every value is escaped as the template would (:func:`html.escape`, which
#: Django's ``escape`` calls; :func:`~django.utils.html.format_html` costs four times more).
_QUEUE_LINE = (
    "<tr>\n"
    '      <td><a href="{0}">{1}</a></td>\n'
    "      <td>{2} · <code>{3}</code></td>\n"
    "      <td>{4} · <code>{5}</code></td>\n"
    '      <td class="number">{6}</td>\n'
    '      <td class="number">{7}</td>\n'
    "      <td>{8}</td>\n"
    "      <td>{9}</td>\n"
    "    </tr>"
)


def _queue_rows(rows: list[QueuePair], decided: dict[PairKey, PairDecision]) -> list[SafeString]:
    zero = reverse("review:pair", kwargs={"pk": 0})
    head = zero.removesuffix("0/")  # every pair's address is this and its number
    one, two = _("one person"), _("two persons")
    # Probabilities and impacts (0 to 2) with two decimals and the reader's decimal point,
    # as ``number_format`` writes them (without its per-call lookups: 100 calls a page).
    point = get_format("DECIMAL_SEPARATOR")
    out = []
    for p in rows:
        d = decided.get(key_of(p))
        decision = (
            "—" if d is None else f"{d.get_decision_display()} ({d.decided_by.get_username()})"
        )
        values = (
            f"{head}{p.pk}/",
            p.pk,
            p.left_name,
            p.left_id,
            p.right_name,
            p.right_id,
            f"{round(p.probability, 2):.2f}".replace(".", point),
            f"{round(p.impact, 2):.2f}".replace(".", point),
            one if p.same_person else two,
            decision,
        )
        out.append(mark_safe(_QUEUE_LINE.format(*(escape(str(v)) for v in values))))
    return out


def _pair_shown(pk: int) -> QuerySet[UncertainPair]:
    """The pair the pair page shows: its columns and its two lists' names (``left_name``,
    ``right_name``); compiled once (:func:`recuento.web.compiled.first`)."""
    return (
        UncertainPair.objects.filter(pk=pk)
        .annotate(left_name=F("left_source__name"), right_name=F("right_source__name"))
        .only(*(f for f in _QUEUE_FIELDS if f not in _SOURCE_NAMES), "comparisons", "records")
        .order_by("pk")
    )


@functools.cache
def _records_sql(alias: str) -> str:
    """The two records of a pair (by list and record id), their display fields: the ORM's
    query written out once per database."""
    q = connections[alias].ops.quote_name
    meta = Record._meta
    source, record_id = q(meta.get_field("source").column), q(meta.get_field("record_id").column)
    columns = ", ".join(q(meta.get_field(f).column) for f in DISPLAY_FIELDS)
    one = f"({source} = %s AND {record_id} = %s)"
    return f"SELECT {source}, {record_id}, {columns} FROM {q(meta.db_table)} WHERE {one} OR {one}"


def _records(pair: UncertainPair) -> tuple[dict[str, Any], dict[str, Any]]:
    """The two records' display fields: from the registry when it holds them, else as the
    run read them."""
    alias = router.db_for_read(Record)
    with connections[alias].cursor() as cursor:
        cursor.execute(
            _records_sql(alias),
            [pair.left_source_id, pair.left_id, pair.right_source_id, pair.right_id],
        )
        found = {(row[0], row[1]): row[2:] for row in cursor.fetchall()}
    stored = pair.records or {}

    def values(source_id: int, record_id: str, side: str) -> dict[str, Any]:
        r = found.get((source_id, record_id))
        if r is None:
            return dict(stored.get(side) or {})
        return {name: (value or None) for name, value in zip(DISPLAY_FIELDS, r, strict=True)}

    return (
        values(pair.left_source_id, pair.left_id, "left"),
        values(pair.right_source_id, pair.right_id, "right"),
    )


def _decided() -> Exists:
    """Whether a decision exists on the outer query's pair (either order of its records)."""
    same_order = Q(
        left_source_id=OuterRef("left_source_id"),
        left_id=OuterRef("left_id"),
        right_source_id=OuterRef("right_source_id"),
        right_id=OuterRef("right_id"),
    )
    swapped = Q(
        left_source_id=OuterRef("right_source_id"),
        left_id=OuterRef("right_id"),
        right_source_id=OuterRef("left_source_id"),
        right_id=OuterRef("left_id"),
    )
    return Exists(PairDecision.objects.filter(same_order | swapped))


def _undecided(run: int) -> QuerySet[UncertainPair]:
    """The run's pairs nobody has decided, in the queue's order (their numbers)."""
    return (
        UncertainPair.objects.filter(run_id=run)
        .exclude(_decided())
        .order_by("-impact", "pk")
        .only("pk")
    )


def next_undecided(pair: UncertainPair) -> UncertainPair | None:
    """The first pair after ``pair`` in the queue's order that nobody has decided yet."""
    after = Q(impact__lt=pair.impact) | Q(impact=pair.impact, pk__gt=pair.pk)
    return (
        UncertainPair.objects.filter(run_id=pair.run_id)
        .filter(after)
        .exclude(_decided())
        .order_by("-impact", "pk")
        .only("pk")
        .first()
    )


def _comparisons(
    pair: UncertainPair, left: dict[str, Any], right: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each comparison with its level, weight and the fields it looked at, side by side;
    then the other fields either record gives."""
    rows = []
    shown: set[str] = set()
    for c in pair.comparisons:
        fields = FIELDS.get(c["column"], ())
        shown.update(fields)
        rows.append(
            {
                "comparison": comparison_text(c["column"]),
                "level": level_text(c["level"]),
                "agrees": c["agrees"],
                "weight": c["weight"],
                "fields": [(field_text(f), left.get(f), right.get(f)) for f in fields],
            }
        )
    rest = [f for f in DISPLAY_FIELDS if f not in shown and (left.get(f) or right.get(f))]
    if rest:
        rows.append(
            {
                "comparison": _("Other fields"),
                "level": "",
                "agrees": None,
                "weight": None,
                "fields": [(field_text(f), left.get(f), right.get(f)) for f in rest],
            }
        )
    return rows


def _cell(value: Any) -> str:
    """A record's value in a cell, as the template wrote it (``default_if_none:"—"``,
    localised, escaped)."""
    if value is None:
        return "—"
    return escape(value if isinstance(value, str) else str(localize(value)))


def _rows(pair: UncertainPair, left: dict[str, Any], right: dict[str, Any]) -> list[SafeString]:
    """The comparison table's lines (a comparison: its row, then one row for each of its
    fields after the first), written here: in the template their 200-odd tags cost as much
    as the rest of the page. Every value is escaped as the template would."""
    evidence = {
        True: f"✓ {escape(_('evidence for'))}:",
        False: f"✗ {escape(_('evidence against'))}:",
    }
    css = {True: "agrees", False: "disagrees"}
    lines = []
    for row in _comparisons(pair, left, right):
        fields, agrees = row["fields"], row["agrees"]
        kind = css.get(agrees, "missing") if isinstance(agrees, bool) else "missing"
        span = len(fields) or 1
        if fields:
            name, a, b = fields[0]
            first = f"<td>{escape(name)}</td><td>{_cell(a)}</td><td>{_cell(b)}</td>"
        else:
            first = '<td colspan="3"></td>'
        said = evidence[agrees] if isinstance(agrees, bool) else ""
        weight = "" if row["weight"] is None else floatformat(row["weight"], 1)
        html = (
            f'<tr class="{kind}">\n'
            f'      <th rowspan="{span}">{escape(row["comparison"])}</th>\n'
            f"      {first}\n"
            f'      <td class="level" rowspan="{span}">{said} {escape(row["level"])}</td>\n'
            f'      <td class="number" rowspan="{span}">{weight}</td>\n'
            "    </tr>\n    "
        )
        html += "".join(
            f'<tr class="{kind}"><td>{escape(name)}</td><td>{_cell(a)}</td><td>{_cell(b)}</td></tr>'
            for name, a, b in fields[1:]
        )
        lines.append(mark_safe(html))
    return lines


@transaction.non_atomic_requests
@requires("review_pairs")
def pair_detail(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    """One pair side by side: each comparison's fields, level and weight; decide it.

    It writes only its audit entry (in a transaction of its own), so like the persons
    pages it runs outside the request's transaction and holds SQLite's write lock only
    while that entry is written.
    """
    pair = first(UncertainPair, _pair_shown, pk)
    if pair is None:
        raise Http404("No UncertainPair matches the given query.")
    left, right = _records(pair)
    history = decisions_on(key_of(pair))
    current = history[0] if history else None
    record(request.user, "view", "pair", pair.pk, {"run": pair.run_id})
    if fmt == "json":
        return JsonResponse(
            {
                "ok": True,
                "pair": {
                    **_pair_json(QueuePair.of(pair), current),
                    "comparisons": pair.comparisons,
                    "records": {"left": left, "right": right},
                    "history": [_decision_json(d) for d in history],
                },
            }
        )
    preceding, following = neighbours(pair)
    return render(
        request,
        "review/pair.html",
        {
            "pair": pair,
            "rows": _rows(pair, left, right),
            "current": current,
            "history": history,
            "previous": preceding,
            "next": following,
            "decisions": PairDecision.Decision.choices,
        },
    )


@requires("review_pairs")
@require_POST
def decide_pair(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision (same / different / unsure), then show the next undecided pair."""
    pair = get_object_or_404(UncertainPair.objects.select_related("run"), pk=pk)
    decision = request.POST.get("decision", "")
    if decision not in PairDecision.Decision.values:
        messages.error(request, _("Choose same person, different persons or unsure."))
        return redirect("review:pair", pk=pair.pk)
    decide(request.user, pair, decision, note=request.POST.get("note", "")[:2000])
    messages.success(
        request,
        _("Decision recorded: %(decision)s. It overrides the model in the next run.")
        % {"decision": PairDecision.Decision(decision).label},
    )
    following = next_undecided(pair)
    if following is None:
        return redirect(reverse("review:queue"))
    return redirect("review:pair", pk=following.pk)
