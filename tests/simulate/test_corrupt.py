"""Record errors: each edit really changes what is written."""

from __future__ import annotations

import os
import random
import subprocess
import sys

from recuento.simulate.corrupt import _fold, typo
from recuento.simulate.vocab import load_vocabulary


def test_a_typo_always_changes_the_letters_of_every_vocabulary_word():
    rng = random.Random(1)
    for setting in ("juarez", "uk"):
        vocab = load_vocabulary(setting)
        words = [*vocab.surnames.tolist(), *vocab.given_tokens.tolist()]
        for word in words:
            for _ in range(3):
                new = typo(word, rng)
                assert _fold(new) != _fold(word), (word, new)
                assert len(new) >= 2


def test_phonetic_typos_are_the_confusions_spanish_writers_make():
    rng = random.Random(2)
    seen = {typo("Villa", rng) for _ in range(200)}
    # b/v, ll/y and keyboard slips all occur; the first letter is kept by keyboard slips.
    assert "Billa" in seen and "Viya" in seen
    assert any(w.startswith("V") and w not in {"Villa", "Viya"} for w in seen)


def test_the_same_seed_gives_the_same_files_in_a_fresh_process_with_another_hash_seed(tmp_path):
    # String hashing is randomised per process; nothing in the simulator may depend on it.
    script = (
        "import sys; from pathlib import Path; from recuento.simulate import *; "
        "sim = simulate_lists(simulate_population(400, seed=5), seed=6); "
        "write_lists(sim, Path(sys.argv[1]))"
    )
    digests = []
    for hash_seed, folder in (("1", "a"), ("2", "b")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / folder)], env=env, check=True)
        digests.append({p.name: p.read_bytes() for p in sorted((tmp_path / folder).iterdir())})
    assert digests[0] == digests[1]
