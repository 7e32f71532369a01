"""What the encoder puts in the given-name and postcode fields, and the token scheme."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from recuento.pprl.bloom import FieldHasher, dice
from recuento.pprl.encode import (
    TOKEN_SCHEME,
    EncodingParams,
    date_tokens,
    encode_values,
    field_values,
    given_tokens,
    make_params,
    postcode_tokens,
)
from recuento.pprl.keys import PPRLError
from recuento.pprl.match import LEVELS, check_compatible, compare

SECRET = b"test-secret-of-thirty-two-bytes!"

POSTCODES = (
    "LS62AB", "LS12CD", "LS279QT", "M139PL", "M14AB", "M203RE", "SE115FY", "SE56DD",
    "E81YD", "E176AB", "EC1A1BB", "N153GZ", "NW38UU", "W103JB", "B94RD", "BS88GS", "G22NP",
)  # fmt: skip


def _words(field: str, values: list[str | None]) -> np.ndarray:
    params = make_params([field], flip_probability=0)
    ids = [str(i) for i in range(len(values))]
    return encode_values({field: values}, ids, SECRET, params).words


def _area(postcode: str) -> str:
    return re.sub(r"\d.*", "", postcode)


def _outward(postcode: str) -> str:
    return postcode[:-3]


def test_postcode_area_district_and_sector_tokens_are_repeated() -> None:
    assert postcode_tokens("M139PL") == "M139PL|aM|aM~2|aM~3|aM~4|oM13|oM13~2|sM139|sM139~2"
    assert postcode_tokens("BFPO1") == "BFPO1"  # not the UK shape: the postcode alone


def test_a_move_within_the_area_keeps_more_of_the_postcode_than_a_move_elsewhere() -> None:
    # With one token each, postcodes of one area and another district had a mean Dice of
    # 0.63 against 0.51 for different areas (no noise): a gap of 0.12. The repeated tokens
    # widen it, which is what lets the matcher weigh a move within the area apart.
    words = _words("postcode", [postcode_tokens(p) for p in POSTCODES])
    same, other = [], []
    for i, j in itertools.combinations(range(len(POSTCODES)), 2):
        d = float(dice(words[i : i + 1], words[j : j + 1])[0])
        a, b = POSTCODES[i], POSTCODES[j]
        if _area(a) != _area(b):
            other.append(d)
        elif _outward(a) != _outward(b):
            same.append(d)
    assert len(same) >= 6
    assert np.mean(same) - np.mean(other) >= 0.125


_AREAS = ("LS", "M", "SE", "E", "N", "NW", "W", "B", "BS", "G", "CF", "EH", "S", "L", "NE", "BN")


def _random_postcodes(areas: list[str], rng: np.random.Generator) -> list[str]:
    units = "ABDEFGHJLNPQRSTUWXYZ"
    return [
        f"{a}{rng.integers(1, 21)}{rng.integers(0, 10)}{units[rng.integers(20)]}"
        f"{units[rng.integers(20)]}"
        for a in areas
    ]


def test_a_uk_postcode_fills_well_under_half_of_its_filter() -> None:
    # 15 q-grams and tokens at 8 positions each filled 61% of the 128 bits.
    hasher = FieldHasher(SECRET, make_params(["postcode"]).fields[0])
    rng = np.random.default_rng(7)
    postcodes = _random_postcodes([_AREAS[i % len(_AREAS)] for i in range(200)], rng)
    fill = [len(hasher.value_positions(postcode_tokens(p) or "")) / 128 for p in postcodes]
    assert np.mean(fill) < 0.45


def test_a_move_within_the_area_is_told_apart_from_a_move_to_another_area() -> None:
    # With the default noise. At 8 positions per q-gram only 71% of moves within the area
    # scored above the 99th percentile of moves to another area; at 4, 91%.
    rng = np.random.default_rng(7)
    n = 400
    areas = [_AREAS[i % len(_AREAS)] for i in range(n)]
    others = [_AREAS[(i + 1 + int(rng.integers(len(_AREAS) - 1))) % len(_AREAS)] for i in range(n)]
    params = make_params(["postcode"])

    def encoded(postcodes: list[str], tag: str):  # type: ignore[no-untyped-def]
        values: list[str | None] = [postcode_tokens(p) for p in postcodes]
        return encode_values({"postcode": values}, [f"{tag}{i}" for i in range(n)], SECRET, params)

    home = encoded(_random_postcodes(areas, rng), "home")
    within = encoded(_random_postcodes(areas, rng), "within")
    elsewhere = encoded(_random_postcodes(others, rng), "elsewhere")
    idx = np.arange(n)
    d_within = compare(home, within, idx, idx).dice[:, 0]
    d_elsewhere = compare(home, elsewhere, idx, idx).dice[:, 0]
    assert (d_within > np.percentile(d_elsewhere, 99)).mean() >= 0.85


def test_given_names_carry_their_initial_as_a_token() -> None:
    assert given_tokens("bill", ["william"]) == "bill|william|^b"
    assert given_tokens("b") == "b|^b"
    assert given_tokens("mary ann", []) == "mary ann|^m"
    assert given_tokens(None) is None and given_tokens("") is None


def test_an_initial_is_closer_to_its_full_name_than_names_with_other_initials_are() -> None:
    names = ["alice", "andrew", "bob", "carol", "david", "emma", "helen", "james", "kate"]
    names += ["laura", "mark", "nicola", "paul", "sarah", "thomas"]
    words = _words("given", [given_tokens(n) for n in names] + [given_tokens(n[0]) for n in names])
    k = len(names)
    to_initial = [float(dice(words[i : i + 1], words[k + i : k + i + 1])[0]) for i in range(k)]
    unrelated = [
        float(dice(words[i : i + 1], words[j : j + 1])[0])
        for i, j in itertools.combinations(range(k), 2)
        if names[i][0] != names[j][0]
    ]
    assert min(to_initial) > max(unrelated)


def test_the_header_records_the_token_scheme_and_older_files_read_as_scheme_1() -> None:
    params = make_params()
    assert params.scheme == TOKEN_SCHEME == 3
    assert params.to_dict()["scheme"] == 3
    assert EncodingParams.from_dict(params.to_dict()) == params
    old = {k: v for k, v in params.to_dict().items() if k != "scheme"}
    assert EncodingParams.from_dict(old).scheme == 1


def test_an_older_scheme_is_neither_encoded_nor_matched_against_the_current_one() -> None:
    values: dict[str, list[str | None]] = {
        "given": ["alice"],
        "surname": ["smith"],
        "birth_date": [None],
        "postcode": [None],
    }
    new = encode_values(values, ["1"], SECRET, make_params())
    old_params = EncodingParams.from_dict(
        {k: v for k, v in make_params().to_dict().items() if k != "scheme"}
    )
    with pytest.raises(PPRLError, match="token scheme 1"):
        encode_values(values, ["1"], SECRET, old_params)
    old = encode_values(values, ["1"], SECRET, make_params())
    old.params = old_params  # as read from a .clk file written before the scheme existed
    with pytest.raises(
        PPRLError, match=r"different versions of recuento's encoder \(token schemes 3 and 1\)"
    ):
        check_compatible(new, old)


def _dates(n: int) -> list[tuple[str, str]]:
    rng = np.random.default_rng(5)
    out = []
    for _ in range(n):
        y1, y2 = rng.choice(np.arange(1930, 2005), 2, replace=False)
        month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
        out.append((f"{y1}-{month:02d}-{day:02d}", f"{y2}-{month:02d}-{day:02d}"))
    return out


def test_a_birthday_in_another_year_falls_below_the_top_level_where_equal_dates_stay() -> None:
    # With one year token, the same day and month in another year shared three of four
    # tokens (Dice 0.90-0.93 with the default noise): in the top level with equal dates.
    pairs = _dates(60)
    values = [date_tokens(a) for a, _ in pairs] + [date_tokens(b) for _, b in pairs]
    values += [date_tokens(a) for a, _ in pairs]  # the same dates again, other records
    params = make_params(["birth_date"])
    words = encode_values(
        {"birth_date": values}, [str(i) for i in range(len(values))], SECRET, params
    ).words
    n = len(pairs)
    other_year = dice(words[:n], words[n : 2 * n])
    same_date = dice(words[:n], words[2 * n :])
    assert other_year.max() < LEVELS[0] <= same_date.min()


def test_given_names_and_dates_are_tokenised_once_per_distinct_value_as_record_by_record(
    uk_rolls,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import recuento.pprl.encode as encode

    calls = {"given": 0, "birth_date": 0}

    def counted(name, function):  # type: ignore[no-untyped-def]
        def wrapper(*args):  # type: ignore[no-untyped-def]
            calls[name] += 1
            return function(*args)

        return wrapper

    monkeypatch.setattr(encode, "given_tokens", counted("given", given_tokens))
    monkeypatch.setattr(encode, "date_tokens", counted("birth_date", date_tokens))
    table = uk_rolls.party.slice(0, 2000)
    given = table.column("given_std").to_pylist()
    formal = table.column("given_formal").to_pylist()
    dates = table.column("birth_date").to_pylist()
    assert None in dates and len(set(given)) < len(given)
    values, _ = field_values(table, ("given", "birth_date"))
    assert values["given"] == [given_tokens(g, f) for g, f in zip(given, formal, strict=True)]
    assert values["birth_date"] == [date_tokens(d) for d in dates]
    assert calls == {"given": len(set(given) - {None}), "birth_date": len(set(dates) - {None})}
    empty = table.slice(0, 0)
    assert field_values(empty, ("given", "birth_date"))[0] == {"given": [], "birth_date": []}
