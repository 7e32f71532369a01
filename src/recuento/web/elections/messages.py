"""The message that hands a voter their code, in Spanish and English in one text.

Both languages are in every message, whatever the coordinator's language, because the
coordinator does not know each voter's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recuento.web.elections.models import Election
    from recuento.web.elections.services import IssuedCode

_WHEN = "%Y-%m-%d %H:%M UTC"
_SEPARATOR = "-" * 72

_ES = (
    "Tu código para votar en «{title}» es:\n\n    {code}\n\n"
    "Vota en {url} entre el {opens} y el {closes}. El código sirve una sola vez y no "
    "está guardado en ningún sitio: no lo compartas. Al votar recibirás un recibo; "
    "guárdalo para comprobar tu papeleta en la lista pública cuando se cierre la votación."
)
_EN = (
    "Your code to vote in “{title}” is:\n\n    {code}\n\n"
    "Vote at {url} between {opens} and {closes}. The code works once and is not kept "
    "anywhere: do not share it. When you vote you get a receipt; keep it to check your "
    "ballot on the public list once voting has closed."
)


def code_message(election: Election, item: IssuedCode, vote_url: str) -> str:
    """One voter's message: recipient, subject, Spanish then English, and a separator."""
    values = {
        "title": election.title,
        "code": item.code,
        "url": vote_url,
        "opens": election.opens_at.strftime(_WHEN),
        "closes": election.closes_at.strftime(_WHEN),
    }
    header = [
        f"To: {item.email or '(sin correo / no email)'}",
        f"Member: {item.reference}",
        f"Subject: Tu código de votación / Your voting code: {election.title}",
        "",
        f"{item.name}:" if item.name else "",
    ]
    return "\n".join(
        [*header, "", _ES.format(**values), "", _EN.format(**values), "", _SEPARATOR, ""]
    )
