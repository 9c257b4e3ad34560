"""The README and --help stay in step with the commands."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from notecards.cli.main import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix}{name} ")
    return found


@pytest.mark.parametrize(("name", "command"), commands(main), ids=lambda v: str(v))
def test_every_command_has_help_and_is_in_readme(name, command):
    assert command.help, f"{name} has no help text"
    assert f"notecards {name}" in README, f"`notecards {name}` is not in the README"


def test_readme_quick_start_has_two_commands():
    """Verify the README's quick start is the two commands .ci/run and a newcomer use."""
    block = README.split("## Quick start", 1)[1].split("```console", 1)[1].split("```", 1)[0]
    commands_ = [line[2:] for line in block.strip().splitlines() if line.startswith("$ ")]
    assert commands_ == [
        "pip install . && notecards demo --out demo/",
        "pip install -e '.[test]' && python -m pytest -q",
    ]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands_[1] in ci


def test_readme_lists_every_template_variable():
    from datetime import date

    from notecards.models import History, Order, SourceRef
    from notecards.paths import default_templates_dir
    from notecards.planning.messages import context_for
    from notecards.planning.occasions import read_occasions

    occasion = read_occasions(default_templates_dir())["thank-you"]
    context = context_for(
        Order(SourceRef("x", (2,))),
        occasion,
        today=date(2026, 1, 1),
        occasion_date=None,
        history=History(),
        shop_name="",
        signer="",
        greeting_fallback="friend",
    )
    section = README.split("## Occasions and templates", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", section))
    missing = sorted(set(context) - documented - {"greeting_name"})
    assert not missing, f"undocumented template variables: {missing}"
