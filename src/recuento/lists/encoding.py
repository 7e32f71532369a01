"""Text encodings of CSV files: detection and decoding.

Lists arrive as UTF-8 (with or without a byte-order mark), as Windows-1252 from Excel's
"CSV" export on Spanish Windows, as Latin-1, and now and then as UTF-16 from Excel's
"Unicode text" export. The rule is deterministic and explainable, which matters more here
than guessing obscure encodings:

1. A byte-order mark decides: UTF-8-SIG, UTF-16-LE or UTF-16-BE.
2. Otherwise, if every byte of the file decodes as UTF-8, it is UTF-8. Text in any other
   common encoding that contains an accented letter almost never happens to be valid
   UTF-8, so this test is reliable in practice.
3. Otherwise it is CP1252, unless it holds one of the five bytes CP1252 leaves undefined
   (0x81, 0x8D, 0x8F, 0x90, 0x9D), in which case it is Latin-1 (which defines them all).

A general detector (charset-normalizer) was considered and not used: on short Spanish
files it sometimes answers cp1250 or mac_roman, and a wrong guess silently corrupts names,
whereas this rule is right for every encoding our users produce and says what it chose.
"""

from __future__ import annotations

import codecs
from pathlib import Path

_CHUNK_BYTES = 1 << 20
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")

_ALIASES = {
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "iso8859-1": "latin-1",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "utf-16": "utf-16",
}


def normalise_encoding_name(name: str) -> str:
    """Return Python's canonical name for an encoding the user typed.

    Raises:
        LookupError: when Python knows no such encoding.
    """
    key = name.strip().lower().replace("_", "-")
    if key in _ALIASES:
        return _ALIASES[key]
    return codecs.lookup(key).name


def detect_encoding(path: Path) -> str:
    """Detect the text encoding of a file by the rule in this module's docstring.

    The file is read in chunks, so a large file costs time but not memory.
    """
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        saw_undefined = False
        is_utf8 = True
        while chunk := f.read(_CHUNK_BYTES):
            if is_utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            if not is_utf8 and not saw_undefined:
                saw_undefined = not _CP1252_UNDEFINED.isdisjoint(chunk)
            if not is_utf8 and saw_undefined:
                break
        if is_utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
        if is_utf8:
            return "utf-8"
        return "latin-1" if saw_undefined else "cp1252"


def first_undecodable_line(path: Path, encoding: str) -> tuple[int, int] | None:
    """Find where a forced encoding fails: ``(line, column)``, both 1-based, or None."""
    with path.open("rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as e:
                return number, e.start + 1
    return None
