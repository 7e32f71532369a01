"""Bloom filters: q-grams, keyed positions, balancing, randomised response, Dice."""

from __future__ import annotations

import math

import numpy as np

from recuento.pprl.bloom import (
    FieldHasher,
    FieldSpec,
    balance,
    balance_permutation,
    dice,
    flip_mask,
    pack_words,
    popcount,
    qgrams,
    unpack_words,
)

SECRET = b"test-secret-of-thirty-two-bytes!"


def _words(ones: list[int], n_bits: int = 64) -> np.ndarray:
    bits = np.zeros((1, n_bits), dtype=bool)
    bits[0, ones] = True
    return pack_words(bits)


def test_qgrams_are_padded_bigrams_without_repeats_and_whole_tokens_after_a_bar():
    assert qgrams("ann") == ["_a", "an", "nn", "n_"]
    assert qgrams("anna") == ["_a", "an", "nn", "na", "a_"]
    assert qgrams("bill|william") == ["_b", "bi", "il", "ll", "l_", "|william"]
    assert qgrams("|y1971|m05") == ["|y1971", "|m05"]


def test_dice_by_hand():
    # A = {0, 1, 2, 3}, B = {2, 3, 4}: |A ∩ B| = 2, so Dice = 2 * 2 / (4 + 3) = 4/7.
    assert dice(_words([0, 1, 2, 3]), _words([2, 3, 4]))[0] == 4 / 7
    # Identical: 2|A| / 2|A| = 1. Disjoint: 0. Both empty: defined as 0.
    assert dice(_words([5, 9]), _words([5, 9]))[0] == 1.0
    assert dice(_words([1]), _words([2]))[0] == 0.0
    assert dice(_words([]), _words([]))[0] == 0.0
    # Across word boundaries: A = {63, 64, 127}, B = {64, 127}: 2 * 2 / (3 + 2) = 0.8.
    assert dice(_words([63, 64, 127], 128), _words([64, 127], 128))[0] == 0.8


def test_pack_and_unpack_round_trip():
    rng = np.random.default_rng(1)
    bits = rng.random((5, 256)) < 0.3
    words = pack_words(bits)
    assert words.shape == (5, 4) and words.dtype == np.dtype("<u8")
    assert (unpack_words(words, 256) == bits).all()
    assert (popcount(words) == bits.sum(axis=1)).all()


def test_positions_are_keyed_and_repeatable():
    spec = FieldSpec("given", bits=128, hashes=8)
    a1 = FieldHasher(SECRET, spec).value_positions("margaret")
    a2 = FieldHasher(SECRET, spec).value_positions("margaret")
    b = FieldHasher(b"x" * 32, spec).value_positions("margaret")
    assert a1 == a2
    assert a1 != b
    assert all(0 <= p < 128 for p in a1)


def test_balanced_filters_have_exactly_half_ones_and_dice_is_one_minus_plain_hamming_share():
    spec = FieldSpec("given", bits=128, hashes=8)
    hasher = FieldHasher(SECRET, spec)
    plain = hasher.plain_filters(["jo", "jonathan", "margaret"])
    balanced = balance(plain, balance_permutation(SECRET, spec))
    assert (balanced.sum(axis=1) == 128).all()
    # Derivation: |A| = |B| = 128, and |A ∩ B| counts the plain positions where both are 1
    # plus those where both are 0 = 128 - Hamming(plain A, plain B). So Dice = 1 - H / 128.
    words = pack_words(balanced)
    hamming = int((plain[1] != plain[2]).sum())
    assert dice(words[1:2], words[2:3])[0] == 1 - hamming / 128


def test_randomised_response_flips_at_the_stated_rate_and_is_repeatable():
    seeds = np.arange(1, 2001, dtype=np.uint64) * np.uint64(7919)
    mask = flip_mask(seeds, 1024, 0.02)
    n = mask.size
    # Binomial(n, p) count; 4.5 standard deviations (p is quantised to 1311/65536).
    p = round(0.02 * 65536) / 65536
    assert abs(mask.sum() - n * p) <= 4.5 * math.sqrt(n * p * (1 - p))
    assert (flip_mask(seeds, 1024, 0.02) == mask).all()
    assert not flip_mask(seeds, 1024, 0.0).any()


def test_the_examples_in_the_docstrings_hold():
    import doctest

    import recuento.pprl
    import recuento.pprl.bloom
    import recuento.pprl.encode

    for module in (recuento.pprl, recuento.pprl.bloom, recuento.pprl.encode):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
