"""Eligibility checks in the site: flag members, never change their status.

Two ways in:

- **plaintext**: the party's roll (and expulsions list) uploaded as lists and matched with
  the members by the linkage model
  (:func:`recuento.pprl.eligibility_plaintext.plaintext_eligibility`). It runs inside the
  request: fine for a few thousand records; for a whole party roll run
  ``recuento eligibility`` on the command line and import its statuses file;
- **pprl**: import the ``statuses.csv`` written by ``recuento eligibility`` (encoded or
  plaintext mode), whose ``id`` column holds the members' membership numbers.

Each check records one :class:`~recuento.web.roll.models.Flag` per member it names, and
sets the member's current ``flag``; the administrator status is untouched (only a recorded
decision changes it, :func:`recuento.web.roll.services.change_status`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from recuento.errors import RecuentoError
from recuento.web.audit.log import record
from recuento.web.roll.models import EligibilityCheck, Flag, Member
from recuento.web.roll.services import RollError

FLAGS = ("eligible", "must_join", "deemed_resigned", "review")
_MEMBER_COLUMNS = ("id", "full_name", "birth_date", "postcode", "email")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def record_flags(
    rows: Iterable[Mapping[str, Any]],
    *,
    mode: str,
    deadline: dt.date,
    files: list[dict[str, str]],
    user: Any,
) -> EligibilityCheck:
    """Store a check's statuses as flags, in one transaction (nothing stored on error).

    Args:
        rows: statuses rows (``id``, ``status``, ``roll_probability``,
            ``expelled_probability``, ``note``), as written by ``recuento eligibility``.
        mode: ``plaintext`` or ``pprl``.
        deadline: the deadline the check used.
        files: name and SHA-256 of each file used.
        user: who ran the check.

    Raises:
        RollError: a status is not one of the four, or no row names a member.
    """
    members = {m.member_id: m for m in Member.objects.only("pk", "member_id", "flag")}
    flags: list[Flag] = []
    touched: list[Member] = []
    counts: Counter[str] = Counter()
    unmatched = 0
    problems: list[str] = []
    for line, row in enumerate(rows, start=2):
        status = (row.get("status") or "").strip()
        if status not in FLAGS:
            if len(problems) < 10:
                problems.append(
                    _("line %(line)d: status must be one of %(flags)s")
                    % {"line": line, "flags": ", ".join(FLAGS)}
                )
            continue
        member = members.get(str(row.get("id") or "").strip())
        if member is None:
            unmatched += 1
            continue
        counts[status] += 1
        member.flag = status
        touched.append(member)
        flags.append(
            Flag(
                member=member,
                flag=status,
                roll_probability=_float(row.get("roll_probability")),
                expelled_probability=_float(row.get("expelled_probability")),
                note=str(row.get("note") or "")[:500],
            )
        )
    if problems:
        raise RollError(
            _("The statuses file cannot be read: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    if not flags:
        raise RollError(
            _(
                "No row of the statuses names a member of the roll: the ids must be the "
                "members' membership numbers (run `recuento eligibility` on the roll as "
                "imported)."
            )
        )
    with transaction.atomic():
        check = EligibilityCheck.objects.create(
            by=user, mode=mode, deadline=deadline, files=files, counts=dict(counts),
            unmatched=unmatched,
        )  # fmt: skip
        for flag in flags:
            flag.check_run = check
        Flag.objects.bulk_create(flags, batch_size=1000)
        Member.objects.bulk_update(touched, ["flag"], batch_size=1000)
        record(
            user,
            "eligibility_check",
            "roll",
            check.pk,
            {"mode": mode, "counts": dict(counts), "unmatched": unmatched},
        )
    return check


def import_statuses(path: Path, *, filename: str, deadline: dt.date, user: Any) -> EligibilityCheck:
    """Flag members from a statuses file written by ``recuento eligibility``.

    Raises:
        RollError: the file is not a statuses file (columns ``id`` and ``status``).
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = {"id", "status"} - set(reader.fieldnames or [])
            if missing:
                raise RollError(
                    _(
                        "%(file)s has no column %(columns)s: pass the statuses file written "
                        "by `recuento eligibility ... --out statuses.csv`."
                    )
                    % {"file": filename, "columns": ", ".join(sorted(missing))}
                )
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise RollError(
            _("%(file)s cannot be read as a CSV statuses file (%(error)s).")
            % {"file": filename, "error": type(e).__name__}
        ) from e
    files = [{"name": filename, "sha256": _sha256(path)}]
    return record_flags(rows, mode="pprl", deadline=deadline, files=files, user=user)


def _members_file(directory: Path) -> Path:
    """The roll as a list file (what the linkage reads), written to ``directory``."""
    path = directory / "members.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(_MEMBER_COLUMNS)
        for m in Member.objects.order_by("member_id").values_list(
            "member_id", "full_name", "birth_date", "postcode", "email"
        ):
            writer.writerow(m)
    return path


def check_plaintext(
    roll: Path,
    expelled: Path | None,
    *,
    names: tuple[str, str | None],
    deadline: dt.date,
    user: Any,
) -> EligibilityCheck:
    """Match the members with the party's plaintext roll (and expulsions), and flag them.

    Args:
        roll: the party's roll (a list file).
        expelled: the party's expulsions list, or None.
        names: the uploaded file names of ``roll`` and ``expelled`` (for messages).
        deadline: the date by which members not on the roll must join.
        user: who runs the check.

    Raises:
        RollError: a file cannot be read as a list, or there are no members.
    """
    from recuento.lists.reader import read_list
    from recuento.pprl.eligibility import Thresholds
    from recuento.pprl.eligibility_plaintext import plaintext_eligibility

    if not Member.objects.exists():
        raise RollError(_("There are no members yet: import the roll first."))
    with tempfile.TemporaryDirectory(prefix="recuento-roll-") as tmp:
        members_path = _members_file(Path(tmp))
        tables: list[Any] = []
        for path, shown in ((members_path, "the roll"), (roll, names[0]), (expelled, names[1])):
            if path is None:
                tables.append(None)
                continue
            try:
                tables.append(read_list(path, workers=1).table)
            except RecuentoError as e:
                raise RollError(str(e).replace(str(path), shown or "the file")) from e
        try:
            rows, _counts, _notes = plaintext_eligibility(
                tables[0], tables[1], tables[2], deadline, Thresholds()
            )
        except RecuentoError as e:
            raise RollError(str(e)) from e
    files = [{"name": names[0], "sha256": _sha256(roll)}]
    if expelled is not None:
        files.append({"name": names[1] or "", "sha256": _sha256(expelled)})
    return record_flags(rows, mode="plaintext", deadline=deadline, files=files, user=user)
