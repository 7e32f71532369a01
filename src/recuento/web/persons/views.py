"""Persons pages: search by name, one person's records from every source, one record.

Every page that shows records writes an audit entry (who, which person or record, how
many records); the search's words are never written there (they are a name). The pages
only read, so they run outside the request transaction: on SQLite, where a transaction
takes the write lock when it begins, a page then holds it only while its entry is written.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record as audit
from recuento.web.links import link
from recuento.web.persons.forms import SEX_CHOICES, SearchForm
from recuento.web.persons.keys import parse_query
from recuento.web.persons.search import (
    RUN_FIELDS,
    Person,
    grouped,
    matching_records,
    newest_run,
    person,
    person_of_record,
    persons_of,
)
from recuento.web.registry.models import Record
from recuento.web.runs.models import Run

PER_PAGE = 20


def _record_json(record: Record) -> dict[str, Any]:
    return {
        "id": record.pk,
        "source": record.source.name,
        "source_id": record.source_id,
        "record_id": record.record_id,
        "full_name": record.full_name,
        "given_names": record.given_names,
        "first_surname": record.first_surname,
        "second_surname": record.second_surname,
        "sex": record.sex,
        "birth_date": record.birth_date,
        "age": record.age,
        "event_date": record.event_date,
        "place": record.place,
    }


def _person_url(p: Person) -> str:
    if p.run is not None and p.person_id is not None:
        return link("persons:person", run=p.run.pk, person_id=p.person_id)
    return link("persons:record", pk=p.records[0].pk)


def _person_json(p: Person, *, attributes: bool = False) -> dict[str, Any]:
    records = []
    for r in p.records:
        item = _record_json(r)
        if attributes:
            item["attributes"] = r.attributes
        records.append(item)
    return {
        "run": p.run.pk if p.run is not None else None,
        "person_id": p.person_id,
        "url": _person_url(p),
        "records": records,
        "missing_records": [{"source": s, "record_id": i} for s, i in p.missing],
        "sources": [{"name": name, "records": n} for name, n in p.sources],
        "weakest_link": p.weakest,
        "matched": p.matched,
    }


def _result_lines(persons: list[Person]) -> list[SafeString]:
    """The search results' lines (20 a page), written here rather than in the template,
    where their 250-odd tags cost a third of the page. Every value is escaped as the
    template would."""
    no_name, not_linked = escape(_("(no name)")), escape(_("not linked yet"))
    lines = []
    for p in persons:
        names = "<br>".join(escape(n) for n in p.names) or no_name
        unlinked = "" if p.person_id else f"<br><small>{not_linked}</small>"
        lists = ", ".join(
            escape(name) + (f" ({localize(n)})" if n > 1 else "") for name, n in p.sources
        )
        lines.append(
            mark_safe(
                "<tr>\n"
                f'      <td><a href="{escape(_person_url(p))}">{names}</a>\n'
                f"        {unlinked}</td>\n"
                f"      <td>{escape(', '.join(p.birth_years))}</td>\n"
                f"      <td>{lists}</td>\n"
                f'      <td class="number">{localize(len(p.records))}</td>\n'
                "    </tr>"
            )
        )
    return lines


@transaction.non_atomic_requests
@requires("view_persons")
def search(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Search records by name, grouped by person of the newest finished run (paginated)."""
    form = SearchForm(request.GET or None)
    run = newest_run()
    words = []
    page = None
    persons: list[Person] = []
    if form.is_valid():
        words = parse_query(form.cleaned_data["q"])
    if words:
        records = matching_records(
            words,
            birth_year=form.cleaned_data["birth_year"],
            sex=form.cleaned_data["sex"],
        )
        paginator = Paginator(grouped(records, run), PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        persons = persons_of(list(page.object_list), run)
    if persons:  # a search that shows nobody shows no record: nothing to audit
        audit(
            request.user,
            "search",
            "person",
            "",
            {
                "fields": ["name"]
                + [f for f in ("birth_year", "sex") if form.cleaned_data[f] not in (None, "")],
                "run": run.pk if run is not None else None,
                "page": page.number if page is not None else None,
                "persons_shown": len(persons),
                "records_shown": sum(len(p.records) for p in persons),
            },
        )
    if fmt == "json":
        if not form.is_valid():
            message = _("The search form has errors.")
            errors = [f"{name}: {e}" for name, es in form.errors.items() for e in es]
            return JsonResponse(
                {"ok": False, "error": message, "errors": errors, "status": 400}, status=400
            )
        return JsonResponse(
            {
                "ok": True,
                "run": run.pk if run is not None else None,
                "words": [w.word for w in words],
                "page": page.number if page is not None else None,
                "pages": page.paginator.num_pages if page is not None else 0,
                "persons_found": page.paginator.count if page is not None else 0,
                "persons": [_person_json(p) for p in persons],
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "persons/search.html",
        {
            "form": form,
            "run": run,
            "searched": bool(words),
            "page": page,
            "persons": _result_lines(persons),
            "query": query.urlencode(),
            "sex_choices": SEX_CHOICES,
            "sex": request.GET.get("sex", ""),
        },
    )


def _audit_person(request: HttpRequest, p: Person) -> None:
    audit(
        request.user,
        "view",
        "person",
        p.person_id,
        {
            "run": p.run.pk if p.run is not None else None,
            "records": len(p.records),
            "sources": sorted({r.source_id for r in p.records}),
        },
    )


@transaction.non_atomic_requests
@requires("view_persons")
def person_detail(
    request: HttpRequest, run: int, person_id: str, fmt: str = "html"
) -> HttpResponse:
    """One person of a finished run: every record from every source, the lists, the
    weakest link."""
    newest = newest_run()
    if newest is not None and newest.pk == run:
        the_run = newest  # the common case: one query for both
    else:
        the_run = get_object_or_404(Run.objects.only(*RUN_FIELDS), pk=run, status=Run.Status.DONE)
    found = person(the_run, person_id)
    if found is None:
        raise Http404(person_id)
    _audit_person(request, found)
    if fmt == "json":
        return JsonResponse(
            {
                "ok": True,
                "newest_run": newest.pk if newest is not None else None,
                "person": _person_json(found, attributes=True),
            }
        )
    return render(
        request,
        "persons/person.html",
        {"person": found, "newest": newest, "is_newest": newest is not None and newest.pk == run},
    )


@transaction.non_atomic_requests
@requires("view_persons")
def record_detail(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    """One record. When the newest finished run assigned it to a person, that person's
    page is shown instead (the record with the others of the same person)."""
    record = get_object_or_404(Record.objects.select_related("source"), pk=pk)
    newest = newest_run()
    person_id = person_of_record(record, newest)
    if person_id is not None and newest is not None:
        name = "persons:person_json" if fmt == "json" else "persons:person"
        return redirect(name, run=newest.pk, person_id=person_id)
    audit(request.user, "view", "record", record.pk, {"source": record.source_id})
    alone = Person(None, None, [record], matched=1)
    if fmt == "json":
        return JsonResponse(
            {
                "ok": True,
                "newest_run": newest.pk if newest is not None else None,
                "person": _person_json(alone, attributes=True),
            }
        )
    return render(
        request,
        "persons/person.html",
        {"person": alone, "newest": newest, "is_newest": False, "alone": True},
    )
