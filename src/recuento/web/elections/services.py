"""What the election pages do: candidates, freezing the electorate, codes, voting, the count.

Views parse requests, check permissions and render; everything that changes an election
happens here, inside a transaction, so a failure half-way leaves the data as it was.

The count uses the same engine functions as ``recuento tally``
(:func:`recuento.ballots.tally`, :func:`~recuento.ballots.format_result`,
:func:`~recuento.ballots.format_blt`), and :func:`tally_command` writes the command that
re-runs the published count from the published BLT file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from recuento.ballots import Candidate as EngineCandidate
from recuento.ballots import Election as EngineElection
from recuento.ballots import Lot, format_blt, format_result, tally
from recuento.ballots.blt import parse_name
from recuento.errors import RecuentoError
from recuento.lists.messages import reject_message
from recuento.lists.reader import read_list
from recuento.web.elections.models import (
    BLOCK,
    CLOSED,
    CSV_SOURCE,
    DRAFT,
    ISSUED,
    ROLL_SOURCE,
    YESNO,
    YESNO_OPTIONS,
    Ballot,
    Candidate,
    Code,
    Election,
    Voter,
)

# Codes and receipts avoid letters and digits that are easily confused (0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # 16 symbols of 31: about 79 bits, beyond guessing.
RECEIPT_LENGTH = 12  # about 59 bits: receipts need to be unique, not secret.
MAX_LOT_SEED = 2**31 - 1


class ElectionError(RecuentoError):
    """An election cannot do what was asked; the message is safe to show to anyone."""


def new_lot_seed() -> int:
    """A random seed for lots, drawn when the election is created."""
    return secrets.randbelow(MAX_LOT_SEED)


def _grouped(length: int) -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def make_code() -> str:
    """A new voting code, ``XXXX-XXXX-XXXX-XXXX``."""
    return _grouped(CODE_LENGTH)


def make_receipt() -> str:
    """A new ballot receipt, ``XXXX-XXXX-XXXX``."""
    return _grouped(RECEIPT_LENGTH)


def normalise_token(text: str) -> str:
    """A code or receipt as typed: upper case, spaces and dashes ignored, grouped by 4."""
    raw = "".join(c for c in text.upper() if c.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def code_digest(election_id: int, code: str) -> str:
    """The stored form of a code: SHA-256 of the election's id and the normalised code.

    A plain hash is enough: a code carries about 79 random bits, so nobody can find one
    from its hash by trying codes.
    """
    return hashlib.sha256(f"{election_id}:{normalise_token(code)}".encode()).hexdigest()


# ---------------------------------------------------------------- candidates


def parse_candidates(text: str) -> list[EngineCandidate]:
    """Candidates from text, one per line, groups as in a BLT name line: ``Ana [women]``.

    Raises:
        ElectionError: an empty list or a repeated name (every problem at once).
    """
    candidates = [parse_name(line) for line in text.splitlines() if line.strip()]
    problems = []
    seen: set[str] = set()
    for n, c in enumerate(candidates, start=1):
        if not c.name:
            problems.append(_("candidate %(n)d has an empty name") % {"n": n})
        elif c.name in seen:
            problems.append(_("candidate %(n)d repeats an earlier name") % {"n": n})
        seen.add(c.name)
    if not candidates:
        problems.append(_("give at least one candidate, one per line"))
    if problems:
        raise ElectionError("; ".join(problems))
    return candidates


def candidates_text(election: Election) -> str:
    """The candidates as the form shows them (inverse of :func:`parse_candidates`)."""
    lines = []
    for c in election.candidates.order_by("position"):
        groups = sorted(c.group_set)
        lines.append(f"{c.name} [{', '.join(groups)}]" if groups else c.name)
    return "\n".join(lines)


def set_candidates(election: Election, candidates: Sequence[EngineCandidate]) -> None:
    """Replace the candidates (drafts only). A consultation gets its three fixed options."""
    if election.status != DRAFT:
        raise ElectionError(_("The candidates cannot change once codes have been issued."))
    if election.method == YESNO:
        candidates = [EngineCandidate(name) for name in YESNO_OPTIONS]
    election.candidates.all().delete()
    Candidate.objects.bulk_create(
        Candidate(election=election, position=i, name=c.name, groups=", ".join(sorted(c.groups)))
        for i, c in enumerate(candidates)
    )


def check_rules(
    method: str, seats: int, quotas: dict[str, int], candidates: Sequence[EngineCandidate]
) -> list[str]:
    """Every reason why these rules cannot be counted (empty when they can)."""
    problems = []
    if method == YESNO:
        if quotas:
            problems.append(_("A consultation has no group quotas."))
        return problems
    if seats > len(candidates):
        problems.append(
            _("There are %(seats)d seats but only %(n)d candidates.")
            % {"seats": seats, "n": len(candidates)}
        )
    if quotas and method == BLOCK:
        problems.append(_("Group quotas apply only to STV and Meek STV."))
    for group, minimum in sorted(quotas.items()):
        members = sum(1 for c in candidates if group in c.groups)
        if minimum > seats:
            problems.append(
                _("The quota for %(group)s (%(min)d) is more than the seats.")
                % {"group": group, "min": minimum}
            )
        if members < minimum:
            problems.append(
                _("The quota for %(group)s asks for %(min)d but only %(n)d candidates are in it.")
                % {"group": group, "min": minimum, "n": members}
            )
    if sum(quotas.values()) > seats:
        problems.append(_("The quotas together ask for more than the seats."))
    return problems


# ---------------------------------------------------------------- electorate


@dataclass(frozen=True)
class Frozen:
    """What freezing an electorate did: voters kept, rows read, duplicates dropped."""

    voters: int
    read: int
    duplicates: int


def _ensure_freezable(election: Election) -> None:
    if election.electorate_frozen:
        raise ElectionError(
            _("The electorate of this election is already frozen; it cannot change.")
        )
    if election.status != DRAFT:
        raise ElectionError(_("The electorate can only be frozen before codes are issued."))


def _store_voters(
    election: Election,
    voters: list[tuple[str, str, str]],
    *,
    source: str,
    cutoff: datetime,
    notes: dict[str, Any],
) -> None:
    if not voters:
        raise ElectionError(_("The electorate is empty: nobody could vote."))
    digest = hashlib.sha256(
        "\n".join(sorted(ref for ref, _n, _e in voters)).encode("utf-8")
    ).hexdigest()
    with transaction.atomic():
        Voter.objects.bulk_create(
            (Voter(election=election, reference=r, name=n, email=e) for r, n, e in voters),
            batch_size=2000,
        )
        election.electorate_source = source
        election.electorate_cutoff = cutoff
        election.electorate_frozen_at = timezone.now()
        election.electorate_size = len(voters)
        election.electorate_digest = digest
        election.electorate_notes = notes
        election.save()


def _clip(value: Any, length: int) -> str:
    return ("" if value is None else str(value)).strip()[:length]


def freeze_from_csv(election: Election, upload: UploadedFile, *, cutoff: datetime) -> Frozen:
    """Freeze the electorate from an uploaded list of voters (CSV, XLSX or Parquet).

    The list is read with :func:`recuento.lists.reader.read_list` (columns ``id``, a name,
    ``email``); the file itself is not kept. Exact repeated rows are dropped; any other
    reject, or two rows with the same member id, refuses the whole list, so that nobody
    is left out of the electorate without a person deciding it.

    Raises:
        ElectionError: the electorate is already frozen, or the list cannot be used (the
            message names line numbers and reasons, never a value).
    """
    _ensure_freezable(election)
    suffix = Path(upload.name or "").suffix.lower()[:10] or ".csv"
    tmp_dir = Path(settings.FILE_UPLOAD_TEMP_DIR)
    tmp_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=".electorate-", suffix=suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            result = read_list(path, name="electorate", workers=1)
        except RecuentoError as e:
            raise ElectionError(str(e).replace(str(path), upload.name or "the file")) from e
    finally:
        path.unlink(missing_ok=True)
    lang = "es" if (get_language() or "").startswith("es") else "en"
    problems = [
        _("line %(line)d: %(reason)s")
        % {"line": r.number, "reason": reject_message(r.reason, lang)}  # type: ignore[arg-type]
        for r in result.rejects
        if r.reason != "duplicate_row"
    ]
    repeated = result.warning_locations.get("duplicate_id", [])
    if result.warnings.get("duplicate_id"):
        lines = ", ".join(str(n) for n in repeated)
        problems.append(
            _("%(n)d rows repeat a member id of an earlier row (lines %(lines)s)")
            % {"n": result.warnings["duplicate_id"], "lines": lines}
        )
    if problems:
        raise ElectionError(
            _("The list of voters cannot be frozen; fix these rows and upload it again: %(p)s")
            % {"p": "; ".join(problems[:20])}
        )
    voters = []
    for row in result.table.select(
        ["id", "full_name", "given_names", "first_surname", "second_surname", "email"]
    ).to_pylist():
        name = row["full_name"] or " ".join(
            str(row[k]) for k in ("given_names", "first_surname", "second_surname") if row[k]
        )
        voters.append((_clip(row["id"], 100), _clip(name, 300), _clip(row["email"], 254)))
    duplicates = result.rejects_by_reason.get("duplicate_row", 0)
    _store_voters(
        election,
        voters,
        source=CSV_SOURCE,
        cutoff=cutoff,
        notes={"read": result.read, "duplicate_rows": duplicates},
    )
    return Frozen(len(voters), result.read, duplicates)


def freeze_from_roll(election: Election, *, cutoff: datetime) -> Frozen:
    """Freeze the electorate from the members eligible on the roll at ``cutoff``.

    Uses the roll's electorate contract,
    :func:`recuento.web.roll.services.eligible_members`: dates are judged on the cut-off's
    day, administrator statuses as they are now. The members are copied (reference, name,
    email), so later changes to the roll do not change the electorate.

    Raises:
        ElectionError: the electorate is already frozen, or nobody is eligible.
    """
    from recuento.web.roll.services import eligible_members

    _ensure_freezable(election)
    voters = [
        (_clip(m.member_id, 100), _clip(m.full_name, 300), _clip(m.email, 254))
        for m in eligible_members(cutoff)
    ]
    _store_voters(election, voters, source=ROLL_SOURCE, cutoff=cutoff, notes={})
    return Frozen(len(voters), len(voters), 0)


# ---------------------------------------------------------------- codes


@dataclass(frozen=True)
class IssuedCode:
    """One line of the code sheet: who gets which code. Never stored."""

    reference: str
    name: str
    email: str
    code: str


def issue_codes(election: Election) -> list[IssuedCode]:
    """Give every voter a new single-use code; store only the codes' hashes, shuffled.

    May be called again only while nobody can have voted (before voting opens and with no
    ballot cast): every earlier code is then invalidated.

    Returns:
        The code sheet, sorted by member reference: the only place where a voter and a
        code are ever together.

    Raises:
        ElectionError: the electorate is not frozen, candidates are missing, the rules
            cannot be counted, voting has opened, or the election is closed.
    """
    if not election.electorate_frozen:
        raise ElectionError(_("Freeze the electorate before issuing codes."))
    candidates = [
        EngineCandidate(c.name, c.group_set) for c in election.candidates.order_by("position")
    ]
    problems = check_rules(election.method, election.seats, election.quotas, candidates)
    if not candidates:
        problems.append(_("The election has no candidates."))
    if problems:
        raise ElectionError(" ".join(problems))
    if election.status == CLOSED:
        raise ElectionError(_("The election is closed."))
    if election.status == ISSUED and (
        timezone.now() >= election.opens_at or election.ballots.exists()
    ):
        raise ElectionError(
            _(
                "Codes were issued and voting has opened: new codes cannot be issued, "
                "because the old ones may already have been used."
            )
        )
    voters = list(election.voters.order_by("reference").values_list("reference", "name", "email"))
    sheet = [IssuedCode(r, n, e, make_code()) for r, n, e in voters]
    digests = [code_digest(election.pk, item.code) for item in sheet]
    # Insert in a random order: a code row's position says nothing about its voter.
    secrets.SystemRandom().shuffle(digests)
    with transaction.atomic():
        election.codes.all().delete()
        Code.objects.bulk_create(
            (Code(election=election, digest=d) for d in digests), batch_size=2000
        )
        election.status = ISSUED
        election.codes_issued_at = timezone.now()
        election.save(update_fields=["status", "codes_issued_at"])
    return sheet


# ---------------------------------------------------------------- voting


def ballot_from_choices(election: Election, choices: dict[int, int] | list[int]) -> list[int]:
    """Check a paper and return its stored form (0-based candidate positions).

    Args:
        choices: for ranked methods, ``{position: rank}`` (ranks 1, 2, 3... without gaps
            or repeats); otherwise the list of marked positions.

    Raises:
        ElectionError: the paper cannot be counted as filled in.
    """
    n = election.candidates.count()
    if election.is_ranked:
        ranks = dict(choices) if isinstance(choices, dict) else {}
        if any(p < 0 or p >= n for p in ranks):
            raise ElectionError(_("The paper names a candidate who is not standing."))
        order = sorted(ranks, key=lambda p: ranks[p])
        if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            raise ElectionError(
                _("Number your preferences 1, 2, 3... without repeating or skipping a number.")
            )
        return order
    marks = sorted(set(choices if isinstance(choices, list) else list(choices)))
    if any(p < 0 or p >= n for p in marks):
        raise ElectionError(_("The paper names a candidate who is not standing."))
    if election.method == YESNO and len(marks) > 1:
        raise ElectionError(_("Choose one answer."))
    if election.method == BLOCK and len(marks) > election.seats:
        raise ElectionError(
            _("Mark at most %(k)d candidates.") % {"k": election.seats},
        )
    return marks


def cast(election_id: int, code: str, preferences: list[int]) -> str:
    """Use a code once and store the paper without any trace of who cast it.

    One transaction: lock the election (a close waits for votes in progress, and a vote
    waits for a close), delete the code's row (a code used twice finds no row), insert
    the ballot with a random id and receipt. Nothing is written that names the voter, the
    code or the time.

    Returns:
        The receipt.

    Raises:
        ElectionError: voting is not open, or the code is not valid (already used or never
            issued: the same message for both).
    """
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election_id)
        if not election.accepts_ballots():
            raise ElectionError(_("This election is not accepting ballots now."))
        deleted, _rows = Code.objects.filter(
            election=election, digest=code_digest(election.pk, code)
        ).delete()
        if not deleted:
            raise ElectionError(
                _("This code is not valid for this election, or it has already been used.")
            )
        for _attempt in range(5):
            receipt = make_receipt()
            try:
                with transaction.atomic():
                    Ballot.objects.create(
                        election=election, receipt=receipt, preferences=list(preferences)
                    )
            except IntegrityError:
                continue  # The same receipt twice: astronomically rare; draw again.
            return receipt
        raise ElectionError(_("The ballot could not be stored; try again."))


# ---------------------------------------------------------------- the count


def engine_election(election: Election) -> EngineElection:
    """The election as the counting engine reads it, identical papers merged."""
    candidates = [
        EngineCandidate(c.name, c.group_set) for c in election.candidates.order_by("position")
    ]
    papers: dict[tuple[int, ...], int] = {}
    for prefs in election.ballots.values_list("preferences", flat=True).iterator(chunk_size=5000):
        key = tuple(int(p) for p in prefs)
        papers[key] = papers.get(key, 0) + 1
    seats = 1 if election.method == YESNO else election.seats
    return EngineElection.build(candidates, papers, seats=seats, title=election.title)


def tally_options(election: Election) -> dict[str, Any]:
    """The keyword arguments of :func:`recuento.ballots.tally` for this election."""
    options: dict[str, Any] = {"method": election.method, "lot": Lot(seed=election.lot_seed)}
    if election.quotas:
        options["quotas"] = dict(election.quotas)
    if election.method == YESNO:
        options["electorate"] = election.electorate_size
    return options


def tally_command(election: Election, filename: str) -> str:
    """The ``recuento tally`` command that re-runs the published count."""
    parts = ["recuento", "tally", filename, "--method", election.method]
    for group, minimum in sorted(election.quotas.items()):
        parts += ["--quota", f"{group}:{minimum}"]
    parts += ["--seed", str(election.lot_seed)]
    if election.method == YESNO:
        parts += ["--electorate", str(election.electorate_size)]
    return " ".join(parts)


def blt_filename(election: Election) -> str:
    """The published BLT file's name."""
    return f"election-{election.pk}.blt"


def close(election_id: int) -> Election:
    """Close the election, count it and publish the result and the anonymised BLT.

    Raises:
        ElectionError: voting has not ended, the election is not open or already closed,
            or the count itself fails (the election then stays open for a fix).
    """
    with transaction.atomic():
        election = Election.objects.select_for_update().get(pk=election_id)
        if election.status == CLOSED:
            raise ElectionError(_("The election is already closed."))
        if not election.may_close():
            raise ElectionError(_("The election can be closed only after voting has ended."))
        counted = engine_election(election)
        if election.method != YESNO and all(not seq for seq, _w in counted.ballots):
            # Nothing to count (no paper, or only blank ones): closed with no result.
            election.result = None
            election.result_text_en = election.result_text_es = ""
        else:
            try:
                result = tally(counted, **tally_options(election))
            except RecuentoError as e:
                raise ElectionError(_("The count failed: %(error)s") % {"error": str(e)}) from e
            election.result = result.to_json()
            election.result_text_en = format_result(result, lang="en")
            election.result_text_es = format_result(result, lang="es")
        election.blt = format_blt(counted)
        election.status = CLOSED
        election.closed_at = timezone.now()
        # Unused codes are worthless now; dropping them keeps nothing more than needed.
        election.codes.all().delete()
        _rewrite_in_receipt_order(election)
        election.save()
    return election


def _rewrite_in_receipt_order(election: Election) -> None:
    """Store the ballots again, in receipt order, in the close's own transaction.

    While voting is open, the database's physical order of ballot rows (SQLite's rowid,
    PostgreSQL's ctid and xmin) follows the order of casting, which an administrator could
    set beside a web server's access log. Rewritten at the close, every live ballot row
    has the close's transaction id and a position given by its random receipt.
    """
    table = connection.ops.quote_name(Ballot._meta.db_table)
    scratch = connection.ops.quote_name("__recuento__ballots_by_receipt")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {scratch} AS "
            f"SELECT * FROM {table} WHERE election_id = %s ORDER BY receipt",
            [election.pk],
        )
        cursor.execute(f"DELETE FROM {table} WHERE election_id = %s", [election.pk])
        cursor.execute(f"INSERT INTO {table} SELECT * FROM {scratch} ORDER BY receipt")
        cursor.execute(f"DROP TABLE {scratch}")
