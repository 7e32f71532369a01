"""The count report: sections, languages, self-containment, privacy, numbers, writing.

One small count (300 simulated people, four lists, two rows made to be rejected) is run
once for the module; every test reads the same result.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pypdf
import pytest

from recuento.count import CountResult, count_tables
from recuento.estimate import StratumEstimate
from recuento.estimate.messages import Text
from recuento.lists.reader import ListResult, read_list
from recuento.report import ReportError, build_context, render_report, write_report
from recuento.report import write as write_module
from recuento.report.html import SECTIONS
from recuento.report.pdf import pdf_available
from recuento.report.text import KNOWN_WARNINGS, TEXT
from recuento.simulate import simulate_lists, simulate_population, write_lists

Counted = tuple[CountResult, list[ListResult], list[Path]]


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Counted:
    folder = tmp_path_factory.mktemp("lists")
    sim = simulate_lists(simulate_population(300, seed=1), seed=2)
    written = write_lists(sim, folder, overwrite=True)
    files = [p for p in written if p.stem in sim.lists]
    prensa = folder / "prensa.csv"
    text = prensa.read_text(encoding="utf-8")
    first_row = text.splitlines()[1]
    # one row without a name (rejected: no_name) and one exact repeat (duplicate_row)
    prensa.write_text(f"{text}999,,31,16/07/2002,x\n{first_row}\n", encoding="utf-8")
    lists = [read_list(p) for p in files]
    result = count_tables([r.table for r in lists], [r.name for r in lists], seed=1)
    return result, lists, files


@pytest.fixture(scope="module")
def pages(counted: Counted) -> dict[str, str]:
    result, lists, files = counted
    return {
        lang: render_report(result, lists, lang=lang, seed=1, inputs=files)  # type: ignore[arg-type]
        for lang in ("en", "es")
    }


class _Ids(HTMLParser):
    """Collects data-value by id, attribute values by name, and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name, value in attrs:
            self.attributes.append((name, value or ""))
        if "id" in found and "data-value" in found:
            self.values[str(found["id"])] = str(found["data-value"])
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def _parse(page: str) -> _Ids:
    parser = _Ids()
    parser.feed(page)
    return parser


def test_every_section_is_present_in_both_languages(pages: dict[str, str]) -> None:
    for lang, page in pages.items():
        assert f"<html lang='{lang}'>" in page
        for ident, key in SECTIONS:
            assert f"<section id='{ident}'>" in page, (lang, ident)
            assert f"<h2>{TEXT[key][lang]}</h2>" in page, (lang, key)  # type: ignore[index]


def test_spanish_page_shows_no_english_sentence_of_the_report(pages: dict[str, str]) -> None:
    visible = " ".join(_parse(pages["es"]).text)
    for key, both in TEXT.items():
        english = both["en"]
        if english == both["es"] or "{" in english or len(english) < 12:
            continue
        assert english not in visible, key


def test_page_makes_no_external_request(pages: dict[str, str]) -> None:
    for page in pages.values():
        parsed = _parse(page)
        for name, value in parsed.attributes:
            if name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
                assert not re.match(r"\s*(https?:)?//", value), (name, value)
                assert not value.startswith(("http:", "https:")), (name, value)
        assert "http://" not in page and "https://" not in page
        assert "<script" not in page.lower()
        assert "@import" not in page and "url(" not in page
        assert "<link" not in page.lower()


def test_charts_are_well_formed_svg(pages: dict[str, str]) -> None:
    for page in pages.values():
        charts = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
        # accepted per list, overlaps, per year, estimates, match weights
        assert len(charts) >= 5
        for chart in charts:
            root = ET.fromstring(chart)
            assert root.tag == "svg"
            assert root.find("title") is not None and root.find("title").text  # type: ignore[union-attr]


def _record_values(lists: list[ListResult]) -> tuple[set[str], set[str], set[str]]:
    full_names: set[str] = set()
    tokens: set[str] = set()
    other: set[str] = set()
    for result in lists:
        table = result.table
        for column in ("full_name", "given_names", "first_surname", "second_surname"):
            for value in table.column(column).to_pylist():
                if not value:
                    continue
                if " " in value.strip():
                    full_names.add(value)
                tokens.update(t for t in re.findall(r"\w+", value) if len(t) >= 4)
        for value in table.column("birth_date").to_pylist():
            if value and len(value) == 10:
                other.add(value)
        for value in table.column("id").to_pylist():
            if value and re.search(r"[A-Za-z]", value) and len(value) >= 5:
                other.add(value)
    return full_names, tokens, other


def test_no_record_value_appears_in_the_report(counted: Counted, pages: dict[str, str]) -> None:
    _, lists, _ = counted
    full_names, tokens, other = _record_values(lists)
    assert full_names and tokens and other  # the check has something to look for
    vocabulary = {
        w for both in TEXT.values() for s in both.values() for w in re.findall(r"\w+", s)
    } | {w for s in KNOWN_WARNINGS.values() for w in re.findall(r"\w+", s)}
    for page in pages.values():
        visible = " ".join(_parse(page).text)
        for name in full_names:
            assert name not in page
        words = set(re.findall(r"\w+", page))
        # a name token may only show up as a word of the report's own sentences
        assert not (tokens & words) - vocabulary
        assert not {v for v in other if v in page}
        assert visible  # the page has text at all


def test_numbers_shown_equal_the_count(counted: Counted, pages: dict[str, str]) -> None:
    result, lists, _ = counted
    for page in pages.values():
        values = _parse(page).values
        shown = {k: float(v) for k, v in values.items() if v not in ("", "inf")}
        assert shown["n-documented"] == result.documented
        assert shown["n-estimate"] == result.estimate
        assert shown["n-estimate-lower"] == result.lower
        assert shown["n-estimate-upper"] == result.upper
        c = result.conditional
        assert shown["n-conditional"] == c.estimate
        assert shown["n-conditional-lower"] == c.lower
        assert shown["n-conditional-upper"] == c.upper
        assert shown["n-read"] == sum(r.read for r in lists)
        assert shown["n-accepted"] == sum(r.accepted for r in lists)
        assert shown["n-rejected"] == sum(r.rejected for r in lists) == 2
        assert shown["n-records"] == result.link.persons.num_rows
        assert shown["n-pairs"] == result.link.pairs.num_rows
        assert shown["n-uncertain"] == result.link.uncertain_pairs().num_rows
        patterns = [v for k, v in shown.items() if k.startswith("pattern-")]
        assert sum(patterns) == result.documented
        configurations = [v for k, v in shown.items() if k.startswith("config-")]
        assert configurations == [float(v) for v in result.persons_by_configuration.values()]
        years = sum(v for k, v in shown.items() if k.startswith("year-"))
        context = build_context(result, lists)
        assert years + context.year_unknown == result.documented


def test_rejects_are_counted_by_reason_in_the_page_language(pages: dict[str, str]) -> None:
    from recuento.lists.messages import reject_message

    for lang, page in pages.items():
        for code in ("no_name", "duplicate_row"):
            assert reject_message(code, lang) in page  # type: ignore[arg-type]


def test_estimates_say_which_carries_linkage_uncertainty(pages: dict[str, str]) -> None:
    for lang, page in pages.items():
        assert TEXT["with_linkage"][lang] in page  # type: ignore[index]
        assert TEXT["conditional"][lang] in page  # type: ignore[index]


def test_reproducibility_records_hashes_seed_and_versions(
    counted: Counted, pages: dict[str, str]
) -> None:
    import hashlib

    _, _, files = counted
    for page in pages.values():
        for path in files:
            assert hashlib.sha256(path.read_bytes()).hexdigest() in page
            assert str(path.parent) not in page  # file names only, not the folders
        assert "<span id='n-seed'>1</span>" in page
        for package in ("recuento", "splink", "duckdb", "numpy"):
            assert f"<td>{package}</td>" in page


def _without_estimate(result: CountResult) -> CountResult:
    warning = Text("fewer than 3 lists have records.", "menos de 3 listas tienen registros.")
    conditional = dataclasses.replace(
        result.conditional,
        estimate=None,
        lower=None,
        upper=None,
        method="loglinear",
        warnings=[warning],
        settings={"method_asked": "auto"},
        diagnostics={},
    )
    return dataclasses.replace(
        result,
        conditional=conditional,
        estimate=None,
        lower=None,
        upper=None,
        warnings=list(KNOWN_WARNINGS),
        persons_by_configuration={},
    )


def test_a_count_without_estimate_shows_the_documented_minimum_and_why(
    counted: Counted,
) -> None:
    result, lists, _ = counted
    page = render_report(_without_estimate(result), lists, lang="es")
    assert TEXT["summary_none"]["es"].split("{")[0] in page
    assert TEXT["no_estimate"]["es"] in page
    assert "menos de 3 listas tienen registros." in page
    assert next(iter(KNOWN_WARNINGS.values())) in page
    assert TEXT["m_none"]["es"] in page
    values = _parse(page).values
    assert float(values["n-documented"]) == result.documented
    assert "n-estimate" not in values


def _by_year(result: CountResult, lists: list[ListResult]) -> CountResult:
    years = [y.year for y in build_context(result, lists).years]
    strata = [
        StratumEstimate(str(y), 10 + i, 20.0 + i, 12.0 + i, 35.0 + i, "lcmcr", ["a"])
        for i, y in enumerate(years)
    ]
    conditional = dataclasses.replace(result.conditional, strata=strata, by="event_date:year")
    return dataclasses.replace(result, conditional=conditional)


def test_strata_by_year_are_shown_with_their_intervals(counted: Counted) -> None:
    result, lists, _ = counted
    stratified = _by_year(result, lists)
    page = render_report(stratified, lists, lang="en")
    values = _parse(page).values
    for i, s in enumerate(stratified.conditional.strata):
        assert float(values[f"stratum-{i}"]) == s.estimate
    assert TEXT["year_intro_strata"]["en"] in page
    assert TEXT["strata_title"]["en"].format(by="event_date:year") in page
    for chart in re.findall(r"<svg\b.*?</svg>", page, flags=re.S):
        ET.fromstring(chart)


def test_strata_with_linkage_uncertainty_are_shown_beside_the_conditional_ones(
    counted: Counted,
) -> None:
    result, lists, _ = counted
    stratified = _by_year(result, lists)
    strata = stratified.conditional.strata
    assert len(strata) >= 2
    # Every stratum but the last carried linkage uncertainty (the last had too few lists).
    pooled = {s.stratum: (s.estimate + 3.0, s.lower + 1.0, s.upper + 9.0) for s in strata[:-1]}
    stratified = dataclasses.replace(stratified, strata_with_linkage=pooled)
    page = render_report(stratified, lists, lang="es")
    values = _parse(page).values
    for i, s in enumerate(strata):
        shown = pooled[s.stratum][0] if s.stratum in pooled else s.estimate
        assert float(values[f"stratum-{i}"]) == shown
        assert float(values[f"stratum-{i}-conditional"]) == s.estimate
    assert TEXT["col_conditional"]["es"] in page
    assert page.count(TEXT["method_pooled"]["es"].split(",")[1].split("{")[0]) >= len(pooled)


def test_report_is_written_atomically(counted: Counted, tmp_path: Path, monkeypatch: Any) -> None:
    result, lists, _ = counted
    target = tmp_path / "report.html"
    assert write_report(target, result, lists, lang="es", seed=1) == target
    written = target.read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html>") and "</html>" in written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]

    def broken(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(write_module, "render_report", broken)
    with pytest.raises(RuntimeError):
        write_report(target, result, lists)
    assert target.read_text(encoding="utf-8") == written  # the earlier report is intact

    def disk_full(fd: int) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(write_module.os, "fsync", disk_full)
    with pytest.raises(OSError, match="no space"):
        write_module.write_atomically(target, b"half")
    assert target.read_text(encoding="utf-8") == written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary left


def test_report_into_a_missing_folder_says_so(counted: Counted, tmp_path: Path) -> None:
    result, lists, _ = counted
    with pytest.raises(ReportError, match="does not exist"):
        write_report(tmp_path / "nope" / "r.html", result, lists)


def test_pdf_without_weasyprint_says_what_to_install(
    counted: Counted, tmp_path: Path, monkeypatch: Any
) -> None:
    result, lists, _ = counted
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(ReportError, match="pip install weasyprint"):
        write_report(tmp_path / "r.pdf", result, lists)
    assert not list(tmp_path.iterdir())


def test_pdf_report_is_a_pdf(counted: Counted, tmp_path: Path) -> None:
    if not pdf_available():
        pytest.skip(
            "WeasyPrint (for PDF reports) is not installed or cannot load Pango: "
            "apt install libpango-1.0-0 libpangoft2-1.0-0"
        )
    result, lists, _ = counted
    target = write_report(tmp_path / "r.pdf", result, lists, lang="es", seed=1)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    # The PDF is the page: its text holds the Spanish title and the documented count.
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(target).pages)
    assert "Informe de conteo" in text
    assert result.documented < 1000  # no thousands separator to match
    assert str(result.documented) in text


def test_pooled_estimate_is_labelled_lcmcr_even_when_the_conditional_is_loglinear(
    counted: Counted,
) -> None:
    # recuento.count pools LCMCR posteriors over linkage configurations whatever method
    # the conditional estimate used, so the pooled row must not borrow the log-linear label.
    result, lists, _ = counted
    conditional = dataclasses.replace(
        result.conditional,
        method="loglinear",
        model={"name": "[12,13,24,34]"},
        settings={"method_asked": "loglinear", "criterion": "bic"},
        diagnostics={"models_fitted": 113},
    )
    page = render_report(dataclasses.replace(result, conditional=conditional), lists)
    rows = re.findall(r"<tr[^>]*>.*?</tr>", page.split("<section id='estimates'>")[1], re.S)
    pooled, conditional_row = rows[1], rows[2]
    assert TEXT["method_lcmcr"]["en"] in pooled and "[12,13,24,34]" not in pooled
    assert "[12,13,24,34]" in conditional_row


def _explained(counted: Counted, lang: str = "en", **methods: Any) -> tuple[list[str], list[str]]:
    from recuento.report.methods import explain

    result, lists, _ = counted
    context = build_context(result, lists)
    context = dataclasses.replace(context, methods=dataclasses.replace(context.methods, **methods))
    return explain(context, lang)  # type: ignore[arg-type]


def test_methods_say_what_ran_with_lcmcr_priors_and_convergence(counted: Counted) -> None:
    result, _, _ = counted
    paragraphs, assumptions = _explained(counted)
    text = " ".join(paragraphs)
    settings = result.conditional.settings["lcmcr"]
    assert "Manrique-Vallier (2016" in text and "because 4 lists have records" in text
    assert f"at most {settings['K']} latent classes" in text
    assert f"Gamma({settings['a']:.2f}, {settings['b']:.2f})" in text
    assert "R-hat" in text and "Splink on DuckDB" in text
    assert "Sadinle (2018" in text  # how linkage uncertainty was carried
    assert TEXT["a_priors"]["en"] in assumptions
    # LCMCR's known under-coverage with many rarely recorded people is said, in words.
    assert TEXT["a_rarely_recorded"]["en"] in assumptions
    # The thinning reported is the one the chains used (run longer until enough draws).
    used = result.conditional.diagnostics.get("thin", settings["thin"])
    assert f"one every {used} sweeps" in text


def test_methods_name_the_lists_modelled_as_dependent_in_both_languages(
    counted: Counted,
) -> None:
    result, _, _ = counted
    lcmcr = {**result.conditional.settings["lcmcr"], "dependent": (("ong", "familias"),)}
    paragraphs, assumptions = _explained(counted, lcmcr=lcmcr)
    assert "Lists named as depending on one another: ong+familias." in " ".join(paragraphs)
    assert TEXT["a_dependent_named"]["en"] in assumptions
    paragraphs, assumptions = _explained(counted, "es", lcmcr=lcmcr)
    assert "Listas indicadas como dependientes entre sí: ong+familias." in " ".join(paragraphs)
    assert TEXT["a_dependent_named"]["es"] in assumptions
    # Without lists named, neither is said.
    paragraphs, assumptions = _explained(counted)
    assert "depending on one another" not in " ".join(paragraphs)
    assert TEXT["a_dependent_named"]["en"] not in assumptions


def test_methods_say_the_dependent_lists_were_chosen_from_the_data(counted: Counted) -> None:
    result, _, _ = counted
    lcmcr = {**result.conditional.settings["lcmcr"], "dependent_auto": True}
    chosen = ("ong+familias", "prensa+fiscalia")
    paragraphs, assumptions = _explained(counted, lcmcr=lcmcr, dependent_chosen=chosen)
    text = " ".join(paragraphs)
    assert "were chosen from the data (--dependent auto)" in text
    assert "conditional on the best clustering: ong+familias and prensa+fiscalia." in text
    assert TEXT["a_dependent_auto"]["en"] in assumptions
    paragraphs, assumptions = _explained(counted, "es", lcmcr=lcmcr, dependent_chosen=())
    text = " ".join(paragraphs)
    assert "se eligieron a partir de los datos (--dependent auto)" in text
    assert "ninguna lista se modeló como dependiente" in text
    assert TEXT["a_dependent_auto"]["es"] in assumptions
    # Without auto, neither is said.
    paragraphs, assumptions = _explained(counted)
    assert "--dependent auto" not in " ".join(paragraphs)
    assert TEXT["a_dependent_auto"]["en"] not in assumptions


def test_the_report_context_carries_the_pairs_chosen_from_the_data(counted: Counted) -> None:
    result, lists, _ = counted
    diagnostics = {
        **result.conditional.diagnostics,
        "dependent_auto": {"alternatives": [[["ong", "familias"]], [["prensa", "fiscalia"]]]},
    }
    auto = dataclasses.replace(
        result, conditional=dataclasses.replace(result.conditional, diagnostics=diagnostics)
    )
    assert build_context(auto, lists).methods.dependent_chosen == (
        "ong+familias",
        "prensa+fiscalia",
    )
    assert build_context(result, lists).methods.dependent_chosen is None


def test_methods_explain_why_a_loglinear_model_was_used(counted: Counted) -> None:
    paragraphs, assumptions = _explained(
        counted,
        method="loglinear",
        asked="auto",
        lists_with_records=2,
        lcmcr=None,
        model="[1,2]",
        models_fitted=1,
        criterion="bic",
        pooled=False,
    )
    text = " ".join(paragraphs)
    assert "only 2 lists have records, and the latent-class model needs 3" in text
    assert "The model [1,2] was chosen among 1 models by BIC" in text
    assert TEXT["m_pooling_none"]["en"] in paragraphs
    assert TEXT["a_two_lists"]["en"] in assumptions
    assert TEXT["a_priors"]["en"] not in assumptions
    assert TEXT["a_rarely_recorded"]["en"] not in assumptions


def test_methods_in_spanish_use_decimal_commas(counted: Counted) -> None:
    paragraphs, _ = _explained(counted, "es")
    text = " ".join(paragraphs)
    # The clustering threshold (0.3 by default) is written with a decimal comma too.
    assert "Gamma(0,25, 0,25)" in text and "llegó a 0,3" in text


# Issue #5 item 3: the linkage diagnostics include the blocking recall estimate.


def test_count_result_carries_the_blocking_recall_estimate_of_the_best_clustering(
    counted: Counted,
) -> None:
    from recuento.link.api import _present_columns
    from recuento.link.model import blocking_rules
    from recuento.link.prepare import prepare
    from recuento.link.recall import clustered_blocking_recall

    result, lists, _ = counted
    prepared = prepare([r.table for r in lists if r.table.num_rows])
    again = clustered_blocking_recall(
        prepared,
        blocking_rules(_present_columns(prepared)),
        result.link.persons.column("person_id").to_pylist(),
    )
    assert result.blocking_recall == again
    assert result.blocking_recall.true_pairs > 0  # persons with several records exist
    payload = result.to_dict()["blocking_recall"]
    assert payload == {
        "estimate": again.compared / again.true_pairs,
        "pairs_in_persons": again.true_pairs,
        "pairs_compared": again.compared,
    }


def test_linkage_diagnostics_show_the_blocking_recall_estimate_in_both_languages(
    counted: Counted, pages: dict[str, str]
) -> None:
    result, _, _ = counted
    assert result.blocking_recall is not None
    for lang, page in pages.items():
        linkage = page.split("<section id='linkage'>")[1].split("</section>")[0]
        assert TEXT["blocking_recall"][lang] in linkage  # type: ignore[index]
        assert TEXT["blocking_recall_caveat"][lang] in linkage  # type: ignore[index]
        shown = _parse(linkage).values["n-blocking-recall"]
        assert float(shown) == result.blocking_recall.recall
    # 2,345 of 2,400 pairs: 97.7% (English), 97,7 % (Spanish, decimal comma)
    assert ">97.7%</span> (" in render_report(_with_recall(result, 2400, 2345), counted[1])
    assert ">97,7\u00a0%</span> (" in render_report(
        _with_recall(result, 2400, 2345), counted[1], lang="es"
    )


def _with_recall(result: CountResult, pairs: int, compared: int) -> CountResult:
    from recuento.link.recall import BlockingRecall

    return dataclasses.replace(
        result, blocking_recall=BlockingRecall(records=3000, true_pairs=pairs, compared=compared)
    )


def test_a_blocking_recall_estimate_below_95_percent_is_a_visible_warning(
    counted: Counted,
) -> None:
    result, lists, _ = counted
    # 90 of 100 pairs in persons compared directly: 0.90 < 0.95 -> warned; 95 of 100 is not.
    for lang in ("en", "es"):
        low = render_report(_with_recall(result, 100, 90), lists, lang=lang)
        limit = "95%" if lang == "en" else "95\u00a0%"
        warning = TEXT["blocking_recall_low"][lang].format(limit=limit)
        assert f"<p class='alert' id='blocking-recall-low'>{warning}</p>" in low
        at_limit = render_report(_with_recall(result, 100, 95), lists, lang=lang)
        assert "blocking-recall-low" not in at_limit


def test_a_count_where_no_person_has_two_records_says_there_is_nothing_to_measure(
    counted: Counted,
) -> None:
    result, lists, _ = counted
    page = render_report(_with_recall(result, 0, 0), lists)
    assert TEXT["blocking_recall_none"]["en"] in page
    assert "n-blocking-recall" not in page and "blocking-recall-low" not in page


def test_methods_give_the_blocking_recall_estimate_as_an_optimistic_upper_bound(
    counted: Counted,
) -> None:
    result, _, _ = counted
    recall = result.blocking_recall
    assert recall is not None
    paragraphs, _ = _explained(counted)
    blocking = next(p for p in paragraphs if p.startswith("Blocking:"))
    assert f"compared directly {recall.recall * 100:.1f}% of the pairs" in blocking
    assert "optimistic upper bound" in blocking
    paragraphs, _ = _explained(counted, "es")
    assert any(p.startswith("Bloqueo:") and "cota superior optimista" in p for p in paragraphs)


def test_a_count_without_a_measured_blocking_recall_shows_no_such_row(counted: Counted) -> None:
    result, lists, _ = counted
    page = render_report(dataclasses.replace(result, blocking_recall=None), lists)
    assert TEXT["blocking_recall"]["en"] not in page
    assert TEXT["blocking_recall_caveat"]["en"] not in page
