"""Encoding: secrets, determinism, presence, the .clk file (and that it holds no plaintext)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recuento.errors import ProblemsError
from recuento.pprl.clkfile import MAGIC, read_clk, write_clk
from recuento.pprl.encode import (
    date_tokens,
    encode_table,
    encode_values,
    make_params,
    postcode_tokens,
)
from recuento.pprl.keys import PPRLError, load_secret

SECRET = b"test-secret-of-thirty-two-bytes!"
OTHER_SECRET = b"another-secret-thirty-two-bytes!"


def _values(n: int = 3) -> dict[str, list[str | None]]:
    return {
        "given": ["alice", "bob", None][:n],
        "surname": ["smith", "jones", "brown"][:n],
        "birth_date": [date_tokens("1971-05-30"), date_tokens("1980"), None][:n],
        "postcode": [postcode_tokens("LS62AB"), None, postcode_tokens("E81YD")][:n],
    }


def test_a_short_or_empty_secret_is_refused_with_a_clear_message(tmp_path, monkeypatch):
    key = tmp_path / "key"
    key.write_text("  \n")
    with pytest.raises(PPRLError, match=r"The secret in the file .* is empty"):
        load_secret(key)
    key.write_text("short-secret\n")
    with pytest.raises(PPRLError, match=r"is too short \(12 bytes; at least 16"):
        load_secret(key)
    monkeypatch.delenv("RECUENTO_PPRL_SECRET", raising=False)
    with pytest.raises(PPRLError, match="No secret given"):
        load_secret(None)


def test_the_secret_comes_from_a_file_or_the_environment(tmp_path, monkeypatch):
    key = tmp_path / "key"
    key.write_bytes(SECRET + b"\n")
    assert load_secret(key) == SECRET
    monkeypatch.setenv("RECUENTO_PPRL_SECRET", SECRET.decode())
    assert load_secret(None) == SECRET


def test_encoding_is_deterministic_for_the_same_secret_and_differs_for_another():
    ids = ["1", "2", "3"]
    a = encode_values(_values(), ids, SECRET)
    b = encode_values(_values(), ids, SECRET)
    c = encode_values(_values(), ids, OTHER_SECRET)
    assert a.tokens == b.tokens and (a.words == b.words).all()
    assert a.key_check == b.key_check != c.key_check
    assert not set(a.tokens) & set(c.tokens)
    assert (a.words != c.words).any(axis=1).all()


def test_equal_values_in_different_records_get_different_noise():
    values = {f: [v[0], v[0]] for f, v in _values().items()}
    roll = encode_values(values, ["1", "2"], SECRET)
    assert (roll.words[0] != roll.words[1]).any()
    plain = encode_values(values, ["1", "2"], SECRET, make_params(flip_probability=0.0))
    assert (plain.words[0] == plain.words[1]).all()


def test_missing_values_give_an_empty_block_and_a_cleared_presence_bit():
    roll = encode_values(_values(), ["1", "2", "3"], SECRET)
    assert roll.present.tolist() == [
        [True, True, True, True],
        [True, True, True, False],
        [False, True, False, True],
    ]
    assert not roll.field_words("postcode")[1].any()
    assert not roll.field_words("given")[2].any()
    assert (np.bitwise_count(roll.field_words("surname")).sum(axis=1) > 100).all()


def test_repeated_ids_are_refused_without_showing_them():
    with pytest.raises(PPRLError, match="1 record ids are repeated") as info:
        encode_values(_values(2), ["M7", "M7"], SECRET)
    assert "M7" not in str(info.value)


def test_date_and_postcode_tokens():
    year = "|y1971|y1971~2|y1971~3"
    assert date_tokens("1971-05-30") == year + "|m05|d30|md05-30"
    assert date_tokens("1971-05") == year + "|m05"
    # A day-month swap keeps the year and the unordered pair.
    assert date_tokens("1971-03-05") == year + "|m03|d05|md03-05"
    assert date_tokens("1971-05-03") == year + "|m05|d03|md03-05"
    assert postcode_tokens("M139PL") == "M139PL|aM|aM~2|aM~3|aM~4|oM13|oM13~2|sM139|sM139~2"
    assert postcode_tokens("SW1A1AA") == (
        "SW1A1AA|aSW|aSW~2|aSW~3|aSW~4|oSW1A|oSW1A~2|sSW1A1|sSW1A1~2"
    )
    assert postcode_tokens("12345") == "12345"


def test_clk_round_trip_and_header_documents_parameters_but_not_the_secret(tmp_path):
    roll = encode_values(_values(), ["1", "2", "3"], SECRET)
    path = tmp_path / "r.clk"
    write_clk(roll, path)
    lines = path.read_text().splitlines()
    assert lines[0] == MAGIC
    header = json.loads(lines[1])
    assert header["records"] == 3 and header["params"]["flip_probability"] == 0.02
    assert header["params"]["fields"][0] == {"name": "given", "bits": 128, "hashes": 8, "q": 2}
    assert SECRET.decode() not in path.read_text()
    back = read_clk(path)
    assert back.tokens == roll.tokens and (back.words == roll.words).all()
    assert (back.present == roll.present).all() and back.params == roll.params


def test_the_clk_file_of_a_roll_holds_no_plaintext(uk_rolls, tmp_path):
    table = uk_rolls.party.slice(0, 800)
    path = tmp_path / "party.clk"
    write_clk(encode_table(table, SECRET), path)
    text = path.read_text()
    values: set[str] = set()
    for row in table.select(
        ["id", "given_names", "first_surname", "birth_date", "email"]
    ).to_pylist():
        values.update(v for v in row.values() if v)
    for attributes in table.column("attributes").to_pylist():
        values.update(str(v) for v in json.loads(attributes).values() if v)
    values |= {v.replace(" ", "") for v in values} | {v.lower() for v in values}
    # Base64 can hold any short string by chance; values of 5 characters or more cannot
    # (about 10^5 characters / 64^5 per value).
    found = sorted(v for v in values if len(v) >= 5 and v in text)
    assert found == []


def test_a_damaged_clk_file_reports_every_bad_line(tmp_path):
    roll = encode_values(_values(), ["1", "2", "3"], SECRET)
    path = tmp_path / "r.clk"
    write_clk(roll, path)
    lines = path.read_text().splitlines()
    lines[2] = "nothex\t1111\tAAAA"
    lines[3] = lines[3][:-4]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ProblemsError) as info:
        read_clk(path)
    assert info.value.problems == [
        "line 3: the token is not 20 hex characters",
        "line 4: the filter has 126 bytes instead of 128",
    ]


def test_a_plaintext_list_is_not_read_as_encodings(tmp_path):
    path = tmp_path / "party.csv"
    path.write_text("id,name\n1,x\n")
    with pytest.raises(PPRLError, match="is not an encoding file made by `recuento encode`"):
        read_clk(path)


def test_unknown_fields_and_a_missing_postcode_column_are_clear_errors(uk_rolls):
    with pytest.raises(PPRLError, match="unknown field 'nhs_number'"):
        make_params(["given", "nhs_number"])
    # No postcode column: none mapped by the reader and none kept among the attributes.
    table = uk_rolls.party.slice(0, 5).drop_columns(["attributes", "postcode"])
    with pytest.raises(PPRLError, match="the list has no postcode column"):
        encode_table(table, SECRET)


def test_postcodes_are_read_from_attributes_under_spanish_or_chosen_headers():
    from recuento.pprl.encode import postcodes_from_attributes

    rows = ['{"Código postal": "ls6 2ab"}', None, '{"Código postal": "E8\\u00a01YD"}', "{}"]
    assert postcodes_from_attributes(rows) == (["LS62AB", None, "E81YD", None], "Código postal")
    rows = ['{"Zona": "x", "Home PC": "M13 9PL"}']
    assert postcodes_from_attributes(rows, "home pc") == (["M139PL"], "Home PC")
    assert postcodes_from_attributes(rows) == ([None], None)


def test_postcodes_come_from_the_column_the_reader_mapped_unless_another_is_named():
    import pyarrow as pa

    from recuento.pprl.encode import postcodes_of

    table = pa.table(
        {
            "postcode": ["SW1A1AA", None],
            "attributes": ['{"Home PC": "M13 9PL"}', None],
        }
    )
    assert postcodes_of(table) == (["SW1A1AA", None], "postcode")
    assert postcodes_of(table, "Post code") == (["SW1A1AA", None], "postcode")
    assert postcodes_of(table, "home pc") == (["M139PL", None], "Home PC")
    assert postcodes_of(table, "Zona") == ([None, None], None)


def test_a_postcode_from_an_unmapped_column_is_normalised_as_the_reader_does() -> None:
    from recuento.people.record import standardise_postcode
    from recuento.pprl.encode import normalise_postcode

    for raw in ("sw1a 1aa", "C.P. 32000", "Ñ1 2ÁB", "  ", None):
        assert normalise_postcode(raw) == standardise_postcode(raw)
    assert normalise_postcode("C.P. 32000") == "32000"
