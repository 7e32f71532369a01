"""Drawing a poster: one layout, two outputs (PDF with a text layer, PNG).

The layout is computed in points on a page of the chosen size, with the output's own font
measure, as a list of drawing operations; the PDF backend (fpdf2) and the PNG backend
(Pillow) only draw them. Text that does not fit is drawn smaller until it does.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from recuento.posters.model import FACT_KEYS, LANGS, PosterData, PosterError, text

__all__ = ["SIZES", "PosterSize", "qr_png", "render_pdf", "render_png"]

MM = 72 / 25.4


@dataclass(frozen=True)
class PosterSize:
    """A page size in points, and the pixels per point of its PNG."""

    name: str
    width_pt: float
    height_pt: float
    png_scale: float
    description: str


SIZES: dict[str, PosterSize] = {
    s.name: s
    for s in (
        PosterSize("letter", 215.9 * MM, 279.4 * MM, 150 / 72, "US Letter / carta, print"),
        PosterSize("a4", 210 * MM, 297 * MM, 150 / 72, "A4, print"),
        PosterSize("square", 810, 810, 1080 / 810, "1080x1080 px, social media post"),
        PosterSize("story", 810, 1440, 1080 / 810, "1080x1920 px, social media story"),
    )
}

RED = (160, 20, 30)
BLACK = (20, 20, 20)
GREY = (90, 90, 90)
WHITE = (255, 255, 255)

Measure = Callable[[str, float, bool], float]


@dataclass(frozen=True)
class _Text:
    x: float
    y: float  # top of the line
    size: float
    bold: bool
    colour: tuple[int, int, int]
    content: str


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float
    colour: tuple[int, int, int]


@dataclass(frozen=True)
class _Picture:
    x: float
    y: float
    w: float
    h: float
    data: bytes


_Op = _Text | _Box | _Picture


def qr_png(url: str, scale: int = 10) -> bytes:
    """The QR code of ``url`` as PNG bytes (error correction M, a quiet zone of 2)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def _picture_size(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError) as e:
        raise PosterError("The photo is not a readable JPEG or PNG image.") from e


def _wrap(content: str, width: float, size: float, bold: bool, measure: Measure) -> list[str]:
    lines: list[str] = []
    for paragraph in content.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if measure(candidate, size, bold) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


class _Flow:
    """Places blocks of text top to bottom in a column, collecting drawing operations."""

    def __init__(self, x: float, y: float, width: float, measure: Measure, ops: list[_Op]):
        self.x, self.y, self.width, self.measure, self.ops = x, y, width, measure, ops

    def block(
        self,
        content: str,
        size: float,
        *,
        bold: bool = False,
        colour: tuple[int, int, int] = BLACK,
        after: float = 0.3,
    ) -> None:
        for line in _wrap(content, self.width, size, bold, self.measure):
            self.ops.append(_Text(self.x, self.y, size, bold, colour, line))
            self.y += size * 1.2
        self.y += size * after


def _layout(data: PosterData, size: PosterSize, scale: float, measure: Measure) -> list[_Op]:
    lang = data.lang
    w, h = size.width_pt, size.height_pt
    margin = min(w, h) * 0.05
    body = 12 * scale * (w / 612)
    ops: list[_Op] = []
    band = body * 5.3
    ops.append(_Box(0, 0, w, band, RED))
    header = _Flow(margin, body * 0.7, w - 2 * margin, measure, ops)
    header.block(text("header", lang), body * 2.2, bold=True, colour=WHITE, after=0)
    header.block(text("subheader", lang), body * 1.1, colour=WHITE, after=0)

    top = _Flow(margin, band + body, w - 2 * margin, measure, ops)
    top.block(data.name, body * 2.2, bold=True, after=0.4)

    column_top = top.y
    text_x = margin
    if data.photo is not None:
        pw, ph = _picture_size(data.photo)
        box_w = (w - 2 * margin) * 0.42
        box_h = min(h * 0.36, box_w * 1.3)
        ratio = min(box_w / pw, box_h / ph)
        ops.append(_Picture(margin, column_top, pw * ratio, ph * ratio, data.photo))
        text_x = margin + box_w + margin * 0.6
        photo_bottom = column_top + ph * ratio
    else:
        photo_bottom = column_top
    facts = _Flow(text_x, column_top, w - margin - text_x, measure, ops)
    labels = {key: pair[LANGS.index(lang)] for key, pair in FACT_KEYS.items()}
    for key, value in sorted(data.facts, key=lambda f: list(FACT_KEYS).index(f[0])):
        facts.block(labels[key], body * 0.85, colour=GREY, after=0)
        facts.block(value, body * 1.15, bold=True, after=0.35)

    rest = _Flow(margin, max(photo_bottom, facts.y) + body * 0.6, w - 2 * margin, measure, ops)
    for key, items in (("marks", data.marks), ("clothing", data.clothing)):
        if items:
            rest.block(text(key, lang), body, bold=True, colour=RED, after=0.1)
            for item in items:
                rest.block(f"- {item}", body, after=0.1)
            rest.y += body * 0.4
    if data.circumstances:
        rest.block(text("circumstances", lang), body, bold=True, colour=RED, after=0.1)
        rest.block(data.circumstances, body, after=0.5)

    # The footer: QR on the left, contact, folio and verification on the right.
    qr_side = min(w, h) * 0.2
    footer_top = h - margin - qr_side
    ops.append(_Picture(margin, footer_top, qr_side, qr_side, qr_png(data.verify_url)))
    foot = _Flow(
        margin + qr_side + margin * 0.6, footer_top, w - 2.6 * margin - qr_side, measure, ops
    )
    foot.block(text("contact", lang), body * 0.9, colour=GREY, after=0)
    foot.block(data.contact, body * 1.3, bold=True, after=0.4)
    issued = f" · {text('issued', lang)} {data.issued}" if data.issued else ""
    foot.block(f"{text('folio', lang)} {data.folio}{issued}", body * 0.95, bold=True, after=0.2)
    foot.block(text("verify", lang), body * 0.75, colour=GREY, after=0)
    foot.block(data.verify_url, body * 0.75, colour=GREY, after=0.2)
    foot.block(text("disclaimer", lang), body * 0.7, colour=GREY, after=0)
    if rest.y > footer_top - body * 0.5 or foot.y > h:
        raise _Overflow
    return ops


class _Overflow(Exception):
    pass


def _fit(data: PosterData, size: PosterSize, measure: Measure) -> list[_Op]:
    scale = 1.0
    while scale > 0.3:
        try:
            return _layout(data, size, scale, measure)
        except _Overflow:
            scale *= 0.92
    raise PosterError(
        "The poster's text does not fit on the page even in small print; shorten the "
        "circumstances, marks or clothing, or choose a larger size."
    )


def _size(name: str) -> PosterSize:
    if name not in SIZES:
        raise PosterError(f"Unknown poster size {name!r}; use one of {', '.join(SIZES)}.")
    return SIZES[name]


_PDF_REPLACEMENTS = {
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "•": "-",
}


def _latin1(content: str) -> str:
    """Text the PDF's core fonts can show (Spanish needs only Latin-1)."""
    content = unicodedata.normalize("NFC", content)
    for old, new in _PDF_REPLACEMENTS.items():
        content = content.replace(old, new)
    out = []
    for char in content:
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char)[:1]
            char = base if base.isascii() and base.isprintable() else "?"
        out.append(char)
    return "".join(out)


def render_pdf(data: PosterData, size: str = "letter") -> bytes:
    """The poster as a one-page PDF with a text layer (copyable, searchable).

    Args:
        data: the public fields to print.
        size: a key of :data:`SIZES`.
    """
    from fpdf import FPDF

    page = _size(size)
    pdf = FPDF(unit="pt", format=(page.width_pt, page.height_pt))
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creator("recuento")
    pdf.set_title(_latin1(f"{text('header', data.lang)} {data.folio}"))
    pdf.add_page()

    def measure(content: str, points: float, bold: bool) -> float:
        pdf.set_font("helvetica", "B" if bold else "", points)
        return float(pdf.get_string_width(_latin1(content)))

    for op in _fit(data, page, measure):
        if isinstance(op, _Box):
            pdf.set_fill_color(*op.colour)
            pdf.rect(op.x, op.y, op.w, op.h, style="F")
        elif isinstance(op, _Picture):
            pdf.image(io.BytesIO(op.data), x=op.x, y=op.y, w=op.w, h=op.h)
        else:
            pdf.set_font("helvetica", "B" if op.bold else "", op.size)
            pdf.set_text_color(*op.colour)
            pdf.text(op.x, op.y + op.size * 0.85, _latin1(op.content))
    return bytes(pdf.output())


#: TrueType fonts tried for PNG posters, regular and bold, first found wins. Pillow's
#: built-in font has no accented letters, so without any of these the PNG shows Spanish
#: without its accents (``Busqueda``); set RECUENTO_POSTER_FONT and
#: RECUENTO_POSTER_FONT_BOLD to a TTF file to choose one.
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/Library/Fonts/Arial.ttf", "/Library/Fonts/Arial Bold.ttf"),
    ("C:\\Windows\\Fonts\\arial.ttf", "C:\\Windows\\Fonts\\arialbd.ttf"),
)


def _font_files() -> tuple[str, str] | None:
    chosen = os.environ.get("RECUENTO_POSTER_FONT")
    if chosen:
        return chosen, os.environ.get("RECUENTO_POSTER_FONT_BOLD") or chosen
    for regular, bold in FONT_CANDIDATES:
        if os.path.isfile(regular):
            return regular, bold if os.path.isfile(bold) else regular
    return None


def _ascii(content: str) -> str:
    folded = unicodedata.normalize("NFKD", _latin1(content))
    return "".join(c for c in folded if c.isascii())


def render_png(data: PosterData, size: str = "square") -> bytes:
    """The poster as a PNG image (print sizes at 150 dpi; social sizes at 1080 px wide).

    Args:
        data: the public fields to print.
        size: a key of :data:`SIZES`.
    """
    page = _size(size)
    k = page.png_scale
    files = _font_files()
    fonts: dict[tuple[int, bool], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
    fake_bold = files is None or files[0] == files[1]
    shown = (lambda c: c) if files is not None else _ascii

    def font(points: float, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        key = (max(1, round(points * k)), bold)
        if key not in fonts:
            if files is None:
                fonts[key] = ImageFont.load_default(size=key[0])
            else:
                try:
                    fonts[key] = ImageFont.truetype(files[1 if bold else 0], key[0])
                except OSError as e:
                    raise PosterError(
                        "The poster font cannot be read; check RECUENTO_POSTER_FONT "
                        "(a .ttf file) or unset it."
                    ) from e
        return fonts[key]

    def stroke(bold: bool) -> int:
        return 1 if bold and fake_bold else 0

    def measure(content: str, points: float, bold: bool) -> float:
        extra = len(content) * stroke(bold) * 0.6
        return (float(font(points, bold).getlength(shown(content))) + extra) / k

    ops = _fit(data, page, measure)
    image = Image.new("RGB", (round(page.width_pt * k), round(page.height_pt * k)), WHITE)
    draw = ImageDraw.Draw(image)
    for op in ops:
        if isinstance(op, _Box):
            box = (op.x * k, op.y * k, (op.x + op.w) * k, (op.y + op.h) * k)
            draw.rectangle(box, fill=op.colour)
        elif isinstance(op, _Picture):
            with Image.open(io.BytesIO(op.data)) as picture:
                size_px = (max(1, round(op.w * k)), max(1, round(op.h * k)))
                resized = picture.convert("RGB").resize(size_px, Image.Resampling.LANCZOS)
                image.paste(resized, (round(op.x * k), round(op.y * k)))
        else:
            draw.text(
                (op.x * k, op.y * k),
                shown(op.content),
                font=font(op.size, op.bold),
                fill=op.colour,
                stroke_width=stroke(op.bold),
                stroke_fill=op.colour,
            )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
