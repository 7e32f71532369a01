"""Small SVG charts for the report, written by hand.

Why by hand: the report must be one self-contained file that makes no request of any kind
and renders the same in a browser and in the PDF, and the charts are four simple shapes
(bars, an UpSet-style matrix, a histogram, dots with interval lines). A plotting library
(matplotlib, Vega) would add a heavy dependency, embed fonts or scripts, and still need
the same care for labels in two languages. Each function returns one ``<svg>`` element,
well-formed XML, with a ``<title>`` for screen readers; every word on it comes from the
caller (which takes it from :mod:`recuento.report.text`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

#: Colours (colour-blind safe: Okabe-Ito blue, orange, grey).
BLUE = "#0072B2"
ORANGE = "#D55E00"
GREY = "#9a9a9a"
INK = "#222222"
LIGHT = "#dddddd"
FONT = "font-family='sans-serif' font-size='12'"

Format = Callable[[float], str]


def _text(
    x: float, y: float, body: str, anchor: str = "start", extra: str = "", fill: str = INK
) -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}'{extra}>"
        f"{escape(body)}</text>"
    )


def _svg(width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f"<svg class='chart' role='img' aria-label={quoteattr(title)} "
        f"viewBox='0 0 {width:.0f} {height:.0f}' width='{width:.0f}' height='{height:.0f}' "
        f"{FONT}><title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def nice_step(span: float, ticks: int = 4) -> float:
    """The smallest 1, 2 or 5 times a power of ten at least ``span / ticks`` (1 for 0)."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if step * power >= raw:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def axis(top_value: float, *, integers: bool = True) -> tuple[float, list[float]]:
    """A value axis from 0: its top and its ticks, at round steps (whole for counts)."""
    step = nice_step(top_value)
    if integers:
        step = max(step, 1.0)
    n = max(1, math.ceil(top_value / step))
    return step * n, [step * k for k in range(n + 1)]


def bar_chart(
    labels: Sequence[str], values: Sequence[float], title: str, fmt: Format, *, width: int = 640
) -> str:
    """Horizontal bars, one per label, with the value written at the bar's end."""
    label_width = min(220, 12 + 7 * max((len(s) for s in labels), default=4))
    row = 24
    height = 10 + row * len(labels) + 10
    top = max(max(values, default=0), 1)
    span = width - label_width - 70
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 10 + i * row
        length = span * value / top
        body.append(_text(label_width - 8, y + 16, label, "end"))
        body.append(
            f"<rect x='{label_width}' y='{y + 4}' width='{length:.1f}' height='{row - 8}' "
            f"fill='{BLUE}'/>"
        )
        body.append(_text(label_width + length + 6, y + 16, fmt(value)))
    return _svg(width, height, title, body)


def upset_chart(
    lists: Sequence[str],
    patterns: Sequence[tuple[Sequence[bool], int]],
    title: str,
    fmt: Format,
    *,
    width: int | None = None,
) -> str:
    """An UpSet-style chart: a bar per capture pattern above a matrix of which lists.

    Args:
        lists: list names (the matrix rows).
        patterns: (which lists, persons) per column, in the order to draw.
        title: the chart's title.
        fmt: formats a count.
        width: total width (default: enough for every column).
    """
    label_width = min(200, 14 + 7 * max((len(s) for s in lists), default=4))
    column = 26
    bars_height = 150
    row = 20
    n = len(patterns)
    width = width or max(320, label_width + column * n + 20)
    height = 20 + bars_height + 8 + row * len(lists) + 10
    top = max(max((c for _, c in patterns), default=0), 1)
    body = []
    base = 20 + bars_height
    for j, name in enumerate(lists):
        y = base + 8 + j * row
        if j % 2 == 0:
            body.append(
                f"<rect x='0' y='{y}' width='{label_width + column * n}' height='{row}' "
                f"fill='#f3f3f3'/>"
            )
        body.append(_text(label_width - 8, y + 14, name, "end"))
    for i, (on, count) in enumerate(patterns):
        x = label_width + i * column
        h = bars_height * count / top
        body.append(
            f"<rect x='{x + 4}' y='{base - h:.1f}' width='{column - 8}' height='{h:.1f}' "
            f"fill='{BLUE}'/>"
        )
        body.append(_text(x + column / 2, base - h - 4, fmt(count), "middle", " font-size='10'"))
        ys = [base + 8 + j * row + row / 2 for j, v in enumerate(on) if v]
        if len(ys) > 1:
            body.append(
                f"<line x1='{x + column / 2}' y1='{min(ys)}' x2='{x + column / 2}' "
                f"y2='{max(ys)}' stroke='{INK}' stroke-width='2'/>"
            )
        for j, v in enumerate(on):
            cy = base + 8 + j * row + row / 2
            colour = INK if v else LIGHT
            body.append(f"<circle cx='{x + column / 2}' cy='{cy}' r='5' fill='{colour}'/>")
    body.append(
        f"<line x1='{label_width}' y1='{base}' x2='{label_width + column * n}' y2='{base}' "
        f"stroke='{INK}'/>"
    )
    return _svg(width, height, title, body)


def histogram(
    edges: Sequence[float],
    stacks: Sequence[tuple[str, str, Sequence[int]]],
    title: str,
    x_label: str,
    y_label: str,
    fmt: Format,
    *,
    marks: Sequence[tuple[float, str]] = (),
    band: tuple[float, float, str] | None = None,
    width: int = 640,
) -> str:
    """Stacked bars over bins, with a legend, optional labelled marks and a shaded band.

    Args:
        edges: bin edges (one more than each stack's counts).
        stacks: (legend label, colour, counts) from the bottom up.
        title, x_label, y_label: words on the chart.
        fmt: formats a count.
        marks: (x, label) to draw as labelled dashed lines (e.g. the decision threshold).
        band: (from, to, label) of an x range to shade (e.g. the uncertain pairs).
        width: total width.
    """
    left, right, top_pad, bottom = 60, 20, 34, 46
    height = 260
    plot_w = width - left - right
    plot_h = height - top_pad - bottom
    bins = len(edges) - 1
    totals = [sum(s[2][i] for s in stacks) for i in range(bins)]
    top, ticks = axis(max(totals, default=0))
    low, high = (edges[0], edges[-1]) if bins > 0 else (0.0, 1.0)

    def x_of(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    body = []
    for value in ticks:
        y = top_pad + plot_h - plot_h * value / top
        body.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{left + plot_w}' y2='{y:.1f}' stroke='{LIGHT}'/>"
        )
        body.append(_text(left - 6, y + 4, fmt(value), "end", " font-size='10'"))
    for i in range(bins):
        x0, x1 = x_of(edges[i]), x_of(edges[i + 1])
        y = top_pad + plot_h
        for _, colour, counts in stacks:
            h = plot_h * counts[i] / top
            if h > 0:
                body.append(
                    f"<rect x='{x0 + 0.5:.1f}' y='{y - h:.1f}' width='{max(x1 - x0 - 1, 0.5):.1f}' "
                    f"height='{h:.1f}' fill='{colour}'/>"
                )
            y -= h
    step = nice_step(high - low, 8)
    tick = math.ceil(low / step) * step
    while tick <= high + 1e-9:
        x = x_of(tick)
        body.append(
            f"<line x1='{x:.1f}' y1='{top_pad + plot_h}' x2='{x:.1f}' y2='{top_pad + plot_h + 4}' "
            f"stroke='{INK}'/>"
        )
        body.append(_text(x, top_pad + plot_h + 16, f"{tick:g}", "middle", " font-size='10'"))
        tick += step
    if band is not None:
        b0, b1 = max(band[0], low), min(band[1], high)
        if b1 > b0:
            body.insert(
                0,
                f"<rect x='{x_of(b0):.1f}' y='{top_pad}' width='{x_of(b1) - x_of(b0):.1f}' "
                f"height='{plot_h}' fill='#fbe3d3'/>",
            )
            body.append(
                _text((x_of(b0) + x_of(b1)) / 2, top_pad - 4, band[2], "middle",
                      " font-size='10'", ORANGE)
            )  # fmt: skip
    for mark, label in marks:
        if low <= mark <= high:
            x = x_of(mark)
            body.append(
                f"<line x1='{x:.1f}' y1='{top_pad}' x2='{x:.1f}' y2='{top_pad + plot_h}' "
                f"stroke='{INK}' stroke-dasharray='4 3'/>"
            )
            body.append(_text(x + 4, top_pad + 12, label, "start", " font-size='10'"))
    body.append(
        f"<line x1='{left}' y1='{top_pad + plot_h}' x2='{left + plot_w}' "
        f"y2='{top_pad + plot_h}' stroke='{INK}'/>"
    )
    body.append(_text(left + plot_w / 2, height - 8, x_label, "middle"))
    body.append(
        _text(14, top_pad + plot_h / 2, y_label, "middle",
              f" transform='rotate(-90 14 {top_pad + plot_h / 2:.1f})'")
    )  # fmt: skip
    body += _legend([(label, colour) for label, colour, _ in stacks], left, 14)
    return _svg(width, height, title, body)


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    out = []
    for label, colour in items:
        out.append(f"<rect x='{x:.1f}' y='{y - 9:.1f}' width='12' height='10' fill='{colour}'/>")
        out.append(_text(x + 16, y, label))
        x += 16 + 7 * len(label) + 20
    return out


def interval_chart(
    labels: Sequence[str],
    documented: Sequence[int],
    estimates: Sequence[tuple[float | None, float | None, float | None]],
    title: str,
    legend: tuple[str, str | None],
    fmt: Format,
    *,
    width: int | None = None,
) -> str:
    """Per category: a bar of documented persons and, when there is one, the estimate as a
    dot with its interval as a line (an open end when the interval has no upper bound).

    Args:
        labels: categories (years, strata...).
        documented: documented persons per category.
        estimates: (estimate, lower, upper) per category; ``None`` values are not drawn.
        title: the chart's title.
        legend: the labels of the bars and of the estimates (``None``: no estimates).
        fmt: formats a count.
        width: total width (default: enough for every category).
    """
    n = len(labels)
    longest = max((len(s) for s in labels), default=0)
    column = max(22, min(60, 560 // max(n, 1)))
    if n <= 4:
        column = max(column, 7 * longest + 16)
    rotate = n > 12 or longest * 7 > column
    left, top_pad = 64, 34
    bottom = 56 if rotate else 30
    width = width or max(360, left + column * n + 20)
    height = 300 if rotate else 274
    plot_h = height - top_pad - bottom
    finite = [v for e in estimates for v in e if v is not None and math.isfinite(v)]
    top, ticks = axis(max([*documented, *finite], default=0))
    base = top_pad + plot_h
    body = []
    for value in ticks:
        y = base - plot_h * value / top
        body.append(
            f"<line x1='{left}' y1='{y:.1f}' x2='{left + column * n}' y2='{y:.1f}' "
            f"stroke='{LIGHT}'/>"
        )
        body.append(_text(left - 6, y + 4, fmt(value), "end", " font-size='10'"))
    for i, label in enumerate(labels):
        x = left + i * column
        cx = x + column / 2
        h = plot_h * documented[i] / top
        body.append(
            f"<rect x='{x + column * 0.2:.1f}' y='{base - h:.1f}' width='{column * 0.6:.1f}' "
            f"height='{h:.1f}' fill='{GREY}'/>"
        )
        est, lower, upper = estimates[i]
        if est is not None and lower is not None:
            y_low = base - plot_h * lower / top
            open_end = upper is None or not math.isfinite(upper)
            y_high = top_pad if upper is None or open_end else base - plot_h * upper / top
            dash = " stroke-dasharray='3 2'" if open_end else ""
            body.append(
                f"<line x1='{cx:.1f}' y1='{y_low:.1f}' x2='{cx:.1f}' y2='{y_high:.1f}' "
                f"stroke='{ORANGE}' stroke-width='2'{dash}/>"
            )
            for y in (y_low, y_high) if not open_end else (y_low,):
                body.append(
                    f"<line x1='{cx - 5:.1f}' y1='{y:.1f}' x2='{cx + 5:.1f}' y2='{y:.1f}' "
                    f"stroke='{ORANGE}' stroke-width='2'/>"
                )
            body.append(
                f"<circle cx='{cx:.1f}' cy='{base - plot_h * est / top:.1f}' r='4' "
                f"fill='{ORANGE}'/>"
            )
        if rotate:
            body.append(
                _text(cx + 4, base + 10, label, "end",
                      f" font-size='10' transform='rotate(-60 {cx + 4:.1f} {base + 10})'")
            )  # fmt: skip
        else:
            body.append(_text(cx, base + 16, label, "middle"))
    body.append(
        f"<line x1='{left}' y1='{base}' x2='{left + column * n}' y2='{base}' stroke='{INK}'/>"
    )
    items = [(legend[0], GREY)] + ([(legend[1], ORANGE)] if legend[1] else [])
    body += _legend(items, left, 14)
    return _svg(width, height, title, body)
