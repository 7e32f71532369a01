"""Every command has help with an example and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from recuento.cli import cli

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = sorted(cli.commands)


def test_the_command_line_has_the_commands_the_readme_promises() -> None:
    assert {"inspect", "link", "evaluate", "estimate", "count", "demo", "simulate"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"recuento {name} --help shows no example"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"recuento {name}" in readme, f"README.md does not mention recuento {name}"


def test_version_is_reported() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("recuento, version ")
