"""Posters of a missing person's ficha: PDF and PNG, print and social sizes, es and en.

The engine renders whatever public fields it is given (:class:`PosterData`), with a folio
and a QR code that opens the verification URL. Deciding which fields are public and
consented is the caller's job (the web site's cases app does it from each field's
visibility tier and the family's consent). No Django here.

Example:
    >>> from recuento.posters import PosterData, render_pdf
    >>> data = PosterData(lang="es", folio="RC-TEST-0001", name="Nombre de Prueba",
    ...     verify_url="https://example.org/cases/v/RC-TEST-0001/x/",
    ...     contact="Colectivo de prueba, 555 000 0000", facts=(("age", "17"),))
    >>> render_pdf(data).startswith(b"%PDF")
    True
"""

from recuento.posters.model import (
    FACT_KEYS,
    LANGS,
    PosterData,
    PosterError,
    load_poster_json,
)
from recuento.posters.render import SIZES, PosterSize, qr_png, render_pdf, render_png

__all__ = [
    "FACT_KEYS",
    "LANGS",
    "SIZES",
    "PosterData",
    "PosterError",
    "PosterSize",
    "load_poster_json",
    "qr_png",
    "render_pdf",
    "render_png",
]
