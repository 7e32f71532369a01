"""The count report as a PDF: the same HTML page, printed by WeasyPrint.

WeasyPrint (BSD licence, pure Python over the system's Pango) lays out HTML and CSS for
print and draws inline SVG, so the PDF is the page itself rather than a second layout to
keep in step. It is optional: ``pip install weasyprint`` (it needs the Pango library, which
most Linux systems have; see its documentation for macOS and Windows). Without it an
HTML report still works and a PDF request fails with a message that says what to install.

The page makes no request, and the converter is given a URL fetcher that refuses every
URL, so no network access can happen even if a future page referred to one by mistake.
"""

from __future__ import annotations

from typing import Any, NoReturn

from recuento.report.write import ReportError


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ReportError("the report must not load anything from outside itself")


def pdf_available() -> bool:
    """Whether WeasyPrint can be imported here."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def html_to_pdf(page: str) -> bytes:
    """The PDF of an HTML page (made by :func:`recuento.report.render_report`).

    Raises:
        ReportError: WeasyPrint is not installed or cannot load its system libraries.
    """
    try:
        import weasyprint
    except (ImportError, OSError) as e:
        raise ReportError(
            "a PDF report needs WeasyPrint, which is not installed or cannot find the Pango "
            "library: run `pip install weasyprint` (on Debian or Ubuntu the Pango library "
            "is `apt install libpango-1.0-0 libpangoft2-1.0-0`), or ask for an .html report."
        ) from e
    document = weasyprint.HTML(string=page, url_fetcher=_refuse)
    pdf = document.write_pdf()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when given no target
        raise ReportError("WeasyPrint produced no PDF")
    return bytes(pdf)
