"""The hand-written SVG charts: round axes, escaping, well-formed output."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from recuento.report import svg


def _fmt(v: float) -> str:
    return f"{round(v):,}"


def test_axis_ticks_are_round_and_cover_the_largest_value() -> None:
    # 43 / 4 ticks = 10.75 -> the next 1-2-5 step is 20; ceil(43 / 20) = 3 steps -> top 60
    assert svg.axis(43) == (60.0, [0.0, 20.0, 40.0, 60.0])
    # 300 / 4 = 75 -> step 100, exactly 3 steps
    assert svg.axis(300) == (300.0, [0.0, 100.0, 200.0, 300.0])
    # counts never get fractional ticks: 3 / 4 = 0.75 -> step 1
    assert svg.axis(3) == (3.0, [0.0, 1.0, 2.0, 3.0])
    # nothing to show: one unit tall, not a division by zero
    assert svg.axis(0) == (1.0, [0.0, 1.0])


def test_labels_are_escaped_so_the_svg_stays_well_formed() -> None:
    chart = svg.bar_chart(["a<b", "c&d", "'q'"], [3, 0, 5], "t & <t>", _fmt)
    root = ET.fromstring(chart)
    texts = [t.text for t in root.iter("text")]
    assert "a<b" in texts and "c&d" in texts and "'q'" in texts
    assert root.findtext("title") == "t & <t>"


def test_upset_chart_draws_a_bar_and_a_column_of_dots_per_pattern() -> None:
    patterns = [((True, False, True), 7), ((False, True, False), 3)]
    root = ET.fromstring(svg.upset_chart(["A", "B", "C"], patterns, "overlaps", _fmt))
    bars = [r for r in root.iter("rect") if r.get("fill") == svg.BLUE]
    assert len(bars) == 2
    assert float(bars[0].get("height", 0)) > float(bars[1].get("height", 0))
    dots = list(root.iter("circle"))
    assert len(dots) == 2 * 3
    assert sum(d.get("fill") == svg.INK for d in dots) == 3  # A, C and B are on


def test_histogram_stacks_bins_and_marks_the_threshold() -> None:
    edges = [-4.0, -2.0, 0.0, 2.0, 4.0]
    root = ET.fromstring(
        svg.histogram(
            edges,
            [("same", svg.BLUE, [0, 1, 4, 2]), ("apart", svg.GREY, [3, 1, 0, 0])],
            "weights",
            "bits",
            "pairs",
            _fmt,
            marks=[(0.0, "threshold")],
            band=(-2.0, 2.0, "uncertain"),
        )
    )
    texts = {t.text for t in root.iter("text")}
    assert {"threshold", "uncertain", "bits", "pairs", "same", "apart"} <= texts
    assert [r.get("fill") for r in root.iter("rect")].count(svg.GREY) >= 2


def test_interval_chart_leaves_an_open_end_for_an_unbounded_interval() -> None:
    root = ET.fromstring(
        svg.interval_chart(
            ["2001", "2002", "2003"],
            [10, 12, 0],
            [(20.0, 15.0, 30.0), (25.0, 14.0, math.inf), (None, None, None)],
            "years",
            ("documented", "estimate"),
            _fmt,
        )
    )
    dashed = [line for line in root.iter("line") if line.get("stroke-dasharray") == "3 2"]
    assert len(dashed) == 1  # only 2002's interval is open above
    assert len(list(root.iter("circle"))) == 2  # 2003 has no estimate to draw


def test_every_sentence_has_both_languages_with_the_same_placeholders() -> None:
    import string

    from recuento.report.text import COMPARISONS, TEXT

    def fields(s: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(s) if name}

    for key, both in {**TEXT, **COMPARISONS}.items():
        assert set(both) == {"en", "es"}, key
        assert both["en"].strip() and both["es"].strip(), key
        assert fields(both["en"]) == fields(both["es"]), key


def test_numbers_follow_the_language() -> None:
    from recuento.report.text import decimal, number, percent

    assert number(1234567.4, "en") == "1,234,567"
    assert number(1234567.4, "es") == "1\u202f234\u202f567"
    assert number(None, "en") == "-" and number(math.inf, "es") == "∞"
    assert decimal(0.25, 2, "es") == "0,25" and decimal(0.25, 2, "en") == "0.25"
    assert percent(0.95, "en") == "95%" and percent(0.95, "es") == "95\u00a0%"
