"""Places folded for comparison: accents, punctuation and Mexican abbreviations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recuento.people.places import (
    EXPANSIONS,
    normalise_place,
    place_key,
    places_compatible,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Juárez", "juarez"),
        ("JUAREZ", "juarez"),
        ("Cd. Juárez", "ciudad juarez"),
        ("CD JUAREZ", "ciudad juarez"),
        ("Cd.Juárez", "ciudad juarez"),
        ("Ciudad Juárez", "ciudad juarez"),
        ("Cd. Juárez, Chih.", "ciudad juarez chihuahua"),
        ("Col. Centro", "colonia centro"),
        ("Fracc. Las Haciendas", "fraccionamiento las haciendas"),
        ("Mpio. de Juárez", "municipio de juarez"),
        ("Edo. de Chihuahua", "estado de chihuahua"),
        ("Av. 16 de Septiembre #123", "avenida 16 de septiembre numero 123"),
        ("Privada Sta. Rita s/n", "privada santa rita sin numero"),
        ("Sto. Niño", "santo nino"),
        ("Blvd. Independencia", "boulevard independencia"),
        ("Carr. a Casas Grandes km 20", "carretera a casas grandes km 20"),
        ("C.P. 32000", "codigo postal 32000"),
        ("Edo. de Méx.", "estado de mexico"),
        ("México, D.F.", "mexico ciudad de mexico"),
        ("CDMX", "ciudad de mexico"),
        ("Monterrey, N.L.", "monterrey nuevo leon"),
        ("San Luis Potosí, S.L.P.", "san luis potosi san luis potosi"),
        ("El Paso, TX", "el paso texas"),
        ("Sn. Lorenzo", "san lorenzo"),
        ("  Lomas   de  Poleo  ", "lomas de poleo"),
        ("Anapra (km. 27)", "anapra km 27"),
    ],
)
def test_normalise_place_folds_and_expands_mexican_abbreviations(text: str, expected: str) -> None:
    assert normalise_place(text) == expected


@pytest.mark.parametrize("value", [None, "", "  ", "se desconoce", "N/D", "--", True, 3.5j])
def test_normalise_place_gives_none_for_missing_values(value: object) -> None:
    assert normalise_place(value) is None


def test_numbers_are_read_as_their_text() -> None:
    assert normalise_place(32000) == "32000"
    assert normalise_place(32000.0) == "32000"
    assert normalise_place(float("nan")) is None


def test_juarez_written_three_ways_shares_one_key() -> None:
    keys = {place_key(text) for text in ["Juárez", "Cd. Juárez", "Ciudad Juarez", "CD. JUAREZ"]}
    assert keys == {"juarez"}


def test_place_key_drops_generic_words() -> None:
    assert place_key("Col. Centro, Cd. Juárez, Chih.") == "centro juarez chihuahua"
    assert place_key("Colonia") is None


def test_places_compatible_when_one_key_is_contained_in_the_other() -> None:
    assert places_compatible("Juárez", "Cd. Juárez, Chih.") is True
    assert places_compatible("Cd. Juárez", "Ciudad Juárez") is True
    assert places_compatible("Juárez", "Chihuahua") is False
    assert places_compatible("Juárez", None) is None


def test_no_expansion_produces_a_token_that_would_be_expanded_again() -> None:
    produced = {token for value in EXPANSIONS.values() for token in value.split()}
    assert not produced & set(EXPANSIONS)


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=40)
    | st.from_regex(r"[a-zA-ZáéíóúñÑ .,/#0-9-]{0,30}", fullmatch=True)
    | st.lists(st.sampled_from([*EXPANSIONS, "s/n", "no.", "no", "#", "5", "u", "hab", "-"])).map(
        " ".join
    )
)
def test_normalise_place_is_idempotent_and_never_raises(text: str) -> None:
    once = normalise_place(text)
    if once is not None:
        assert normalise_place(once) == once
        assert once == once.strip()
        assert "  " not in once
