"""Privacy-preserving record linkage: hardened Bloom-filter encodings and encoded matching.

Each custodian encodes its own roll with a shared secret (:func:`encode_table`,
:func:`write_clk`); a neutral party matches the encodings without the secret
(:func:`match_encodings`), returning tokens and scores, never filters; a membership
organisation turns matches into statuses for people to review (:func:`eligibility`).
See docs/pprl.md, including the threat model.

Example:
    >>> from recuento.pprl import encode_values, match_encodings
    >>> secret = b"an example secret, thirty-two b!"
    >>> a = encode_values({"given": ["ann"], "surname": ["lee"], "birth_date": ["|y1970"],
    ...                    "postcode": ["M139PL"]}, ["1"], secret)
    >>> len(a), a.words.shape
    (1, (1, 16))
"""

from recuento.pprl.clkfile import read_clk, write_clk
from recuento.pprl.eligibility import STATUSES, Thresholds, eligibility
from recuento.pprl.encode import (
    DEFAULT_FIELDS,
    EncodedRoll,
    EncodingParams,
    encode_table,
    encode_values,
    make_params,
)
from recuento.pprl.keys import PPRLError, load_secret
from recuento.pprl.match import MatchResult, match_encodings

__all__ = [
    "DEFAULT_FIELDS",
    "STATUSES",
    "EncodedRoll",
    "EncodingParams",
    "MatchResult",
    "PPRLError",
    "Thresholds",
    "eligibility",
    "encode_table",
    "encode_values",
    "load_secret",
    "make_params",
    "match_encodings",
    "read_clk",
    "write_clk",
]
