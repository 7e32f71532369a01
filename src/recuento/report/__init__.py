"""Reports: the count report as one self-contained HTML page (or a PDF of it).

Public API:

* :func:`write_report` - write the report of a count to a file, atomically (``.html``, or
  ``.pdf`` when WeasyPrint is installed);
* :func:`render_report` - the page as a string;
* :func:`build_context` and :class:`ReportContext` - everything the page shows, gathered
  from the count (numbers and codes only, no words);
* :class:`ReportError`.
"""

from recuento.report.context import ReportContext, build_context
from recuento.report.html import render_context, render_report
from recuento.report.write import ReportError, write_report

__all__ = [
    "ReportContext",
    "ReportError",
    "build_context",
    "render_context",
    "render_report",
    "write_report",
]
