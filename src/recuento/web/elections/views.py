"""Election pages. Coordinators' pages need ``manage_elections``; voting, receipts and
results are public (``login_not_required``): a voter proves the right to vote with a code,
not with an account.

Casting a ballot writes nothing to the audit log: an entry per vote would put a time next
to every ballot. Every change to an election is audited with counts and statuses only.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from recuento.web.accounts.permissions import requires
from recuento.web.audit.log import record
from recuento.web.elections import services
from recuento.web.elections.forms import (
    CodesForm,
    ElectionForm,
    ElectorateForm,
    ReceiptForm,
    VoteForm,
)
from recuento.web.elections.messages import code_message
from recuento.web.elections.models import CLOSED, DRAFT, Election

PAGE_SIZE = 500


def _lang() -> str:
    return "es" if (get_language() or "").startswith("es") else "en"


# ---------------------------------------------------------------- coordinators


@requires("manage_elections")
def election_list(request: HttpRequest) -> HttpResponse:
    """Every election, newest first, with its status and ballots cast."""
    elections = Election.objects.annotate(cast=Count("ballots")).order_by("-opens_at", "-pk")
    return render(request, "elections/election_list.html", {"elections": elections})


def _save_rules(election: Election, form: ElectionForm) -> None:
    election.quotas = form.cleaned_data["quotas_text"]
    if election.method == "yesno":
        election.seats = 1
    election.save()
    services.set_candidates(election, form.cleaned_data["candidates"])


@requires("manage_elections")
def election_new(request: HttpRequest) -> HttpResponse:
    """Create an election (a draft: rules and candidates can still change)."""
    form = ElectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        election = form.save(commit=False)
        election.created_by = request.user
        election.lot_seed = services.new_lot_seed()
        _save_rules(election, form)
        record(
            request.user,
            "create",
            "election",
            election.pk,
            {"method": election.method, "seats": election.seats,
             "candidates": election.candidates.count(), "quotas": election.quotas},
        )  # fmt: skip
        messages.success(request, _("Election created."))
        return redirect("elections:election", pk=election.pk)
    return render(request, "elections/election_form.html", {"form": form, "election": None})


@requires("manage_elections")
def election_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft's rules and candidates (not once codes are issued)."""
    election = get_object_or_404(Election, pk=pk)
    if election.status != DRAFT:
        messages.error(request, _("The election cannot change once codes have been issued."))
        return redirect("elections:election", pk=election.pk)
    initial = {
        "quotas_text": ", ".join(f"{g}:{m}" for g, m in sorted(election.quotas.items())),
        "candidates_text": "" if election.method == "yesno" else services.candidates_text(election),
    }
    form = ElectionForm(request.POST or None, instance=election, initial=initial)
    if request.method == "POST" and form.is_valid():
        election = form.save(commit=False)
        _save_rules(election, form)
        record(request.user, "change", "election", election.pk, {"fields": form.changed_data})
        messages.success(request, _("Election changed."))
        return redirect("elections:election", pk=election.pk)
    return render(request, "elections/election_form.html", {"form": form, "election": election})


@requires("manage_elections")
def election_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One election: rules, candidates, electorate, codes, ballots cast, what to do next."""
    election = get_object_or_404(Election, pk=pk)
    context = {
        "election": election,
        "candidates": election.candidates.order_by("position"),
        "cast": election.ballots.count(),
        "unused_codes": election.codes.count(),
        "vote_url": request.build_absolute_uri(reverse("elections:vote", args=[election.pk])),
    }
    return render(request, "elections/election_detail.html", context)


@requires("manage_elections")
def electorate(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the electorate (once), or see the frozen one."""
    election = get_object_or_404(Election, pk=pk)
    if election.electorate_frozen:
        record(
            request.user, "view", "electorate", election.pk, {"voters": election.electorate_size}
        )
        page = Paginator(election.voters.order_by("reference"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(request, "elections/electorate.html", {"election": election, "page": page})
    form = ElectorateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["source"] == "roll":
                frozen = services.freeze_from_roll(election, cutoff=form.cleaned_data["cutoff"])
            else:
                frozen = services.freeze_from_csv(
                    election, form.cleaned_data["file"], cutoff=form.cleaned_data["cutoff"]
                )
        except services.ElectionError as e:
            form.add_error(None, str(e))
        else:
            record(
                request.user,
                "freeze_electorate",
                "election",
                election.pk,
                {"source": form.cleaned_data["source"], "voters": frozen.voters,
                 "rows_read": frozen.read, "duplicate_rows": frozen.duplicates},
            )  # fmt: skip
            messages.success(request, _("Electorate frozen: %(n)d voters.") % {"n": frozen.voters})
            return redirect("elections:election", pk=election.pk)
    return render(request, "elections/electorate.html", {"election": election, "form": form})


def _sheet_csv(sheet: list[services.IssuedCode], vote_url: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["member_id", "name", "email", "code", "voting_page"])
    for item in sheet:
        writer.writerow([_cell(item.reference), _cell(item.name), _cell(item.email),
                         item.code, vote_url])  # fmt: skip
    return out.getvalue()


def _cell(text: str) -> str:
    # A spreadsheet must not run a cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@requires("manage_elections")
def codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue every voter a single-use code; the codes are in the response and nowhere else."""
    election = get_object_or_404(Election, pk=pk)
    form = CodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reissue = election.codes_issued_at is not None
        try:
            sheet = services.issue_codes(election)
        except services.ElectionError as e:
            form.add_error(None, str(e))
        else:
            fmt = form.cleaned_data["format"]
            record(
                request.user,
                "reissue_codes" if reissue else "issue_codes",
                "election",
                election.pk,
                {"codes": len(sheet), "format": fmt},
            )
            vote_url = request.build_absolute_uri(reverse("elections:vote", args=[election.pk]))
            if fmt == "csv":
                body, name = _sheet_csv(sheet, vote_url), f"election-{election.pk}-codes.csv"
                content_type = "text/csv; charset=utf-8"
            else:
                body = "".join(code_message(election, item, vote_url) for item in sheet)
                name = f"election-{election.pk}-codes.txt"
                content_type = "text/plain; charset=utf-8"
            response = HttpResponse(body, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "elections/codes.html", {"election": election, "form": form})


@requires("manage_elections")
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the election, count it and publish the result and the anonymised ballots."""
    election = get_object_or_404(Election, pk=pk)
    if request.method == "POST":
        try:
            election = services.close(election.pk)
        except services.ElectionError as e:
            messages.error(request, str(e))
        else:
            elected = (election.result or {}).get("elected", [])
            record(
                request.user,
                "close",
                "election",
                election.pk,
                {"ballots": election.ballots.count(), "electorate": election.electorate_size,
                 "elected": len(elected), "method": election.method},
            )  # fmt: skip
            messages.success(request, _("Election closed and counted; the result is published."))
            return redirect("elections:results", pk=election.pk)
    return render(
        request,
        "elections/close.html",
        {"election": election, "cast": election.ballots.count()},
    )


# ---------------------------------------------------------------- public


def _public(pk: int) -> Election:
    election = get_object_or_404(Election, pk=pk)
    if election.status == DRAFT:
        raise Http404("no such election")
    return election


@login_not_required
@never_cache
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The paper: a code and the choices. Answers with the receipt, shown this once."""
    election = _public(pk)
    form = VoteForm(request.POST or None, election=election)
    if request.method == "POST" and form.is_valid():
        try:
            preferences = services.ballot_from_choices(election, form.choices())
            receipt = services.cast(election.pk, form.cleaned_data["code"], preferences)
        except services.ElectionError as e:
            form.add_error(None, str(e))
        else:
            return render(
                request, "elections/voted.html", {"election": election, "receipt": receipt}
            )
    return render(
        request,
        "elections/vote.html",
        {"election": election, "form": form, "open": election.accepts_ballots()},
    )


def _paper(election: Election, names: list[str], preferences: list[int]) -> str:
    if not preferences:
        return _("(blank)")
    if election.is_ranked:
        return "; ".join(f"{i}. {names[p]}" for i, p in enumerate(preferences, start=1))
    return "; ".join(names[p] for p in preferences)


@login_not_required
def ballots(request: HttpRequest, pk: int) -> HttpResponse:
    """After the close: every ballot by receipt (a random order), and a receipt look-up."""
    election = _public(pk)
    context: dict[str, Any] = {"election": election}
    if election.status == CLOSED:
        names = list(election.candidates.order_by("position").values_list("name", flat=True))
        form = ReceiptForm(request.GET or None)
        if form.is_valid():
            wanted = services.normalise_token(form.cleaned_data["receipt"])
            found = election.ballots.filter(receipt=wanted).first()
            context["looked_up"] = wanted
            context["found"] = _paper(election, names, found.preferences) if found else None
        page = Paginator(
            election.ballots.order_by("receipt").values_list("receipt", "preferences"), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        context.update(
            form=form,
            page=page,
            rows=[(r, _paper(election, names, p)) for r, p in page.object_list],
        )
    return render(request, "elections/ballots.html", context)


@login_not_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The published result, stage by stage, and how to re-run the count."""
    election = _public(pk)
    context: dict[str, Any] = {"election": election}
    if election.status == CLOSED:
        filename = services.blt_filename(election)
        result = election.result or {}
        cast = election.ballots.count()
        context.update(
            result=result,
            text=election.result_text_es if _lang() == "es" else election.result_text_en,
            cast=cast,
            turnout=(f"{100 * cast / election.electorate_size:.2f}"
                     if election.electorate_size else None),
            filename=filename,
            command=services.tally_command(election, filename),
        )  # fmt: skip
    return render(request, "elections/results.html", context)


@login_not_required
def blt(request: HttpRequest, pk: int) -> HttpResponse:
    """The anonymised ballots as a BLT file (identical papers merged), after the close."""
    election = _public(pk)
    if election.status != CLOSED:
        raise Http404("not closed")
    response = HttpResponse(election.blt, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{services.blt_filename(election)}"'
    return response


@login_not_required
def results_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The result as ``recuento tally --json`` writes it, after the close."""
    election = _public(pk)
    if election.status != CLOSED:
        raise Http404("not closed")
    body = {
        "ok": True,
        "election": election.pk,
        "electorate": election.electorate_size,
        "ballots": election.ballots.count(),
        "command": services.tally_command(election, services.blt_filename(election)),
        "result": election.result,
    }
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, indent=2), content_type="application/json"
    )
