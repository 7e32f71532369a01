"""Preparing standardised person records for linkage.

Linkage compares records from every list at once, so the lists' person tables are stacked
into one table with an integer ``unique_id`` and the columns the comparisons and blocking
rules use, some derived here:

- ``name_tokens_phonetic``: the phonetic key of each name token and of each formal form
  of the given names (*Chepe* brings *José*, *Lupita* brings *Guadalupe*), so that name
  sets can be compared however the full name was split, spelt or shortened;
- ``name_keys``: the same sound set without the names so common that sharing them says
  little (*María*, *José*, *Juan*): what "names in common" counts;
- ``rare_keys``: the name keys that few records hold (under :data:`RARE_NAME_SHARE` of
  them): the model weighs names in common apart when a rare one is among them;
- ``token_pairs``: pairs of distinct name tokens by sound (``lopes|ramires``), for blocking on
  any two shared tokens: this survives a wrong split, swapped surnames, a missing maternal
  surname and a nickname in place of one of the given names. A pair shared by many records
  (``garsia|ernandes``) is refined by the years of birth the record allows
  (``garsia|ernandes|1990``), so common names are still compared, within a year;
- ``token_years``: one name token by sound and a year of birth (``ortega|1967``), kept only
  where that block is small: it finds the records that share a single name besides the
  year (a misspelt given name and a missing surname together);
- ``birth_year_low`` / ``birth_year_high``: the years of birth a record allows, from its
  date of birth or else from its age at the event and the event's year, so that a list
  that gives only ages can still be compared with one that gives dates of birth;
- ``event_day``: the event date as a day number (its first possible day), for windows;
- ``place_key`` / ``place_words``: the place without its generic words (*colonia*,
  *ciudad*...), so that *Col. Barrio Alto, Cd. Juárez* and *BARRIO ALTO, JUAREZ* agree;
- ``postcode_district``: the postcode's district (:func:`postcode_district`): the outward
  code of a UK postcode (``SW1A`` of ``SW1A1AA``), the first three digits of a numeric
  one (``260`` of FEBRL's ``2607``, ``320`` of Ciudad Juárez's ``32000``);
- ``postcode_keys``: the postcode with one name token by sound (``2607|smiz``), kept only
  where that block is small: records that share a postcode and any one name, in whatever
  part of the name it was written, are compared however the other names and the date of
  birth were mistyped;
- the name sets, formal forms and place words written as numbers
  (:mod:`recuento.link.sets`: ``name_keys_n``, ``name_keys_ids``, ``name_keys_s1``...),
  which the comparisons read instead of the lists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Sequence
from functools import lru_cache
from itertools import combinations
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from recuento.link.sets import column_names as set_columns
from recuento.link.sets import encode as encode_sets
from recuento.people.phonetic import phonetic_key
from recuento.people.places import place_key

#: Columns of the prepared table that linkage reads (besides ``unique_id`` and ``source``).
PREPARED_COLUMNS = (
    "given_std",
    "given_main",
    "given_formal",
    "given_phonetic",
    "first_surname_std",
    "second_surname_std",
    "first_surname_phonetic",
    "second_surname_phonetic",
    "name_tokens",
    "name_tokens_phonetic",
    "name_keys",
    "rare_keys",
    "token_pairs",
    "token_years",
    "sex",
    "birth_date",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_precision",
    "birth_year_low",
    "birth_year_high",
    "event_year",
    "event_day",
    "place_std",
    "place_key",
    "place_words",
    "postcode",
    "postcode_district",
    "postcode_keys",
    "context_keys",
    "name_set_keys",
    "curp",
    "email",
    *set_columns(),
)

_EPOCH = dt.date(1900, 1, 1).toordinal()
# Tokens so common in given names that a pair made of them says little ("maria jose").
_WEAK_TOKENS = frozenset({"maria", "jose", "juan", "ma"})


@lru_cache(maxsize=1 << 16)
def _token_key(token: str) -> str:
    return phonetic_key(token)


def _phonetic_tokens(
    tokens: Sequence[str] | None, formal: Sequence[str] | None
) -> list[str] | None:
    if not tokens:
        return None
    words = [*tokens, *(w for name in formal or () for w in name.split())]
    return sorted({_token_key(t) for t in words})


@lru_cache(maxsize=1 << 16)
def _place_key(place: str | None) -> str | None:
    return place_key(place) if place else None


_UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\d[A-Z]{2}$")


@lru_cache(maxsize=1 << 16)
def postcode_district(postcode: str | None) -> str | None:
    """The district of a normalised postcode, or None when its form is not known.

    UK postcodes give their outward code (``SW1A1AA`` -> ``SW1A``, ``M139PL`` -> ``M13``);
    numeric postcodes of four digits or more their first three (``2607`` -> ``260``,
    ``32000`` -> ``320``: a Mexican state's municipality or a US sectional centre).
    """
    if not postcode:
        return None
    if postcode.isdigit():
        return postcode[:3] if len(postcode) >= 4 else None
    found = _UK_POSTCODE.match(postcode)
    return found.group(1) if found else None


def _pairs(tokens: Sequence[str] | None) -> list[str] | None:
    if not tokens:
        return None
    keys = sorted({_token_key(t) for t in tokens} - _WEAK_TOKENS)
    pairs = [f"{a}|{b}" for a, b in combinations(keys, 2)]
    return pairs or None


#: A name key held by fewer than this share of all records is rare. Shares of name keys
#: are a property of the population, not of the list's size (the same keys pass at
#: 245,541 and 1,000,360 synthetic records: 23% of records hold one).
RARE_NAME_SHARE = 1e-3


def _without_weak(sounds: Sequence[str] | None) -> list[str] | None:
    """A record's name keys: its name's sounds without the weak tokens."""
    return [k for k in sounds if k not in _WEAK_TOKENS] or None if sounds else None


def _rare_set(all_keys: Sequence[Sequence[str] | None]) -> set[str]:
    counts = Counter(k for keys in all_keys if keys for k in keys)
    limit = RARE_NAME_SHARE * len(all_keys)
    return {k for k, c in counts.items() if c < limit}


def rare_name_keys(tables: Sequence[pa.Table]) -> set[str]:
    """The name keys that are rare among all the records of ``tables``.

    For scoring a few of those records apart from the rest (explaining a pair) as the
    linkage of all of them scored them: rarity is a property of the whole set.
    """
    tokens: list[Sequence[str] | None] = []
    formal: list[Sequence[str] | None] = []
    for table in tables:
        tokens.extend(table.column("name_tokens").to_pylist())
        formal.extend(table.column("given_formal").to_pylist())
    return _rare_set(
        [_without_weak(_phonetic_tokens(t, f)) for t, f in zip(tokens, formal, strict=True)]
    )


def _rare_keys(
    all_keys: list[list[str] | None], rare: Collection[str] | None = None
) -> list[list[str] | None]:
    chosen = _rare_set(all_keys) if rare is None else rare
    return [[k for k in keys if k in chosen] or None if keys else None for keys in all_keys]


#: A token pair shared by more records than this is refined by year of birth: unrefined,
#: García|Hernández alone would be a block of thousands in a million records, costing
#: millions of comparisons, most of them between people born decades apart.
PAIR_REFINE_ABOVE = 50
#: A block still larger than this after refinement is left out of blocking (those records
#: still meet through the other rules: one name with a year, the surname with the event
#: year and the given name or the place, the date of birth).
MAX_PAIR_BLOCK = 300
#: One shared name and a year make a block only when it is at most this large.
MAX_TOKEN_YEAR_BLOCK = 60


def _years(low: int | None, high: int | None) -> list[int]:
    if low is None or high is None:
        return []
    return [low] if low == high else [low, high]


def _small_blocks(keyed: list[list[str]], limit: int) -> list[list[str] | None]:
    """Each record's blocking keys, without those shared by more than ``limit`` records."""
    sizes = Counter(k for keys in keyed for k in keys)
    return [[k for k in keys if sizes[k] <= limit] or None for keys in keyed]


def _blocking_pairs(
    all_pairs: list[list[str] | None], years: list[list[int]]
) -> list[list[str] | None]:
    """Token pairs, refined by year where common, without blocks over MAX_PAIR_BLOCK."""
    counts = Counter(p for pairs in all_pairs if pairs for p in pairs)
    common = {p for p, c in counts.items() if c > PAIR_REFINE_ABOVE}
    keyed: list[list[str]] = []
    for pairs, ys in zip(all_pairs, years, strict=True):
        keys: list[str] = []
        for p in pairs or ():
            if p in common:
                keys.extend(f"{p}|{y}" for y in ys)
            else:
                keys.append(p)
        keyed.append(keys)
    return _small_blocks(keyed, MAX_PAIR_BLOCK)


def _token_years(
    all_keys: list[list[str] | None], years: list[list[int]]
) -> list[list[str] | None]:
    """Single name keys with a year of birth, where that block is small."""
    keyed = [
        sorted({f"{k}|{y}" for k in keys or () for y in ys})
        for keys, ys in zip(all_keys, years, strict=True)
    ]
    return _small_blocks(keyed, MAX_TOKEN_YEAR_BLOCK)


#: A common pair of names (shared by more than PAIR_REFINE_ABOVE records) with the place
#: makes a block only when it is at most this large; three names together, at most
#: MAX_TRIPLE_BLOCK.
MAX_PLACE_PAIR_BLOCK = 100
MAX_TRIPLE_BLOCK = 30


def _name_set_keys(
    all_keys: Any,
    places: Any,
    *,
    common_above: int = PAIR_REFINE_ABOVE,
    place_limit: int = MAX_PLACE_PAIR_BLOCK,
    triple_limit: int = MAX_TRIPLE_BLOCK,
) -> pa.ChunkedArray:
    """Keys for records that share most of a common name when their years disagree.

    A common pair of names (García Hernández) is a block only within a year of birth, and
    a newspaper's age at an approximate date gives a year of birth one or two off another
    list's. At 1,000,360 simulated Juárez records, of the 6,012 true pairs no other rule
    compared, 4,093 shared two names or more (by sound) and 4,322 the place; these keys
    compare 2,466 of them (blocking recall 0.9916 -> 0.9950) for 14.1 million more
    comparisons (88.7 -> 102.8 million). Two kinds:

    - the place with a pair of name keys shared by more than ``common_above`` records
      (``q:parajes sur juares|gabriela|lopes``), in blocks of at most ``place_limit``;
    - three name keys whose three pairs are all that common (``t:gabriela|lopes|rodriges``),
      in blocks of at most ``triple_limit``.

    A rarer pair is left out of both: the pair alone is already a block.

    Arguments are columns (Arrow arrays or lists) of equal length: each record's name keys
    (lists, sorted and without repeats, as ``name_keys``) and its place key. Returns each
    record's sorted keys, null where it has none. Built in DuckDB: 2.6 s at a million
    records, where the same in Python took 15 (the same keys).
    """
    columns = {
        "keys": (all_keys, pa.list_(pa.string())),
        "place": (places, pa.string()),
    }
    return _keys_by_record(
        columns,
        f"""
            with pairs as (
                select row, place, unnest(flatten(list_transform(
                    range(1, len(keys) + 1),
                    lambda i: list_transform(
                        range(i + 1, len(keys) + 1), lambda j: [keys[i], keys[j]]
                    )
                ))) as pair
                from records where len(keys) >= 2
            ),
            common_pairs as (
                select pair from pairs group by pair having count(*) > {int(common_above)}
            ),
            common as (
                select row, place, pair[1] as a, pair[2] as b
                from pairs semi join common_pairs using (pair)
            ),
            keyed as (
                select row, 'q:' || place || '|' || a || '|' || b as key,
                    {int(place_limit)} as limit_
                from common where place <> ''
                union all
                select ab.row, 't:' || ab.a || '|' || ab.b || '|' || ac.b,
                    {int(triple_limit)}
                from common as ab
                join common as ac on ac.row = ab.row and ac.a = ab.a and ac.b > ab.b
                join common as bc on bc.row = ab.row and bc.a = ab.b and bc.b = ac.b
            ),
            small_keys as (
                select key from keyed group by key having count(*) <= any_value(limit_)
            ),
            small as (select row, key from keyed semi join small_keys using (key))
            """,
    )


#: A postcode and one name make a block only when it is at most this large (a postcode
#: alone can hold thousands of people: a US ZIP code, a Mexican código postal).
MAX_POSTCODE_NAME_BLOCK = 60


def _postcode_keys(
    postcodes: list[str | None], all_keys: list[list[str] | None]
) -> list[list[str] | None]:
    """The postcode with each name key, where that block is small."""
    keyed = [
        sorted({f"{p}|{k}" for k in keys or ()}) if p else []
        for p, keys in zip(postcodes, all_keys, strict=True)
    ]
    return _small_blocks(keyed, MAX_POSTCODE_NAME_BLOCK)


def _keys_by_record(
    columns: dict[str, tuple[Any, pa.DataType]], blocks_sql: str
) -> pa.ChunkedArray:
    """Each record's sorted blocking keys, built in DuckDB; null where a record has none.

    ``columns`` maps a column name to its values (an Arrow array, or a list made one with
    the type given); DuckDB sees them as the table ``records``, with each record's number
    in ``row``. ``blocks_sql`` is the start of a ``WITH`` query whose last subquery,
    ``small``, holds the ``(row, key)`` pairs kept.
    """
    import duckdb

    table = pa.table(
        {
            name: values
            if isinstance(values, pa.Array | pa.ChunkedArray)
            else pa.array(values, kind)
            for name, (values, kind) in columns.items()
        }
    )
    table = table.append_column("row", pa.array(range(table.num_rows), pa.int64()))
    con = duckdb.connect()
    try:
        con.register("records", table)
        grouped = "select row, list(key order by key) as keys from small group by row"
        return (
            con.sql(
                f"""{blocks_sql},
                grouped as ({grouped})
                select grouped.keys from records left join grouped using (row)
                order by records.row"""
            )
            .to_arrow_table()
            .column("keys")
        )
    finally:
        con.close()


#: A name with the place, the postcode's district or a spelling prefix makes a block only
#: when it is at most this large.
MAX_CONTEXT_BLOCK = 20


def _context_keys(
    all_keys: Any,
    places: Any,
    districts: Any,
    given: Any,
    surname: Any,
    event_years: Any = None,
) -> pa.ChunkedArray:
    """Keys for records that share one name and a context, where that block is small.

    Five kinds, for pairs the name rules miss because a name is abbreviated, a nickname
    or mistyped and the date of birth is missing (on Splink's historical_50k, 37% of true
    pairs; measured in docs/linkage.md):

    - the place with one name key by sound (``p:devon|klifort``);
    - the place and the event's year with one name key (``e:juares|2003|ortis``): where
      the place alone holds too many records with that name, as in a city (245,541
      simulated Juárez records: 605 true pairs no other rule compares, mostly a
      newspaper's full name and age against another list; blocking recall 0.9925 ->
      0.9959);
    - the postcode's district with one name key (``d:TQ13|klifort``): a postcode mistyped;
    - the first surname as written with the given name's initial (``s:clifford|t``): the
      given name shortened (*Tom*, *Thomas*) or mistyped;
    - the first three letters of the given name with the first four of the surname
      (``f:tho|clif``): a typo past them in either (*Chudleigh*, *Chudlejgh*).

    Arguments are columns (Arrow arrays or lists) of equal length: name keys (lists), place
    key, postcode district, main given name, first surname, event year (none: all null).
    Returns each record's sorted keys, null where it has none. Built in DuckDB: at a
    million records, 2.5 s where the same in Python took 7 (the same keys, checked on
    245,541 simulated records).
    """
    columns = {
        "keys": (all_keys, pa.list_(pa.string())),
        "place": (places, pa.string()),
        "district": (districts, pa.string()),
        "given": (given, pa.string()),
        "surname": (surname, pa.string()),
        "year": (event_years if event_years is not None else [None] * len(all_keys), pa.int32()),
    }
    return _keys_by_record(
        columns,
        f"""
            with keyed as (
                select row, 'p:' || place || '|' || unnest(keys) as key
                from records where place <> ''
                union all
                select row, 'd:' || district || '|' || unnest(keys)
                from records where district <> ''
                union all
                select row, 'e:' || place || '|' || year || '|' || unnest(keys)
                from records where place <> '' and year is not null
                union all
                select row, 's:' || surname || '|' || left(given, 1)
                from records where surname <> '' and given <> ''
                union all
                select row, 'f:' || left(given, 3) || '|' || left(surname, 4)
                from records where surname <> '' and given <> ''
            ),
            distinct_keys as (select distinct row, key from keyed),
            small_keys as (
                select key from distinct_keys group by key
                having count(*) <= {int(MAX_CONTEXT_BLOCK)}
            ),
            small as (select row, key from distinct_keys semi join small_keys using (key))
            """,
    )


def _event_day(year: int | None, month: int | None, day: int | None) -> int | None:
    if year is None:
        return None
    try:
        return dt.date(year, month or 1, day or 1).toordinal() - _EPOCH
    except ValueError:
        return None


def prepare(tables: Sequence[pa.Table], rare_keys: Collection[str] | None = None) -> pa.Table:
    """Stack person tables (one per list) and add the derived linkage columns.

    Args:
        tables: tables with the columns of :data:`recuento.people.record.PERSON_SCHEMA`.
        rare_keys: the name keys to count as rare (:func:`rare_name_keys` of a larger set
            these records come from); by default, those rare among ``tables``.

    Returns:
        One table with ``unique_id`` (0, 1, 2... in input order), ``source``, ``id`` and
        :data:`PREPARED_COLUMNS`.
    """
    stacked = pa.concat_tables(list(tables)) if tables else None
    if stacked is None or stacked.num_rows == 0:
        raise ValueError("no records to link")
    tokens = stacked.column("name_tokens").to_pylist()
    birth_year = stacked.column("birth_year").to_pylist()
    age_low = stacked.column("age_low").to_pylist()
    age_high = stacked.column("age_high").to_pylist()
    event_year = stacked.column("event_year").to_pylist()
    low: list[int | None] = []
    high: list[int | None] = []
    for by, lo, hi, ey in zip(birth_year, age_low, age_high, event_year, strict=True):
        if by is not None:
            low.append(by)
            high.append(by)
        elif lo is not None and ey is not None:
            # Age a at an event in year y: born in y - a - 1 or y - a.
            low.append(ey - hi - 1)
            high.append(ey - lo)
        else:
            low.append(None)
            high.append(None)
    event_day = [
        _event_day(y, m, d)
        for y, m, d in zip(
            event_year,
            stacked.column("event_month").to_pylist(),
            stacked.column("event_day").to_pylist(),
            strict=True,
        )
    ]
    n = stacked.num_rows
    columns = {
        "unique_id": pa.array(range(n), pa.int64()),
        "source": stacked.column("source"),
        "id": stacked.column("id"),
    }
    for name in PREPARED_COLUMNS:
        if name in stacked.column_names:
            columns[name] = stacked.column(name)
    formal = stacked.column("given_formal").to_pylist()
    columns["name_tokens_phonetic"] = pa.array(
        [_phonetic_tokens(t, f) for t, f in zip(tokens, formal, strict=True)],
        pa.list_(pa.string()),
    )
    keys = [_place_key(p) for p in stacked.column("place_std").to_pylist()]
    columns["name_keys"] = pa.array(
        [_without_weak(sounds) for sounds in columns["name_tokens_phonetic"].to_pylist()],
        pa.list_(pa.string()),
    )
    columns["rare_keys"] = pa.array(
        _rare_keys(columns["name_keys"].to_pylist(), rare_keys), pa.list_(pa.string())
    )
    columns["place_key"] = pa.array(keys, pa.string())
    if "postcode" not in columns:  # a table standardised before postcodes were read
        columns["postcode"] = pa.nulls(n, pa.string())
    postcodes = columns["postcode"].to_pylist()
    columns["postcode_district"] = pa.array([postcode_district(p) for p in postcodes], pa.string())
    columns["postcode_keys"] = pa.array(
        _postcode_keys(postcodes, columns["name_keys"].to_pylist()), pa.list_(pa.string())
    )
    columns["context_keys"] = _context_keys(
        columns["name_keys"],
        columns["place_key"],
        columns["postcode_district"],
        stacked.column("given_main"),
        stacked.column("first_surname_std"),
        pc.cast(stacked.column("event_year"), pa.int32()),
    )
    columns["name_set_keys"] = _name_set_keys(columns["name_keys"], columns["place_key"])
    columns["place_words"] = pa.array(
        [sorted(set(k.split())) if k else None for k in keys], pa.list_(pa.string())
    )
    years = [_years(lo, hi) for lo, hi in zip(low, high, strict=True)]
    columns["token_pairs"] = pa.array(
        _blocking_pairs([_pairs(t) for t in tokens], years), pa.list_(pa.string())
    )
    columns["token_years"] = pa.array(
        _token_years(columns["name_keys"].to_pylist(), years), pa.list_(pa.string())
    )
    columns["birth_year_low"] = pa.array(low, pa.int32())
    columns["birth_year_high"] = pa.array(high, pa.int32())
    columns["event_day"] = pa.array(event_day, pa.int32())
    columns["birth_year"] = pc.cast(stacked.column("birth_year"), pa.int32())
    columns["event_year"] = pc.cast(stacked.column("event_year"), pa.int32())
    columns.update(encode_sets(columns))
    return pa.table(
        {name: columns[name] for name in ("unique_id", "source", "id", *PREPARED_COLUMNS)}
    )
