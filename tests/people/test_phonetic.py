"""Tests of recuento.people.phonetic: the Spanish phonetic key, rule by rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recuento.people.phonetic import phonetic_key


@pytest.mark.parametrize(
    "spellings",
    [
        ("Vázquez", "Vásquez", "Basquez", "VAZQUEZ"),
        ("Hernández", "Ernandez", "HERNANDEZ"),
        ("Yáñez", "Llanes", "Yanez"),
        ("Jiménez", "Giménez", "Ximénez"),
        ("Quiroz", "Kiroz", "Quiros"),
        ("Cervantes", "Servantes", "Zervantes"),
        ("Zavala", "Savala", "Zabala"),
    ],
)
def test_spelling_variants_of_one_surname_share_a_key(spellings: tuple[str, ...]) -> None:
    assert len({phonetic_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("rule", "a", "b"),
    [
        ("1 h is silent", "Hortensia", "Ortensia"),
        ("1 h is silent inside a word", "Zahira", "Zaira"),
        ("3 b and v", "Valdivia", "Baldibia"),
        ("3 w is b", "Oswaldo", "Osvaldo"),
        ("4 seseo: z", "Zúñiga", "Súniga"),
        ("4 seseo: c before e, i", "Cecilia", "Sesilia"),
        ("4 sc before e, i", "Ascencio", "Asencio"),
        ("5 qu and k", "Enrique", "Enrike"),
        ("5 c before a, o, u", "Carmona", "Karmona"),
        ("6 g before e, i is j", "Gerardo", "Jerardo"),
        ("7 gu before e, i is g", "Guillén", "Guiyén"),
        ("7 gü is gu", "Agüero", "Aguero"),
        ("8 initial x before a vowel is j", "Xavier", "Javier"),
        ("8 x of México is j", "México", "Méjico"),
        ("8 x of Mexía is j", "Mexía", "Mejía"),
        ("9 ll is y", "Villa", "Viya"),
        ("10 y as a vowel is i", "Ysabel", "Isabel"),
        ("10 final y is i", "Godoy", "Godoi"),
        ("11 ñ is n", "Muñoz", "Munoz"),
        ("12 ph is f", "Raphael", "Rafael"),
        ("13 n before b is m", "Anbrosio", "Ambrosio"),
        ("14 doubled letters", "Barrera", "Barera"),
        ("14 doubled vowels", "Saavedra", "Savedra"),
    ],
)
def test_each_rule_merges_its_spellings(rule: str, a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b), rule


@pytest.mark.parametrize(
    ("rule", "a", "b"),
    [
        ("15 vowels are kept", "Mario", "María"),
        ("2 ch is not c", "Chávez", "Cávez"),
        ("8 Nahuatl initial x before o is s, not j", "Xóchitl", "Jóchitl"),
        ("8 medial x elsewhere is ks, not j", "Máximo", "Májimo"),
        ("10 consonant y is not the vowel i", "Reyes", "Reies"),
        ("r and l differ", "Lara", "Rara"),
    ],
)
def test_distinct_sounds_keep_distinct_keys(rule: str, a: str, b: str) -> None:
    assert phonetic_key(a) != phonetic_key(b), rule


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Vázquez", "baskes"),
        ("Chávez", "xabes"),
        ("Guerrero", "gerero"),
        ("Guillermo", "giyermo"),
        ("Máximo", "maksimo"),
        ("Xóchitl", "soxitl"),
        ("Yáñez", "yanes"),
        ("de la Cruz", "de la krus"),
        ("Hernández  López", "ernandes lopes"),
        ("h", ""),
        ("", ""),
        ("123 -- !!", ""),
    ],
)
def test_keys_are_as_documented(text: str, key: str) -> None:
    assert phonetic_key(text) == key


@given(st.text())
def test_phonetic_key_never_raises_and_is_space_separated(text: str) -> None:
    key = phonetic_key(text)
    assert key == key.strip()
    assert "  " not in key
