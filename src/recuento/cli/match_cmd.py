"""``recuento match``: candidate remains for each missing person, with reasons."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click

from recuento.match import REASON_LABELS, REASONS, Candidate, Matcher, read_missing, read_remains

_COLUMNS = ["missing_id", "remains_id", "rank", "score", "reasons"]


def _write_csv(handle: io.TextIOBase, candidates: list[Candidate], lang: str) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(_COLUMNS)
    for c in candidates:
        writer.writerow(
            [c.missing_id, c.remains_id, c.rank, f"{c.score:.3f}", c.reasons_text(lang)]
        )


def _summary_text(cases: int, remains: int, summary: dict, kept: int, lang: str) -> str:
    counts = summary["by_reason"]
    label = 0 if lang == "es" else 1
    reasons = ", ".join(f"{REASON_LABELS[r][label]}: {counts[r]}" for r in REASONS)
    if lang == "es":
        return (
            f"{cases} casos contra {remains} restos: {summary['pairs']} pares, "  # codespell:ignore
            f"{summary['excluded']} excluidos ({reasons}); {kept} candidatos. "
            "Un candidato no es una identificación: necesita revisión, y se confirma "
            "solo con ADN, odontología o huellas."  # codespell:ignore
        )
    return (
        f"{cases} cases against {remains} remains: {summary['pairs']} pairs, "
        f"{summary['excluded']} excluded ({reasons}); {kept} candidates. "
        "A candidate is not an identification: it needs review and confirmation by "
        "DNA, dental or fingerprint evidence."
    )


@click.command(name="match")
@click.argument("missing", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("remains", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the candidates here (CSV: missing_id, remains_id, rank, score, reasons). "
    "Default: standard output, unless --json.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Candidates kept per missing person.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the candidates (with score components and reasons in both "
    "languages) and the exclusion counts as JSON.",
)
@click.option(
    "--lang",
    type=click.Choice(["es", "en"]),
    default="es",
    show_default=True,
    help="Language of the reasons in the CSV and of the summary.",
)
@click.option(
    "--excluded",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write every excluded pair with its reasons (CSV: missing_id, remains_id, "
    "reasons), for the review log.",
)
def match_command(
    missing: Path,
    remains: Path,
    out: Path | None,
    top: int,
    as_json: bool,
    lang: str,
    excluded: Path | None,
) -> None:
    """Rank unidentified remains against missing persons, with reasons.

    Pairs with a hard contradiction (sex; last seen after found; age or height ranges
    that cannot overlap, widened by the condition of the remains) are excluded and
    counted by reason; the others are ranked by marks by body location, clothing and
    effects, dental notes, distance and time, rare features weighing more. Eye and hair
    colour never exclude. A candidate is a lead for a person to review, never an
    identification. The file format is described in docs/match.md.

    \b
    Example:
        recuento match missing.csv remains.csv --out candidates.csv --top 10
        recuento match missing.csv remains.csv --json --lang en
    """
    cases = read_missing(missing)
    records = read_remains(remains)
    matcher = Matcher(records)
    candidates: list[Candidate] = []
    for case in cases:
        candidates += matcher.candidates(case, top)
    summary = matcher.summary.to_dict()
    if excluded is not None:
        with excluded.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["missing_id", "remains_id", "reasons"])
            label = 0 if lang == "es" else 1
            for case in cases:
                for remains_id, reasons in matcher.excluded_pairs(case):
                    text = " | ".join(REASON_LABELS[r][label] for r in reasons)
                    writer.writerow([case.id, remains_id, text])
    if out is not None:
        with out.open("w", encoding="utf-8", newline="") as handle:
            _write_csv(handle, candidates, lang)
    if as_json:
        payload = {
            "cases": len(cases),
            "remains": len(records),
            **summary,
            "candidates": [
                {
                    "missing_id": c.missing_id,
                    "remains_id": c.remains_id,
                    "rank": c.rank,
                    "score": round(c.score, 6),
                    "components": {k: round(v, 6) for k, v in c.components.items()},
                    "reasons": [
                        {
                            "component": r.component,
                            "points": round(r.points, 6),
                            "es": r.es,
                            "en": r.en,
                        }
                        for r in c.reasons
                    ],
                }
                for c in candidates
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif out is None:
        buffer = io.StringIO()
        _write_csv(buffer, candidates, lang)
        click.echo(buffer.getvalue(), nl=False)
    click.echo(_summary_text(len(cases), len(records), summary, len(candidates), lang), err=True)


COMMANDS = [match_command]
