"""``recuento inspect``: read lists and say what recuento made of them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from recuento.cli._lists import ReadOptions, list_options, raise_failures, read_lists


@click.command()
@click.argument("lists", nargs=-1, required=True, metavar="LIST...")
@list_options
@click.option(
    "--rejects-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write <list>.rejects.csv (next to each list by default).",
)
@click.option("--no-rejects", is_flag=True, help="Do not write rejects files.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def inspect(
    lists: tuple[str, ...],
    rejects_dir: Path | None,
    no_rejects: bool,
    as_json: bool,
    **read: Any,
) -> None:
    """Read lists of people and report what was read, accepted and rejected.

    For each LIST (a CSV, XLSX or Parquet file, optionally named as NAME=PATH): the
    detected format, encoding, delimiter and column mapping; rows read, accepted and
    rejected; field warnings by kind. Rejected rows are written with their reasons to
    <list>.rejects.csv.

    \b
    Example:
        recuento inspect prensa.csv ong.xlsx fiscalia=lista_fge.csv
        recuento inspect victimas.csv --mapping columnas.toml --json
    """
    # Imported here so that `recuento --help` does not pay for pyarrow and the standardisers.
    from recuento.lists.rejects import rejects_path, write_rejects
    from recuento.lists.summary import list_summary, render_text

    options = ReadOptions(**read)
    lang = options.language
    results, failed, errors = read_lists(lists, options)
    summaries: list[dict[str, Any]] = []
    for result in results:
        written = None
        if not no_rejects:
            written = write_rejects(result, rejects_path(result, rejects_dir), lang=lang)
        summaries.append(list_summary(result, rejects_file=written, lang=lang))
    if as_json:
        click.echo(json.dumps({"lists": [*summaries, *failed]}, ensure_ascii=False, indent=2))
    elif summaries:
        click.echo("\n\n".join(render_text(s, lang) for s in summaries))
    raise_failures(errors, len(lists))


COMMANDS = [inspect]
