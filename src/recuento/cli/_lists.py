"""What every command that reads lists shares: options, reading, rejects files."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from recuento.errors import ProblemsError, RecuentoError
from recuento.lists.mapping import fold_header, load_mapping_file
from recuento.lists.messages import Lang, default_lang

F = Callable[..., Any]


def list_options(f: F) -> F:
    """The options of every command that reads lists (as decorators, in --help order)."""
    options = [
        click.option(
            "--mapping",
            type=click.Path(dir_okay=False, path_type=Path),
            help="TOML file mapping other headers onto recuento's columns.",
        ),
        click.option(
            "--encoding", help="Force the text encoding of CSV files (detected otherwise)."
        ),
        click.option("--delimiter", help="Force the CSV delimiter (detected otherwise)."),
        click.option("--sheet", help="The Excel sheet to read (the first one otherwise)."),
        click.option(
            "--day-first/--month-first",
            default=None,
            help="Read 03/04/1998 as 3 April (default) or as March 4.",
        ),
        click.option(
            "--lang",
            type=click.Choice(["es", "en"]),
            default=None,
            help="Language of messages (from the environment by default).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@dataclass
class ReadOptions:
    """The values of :func:`list_options`."""

    mapping: Path | None
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    day_first: bool | None
    lang: Lang | None

    @property
    def language(self) -> Lang:
        return self.lang or default_lang()


def read_lists(
    arguments: tuple[str, ...], options: ReadOptions
) -> tuple[list[Any], list[dict[str, Any]], list[str]]:
    """Read every list; return (results, summaries of unreadable lists, their errors).

    Each list is read even when an earlier one failed, so that every problem is reported
    in one run.
    """
    from recuento.lists.reader import parse_list_argument, read_list
    from recuento.lists.standardise import default_workers

    mapping_file = load_mapping_file(options.mapping) if options.mapping is not None else None
    results: list[Any] = []
    failed: list[dict[str, Any]] = []
    errors: list[str] = []
    used_headers: set[str] = set()
    names: dict[str, str] = {}
    for argument in arguments:
        name, path = parse_list_argument(argument)
        if name in names:
            errors.append(
                f"two lists are named {name!r} ({names[name]} and {argument}); name them "
                "apart with NAME=PATH"
            )
            continue
        names[name] = argument
        try:
            result = read_list(
                path,
                name=name,
                mapping=mapping_file,
                encoding=options.encoding,
                delimiter=options.delimiter,
                sheet=options.sheet,
                day_first=options.day_first,
                progress=_progress(name),
                workers=default_workers(),
            )
        except RecuentoError as e:
            errors.append(str(e))
            failed.append({"name": name, "path": str(path), "error": str(e)})
            continue
        used_headers.update(fold_header(h) for h in result.header)
        results.append(result)
    if mapping_file is not None:
        unused = sorted(mapping_file.headers() - used_headers)
        if unused:
            click.echo(
                f"note: the mapping file names headers no list has: {', '.join(unused)}",
                err=True,
            )
    return results, failed, errors


def raise_failures(errors: list[str], total: int) -> None:
    """Exit 1 with every list's problem, if any list could not be read."""
    if errors:
        raise ProblemsError(f"{len(errors)} of {total} list(s) could not be read:", errors)


def _progress(name: str) -> Any:
    if not sys.stderr.isatty():
        return None

    def report(rows: int) -> None:
        click.echo(f"{name}: {rows:,} rows read...", err=True)

    return report


def write_table(table: Any, path: Path) -> None:
    """Write an Arrow table as CSV (header always), atomically."""
    import io

    import pyarrow.csv as pcsv

    from recuento.lists.rejects import atomic_text

    with atomic_text(path) as f:
        f.write(",".join(table.column_names) + "\n")
        if table.num_rows:
            buffer = io.BytesIO()
            pcsv.write_csv(table, buffer, pcsv.WriteOptions(include_header=False))
            f.write(buffer.getvalue().decode("utf-8"))
