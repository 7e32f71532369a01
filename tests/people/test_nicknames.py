"""Tests of recuento.people.nicknames and its data file data/nicknames.csv."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recuento.people.name_fold import fold
from recuento.people.nicknames import (
    could_be_same_given_name,
    formal_names,
    is_nickname,
    nickname_rows,
    nickname_table,
)


def test_table_has_at_least_150_spanish_nicknames_and_the_common_english_ones() -> None:
    spanish = {fold(n) for n, _f, lang, _note in nickname_rows() if lang == "es"}
    english = {fold(n) for n, _f, lang, _note in nickname_rows() if lang == "en"}
    assert len(spanish) >= 150
    assert {"bill", "bob", "liz", "beth", "jim", "mike", "peggy", "jack"} <= english


def test_rows_are_well_formed_and_not_repeated() -> None:
    rows = nickname_rows()
    assert all(lang in {"es", "en"} for _n, _f, lang, _note in rows)
    assert all(fold(n) and fold(f) and fold(n) != fold(f) for n, f, _l, _note in rows)
    pairs = Counter((fold(n), fold(f)) for n, f, _l, _note in rows)
    assert [pair for pair, count in pairs.items() if count > 1] == []


@pytest.mark.parametrize(
    ("nickname", "formal"),
    [
        ("Lupita", "guadalupe"),
        ("Lupe", "guadalupe"),
        ("Chuy", "jesus"),
        ("Chucho", "jesus"),
        ("Paco", "francisco"),
        ("Pancho", "francisco"),
        ("Curro", "francisco"),
        ("Chela", "graciela"),
        ("Chela", "marcela"),
        ("Lety", "leticia"),
        ("Pepe", "jose"),
        ("Chelo", "consuelo"),
        ("Conchita", "concepcion"),
        ("Concha", "concepcion"),
        ("Nacho", "ignacio"),
        ("Memo", "guillermo"),
        ("Lalo", "eduardo"),
        ("Charo", "rosario"),
        ("Chayo", "rosario"),
        ("Maru", "maria eugenia"),
        ("Pili", "pilar"),
        ("TOÑO", "antonio"),
        ("Quique", "enrique"),
        ("Chío", "rocio"),
        ("Lola", "dolores"),
        ("Cuca", "refugio"),
        ("Bill", "william"),
        ("Will", "william"),
        ("Bob", "robert"),
        ("Liz", "elizabeth"),
        ("Beth", "elizabeth"),
    ],
)
def test_nicknames_map_to_their_formal_names(nickname: str, formal: str) -> None:
    assert formal in formal_names(nickname)
    assert is_nickname(nickname)


def test_beto_maps_to_several_formal_names() -> None:
    assert {"alberto", "roberto", "humberto", "norberto"} <= set(formal_names("beto"))


def test_formal_and_unknown_names_are_not_nicknames() -> None:
    assert formal_names("Guadalupe") == ()
    assert formal_names("Zzyzx") == ()
    assert not is_nickname("Jesús")


def test_table_is_read_once_and_is_read_only() -> None:
    table = nickname_table()
    assert table is nickname_table()
    with pytest.raises(TypeError):
        table["nuevo"] = ("x",)  # type: ignore[index]
    assert all(values == tuple(sorted(values)) for values in table.values())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lupita", "Guadalupe"),
        ("Lupita", "María Guadalupe"),
        ("Lupe", "Lupita"),
        ("Beto", "Roberto"),
        ("Beto", "Alberto"),
        ("Pepe", "José"),
        ("José", "José Luis"),
        ("Maru", "María Eugenia"),
        ("CHUY", "jesús"),
        ("Bob", "Robert"),
        ("Rob", "Bobby"),
        ("Ma. Guadalupe", "Lupita"),
    ],
)
def test_names_sharing_a_formal_form_could_be_the_same(a: str, b: str) -> None:
    assert could_be_same_given_name(a, b)
    assert could_be_same_given_name(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Splink issue #906: a nickname of several formal names must not make them equal
        # https://github.com/moj-analytical-services/splink/issues/906
        ("Alberto", "Roberto"),
        ("Chela", "Chelo"),
        ("Paco", "Pepe"),
        ("María Elena", "María Guadalupe"),
        ("Lupita", "Leticia"),
        ("", "Ana"),
    ],
)
def test_different_formal_names_are_not_the_same(a: str, b: str) -> None:
    assert not could_be_same_given_name(a, b)


@given(st.text(max_size=20), st.text(max_size=20))
def test_could_be_same_given_name_is_symmetric_and_never_raises(a: str, b: str) -> None:
    assert could_be_same_given_name(a, b) == could_be_same_given_name(b, a)
    formal_names(a)


def test_regular_diminutives_stand_for_the_name_they_come_from() -> None:
    # Not in the table, but regular: -ita, -ito, -cita, -cito on a known given name.
    assert formal_names("Anita") == ("ana",)
    assert formal_names("Normita") == ("norma",)
    assert formal_names("Carmencita") == ("carmen",)
    assert formal_names("Pedrito") == ("pedro",)
    assert formal_names("Angelita") == ("angela",)  # the feminine first
    assert could_be_same_given_name("martita", "marta")


def test_names_and_words_that_only_end_like_a_diminutive_are_left_alone() -> None:
    assert formal_names("Margarita") == ()  # a given name in its own right
    assert formal_names("Benito") == ()
    assert formal_names("bonita") == ()  # no given name "bona"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Becca", "Rebecca"),
        ("Becca", "Becky"),
        ("Jo", "Josephine"),
        ("Jo", "Joanne"),
        ("Jo", "Joanna"),
        ("Pete", "Peter"),
        ("Jon", "Jonathan"),
        ("Jonny", "Jon"),
        ("Steph", "Stephanie"),
        ("Jackie", "Jacqueline"),
        ("Trish", "Patricia"),
        ("Nicky", "Nicola"),
        ("Nicky", "Nicholas"),
        ("Ollie", "Oliver"),
        ("Abbie", "Abby"),
        ("Charlie", "Charlotte"),
        ("Sandy", "Sandra"),
        ("Meg", "Megan"),
    ],
)
def test_common_english_nicknames_share_a_formal_form_with_their_names(a: str, b: str) -> None:
    assert could_be_same_given_name(a, b)
    assert could_be_same_given_name(b, a)


def test_english_nicknames_of_several_names_do_not_make_those_names_equal() -> None:
    assert {"josephine", "joanne", "joanna"} <= set(formal_names("Jo"))
    assert {"nicholas", "nicola"} <= set(formal_names("Nicky"))
    assert not could_be_same_given_name("Josephine", "Joanne")
    assert not could_be_same_given_name("Nicholas", "Nicola")
    assert not could_be_same_given_name("Oliver", "Olivia")


#: Variants in the UK simulator's table (recuento/simulate/data/uk_variants.csv) that are
#: not nicknames, so the people table leaves them out: transliterations of one Arabic name
#: (string similarity, not the nickname table, is what links them), translations of Polish
#: names, and Eily for Eilidh, which is not a widely attested nickname of Eilidh (Eily is
#: an Irish diminutive of Eileen).
_UK_SIMULATOR_VARIANTS_NOT_NICKNAMES = {
    ("Mohammed", "Mohammad"),
    ("Mohammed", "Muhammad"),
    ("Muhammad", "Mohammed"),
    ("Piotr", "Peter"),
    ("Tomasz", "Tom"),
    ("Eilidh", "Eily"),
}


def test_every_nickname_the_uk_simulator_uses_is_known_with_its_formal_name() -> None:
    from recuento.simulate.vocab import load_vocabulary

    vocab = load_vocabulary("uk")
    pairs = {(name, variant) for name, variants in vocab.nicknames.items() for variant in variants}
    assert pairs >= _UK_SIMULATOR_VARIANTS_NOT_NICKNAMES  # the exceptions are still used
    unknown = sorted(
        (name, variant)
        for name, variant in pairs - _UK_SIMULATOR_VARIANTS_NOT_NICKNAMES
        if fold(name) not in formal_names(variant)
    )
    assert unknown == []
