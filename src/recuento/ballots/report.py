"""A count as text a person can check: a stage table, in English or Spanish.

One row per candidate, one column per stage (votes at the end of the stage), then rows for
non-transferable papers and for what truncation lost, then the elected in order and every
tie with how it was broken. Numbers are shown with the precision the count used for the
method (5 decimals for Scottish STV, as on official result sheets).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, Decimal
from typing import Any

from recuento.ballots.results import CountResult

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "method": "Method",
        "stv": "STV (Scottish rules, SSI 2007/42)",
        "meek": "Meek STV",
        "block": "Block vote",
        "yesno": "Yes/no consultation",
        "seats": "Seats",
        "valid": "Valid papers",
        "invalid": "Invalid or blank papers",
        "invalid_only": "Invalid papers",
        "quota": "Quota",
        "quotas": "Group quotas (at least)",
        "candidate": "Candidate",
        "stage": "Stage",
        "first": "first preferences",
        "surplus": "surplus of",
        "exclusion": "exclusion of",
        "iteration": "round",
        "count": "count",
        "nt": "Non-transferable",
        "loss": "Lost to truncation",
        "elected": "Elected",
        "excluded": "excluded",
        "elected_one": "elected",
        "at_stage": "stage",
        "ties": "Ties",
        "earlier_stage": "decided by the votes at stage",
        "lot": "decided by lot",
        "chosen": "chosen",
        "none": "none",
        "notes": "Notes",
        "tie_exclusion": "exclusion",
        "tie_surplus_order": "order of surpluses",
        "tie_election_order": "order of election",
        "tie_last_seat": "last seats",
        "ballot_order": "listed in ballot order",
        "yes": "Yes",
        "no": "No",
        "abstentions": "Abstentions",
        "turnout": "Turnout",
        "outcome": "Outcome",
        "carried": "carried",
        "not_carried": "not carried",
        "tie": "tie",
    },
    "es": {
        "method": "Método",
        "stv": "VUT (reglas escocesas, SSI 2007/42)",
        "meek": "VUT de Meek",
        "block": "Voto en bloque",
        "yesno": "Consulta sí/no",
        "seats": "Puestos",
        "valid": "Papeletas válidas",
        "invalid": "Papeletas nulas o en blanco",
        "invalid_only": "Papeletas nulas",
        "quota": "Cuota",
        "quotas": "Cuotas de grupo (mínimo)",
        "candidate": "Candidatura",
        "stage": "Etapa",
        "first": "primeras preferencias",
        "surplus": "excedente de",
        "exclusion": "exclusión de",
        "iteration": "ronda",
        "count": "recuento",
        "nt": "No transferibles",
        "loss": "Perdido por truncamiento",
        "elected": "Elegidas",
        "excluded": "excluida",
        "elected_one": "elegida",
        "at_stage": "etapa",
        "ties": "Empates",
        "earlier_stage": "resuelto por los votos de la etapa",
        "lot": "resuelto por sorteo",
        "chosen": "elegida",
        "none": "ninguno",
        "notes": "Notas",
        "tie_exclusion": "exclusión",
        "tie_surplus_order": "orden de los excedentes",
        "tie_election_order": "orden de elección",
        "tie_last_seat": "últimos puestos",
        "ballot_order": "en el orden de la papeleta",
        "yes": "Sí",
        "no": "No",
        "abstentions": "Abstenciones",
        "turnout": "Participación",
        "outcome": "Resultado",
        "carried": "aprobada",
        "not_carried": "rechazada",
        "tie": "empate",
    },
}


# Notes are produced in English by the counting modules (and published so in JSON); these
# patterns give the Spanish text of each kind of note for the stage table.
_NOTES_ES = [
    (
        re.compile(r"^(\d+) withdrawn candidates were skipped on every paper\.$"),
        r"Se omitieron en todas las papeletas \1 candidaturas retiradas.",
    ),
    (
        re.compile(r"^Fewer candidates than seats: some seats remain unfilled\.$"),
        "Hay menos candidaturas que puestos: quedan puestos sin cubrir.",
    ),
    (
        re.compile(
            r"^Meek STV: votes are fixed point with 9 decimals; value is conserved exactly\.$"
        ),
        "VUT de Meek: votos en coma fija con 9 decimales; el valor se conserva exactamente.",
    ),
    (
        re.compile(r"^(\d+) papers marked more than (\d+) candidates and were not counted\.$"),
        r"\1 papeletas marcaban más de \2 candidaturas y no se contaron.",
    ),
]


def _translate_note(note: str, lang: str) -> str:
    if lang != "es":
        return note
    for pattern, spanish in _NOTES_ES:
        if pattern.match(note):
            return pattern.sub(spanish, note)
    return note


def _fmt(value: Decimal, places: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN))


def format_result(result: CountResult, *, lang: str = "en") -> str:
    """The count as a readable text table.

    Args:
        result: the count.
        lang: ``en`` or ``es``.
    """
    t = LABELS["es" if lang == "es" else "en"]
    places = 5 if result.method in ("stv", "meek") else 0
    out: list[str] = []
    if result.title:
        out.append(result.title)
    head = [f"{t['method']}: {t[result.method]}", f"{t['valid']}: {result.valid}"]
    if result.method != "yesno":
        head.insert(1, f"{t['seats']}: {result.seats}")
    if result.quota is not None:
        head.append(f"{t['quota']}: {_fmt(result.quota, places)}")
    out.append(" · ".join(head))
    if result.invalid:
        label = t["invalid_only"] if result.method == "yesno" else t["invalid"]
        out.append(f"{label}: {result.invalid}")
    if result.constraints:
        pairs = ", ".join(f"{g} {m}" for g, m in sorted(result.constraints.items()))
        out.append(f"{t['quotas']}: {pairs}")
    if result.method == "yesno":
        out.extend(_yesno_lines(result, t))
    else:
        out.append("")
        out.extend(_stage_table(result, t, places))
        out.append("")
        when = {n: s.number for s in result.stages for n in s.elected}
        listed = ", ".join(f"{i}. {n} ({t['at_stage']} {when[n]})" for i, n in enumerate(
            result.elected, start=1))  # fmt: skip
        out.append(f"{t['elected']}: {listed or t['none']}")
    if result.ties:
        out.append(f"{t['ties']}:")
        for tie in result.ties:
            if tie.method == "earlier_stage":
                how = f"{t['earlier_stage']} {tie.decided_at}"
            else:
                how = t.get(tie.method, tie.method)
            kind = t.get(f"tie_{tie.kind}", tie.kind)
            out.append(
                f"  {t['stage']} {tie.stage} ({kind}): {', '.join(tie.candidates)}; "
                f"{how}; {t['chosen']}: {tie.chosen}"
            )
    if result.notes:
        out.append(f"{t['notes']}:")
        out.extend(f"  {_translate_note(n, lang)}" for n in result.notes)
    return "\n".join(out) + "\n"


def _stage_table(result: CountResult, t: dict[str, str], places: int) -> list[str]:
    legend = []
    for s in result.stages:
        what = t.get(s.kind, s.kind)
        if s.subject:
            what += " " + ", ".join(s.subject)
        legend.append(f"  {t['stage']} {s.number}: {what}")
    name_w = max(len(t["candidate"]), len(t["loss"]), *(len(n) for n in result.candidates))
    cols = [f"{s.number}" for s in result.stages]
    cells: dict[str, list[str]] = {
        n: [_fmt(s.votes[n], places) for s in result.stages] for n in result.candidates
    }
    nt_row, loss_row = [], []
    nt = loss = Decimal(0)
    for s in result.stages:
        nt += s.non_transferable
        loss += s.loss
        nt_row.append(_fmt(nt, places))
        loss_row.append(_fmt(loss, places))
    width = max([len(c) for c in cols] + [len(x) for row in cells.values() for x in row] + [1])
    width = max(width, len(nt_row[-1]) if nt_row else 1)
    lines = [*legend, ""]
    lines.append(f"{t['candidate']:<{name_w}}  " + "  ".join(f"{c:>{width}}" for c in cols))
    status: dict[str, str] = {}
    for s in result.stages:
        for n in s.elected:
            status[n] = f"{t['elected_one']} ({t['at_stage']} {s.number})"
        for n in s.excluded:
            status[n] = f"{t['excluded']} ({t['at_stage']} {s.number})"
    for n in result.candidates:
        row = "  ".join(f"{x:>{width}}" for x in cells[n])
        lines.append(f"{n:<{name_w}}  {row}  {status.get(n, '')}".rstrip())
    if result.method in ("stv", "meek"):
        lines.append(f"{t['nt']:<{name_w}}  " + "  ".join(f"{x:>{width}}" for x in nt_row))
    if result.method == "stv":
        lines.append(f"{t['loss']:<{name_w}}  " + "  ".join(f"{x:>{width}}" for x in loss_row))
    return lines


def _yesno_lines(result: CountResult, t: dict[str, str]) -> list[str]:
    x: dict[str, Any] = result.extra
    lines = [""]
    for key in ("yes", "no"):
        lines.append(f"{t[key]} ({x[key + '_option']}): {x[key]} ({x[key + '_share']}%)")
    lines.append(f"{t['abstentions']}: {x['abstentions']}")
    if x.get("turnout") is not None:
        lines.append(f"{t['turnout']}: {x['turnout']}% ({x['cast']} / {x['electorate']})")
    lines.append(f"{t['outcome']}: {t[x['outcome']]}")
    return lines
