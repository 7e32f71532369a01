"""Sex codes as Mexican and English lists write them, and the shared unknown markers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.people.missing import is_missing, is_unknown_marker
from recuento.people.sex import detect_letter_convention, mentions_trans, parse_sex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("F", "F"),
        ("f", "F"),
        ("Fem.", "F"),
        ("FEMENINO", "F"),
        ("femenina", "F"),
        ("Mujer", "F"),
        ("MUJER", "F"),
        ("niña", "F"),
        ("NIÑA", "F"),
        ("Nina", "F"),
        ("female", "F"),
        ("Woman", "F"),
        ("M", "M"),
        ("m", "M"),
        ("Masc.", "M"),
        ("MASCULINO", "M"),
        ("hombre", "M"),
        ("H", "M"),
        ("varón", "M"),
        ("niño", "M"),
        ("male", "M"),
        ("man", "M"),
        ("X", "X"),
        ("no binario", "X"),
        ("No binaria", "X"),
        ("Non-binary", "X"),
        ("otro", "X"),
        ("intersexual", "X"),
        ("  mujer  ", "F"),
    ],
)
def test_parse_sex_reads_spanish_and_english_codes(text: str, expected: str) -> None:
    assert parse_sex(text) == expected


def test_m_is_male_by_default_and_mujer_in_the_h_m_convention() -> None:
    assert parse_sex("M") == "M"
    assert parse_sex("M", letters="HM") == "F"
    assert parse_sex("H", letters="HM") == "M"
    # Full words do not depend on the letter convention.
    assert parse_sex("masculino", letters="HM") == "M"


@pytest.mark.parametrize(
    ("column", "convention"),
    [
        (["H", "M", "M", "", "h"], "HM"),
        (["F", "M", None, "f."], "FM"),
        (["M", "M"], None),  # only M: cannot tell
        (["H", "F", "M"], None),  # both: ask the user
        ([], None),
    ],
)
def test_detect_letter_convention_reads_the_column(
    column: list[object], convention: str | None
) -> None:
    assert detect_letter_convention(column) == convention


def test_trans_women_and_men_are_read_by_their_gender_and_flagged() -> None:
    assert parse_sex("mujer trans") == "F"
    assert parse_sex("Mujer transgénero") == "F"
    assert parse_sex("trans woman") == "F"
    assert parse_sex("hombre trans") == "M"
    assert mentions_trans("Mujer Trans")
    assert mentions_trans("transgénero")
    assert not mentions_trans("mujer")
    assert not mentions_trans(None)


def test_inegi_numeric_codes_only_behind_the_parameter() -> None:
    # INEGI: 1 hombre, 2 mujer, 9 no especificado.
    assert parse_sex(1) is None
    assert parse_sex("2") is None
    assert parse_sex(1, inegi_codes=True) == "M"
    assert parse_sex(2.0, inegi_codes=True) == "F"
    assert parse_sex("2", inegi_codes=True) == "F"
    assert parse_sex(9, inegi_codes=True) is None


@pytest.mark.parametrize(
    "text", ["", "ND", "N/D", "n.d.", "no especificado", "Se desconoce", "S/D", "-", "?", "NULL"]
)
def test_unknown_markers_give_none_and_are_recognised_as_markers(text: str) -> None:
    assert parse_sex(text) is None
    assert is_unknown_marker(text)


@pytest.mark.parametrize("text", ["abc", "mujeriego", "Fernanda", "23"])
def test_unrecognised_text_gives_none_but_is_not_a_marker(text: str) -> None:
    assert parse_sex(text) is None
    assert not is_unknown_marker(text)


@pytest.mark.parametrize(
    "text",
    [
        "--",
        "---",
        "...",
        "n/a",
        "N/A",
        "na",
        "s/d",
        "sin dato",
        "Sin datos",
        "SIN INFORMACIÓN",
        "desconocido",
        "Desconocida",
        "No especificada",
        "no aplica",
        "none",
        "None",
        "nan",
        "NaT",
        "unknown",
        "#N/A",
        "#¡VALOR!",
        "#REF!",
        "  ",
    ],
)
def test_is_unknown_marker_recognises_the_ways_lists_say_no_value(text: str) -> None:
    assert is_unknown_marker(text)


@pytest.mark.parametrize("text", ["0", "99", "X", "Juárez", "María", "1998"])
def test_is_unknown_marker_leaves_values_alone(text: str) -> None:
    assert not is_unknown_marker(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["FM", "HM"]), st.booleans())
def test_parse_sex_never_raises_on_arbitrary_text(text: str, letters: str, inegi: bool) -> None:
    assert parse_sex(text, letters=letters, inegi_codes=inegi) in {"F", "M", "X", None}  # type: ignore[arg-type]
    assert is_unknown_marker(text) in {True, False}


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.none(), st.booleans(), st.decimals()))
def test_parse_sex_never_raises_on_arbitrary_scalars(value: object) -> None:
    assert parse_sex(value, inegi_codes=True) in {"F", "M", "X", None}


def test_is_missing_covers_empty_cells_of_every_reader() -> None:
    assert is_missing(None)
    assert is_missing(float("nan"))
    assert is_missing("N/D")
    assert not is_missing(0)
    assert not is_missing("F")
    np = pytest.importorskip("numpy")
    assert is_missing(np.float64("nan"))
    assert is_missing(np.datetime64("NaT"))
    assert not is_missing(np.float64(1.0))
