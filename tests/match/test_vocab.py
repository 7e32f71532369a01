"""Vocabularies: Spanish and English labels, synonyms, inflections, neighbouring parts."""

from __future__ import annotations

import pytest

from recuento.match import vocab


@pytest.mark.parametrize(
    ("table", "text", "key"),
    [
        (vocab.body_parts, "Antebrazo", "forearm"),
        (vocab.body_parts, "forearm", "forearm"),
        (vocab.body_parts, "muñeca", "wrist"),
        (vocab.body_parts, "espalda baja", "lower_back"),
        (vocab.mark_types, "TATUAJE", "tattoo"),
        (vocab.mark_types, "cicatriz", "scar"),
        (vocab.conditions, "calcinada", "burned"),
        (vocab.conditions, "Esqueletizado", "skeletal"),
        (vocab.conditions, "skeletonized", "skeletal"),
        (vocab.colours, "roja", "red"),
        (vocab.colours, "negras", "black"),
        (vocab.colours, "azul marino", "navy"),
        (vocab.garments, "pantalón de mezclilla", "jeans"),
        (vocab.garments, "tenis", "sneakers"),
    ],
)
def test_labels_synonyms_and_spanish_inflections_find_their_key(table, text, key):
    assert table().lookup(text) == key


def test_unknown_words_are_not_guessed():
    assert vocab.body_parts().lookup("ala izquierda del coche") is None


def test_neighbours_are_symmetric_and_known_parts():
    near = vocab.neighbours()
    for part, others in near.items():
        assert part not in others
        for other in others:
            assert other in vocab.body_parts()
            assert part in near[other]


def test_forearm_touches_wrist_and_elbow_but_not_the_ankle():
    assert {"wrist", "elbow"} <= vocab.neighbours()["forearm"]
    assert "ankle" not in vocab.neighbours()["forearm"]


def test_description_keywords_are_the_same_in_spanish_and_english():
    spanish = vocab.description_tokens("Dos mariposas y una rosa")
    english = vocab.description_tokens("two butterflies and a rose")
    assert {"butterfly", "rose"} <= spanish & english


def test_sides_in_both_languages():
    assert vocab.side_key("Izquierda") == vocab.side_key("left") == "left"
    assert vocab.side_key("der.") == "right"
    assert vocab.side_key("arriba") is None
