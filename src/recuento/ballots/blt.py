"""Reading and writing BLT ballot files.

BLT is the ballot file of OpenSTV, the Electoral Reform Society, OpaVote and
ElectionBuddy, and the format in which Scottish council ballots are republished::

    4 2                 number of candidates, number of seats
    -3                  optional: withdrawn candidates, as negative numbers
    12 1 2 0            a ballot group: weight, preferences (1-based), 0
    7 2 4 3 0
    1 0                 a blank paper
    0                   end of ballots
    "Ana GARCÍA [women]"    one name per candidate (quotes optional)
    "Luis PÉREZ"
    "Marta ROS [women]"
    "Juan SERRA"
    "Coordinating group 2026"   the title

Groups for quotas: a name may end in ``[group]`` or ``[group1, group2]``. The brackets are
not part of the name. This keeps one self-contained file that other counting programs
still read (they show the brackets as part of the name).

An optional ``(id)`` token before the weight (OpenSTV's ballot identifiers) is accepted and
ignored. Equal rankings (``2=3``) and skipped rankings (``-``) are not BLT that these rules
can count and are reported as problems.

Errors: every problem in a file is collected and raised at once as a
:class:`BallotFileError` (a :class:`~recuento.errors.BallotError`) naming the file and the
line. Messages never quote a ballot or a name: only line numbers and what is wrong.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from recuento.ballots.model import Candidate, Election
from recuento.errors import BallotError, ProblemsError

_GROUPS = re.compile(r"^(?P<name>.*?)\s*\[(?P<groups>[^\[\]]*)\]\s*$")
_MAX_PROBLEMS = 25


class BallotFileError(BallotError, ProblemsError):
    """A ballot file has problems; all of them are listed in :attr:`problems`."""


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def parse_name(text: str) -> Candidate:
    """A candidate from a BLT name line: quotes removed, ``[groups]`` split off."""
    name = _unquote(text)
    m = _GROUPS.match(name)
    if m is None:
        return Candidate(name)
    groups = frozenset(g.strip() for g in m.group("groups").split(",") if g.strip())
    return Candidate(m.group("name").strip(), groups)


class _Problems:
    def __init__(self, where: str) -> None:
        self.where = where
        self.items: list[str] = []
        self.extra = 0

    def add(self, line: int | None, what: str) -> None:
        if len(self.items) >= _MAX_PROBLEMS:
            self.extra += 1
            return
        at = f"line {line}: " if line is not None else ""
        self.items.append(f"{at}{what}")

    def raise_if_any(self) -> None:
        if not self.items:
            return
        problems = list(self.items)
        if self.extra:
            problems.append(f"... and {self.extra} more problems of the same kinds")
        raise BallotFileError(
            f"{self.where} is not a valid BLT ballot file "
            f"({len(self.items) + self.extra} problems). Fix each line listed and count again:",
            problems,
        )


def _ints(tokens: list[str]) -> list[int] | None:
    try:
        return [int(t) for t in tokens]
    except ValueError:
        return None


def parse_blt(text: str, *, source: str = "the ballot file") -> Election:
    """Parse the text of a BLT file.

    Args:
        text: the whole file.
        source: how to name the file in messages (its path).

    Returns:
        The election, with identical preference sequences merged.

    Raises:
        BallotFileError: every problem found, with its line number.
    """
    problems = _Problems(source)
    lines = [(n, raw.strip()) for n, raw in enumerate(text.splitlines(), start=1)]
    body = [(n, s) for n, s in lines if s and not s.startswith("#")]
    if not body:
        problems.add(None, "the file is empty; a BLT file starts with 'CANDIDATES SEATS'")
        problems.raise_if_any()
    it = iter(body)
    n0, first = next(it)
    head = _ints(first.split())
    ncand = seats = 0
    if head is None or len(head) != 2 or head[0] < 1 or head[1] < 1:
        problems.add(
            n0,
            "the first line must be two positive whole numbers: candidates and seats "
            "(for example '6 3')",
        )
    else:
        ncand, seats = head
    withdrawn: set[int] = set()
    ballots: dict[tuple[int, ...], int] = {}
    ended = False
    rest = list(it)
    k = 0
    if rest and rest[0][1].startswith("-"):
        nw, wline = rest[0]
        k = 1
        values = _ints(wline.split())
        if values is None or any(v >= 0 for v in values):
            problems.add(nw, "a withdrawn-candidates line must hold only negative numbers")
        else:
            for v in values:
                if ncand and -v > ncand:
                    problems.add(nw, f"withdrawn candidate {-v} does not exist (1..{ncand})")
                withdrawn.add(-v - 1)
    while k < len(rest):
        n, line = rest[k]
        k += 1
        if line == "0":
            ended = True
            break
        _parse_ballot(n, line, ncand, ballots, problems)
    if not ended:
        problems.add(None, "the ballots do not end with a line holding a single 0")
    if not ended or not ncand:
        problems.raise_if_any()
    names = [parse_name(s) for _, s in rest[k : k + ncand]]
    name_lines = [n for n, _ in rest[k : k + ncand]]
    if len(names) < ncand:
        problems.add(
            None, f"{ncand} candidate names expected after the ballots, {len(names)} found"
        )
    seen: dict[str, int] = {}
    for n, cand in zip(name_lines, names, strict=True):
        if not cand.name:
            problems.add(n, "a candidate name is empty")
        elif cand.name in seen:
            problems.add(
                n, f"this candidate has the same name as the one on line {seen[cand.name]}"
            )
        else:
            seen[cand.name] = n
    after = rest[k + ncand :]
    title = _unquote(after[0][1]) if after else ""
    for n, _ in after[1:]:
        problems.add(n, "unexpected line after the title (the title is the last line)")
    if seats and ncand and seats > ncand:
        problems.add(n0, f"{seats} seats but only {ncand} candidates")
    problems.raise_if_any()
    return Election(tuple(names), seats, tuple(ballots.items()), frozenset(withdrawn), title)


def _parse_ballot(
    n: int,
    line: str,
    ncand: int,
    ballots: dict[tuple[int, ...], int],
    problems: _Problems,
) -> None:
    tokens = line.split()
    if tokens and tokens[0][0] == "(" and tokens[0][-1] == ")":
        tokens = tokens[1:]  # OpenSTV ballot identifier
    try:
        values = list(map(int, tokens))
    except ValueError:
        if "=" in line:
            problems.add(n, "equal rankings ('=') cannot be counted; give each its own rank")
        else:
            problems.add(n, "a ballot line must hold only whole numbers: weight, preferences, 0")
        return
    if len(values) < 2 or values[-1] != 0:
        problems.add(n, "a ballot line must end with 0 (weight, preferences, 0)")
        return
    weight = values[0]
    prefs = values[1:-1]
    if weight <= 0:
        problems.add(n, "the weight (first number) must be a positive whole number")
        return
    if prefs and (min(prefs) < 1 or max(prefs) > ncand > 0):
        if 0 in prefs:
            problems.add(n, "0 appears before the end of the ballot line")
        else:
            problems.add(n, f"a preference names no candidate (candidates are 1..{ncand})")
        return
    if len(set(prefs)) != len(prefs):
        problems.add(n, "the same candidate is ranked twice on one ballot")
        return
    seq = tuple([p - 1 for p in prefs])
    ballots[seq] = ballots.get(seq, 0) + weight


def read_blt(path: str | Path) -> Election:
    """Read a BLT file (UTF-8, with or without a byte-order mark; Latin-1 as a fallback).

    Args:
        path: the file.

    Returns:
        The election.

    Raises:
        BallotFileError: the file has problems (all listed, with line numbers).
        BallotError: the file cannot be read.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as e:
        raise BallotError(f"Cannot read the ballot file {p}: {e.strerror}.") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return parse_blt(text, source=str(p))


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def format_blt(election: Election) -> str:
    """The election as BLT text: ballot groups sorted by weight (largest first), then sequence.

    Candidate groups are written as a ``[g1, g2]`` suffix; ``parse_blt(format_blt(e))``
    gives back an equal election.
    """
    lines = [f"{len(election.candidates)} {election.seats}"]
    if election.withdrawn:
        lines.append(" ".join(f"-{w + 1}" for w in sorted(election.withdrawn)))
    for seq, weight in sorted(election.ballots, key=lambda b: (-b[1], b[0])):
        lines.append(" ".join([str(weight), *(str(c + 1) for c in seq), "0"]))
    lines.append("0")
    for cand in election.candidates:
        suffix = f" [{', '.join(sorted(cand.groups))}]" if cand.groups else ""
        lines.append(_quote(cand.name + suffix))
    lines.append(_quote(election.title))
    return "\n".join(lines) + "\n"


def write_blt(election: Election, target: str | Path | IO[str]) -> None:
    """Write the election as a BLT file (UTF-8) to a path or an open text stream."""
    text = format_blt(election)
    if isinstance(target, str | Path):
        Path(target).write_text(text, encoding="utf-8")
    else:
        target.write(text)
