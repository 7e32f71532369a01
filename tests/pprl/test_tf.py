"""Term frequencies estimated from the encodings (recuento.pprl.tf)."""

from __future__ import annotations

import numpy as np

from recuento.pprl.encode import encode_values, make_params
from recuento.pprl.tf import value_counts

SECRET = b"test-secret-of-thirty-two-bytes!"


def test_value_counts_estimate_how_many_records_share_a_surname():
    # b: 400 smith, 40 okonkwo, 4 zebedee, and 556 other surnames of one record each.
    surnames = ["smith"] * 400 + ["okonkwo"] * 40 + ["zebedee"] * 4
    surnames += [f"name{i:03d}x" for i in range(556)]
    params = make_params(["surname"])
    b = encode_values(
        {"surname": surnames}, [f"b{i}" for i in range(len(surnames))], SECRET, params
    )
    a = encode_values(
        {"surname": ["smith", "okonkwo", "zebedee", None]}, ["a1", "a2", "a3", "a4"], SECRET, params
    )
    est = value_counts(a, b, "surname", tables=32)
    # Each b record with the same value shares a's bucket with probability
    # (1 - 2f(1-f))**20 = 0.45 at f = 0.02 (but not independently: a's own noise is shared),
    # so the estimate is unbiased but noisy; 32 tables keep it within a third here.
    assert abs(est[0] - 400) < 400 / 3
    assert abs(est[1] - 40) < 40 / 3
    assert est[2] < 12
    assert est[0] > est[1] > est[2]
    assert np.isnan(est[3])
