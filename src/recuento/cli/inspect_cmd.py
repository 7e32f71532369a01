"""``recuento inspect``: read lists and say what recuento made of them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from recuento.errors import ProblemsError, RecuentoError
from recuento.lists.mapping import fold_header, load_mapping_file
from recuento.lists.messages import Lang, default_lang


@click.command()
@click.argument("lists", nargs=-1, required=True, metavar="LIST...")
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML file mapping other headers onto recuento's columns.",
)
@click.option("--encoding", help="Force the text encoding of CSV files (detected otherwise).")
@click.option("--delimiter", help="Force the CSV delimiter (detected otherwise).")
@click.option("--sheet", help="The Excel sheet to read (the first one otherwise).")
@click.option(
    "--day-first/--month-first",
    default=None,
    help="Read 03/04/1998 as 3 April (default) or as March 4.",
)
@click.option(
    "--rejects-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write <list>.rejects.csv (next to each list by default).",
)
@click.option("--no-rejects", is_flag=True, help="Do not write rejects files.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--lang",
    type=click.Choice(["es", "en"]),
    default=None,
    help="Language of messages (from the environment by default).",
)
def inspect(
    lists: tuple[str, ...],
    mapping: Path | None,
    encoding: str | None,
    delimiter: str | None,
    sheet: str | None,
    day_first: bool | None,
    rejects_dir: Path | None,
    no_rejects: bool,
    as_json: bool,
    lang: Lang | None,
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
    from recuento.lists.reader import parse_list_argument, read_list
    from recuento.lists.rejects import rejects_path, write_rejects
    from recuento.lists.summary import list_summary, render_text

    lang = lang or default_lang()
    mapping_file = load_mapping_file(mapping) if mapping is not None else None
    summaries: list[dict[str, Any]] = []
    failures: list[str] = []
    used_headers: set[str] = set()
    for argument in lists:
        name, path = parse_list_argument(argument)
        try:
            result = read_list(
                path,
                name=name,
                mapping=mapping_file,
                encoding=encoding,
                delimiter=delimiter,
                sheet=sheet,
                day_first=day_first,
                progress=_progress(name),
            )
        except RecuentoError as e:
            failures.append(str(e))
            summaries.append({"name": name, "path": str(path), "error": str(e)})
            continue
        used_headers.update(fold_header(h) for h in result.header)
        written = None
        if not no_rejects:
            written = write_rejects(result, rejects_path(result, rejects_dir), lang=lang)
        summaries.append(list_summary(result, rejects_file=written, lang=lang))

    if mapping_file is not None:
        unused = sorted(mapping_file.headers() - used_headers)
        if unused:
            click.echo(
                f"note: the mapping file names headers no list has: {', '.join(unused)}",
                err=True,
            )
    if as_json:
        click.echo(json.dumps({"lists": summaries}, ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(render_text(s, lang) for s in summaries if "error" not in s))
    if failures:
        raise ProblemsError(f"{len(failures)} of {len(lists)} list(s) could not be read:", failures)


def _progress(name: str) -> Any:
    if not sys.stderr.isatty():
        return None

    def report(rows: int) -> None:
        click.echo(f"{name}: {rows:,} rows read...", err=True)

    return report


COMMANDS = [inspect]
