"""Tests of recuento.people.names: folding, splitting and standardising names.

Table cases are written from Mexican naming practice (two surnames, paternal first; compound
given names; particles; capitals without accents in official lists; "Ma." for María;
married women's "de Pérez"; surnames first with or without a comma). All names are
synthetic combinations of common given names and surnames.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.people.names import (
    PersonName,
    clear_name_caches,
    fold,
    split_full_name,
    split_surnames,
    standardise_name,
)

# --- fold ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("María Guadalupe", "maria guadalupe"),
        ("NÚÑEZ", "nunez"),
        ("Agüero", "aguero"),
        ("O'Brien", "obrien"),
        ("D’Angelo", "dangelo"),
        ("López-Portillo", "lopez portillo"),
        ("  de   la  Cruz ", "de la cruz"),
        ("Mª", "ma"),
        ("Ma.", "ma"),
        ("Straße", "strasse"),
        ("Søren", "soren"),
        ("¿¡...!?", ""),
        ("", ""),
        ("ＬＯＰＥＺ", "lopez"),  # full-width letters (NFKC)
    ],
)
def test_fold_gives_the_comparison_form(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_a_mapped_letter_under_a_mark_folds_as_the_letter_does() -> None:
    # Ǽ and Ǿ decompose into Æ and Ø with an acute: once the mark goes, they are mapped too
    # (hypothesis found fold("Ǽ") == "æ", which folded again to "ae").
    assert fold("Ǽlfred Ǿrsted") == fold("Aelfred Orsted") == "aelfred orsted"


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


# --- split_full_name ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "expected"),
    [
        # compound given name, particles kept with the surname
        ("María Guadalupe López de la Cruz", ("María Guadalupe", "López", "de la Cruz")),
        # comma: surnames first; capitals title-cased for display
        ("LOPEZ DE LA CRUZ, MARIA GUADALUPE", ("Maria Guadalupe", "Lopez", "de la Cruz")),
        # surnames first without a comma, as in many official lists
        ("HERNANDEZ LOPEZ MARIA GUADALUPE", ("Maria Guadalupe", "Hernandez", "Lopez")),
        ("José Luis Martínez Pérez", ("José Luis", "Martínez", "Pérez")),
        # two words: given name and first surname
        ("Verónica Ramírez", ("Verónica", "Ramírez", None)),
        # missing maternal surname after a compound given name
        ("María Guadalupe Hernández", ("María Guadalupe", "Hernández", None)),
        # compound given names with particles stay together
        ("María de los Ángeles Ruiz Sánchez", ("María de los Ángeles", "Ruiz", "Sánchez")),
        ("María del Carmen Gómez", ("María del Carmen", "Gómez", None)),
        ("José de Jesús Ramírez Soto", ("José de Jesús", "Ramírez", "Soto")),
        ("Juan de Dios Hernández Cruz", ("Juan de Dios", "Hernández", "Cruz")),
        # ... but "de la Cruz" after Juan with nothing after it is the surname
        ("Juan de la Cruz", ("Juan", "de la Cruz", None)),
        # ... and a second given name does not start a compound
        ("Dulce María de la Cruz Hernández", ("Dulce María", "de la Cruz", "Hernández")),
        # a given name that is also a surname is a surname unless two surnames follow
        ("Ana Cruz Martínez", ("Ana", "Cruz", "Martínez")),
        ("Ana Cruz Martínez López", ("Ana Cruz", "Martínez", "López")),
        ("Juan Carlos Reyes Flores", ("Juan Carlos", "Reyes", "Flores")),
        # compound surnames
        ("Juan Díaz de León Ramírez", ("Juan", "Díaz de León", "Ramírez")),
        ("Juan Pérez de León", ("Juan", "Pérez", "de León")),
        ("Gerardo Díaz de León", ("Gerardo", "Díaz de León", None)),
        ("MONTES DE OCA RUIZ, ANA", ("Ana", "Montes de Oca", "Ruiz")),
        ("Juan San Martín López", ("Juan", "San Martín", "López")),
        # married forms stay at the end of the second surname
        ("María López de Pérez", ("María", "López", "de Pérez")),
        ("María López Sánchez de Pérez", ("María", "López", "Sánchez de Pérez")),
        ("Rosa María Hernández Vda. de García", ("Rosa María", "Hernández", "Vda. de García")),
        # an unlisted given name before two surnames
        ("Xóchitl Citlali López Hernández", ("Xóchitl Citlali", "López", "Hernández")),
        # abbreviations and glued dots
        ("Ma.Guadalupe Ruiz", ("Ma. Guadalupe", "Ruiz", None)),
        # titles, suffixes and aliases are dropped
        ("Sra. Leticia Ortiz Mena", ("Leticia", "Ortiz", "Mena")),
        ('Jesús "Chuy" Ramírez Soto', ("Jesús", "Ramírez", "Soto")),
        ("Jesús Ramírez Soto (alias el Güero)", ("Jesús", "Ramírez", "Soto")),
        # English names: a single surname
        ("John Michael Smith", ("John Michael", "Smith", None)),
        ("Mary O'Brien", ("Mary", "O'Brien", None)),
        ("Smith, John", ("John", "Smith", None)),
        ("Robert Smith Jr.", ("Robert", "Smith", None)),
        ("Thomas Martin", ("Thomas", "Martin", None)),
        # more Mexican forms
        ("DE LA CRUZ HERNANDEZ JUANA", ("Juana", "de la Cruz", "Hernandez")),
        ("Nuñez Ortega, Ma. del Socorro", ("Ma. del Socorro", "Nuñez", "Ortega")),
        ("María del Rosario de la Fuente", ("María del Rosario", "de la Fuente", None)),
        ("María de la O Hernández", ("María de la O", "Hernández", None)),
        ("Luz María Reyes Cruz", ("Luz María", "Reyes", "Cruz")),
        ("José Guadalupe Pérez", ("José Guadalupe", "Pérez", None)),
        # one word: a surname when it can only be a surname
        ("Pérez", (None, "Pérez", None)),
        # only given names
        ("Juan Carlos", ("Juan Carlos", None, None)),
        ("Lupita", ("Lupita", None, None)),
        # nothing
        ("", (None, None, None)),
        (" , ", (None, None, None)),
    ],
)
def test_split_full_name_follows_mexican_naming_practice(
    full_name: str, expected: tuple[str | None, str | None, str | None]
) -> None:
    assert split_full_name(full_name) == expected


@pytest.mark.parametrize(
    ("surnames", "expected"),
    [
        ("LOPEZ DE LA CRUZ", ("Lopez", "de la Cruz")),
        ("López Hernández", ("López", "Hernández")),
        ("de la Cruz", ("de la Cruz", None)),
        ("Díaz de León Ramírez", ("Díaz de León", "Ramírez")),
        ("Martín del Campo", ("Martín del Campo", None)),
        ("López Sánchez de Pérez", ("López", "Sánchez de Pérez")),
        ("", (None, None)),
    ],
)
def test_split_surnames_of_an_apellidos_column(
    surnames: str, expected: tuple[str | None, str | None]
) -> None:
    assert split_surnames(surnames) == expected


# --- standardise_name: standardised fields ----------------------------------------------------


@pytest.mark.parametrize(
    "full_name",
    [
        "María Guadalupe López de la Cruz",
        "MARIA GUADALUPE LOPEZ DE LA CRUZ",
        "LOPEZ DE LA CRUZ, MARIA GUADALUPE",
        "Ma. Guadalupe López de la Cruz",
        "Mª Guadalupe López De La Cruz",
        "Ma.ª Guadalupe Lopez de la Cruz",
        "  maría   guadalupe  lópez de la cruz ",
    ],
)
def test_spellings_of_one_name_give_the_same_standard_form(full_name: str) -> None:
    name = standardise_name(full_name=full_name)
    assert (name.given_std, name.first_surname_std, name.second_surname_std) == (
        "maria guadalupe",
        "lopez",
        "de la cruz",
    )
    assert name.tokens == ("cruz", "guadalupe", "lopez", "maria")
    assert name.given_main == "guadalupe"
    assert name.initials == "mg"
    assert name.split_guessed is True


def test_display_keeps_accents_and_title_cases_capitals() -> None:
    mixed = standardise_name(full_name="María de la Luz Núñez")
    assert (mixed.given_names, mixed.first_surname) == ("María de la Luz", "Núñez")
    capitals = standardise_name(full_name="MARÍA DE LA LUZ NÚÑEZ")
    assert (capitals.given_names, capitals.first_surname) == ("María de la Luz", "Núñez")


@pytest.mark.parametrize(
    ("given_names", "main"),
    [
        ("María Guadalupe", "guadalupe"),
        ("Ma. Guadalupe", "guadalupe"),
        ("José Luis", "luis"),
        ("J. Luis", "luis"),
        ("Juan Carlos", "carlos"),
        ("María de los Ángeles", "angeles"),
        ("José de Jesús", "jesus"),
        ("María", "maria"),
        ("José María", "maria"),
        ("Verónica", "veronica"),
        ("Ana María", "ana"),
    ],
)
def test_given_main_skips_a_leading_maria_jose_or_juan(given_names: str, main: str) -> None:
    assert standardise_name(given_names=given_names, first_surname="López").given_main == main


@pytest.mark.parametrize(
    ("given_names", "formal"),
    [
        ("Lupita", ("guadalupe",)),
        ("Chuy", ("jesus",)),
        ("María Guadalupe", ("guadalupe", "maria")),
        ("Maru", ("eugenia", "maria")),
        ("Pepe Luis", ("jose", "luis")),
        ("Beto", ("adalberto", "alberto", "dagoberto", "filiberto", "gilberto", "heriberto")),
    ],
)
def test_given_formal_lists_what_nicknames_stand_for(
    given_names: str, formal: tuple[str, ...]
) -> None:
    result = standardise_name(given_names=given_names, first_surname="Ruiz").given_formal
    assert result[: len(formal)] == formal


def test_beto_stands_for_several_formal_names() -> None:
    formal = standardise_name(given_names="Beto").given_formal
    assert {"alberto", "roberto", "humberto", "norberto"} <= set(formal)


@pytest.mark.parametrize(
    ("given_names", "initials"),
    [("José Luis", "jl"), ("María de los Ángeles", "ma"), ("J. Carlos", "jc"), ("Ana", "a")],
)
def test_initials_of_given_names(given_names: str, initials: str) -> None:
    assert standardise_name(given_names=given_names).initials == initials


def test_married_form_is_separated_from_the_maternal_surname() -> None:
    name = standardise_name(full_name="María López Sánchez de Pérez")
    assert name.first_surname_std == "lopez"
    assert name.second_surname_std == "sanchez"
    assert name.married_surname_std == "perez"
    assert name.tokens == ("lopez", "maria", "perez", "sanchez")
    without_maternal = standardise_name(full_name="María López de Pérez")
    assert without_maternal.second_surname_std is None
    assert without_maternal.married_surname_std == "perez"
    widow = standardise_name(full_name="Rosa María Hernández Vda. de García")
    assert widow.married_surname_std == "garcia"
    assert "vda" not in widow.tokens


def test_surnames_written_with_de_are_not_married_forms() -> None:
    name = standardise_name(given_names="Juan", first_surname="Pérez", second_surname="de León")
    assert name.second_surname_std == "de leon"
    assert name.married_surname_std is None


def test_explicit_married_second_surname_is_recognised() -> None:
    name = standardise_name(given_names="María", first_surname="López", second_surname="de Pérez")
    assert (name.second_surname_std, name.married_surname_std) == (None, "perez")


def test_y_between_surnames_is_dropped_from_the_standard_form() -> None:
    name = standardise_name(full_name="José Ortega y Gasset")
    assert (name.first_surname_std, name.second_surname_std) == ("ortega", "gasset")
    assert name.second_surname == "y Gasset"


def test_surname_abbreviations_are_expanded() -> None:
    name = standardise_name(given_names="Fco.", first_surname="Hdez.", second_surname="Glez.")
    assert (name.given_std, name.first_surname_std, name.second_surname_std) == (
        "francisco",
        "hernandez",
        "gonzalez",
    )


def test_parts_are_used_as_given_without_guessing() -> None:
    name = standardise_name(given_names="Cruz", first_surname="Martín", second_surname="Reyes")
    assert (name.given_std, name.first_surname_std, name.second_surname_std) == (
        "cruz",
        "martin",
        "reyes",
    )
    assert name.split_guessed is False


def test_first_surname_holding_both_surnames_is_split() -> None:
    name = standardise_name(given_names="MARÍA", first_surname="LÓPEZ HERNÁNDEZ")
    assert (name.first_surname, name.second_surname) == ("López", "Hernández")
    assert name.split_guessed is True
    compound = standardise_name(given_names="Ana", first_surname="Martín del Campo")
    assert (compound.first_surname_std, compound.second_surname_std) == ("martin del campo", None)


def test_given_names_holding_a_whole_name_are_split() -> None:
    name = standardise_name(given_names="María Guadalupe López Pérez")
    assert (name.given_std, name.first_surname_std, name.second_surname_std) == (
        "maria guadalupe",
        "lopez",
        "perez",
    )
    assert standardise_name(given_names="Juan Carlos").first_surname_std is None
    assert standardise_name(given_names="Ana María Guadalupe").given_std == ("ana maria guadalupe")


def test_full_name_fills_missing_given_names() -> None:
    name = standardise_name(full_name="Leticia Ortiz Mena", first_surname="Ortiz")
    assert name.given_std == "leticia"
    assert name.tokens == ("leticia", "mena", "ortiz")


def test_aliases_are_kept_apart() -> None:
    name = standardise_name(full_name='José "Pepe" Ramírez (alias el Güero)')
    assert name.aliases == ("pepe", "el guero")
    assert name.tokens == ("jose", "ramirez")


def test_a_quoted_value_is_the_name_not_an_alias() -> None:
    name = standardise_name(given_names='"Lupita"', first_surname="(López)")
    assert (name.given_std, name.first_surname_std, name.aliases) == ("lupita", "lopez", ())


def test_an_empty_full_name_does_not_hide_the_given_names() -> None:
    name = standardise_name(full_name=" - ", given_names="Leticia")
    assert name.given_std == "leticia"
    assert name.split_guessed is False


def test_nothing_gives_an_empty_name() -> None:
    empty = standardise_name()
    assert empty == standardise_name(full_name="  ", given_names="", first_surname=None)
    assert empty.tokens == ()
    assert empty.given_std is None
    assert empty.initials == ""


# --- properties --------------------------------------------------------------------------------

GIVEN = [
    "María",
    "Guadalupe",
    "José",
    "Luis",
    "Juan",
    "Carlos",
    "Ana",
    "Lupita",
    "Ma.",
    "J.",
    "Mª",
    "de los Ángeles",
    "Xóchitl",
    "Reyes",
    "Sra.",
]
SURNAMES = [
    "López",
    "HERNÁNDEZ",
    "de la Cruz",
    "Pérez",
    "del Río",
    "San Martín",
    "Cruz",
    "Ruiz",
    "de León",
    "Díaz de León",
    "Vda. de García",
    "de Pérez",
    "y Gasset",
    "Hdez.",
    "Jr.",
]
optional_text = st.none() | st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(full=optional_text, given_=optional_text, first=optional_text, second=optional_text)
def test_standardise_name_never_raises(
    full: str | None, given_: str | None, first: str | None, second: str | None
) -> None:
    name = standardise_name(
        full_name=full, given_names=given_, first_surname=first, second_surname=second
    )
    assert isinstance(name, PersonName)
    assert all(token and " " not in token for token in name.tokens)


def _same_standard(a: PersonName, b: PersonName) -> None:
    assert (a.given_std, a.first_surname_std, a.second_surname_std) == (
        b.given_std,
        b.first_surname_std,
        b.second_surname_std,
    )
    assert a.married_surname_std == b.married_surname_std
    assert a.tokens == b.tokens


def _again(name: PersonName) -> PersonName:
    return standardise_name(
        given_names=name.given_names,
        first_surname=name.first_surname,
        second_surname=name.second_surname,
    )


# Text built from the characters that drive the rules (particles, abbreviations, commas,
# quotes, married markers), so that random examples reach them.
rule_text = st.lists(
    st.sampled_from(
        [
            *"aeiouAEIOUñÑáÉ.,'-()\"ªº0 ",
            *("de ", "la ", "María ", "Ma. ", "López ", "Cruz ", "DE LA ", "Vda. ", "de Pérez"),
            *("León", "alias ", "José ", "Juan ", "Sra. ", "Jr. ", "San "),
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(full=st.text(max_size=60) | rule_text)
def test_standardising_display_parts_again_changes_nothing(full: str) -> None:
    name = standardise_name(full_name=full)
    _same_standard(_again(name), name)


@settings(max_examples=300, deadline=None)
@given(
    full=st.none() | rule_text,
    given_=st.none() | rule_text,
    first=st.none() | rule_text,
    second=st.none() | rule_text,
)
def test_standardising_display_parts_of_any_parts_again_changes_nothing(
    full: str | None, given_: str | None, first: str | None, second: str | None
) -> None:
    name = standardise_name(
        full_name=full, given_names=given_, first_surname=first, second_surname=second
    )
    _same_standard(_again(name), name)


names_from_vocabulary = st.tuples(
    st.lists(st.sampled_from(GIVEN), min_size=1, max_size=3),
    st.sampled_from(SURNAMES),
    st.none() | st.sampled_from(SURNAMES),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=400, deadline=None)
@given(parts=names_from_vocabulary)
def test_tokens_do_not_depend_on_the_split(
    parts: tuple[list[str], str, str | None, bool, bool],
) -> None:
    given_words, first, second, capitals, comma = parts
    given_names = " ".join(given_words)
    if comma:
        full = f"{first} {second or ''}, {given_names}"
    else:
        full = " ".join(p for p in (given_names, first, second) if p)
    if capitals:
        full = full.upper()
    from_full = standardise_name(full_name=full)
    from_parts = standardise_name(
        given_names=given_names, first_surname=first, second_surname=second
    )
    assert from_full.tokens == from_parts.tokens
    _same_standard(_again(from_full), from_full)
    _same_standard(_again(from_parts), from_parts)


def test_full_name_in_comma_form_fills_missing_parts() -> None:
    name = standardise_name(full_name="ORTIZ MENA, LETICIA", first_surname="Ortiz")
    assert (name.given_std, name.first_surname_std, name.second_surname_std) == (
        "leticia",
        "ortiz",
        "mena",
    )
    disagreeing = standardise_name(full_name="Leticia Ortiz Mena", first_surname="Mena")
    assert disagreeing.given_std == "leticia ortiz"
    assert disagreeing.first_surname_std == "mena"


def test_names_survive_pickling_for_worker_processes() -> None:
    name = standardise_name(full_name="María Guadalupe López de la Cruz (Lupita)")
    assert pickle.loads(pickle.dumps(name)) == name


def test_clearing_caches_does_not_change_results() -> None:
    before = standardise_name(full_name="Ma. Guadalupe Hdez. de Pérez")
    clear_name_caches()
    assert standardise_name.cache_info().currsize == 0
    assert standardise_name(full_name="Ma. Guadalupe Hdez. de Pérez") == before


def test_name_order_is_detected_by_a_vote_of_the_clear_names() -> None:
    from recuento.people.name_split import detect_name_order

    surnames_first = ["LOPEZ GARCIA MARIA", "HERNANDEZ PEREZ JOSE LUIS", "RUIZ DIAZ ANA"] * 8
    given_first = ["María López García", "José Luis Hernández Pérez", "Ana Ruiz Díaz"] * 8
    assert detect_name_order(surnames_first) == "surnames_first"
    assert detect_name_order(given_first) == "given_first"
    assert detect_name_order(surnames_first[:12] + given_first[:12]) == "auto"  # no 4 in 5
    assert detect_name_order(surnames_first[:5]) == "auto"  # too few votes


def test_given_formal_lists_the_name_a_regular_diminutive_comes_from() -> None:
    # Anita and Carmencita are not in the nickname table; linkage blocks and compares on
    # these formal forms, so "Anita Ruiz" can meet "Ana María Ruiz López".
    assert "ana" in standardise_name(given_names="Anita", first_surname="Ruiz").given_formal
    formal = standardise_name(given_names="Carmencita", first_surname="Ruiz").given_formal
    assert "carmen" in formal
