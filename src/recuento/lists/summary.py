"""Plain-data summaries of read lists, for JSON output and for the human-readable report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from recuento.lists.messages import Lang, reject_message, warning_message
from recuento.lists.reader import ListResult


def list_summary(
    result: ListResult, *, rejects_file: Path | None = None, lang: Lang = "en"
) -> dict[str, Any]:
    """The JSON-ready summary of one list (the ``lists`` items of ``recuento inspect``)."""
    return {
        "name": result.name,
        "path": str(result.path),
        "format": result.format,
        "encoding": result.encoding,
        "delimiter": result.delimiter,
        "sheet": result.sheet,
        "read": result.read,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "columns": result.mapping.described(),
        "attributes": list(result.mapping.attributes.values()),
        "rejects": {
            code: {"count": count, "message": reject_message(code, lang)}
            for code, count in sorted(result.rejects_by_reason.items())
        },
        "warnings": {
            code: {
                "count": count,
                "message": warning_message(code, lang),
                result.unit + "s": result.warning_locations.get(code, []),
            }
            for code, count in sorted(result.warnings.items())
        },
        "notes": list(result.notes),
        "rejects_file": str(rejects_file) if rejects_file is not None else None,
    }


LABELS: dict[str, dict[Lang, str]] = {
    "format": {"en": "format", "es": "formato"},
    "encoding": {"en": "encoding", "es": "codificación"},
    "delimiter": {"en": "delimiter", "es": "separador"},
    "sheet": {"en": "sheet", "es": "hoja"},
    "rows": {"en": "rows", "es": "filas"},
    "read": {"en": "read", "es": "leídas"},
    "accepted": {"en": "accepted", "es": "aceptadas"},
    "rejected": {"en": "rejected", "es": "rechazadas"},
    "columns": {"en": "columns", "es": "columnas"},
    "attributes": {"en": "kept as attributes", "es": "conservadas como atributos"},
    "warnings": {"en": "warnings", "es": "avisos"},
    "notes": {"en": "notes", "es": "notas"},
    "rejects_file": {"en": "rejected rows written to", "es": "filas rechazadas escritas en"},
    "none": {"en": "none", "es": "ninguna"},
}


def render_text(summary: dict[str, Any], lang: Lang = "en") -> str:
    """A list summary as the few lines ``recuento inspect`` prints."""

    def label(key: str) -> str:
        return LABELS[key][lang]

    lines = [f"{summary['name']}  ({summary['path']})"]
    how = [f"{label('format')} {summary['format']}"]
    if summary["encoding"]:
        how.append(f"{label('encoding')} {summary['encoding']}")
    if summary["delimiter"]:
        shown = "TAB" if summary["delimiter"] == "\t" else repr(summary["delimiter"])
        how.append(f"{label('delimiter')} {shown}")
    if summary["sheet"]:
        how.append(f"{label('sheet')} {summary['sheet']!r}")
    lines.append("  " + ", ".join(how))
    rows = (
        f"  {label('rows')}: {summary['read']:,} {label('read')}, "
        f"{summary['accepted']:,} {label('accepted')}, {summary['rejected']:,} {label('rejected')}"
    )
    if summary["rejects"]:
        rows += " (" + ", ".join(f"{c} {v['count']:,}" for c, v in summary["rejects"].items())
        rows += ")"
    lines.append(rows)
    lines.append(f"  {label('columns')}:")
    for canonical, header in summary["columns"].items():
        shown = " + ".join(repr(h) for h in header) if isinstance(header, list) else repr(header)
        lines.append(f"    {canonical:<15} <- {shown}")
    attributes = ", ".join(repr(a) for a in summary["attributes"]) or label("none")
    lines.append(f"  {label('attributes')}: {attributes}")
    if summary["warnings"]:
        lines.append(f"  {label('warnings')}:")
        for code, info in summary["warnings"].items():
            where = next(v for k, v in info.items() if k.endswith("s") and isinstance(v, list))
            at = ", ".join(str(n) for n in where)
            more = ", ..." if info["count"] > len(where) else ""
            lines.append(f"    {code} {info['count']:,} ({at}{more}): {info['message']}")
    for note in summary["notes"]:
        lines.append(f"  {label('notes')}: {note}")
    if summary["rejects_file"]:
        lines.append(f"  {label('rejects_file')} {summary['rejects_file']}")
    return "\n".join(lines)
