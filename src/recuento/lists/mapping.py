"""Column mapping: which column of a list holds which part of a person record.

The canonical columns are those of DESIGN.md's list contract, plus a few that linkage uses
when a list has them. Headers are matched after folding (lower case, no accents, no
punctuation), first against a mapping file's entries, then against built-in synonyms in
Spanish and English. Columns that map to nothing are kept as attributes.

A mapping file is TOML::

    # applies to every list
    [columns]
    "Nombre de la víctima" = "full_name"
    "Clave interna" = "id"
    "Domicilio" = "attribute"      # keep as an attribute even if it looks like a place

    [options]
    day_first = true               # 03/04/1998 is 3 April (the default)
    sex_letters = "HM"             # H hombre, M mujer (the CURP's letters); "FM" otherwise
    name_order = "surnames_first"  # PATERNO MATERNO NOMBRE; detected per list otherwise

    # applies to the list named "fiscalia" only, on top of the above
    [lists.fiscalia.columns]
    "F. hechos" = "event_date"
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from recuento.errors import MappingError, ProblemsError

CANONICAL_COLUMNS: dict[str, str] = {
    "id": "record identifier, unique within the list",
    "full_name": "the whole name in one column",
    "given_names": "given name(s)",
    "first_surname": "first (paternal) surname",
    "second_surname": "second (maternal) surname",
    "surnames": "both surnames in one column (split into first and second)",
    "sex": "sex",
    "birth_date": "date of birth (partial dates allowed)",
    "age": "age at the event, or an age range",
    "event_date": "date of the event (disappearance, death, finding)",
    "place": "place of the event (several columns are joined, most specific first)",
    "postcode": "postcode or ZIP code (compared on its own, not as part of the place)",
    "curp": "CURP (Mexican population registry key), an exact identifier",
    "email": "e-mail address, an exact identifier",
}
"""Canonical column names and what they hold."""

ATTRIBUTE = "attribute"
"""Mapping-file value that keeps a column as an attribute whatever its header says."""

OPTIONS: dict[str, type] = {"day_first": bool, "sex_letters": str, "name_order": str}
_OPTION_VALUES: dict[str, tuple[object, ...]] = {
    "sex_letters": ("FM", "HM"),
    "name_order": ("auto", "given_first", "surnames_first"),
}

# Built-in synonyms, written folded (see fold_header). Order matters only for place parts:
# the most specific part comes first when several are joined.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": (
        "id", "folio", "no", "num", "numero", "n", "no folio", "numero de folio", "folio unico",
        "clave", "cve", "expediente", "no expediente", "registro", "no registro",
        "numero de registro", "caso", "no caso", "numero de caso", "id caso", "identificador",
        "consecutivo", "no consecutivo", "record id", "record", "identifier", "case id",
        "case number", "case no", "key", "uid", "unique id", "numero de socio",
        "numero de afiliado", "membership number", "member number", "member id",
    ),
    "full_name": (
        "nombre completo", "nombre", "nombre de la victima", "victima", "nombre victima",
        "nombre y apellidos", "nombres y apellidos", "nombre de la persona",
        "nombre de la persona desaparecida", "persona desaparecida", "full name", "name",
        "person", "victim", "victim name", "name of victim",
    ),
    "given_names": (
        "nombres", "primer nombre", "nombre s", "nombre de pila", "given names", "given name",
        "first name", "first names", "forename", "forenames", "christian name",
    ),
    "first_surname": (
        "apellido paterno", "primer apellido", "ap paterno", "a paterno", "apellido pat",
        "paterno", "apellido 1", "apellido1", "1er apellido", "surname", "last name",
        "family name", "apellido",
    ),
    "second_surname": (
        "apellido materno", "segundo apellido", "ap materno", "a materno", "apellido mat",
        "materno", "apellido 2", "apellido2", "2o apellido", "second surname",
        "mother s surname", "maternal surname",
    ),
    "surnames": ("apellidos", "surnames", "last names", "family names"),
    "sex": ("sexo", "genero", "sexo genero", "sex", "gender"),
    "birth_date": (
        "fecha de nacimiento", "fecha nacimiento", "f nacimiento", "fec nac", "f nac",
        "fecha nac", "nacimiento", "fecha de nac", "dob", "date of birth", "birth date",
        "birthdate", "born", "d o b",
    ),
    "age": (
        "edad", "edad anos", "edad en anos", "edad al momento", "edad aproximada", "edad aprox",
        "edad al momento de la desaparicion", "edad al momento de los hechos",
        "edad de la victima", "age", "age at death", "age at disappearance", "approximate age",
    ),
    "event_date": (
        "fecha", "fecha de desaparicion", "fecha desaparicion", "fecha de los hechos",
        "fecha del hecho", "fecha hechos", "fecha de muerte", "fecha de defuncion",
        "fecha del asesinato", "fecha de hallazgo", "fecha del hallazgo",
        "fecha de localizacion", "fecha del suceso", "fecha de la desaparicion", "date",
        "event date", "date of disappearance", "date missing", "date of death", "date found",
        "date of event",
    ),
    "place": (
        "lugar", "lugar de los hechos", "lugar de desaparicion", "lugar del hallazgo",
        "lugar de hallazgo", "lugar de la desaparicion", "ubicacion", "colonia",
        "fraccionamiento", "barrio", "localidad", "ciudad", "municipio", "estado", "entidad",
        "entidad federativa", "place", "location", "neighbourhood", "neighborhood", "town",
        "city", "municipality", "state", "county",
    ),
    "postcode": (
        "postcode", "post code", "postal code", "postcode zip", "zip", "zip code", "zipcode",
        "codigo postal", "cp", "c p",
    ),
    "curp": ("curp", "clave unica de registro de poblacion"),
    "email": (
        "email", "e mail", "correo", "correo electronico", "mail", "email address",
        "e mail address",
    ),
}  # fmt: skip

_LOOKUP: dict[str, str] = {
    synonym: canonical for canonical, synonyms in _SYNONYMS.items() for synonym in synonyms
}
_PLACE_ORDER = {synonym: i for i, synonym in enumerate(_SYNONYMS["place"])}


def fold_header(header: str) -> str:
    """Fold a header for matching: ``"Fecha de Nacimiento:"`` -> ``"fecha de nacimiento"``.

    Lower case, accents removed, ``(s)`` plurals joined (``Nombre(s)`` -> ``nombres``),
    ordinal marks dropped (``No.``, ``Nº``), every other punctuation mark a space.
    """
    text = unicodedata.normalize("NFKD", header.strip().casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("(s)", "s").replace("º", "").replace("ª", "")
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(text.split())


@dataclass(frozen=True)
class MappingFile:
    """A parsed mapping file: header -> canonical column, globally and per list."""

    path: Path | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    lists: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    options: Mapping[str, object] = field(default_factory=dict)
    list_options: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    def for_list(self, name: str) -> tuple[dict[str, str], dict[str, object]]:
        """The column entries and options that apply to the list called ``name``."""
        columns = dict(self.columns)
        columns.update(self.lists.get(name, {}))
        options = dict(self.options)
        options.update(self.list_options.get(name, {}))
        return columns, options

    def headers(self) -> set[str]:
        """Every header the file names, folded, for checking that each was used."""
        named = {fold_header(h) for h in self.columns}
        for entries in self.lists.values():
            named.update(fold_header(h) for h in entries)
        return named


def load_mapping_file(path: Path) -> MappingFile:
    """Read and validate a TOML mapping file, reporting every problem at once.

    Raises:
        MappingError: the file cannot be read or parsed.
        ProblemsError: the file parses but some entries are not valid.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as e:
        raise MappingError(f"{path}: no such mapping file.") from e
    except UnicodeDecodeError as e:
        raise MappingError(f"{path}: a mapping file must be UTF-8 text.") from e
    except tomllib.TOMLDecodeError as e:
        raise MappingError(f"{path}: not valid TOML ({e}). See `recuento inspect --help`.") from e

    problems: list[str] = []
    for key in data:
        if key not in {"columns", "options", "lists"}:
            problems.append(
                f"unknown section [{key}]: the sections are [columns], [options] and "
                "[lists.NAME.columns] / [lists.NAME.options]"
            )
    columns = _columns_section(data.get("columns", {}), "[columns]", problems)
    options = _options_section(data.get("options", {}), "[options]", problems)
    lists: dict[str, dict[str, str]] = {}
    list_options: dict[str, dict[str, object]] = {}
    raw_lists = data.get("lists", {})
    if not isinstance(raw_lists, dict):
        problems.append("[lists] must be a table of lists, e.g. [lists.prensa.columns]")
        raw_lists = {}
    for name, section in raw_lists.items():
        if not isinstance(section, dict):
            problems.append(f"[lists.{name}] must be a table")
            continue
        for key in section:
            if key not in {"columns", "options"}:
                problems.append(f"[lists.{name}] has unknown key {key!r}")
        lists[name] = _columns_section(
            section.get("columns", {}), f"[lists.{name}.columns]", problems
        )
        list_options[name] = _options_section(
            section.get("options", {}), f"[lists.{name}.options]", problems
        )
    if problems:
        raise ProblemsError(f"{path}: the mapping file has {len(problems)} problem(s):", problems)
    return MappingFile(path, columns, lists, options, list_options)


def _columns_section(section: object, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(section, dict):
        problems.append(f'{where} must be a table of "header" = "column" entries')
        return {}
    valid = sorted([*CANONICAL_COLUMNS, ATTRIBUTE])
    out: dict[str, str] = {}
    targets: dict[str, str] = {}
    for header, target in section.items():
        if not isinstance(target, str) or target not in valid:
            problems.append(
                f"{where} {header!r}: {target!r} is not a column recuento knows; use one of "
                + ", ".join(valid)
            )
            continue
        if target not in {ATTRIBUTE, "place"} and target in targets:
            problems.append(
                f"{where}: both {targets[target]!r} and {header!r} are mapped to {target!r}; "
                "map only one of them"
            )
            continue
        targets[target] = header
        out[header] = target
    return out


def _options_section(section: object, where: str, problems: list[str]) -> dict[str, object]:
    if not isinstance(section, dict):
        problems.append(f"{where} must be a table")
        return {}
    out: dict[str, object] = {}
    for key, value in section.items():
        expected = OPTIONS.get(key)
        if expected is None:
            problems.append(f"{where}: unknown option {key!r}; the options are {sorted(OPTIONS)}")
        elif not isinstance(value, expected):
            problems.append(f"{where}: {key} must be {expected.__name__}, not {value!r}")
        elif key in _OPTION_VALUES and value not in _OPTION_VALUES[key]:
            allowed = " or ".join(repr(v) for v in _OPTION_VALUES[key])
            problems.append(f"{where}: {key} must be {allowed}, not {value!r}")
        else:
            out[key] = value
    return out


@dataclass
class ColumnMapping:
    """Where each canonical column comes from in one list.

    Attributes:
        columns: canonical name -> index of the column in the header (for ``place``, a
            tuple of indices, most specific first).
        attributes: index -> header for every column kept as an attribute.
        notes: choices made that the user should know about (never record values).
    """

    header: list[str]
    columns: dict[str, tuple[int, ...]]
    attributes: dict[int, str]
    notes: list[str]

    def described(self) -> dict[str, str | list[str]]:
        """canonical -> original header (a list of headers for a joined place)."""
        out: dict[str, str | list[str]] = {}
        for canonical, indices in self.columns.items():
            headers = [self.header[i] for i in indices]
            out[canonical] = headers if len(headers) > 1 else headers[0]
        return out


def map_columns(header: Sequence[str], entries: Mapping[str, str] | None = None) -> ColumnMapping:
    """Map a list's header onto the canonical columns.

    Args:
        header: the header as written.
        entries: mapping-file entries (header -> canonical column or ``"attribute"``); they
            take precedence over the built-in synonyms and are matched after folding.

    Returns:
        The mapping. Two columns that both look like the same canonical column are not an
        error: the first is used, the other kept as an attribute, and a note says so (a
        mapping file entry settles it).
    """
    explicit = {fold_header(h): target for h, target in (entries or {}).items()}
    found: dict[str, list[int]] = {}
    attributes: dict[int, str] = {}
    notes: list[str] = []
    for index, raw in enumerate(header):
        key = fold_header(raw)
        target = explicit.get(key) or _LOOKUP.get(key)
        if target is None or target == ATTRIBUTE:
            attributes[index] = raw if raw.strip() else f"column {index + 1}"
        else:
            found.setdefault(target, []).append(index)

    # "nombre" means the whole name unless the surnames have columns of their own.
    has_surnames = any(k in found for k in ("first_surname", "second_surname", "surnames"))
    if has_surnames and "full_name" in found and "given_names" not in found:
        first = fold_header(header[found["full_name"][0]])
        if first in {"nombre", "name"} and first not in explicit:
            found["given_names"] = [found["full_name"].pop(0)]
            if not found["full_name"]:
                del found["full_name"]

    columns: dict[str, tuple[int, ...]] = {}
    for canonical, indices in found.items():
        if canonical == "place":
            indices = sorted(
                indices, key=lambda i: _PLACE_ORDER.get(fold_header(header[i]), len(_PLACE_ORDER))
            )
            columns[canonical] = tuple(indices)
            continue
        columns[canonical] = (indices[0],)
        for extra in indices[1:]:
            attributes[extra] = header[extra]
            notes.append(
                f"columns {header[indices[0]]!r} and {header[extra]!r} both look like "
                f"{canonical}; used {header[indices[0]]!r} and kept the other as an attribute "
                "(a mapping file can choose otherwise)"
            )
    return ColumnMapping(list(header), columns, dict(sorted(attributes.items())), notes)
