"""``recuento poster``: a printable or shareable poster from a ficha's public data (JSON)."""

from __future__ import annotations

from pathlib import Path

import click

from recuento.errors import RecuentoError

_FORMATS = {".pdf": "pdf", ".png": "png"}


@click.command(name="poster")
@click.argument("case", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The poster file: .pdf (with a text layer) or .png.",
)
@click.option(
    "--lang",
    type=click.Choice(["es", "en"]),
    default=None,
    help="Language of the poster (default: Spanish when the file holds both).",
)
@click.option(
    "--size",
    type=click.Choice(["letter", "a4", "square", "story"]),
    default=None,
    help="letter or a4 to print; square (1080x1080) or story (1080x1920) for social "
    "media. Default: letter for a PDF, square for a PNG.",
)
def poster_command(case: Path, out: Path, lang: str | None, size: str | None) -> None:
    """Make a missing-person poster (ficha de búsqueda) from its public data.

    CASE is the poster data of one case as JSON: the web site's case page exports it
    (Poster data, for a published poster only), holding only the fields marked public
    with the family's consent, the folio, the verification address of the QR code and the
    collective's contact. Everything in the file is printed; nothing else is. The format
    is described in docs/find.md.

    \b
    Example:
        recuento poster ficha-RC-7K3M-9QXD.json --out ficha.pdf
        recuento poster ficha-RC-7K3M-9QXD.json --out ficha.png --size story --lang en
    """
    kind = _FORMATS.get(out.suffix.lower())
    if kind is None:
        raise click.UsageError(f"--out must end in .pdf or .png (it was {out.name}).")
    try:
        from recuento.posters import load_poster_json, render_pdf, render_png
    except ImportError as e:  # pragma: no cover - depends on the installation
        raise RecuentoError(
            "Posters need the web extra (Pillow, fpdf2, segno): pip install 'recuento[web]'."
        ) from e
    data = load_poster_json(case, lang)
    size = size or ("letter" if kind == "pdf" else "square")
    content = render_pdf(data, size) if kind == "pdf" else render_png(data, size)
    try:
        out.write_bytes(content)
    except OSError as e:
        raise RecuentoError(f"{out.name} cannot be written ({e.strerror}).") from e
    click.echo(f"{out}: {kind.upper()} poster, folio {data.folio}, size {size}.", err=True)


COMMANDS = [poster_command]
