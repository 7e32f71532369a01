"""The matching engine's validation messages in the page's language.

:mod:`recuento.match.records` reports problems in English only (its candidate reasons are
bilingual; its validation messages are not). On a Spanish page each message is rewritten
from its known pattern: the place (file, line, column) and then what is wrong and how to fix
it. A message no pattern knows is shown as the engine wrote it. The messages never hold a
value from a record, so nothing personal passes through here.
"""

from __future__ import annotations

import re

from recuento.web.cases.views.common import lang

_UNITS = {
    "years": "años",
    "centimetres": "centímetros",
    "days": "días",
    "degrees of latitude": "grados de latitud",
    "degrees of longitude": "grados de longitud",
}
_TERMS = {"mark type": "tipo de marca", "body part": "parte del cuerpo"}
_KINDS = {"missing": "personas desaparecidas", "remains": "restos"}

_WHERE = re.compile(
    r"^(?P<src>.+?), line (?P<line>\d+)"
    r"(?:, column (?P<num>\d+) \((?P<col>[^)]*)\))?: (?P<what>.*)$",
    re.DOTALL,
)

#: (pattern of the English message, Spanish template with the pattern's groups).
_MESSAGES: list[tuple[str, str]] = [
    (
        r"not a number; write (?P<unit>.+) as digits, or leave it empty",
        "no es un número; escribe {unit} en cifras, o deja la celda vacía",
    ),
    (
        r"outside (?P<lo>\S+) to (?P<hi>\S+) (?P<unit>.+); check the unit",
        "fuera del intervalo de {lo} a {hi} {unit}; revisa la unidad",
    ),
    (
        r"smaller than (?P<col>\w+); swap the two values",
        "menor que {col}; intercambia los dos valores",
    ),
    (
        r"not a recognised sex; .*",
        "sexo no reconocido; usa F, M, X, mujer, hombre, female o male, o deja la celda vacía "
        "si no se determinó",
    ),
    (
        r"not a date; .*",
        "no es una fecha; usa ISO (2009-03-21, 2009-03 o 2009) o dd/mm/aaaa, o deja la celda vacía",
    ),
    (r"lat and lon must be given together; .*", "lat y lon van juntas; llena las dos o ninguna"),
    (
        r"item (?P<n>\d+) has (?P<k>\d+) fields separated by \|; expected (?P<fmt>\S+)",
        "el elemento {n} tiene {k} campos separados por |; se esperaba {fmt}",
    ),
    (
        r"item (?P<n>\d+): side not recognised; .*",
        "elemento {n}: lado no reconocido; usa izquierdo, derecho, ambos o centro (o left, "
        "right, both, centre)",
    ),
    (
        r"item (?P<n>\d+): (?P<term>mark type|body part) not recognised; use one of the .* "
        r"listed in docs/match.md \((?P<table>[^)]*)\), or leave it empty",
        "elemento {n}: {term} no reconocido; usa uno de los que lista docs/match.md "
        "({table}), o déjalo vacío",
    ),
    (
        r"condition not recognised; .*",
        "estado no reconocido; usa reconocible, descomposición, momificado, esqueletizado o "
        "calcinado (o recognisable, decomposed, mummified, skeletal, burned), o deja la celda "
        "vacía",
    ),
    (
        r"column '(?P<col>[^']+)' is missing from the header",
        "falta la columna '{col}' en el encabezado",
    ),
    (
        r"column '(?P<col>[^']+)' appears more than once",
        "la columna '{col}' aparece más de una vez",
    ),
    (r"empty id; every record needs its own id", "id vacío; cada registro necesita su propio id"),
    (
        r"this id is already used on line (?P<n>\d+); ids must be unique within the file",
        "este id ya se usa en la línea {n}; un id no se repite dentro del archivo",
    ),
    (
        r"this id is the label of a case already stored here; .*",
        "este id es la etiqueta de un caso ya guardado aquí; importa solo casos nuevos (quita "
        "la fila o dale otro id)",
    ),
    (
        r"item (?P<n>\d+): a ficha's mark needs its type and body part",
        "elemento {n}: una marca de la ficha necesita su tipo y la parte del cuerpo",
    ),
    (
        r"item (?P<n>\d+): a ficha's garment needs its name",
        "elemento {n}: una prenda de la ficha necesita su nombre",
    ),
    (
        r"item (?P<n>\d+): longer than (?P<k>\d+) characters; shorten it",
        "elemento {n}: más de {k} caracteres; acórtalo",
    ),
    (r"longer than (?P<k>\d+) characters; shorten it", "más de {k} caracteres; acórtalo"),
    (
        r"save the file as CSV UTF-8 .*",
        "guarda el archivo como CSV UTF-8 (en una hoja de cálculo: Guardar como, CSV UTF-8) e "
        "impórtalo de nuevo",
    ),
    (r"split the file", "divide el archivo"),
    (
        r"\.\.\. and (?P<n>\d+) more problem\(s\) of the same kinds",
        "... y {n} problema(s) más de los mismos tipos",
    ),
    (
        r"(?P<src>.+): (?P<n>\d+) problem\(s\) in the (?P<kind>missing|remains) file; fix them "
        r"all and (?:run|import) again \(see docs/match.md for the format\)\.",
        "{src}: {n} problema(s) en el archivo de {kind}; corrígelos todos e impórtalo de nuevo "
        "(el formato está en docs/match.md).",
    ),
    (r"(?P<src>.+): not UTF-8 text\.", "{src}: no es texto UTF-8."),
    (r"(?P<src>.+): larger than 20 MB\.", "{src}: ocupa más de 20 MB."),
    (r"(?P<src>.+): cannot be read\.", "{src}: no se puede leer."),
]
_COMPILED = [(re.compile(p, re.DOTALL), t) for p, t in _MESSAGES]


def _spanish_what(text: str) -> str:
    for pattern, template in _COMPILED:
        found = pattern.fullmatch(text)
        if found:
            groups = found.groupdict()
            if "unit" in groups:
                groups["unit"] = _UNITS.get(groups["unit"], groups["unit"])
            if "term" in groups:
                groups["term"] = _TERMS[groups["term"]]
            if "kind" in groups:
                groups["kind"] = _KINDS[groups["kind"]]
            return template.format(**groups)
    return text


def spanish(message: str) -> str:
    """The engine's English ``message`` in Spanish (unchanged when no pattern knows it)."""
    where = _WHERE.match(message)
    if where is None:
        return _spanish_what(message)
    place = f"{where['src']}, línea {where['line']}"
    if where["num"] is not None:
        place += f", columna {where['num']} ({where['col']})"
    return f"{place}: {_spanish_what(where['what'])}"


def problem_in_language(message: str) -> str:
    """``message`` in the active language (the engine writes English)."""
    return spanish(message) if lang() == "es" else message
