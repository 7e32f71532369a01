"""A small inline SVG line chart (no JavaScript, no library): counts over time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

COLOURS = ("#1f77b4", "#2ca02c", "#ff7f0e", "#7f7f7f", "#d62728")


@dataclass(frozen=True)
class Line:
    """One series: its label, colour and SVG ``points`` attribute."""

    label: str
    colour: str
    points: str
    last: int


@dataclass(frozen=True)
class Chart:
    """What the template draws: size, the y-axis maximum, the lines, first and last dates."""

    width: int
    height: int
    top: int
    lines: list[Line]
    first: dt.date | None
    last: dt.date | None


def line_chart(
    series: Sequence[tuple[dt.date, Counter[str]]],
    groups: Sequence[tuple[str, frozenset[str]]],
    *,
    width: int = 640,
    height: int = 200,
    margin: int = 30,
) -> Chart:
    """Lines of the summed counts of each group of status codes, one point per day.

    Args:
        series: (day, status code -> count), in order.
        groups: (label, status codes summed in that line).
    """
    values = [[sum(c[code] for code in codes) for _, c in series] for _, codes in groups]
    top = max((max(v) for v in values if v), default=0) or 1
    n = len(series)
    step = (width - 2 * margin) / max(n - 1, 1)
    lines = []
    for (label, _codes), colour, ys in zip(groups, COLOURS, values, strict=False):
        pts = " ".join(
            f"{margin + i * step:.1f},{height - margin - y / top * (height - 2 * margin):.1f}"
            for i, y in enumerate(ys)
        )
        lines.append(Line(label, colour, pts, ys[-1] if ys else 0))
    return Chart(
        width, height, top, lines, series[0][0] if n else None, series[-1][0] if n else None
    )
