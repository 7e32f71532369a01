"""The ``recuento`` command line: thin wrappers over library calls.

Each command lives in its own module in this package and is registered below. The one
error boundary is :class:`RecuentoGroup`: a :class:`~recuento.errors.RecuentoError`
raised anywhere in a command becomes a one-paragraph message on stderr and exit status 1;
usage errors keep click's exit status 2.
"""

from __future__ import annotations

from typing import Any

import click

from recuento import __version__
from recuento.errors import RecuentoError


class RecuentoGroup(click.Group):
    """A click group that translates library errors into clean messages, once."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RecuentoError as e:
            raise click.ClickException(str(e)) from e


@click.group(cls=RecuentoGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="recuento")
def cli() -> None:
    """Link lists of people and count them honestly.

    \b
    Example:
        recuento inspect prensa.csv ong.xlsx fiscalia.csv
    """


def _register() -> None:
    """Add every command defined in a ``*_cmd`` module of this package.

    Each such module exposes ``COMMANDS``, a list of click commands. Built-in commands
    use the same extension point a plugin would, and adding a command touches no other
    module.
    """
    import importlib
    import pkgutil

    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.endswith("_cmd"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for command in module.COMMANDS:
                cli.add_command(command)


_register()
