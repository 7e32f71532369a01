"""Warnings in English and Spanish.

A warning is a :class:`Text`: a ``str`` (the English sentence, which is what the JSON
contract carries) that also holds its Spanish version in ``.es``. The printed table
chooses the language; code that only needs a string does not notice the difference.
"""

from __future__ import annotations


class Text(str):
    """An English sentence with its Spanish version in ``.es``."""

    es: str

    def __new__(cls, en: str, es: str) -> Text:
        obj = super().__new__(cls, en)
        obj.es = es
        return obj

    def prefixed(self, en: str, es: str) -> Text:
        """The same sentence after a prefix (e.g. the stratum it concerns)."""
        return Text(en + str(self), es + self.es)


def in_language(text: str, lang: str) -> str:
    """The text in ``lang`` (``en`` or ``es``); plain strings stay as they are."""
    if lang == "es" and isinstance(text, Text):
        return text.es
    return str(text)


def prefixed(text: str, en: str, es: str) -> str:
    """Prefix a warning, keeping its Spanish version when it has one (else the prefix is
    translated and the sentence kept as it is)."""
    if isinstance(text, Text):
        return text.prefixed(en, es)
    return Text(en + str(text), es + str(text))
