"""A wheel carries every subpackage, the templates and the fonts (pyproject lists them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_packaged():
    setup = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    listed = set(setup["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "notecards").rglob("__init__.py")
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert setup["setuptools"]["package-dir"]["notecards._templates"] == "templates"
    assert setup["setuptools"]["package-dir"]["notecards._fonts"] == "fonts"


def test_every_bundled_font_has_its_licence():
    fonts = ROOT / "fonts"
    licences = {p.name for p in fonts.glob("*OFL*.txt")} | {p.name for p in fonts.glob("*LICENSE*")}
    for font in fonts.glob("*.ttf"):
        family = font.stem.split("-")[0]
        family = "Noto" if family.startswith("Noto") else family
        assert any(name.startswith(family) for name in licences), f"no licence for {font.name}"


def test_starting_notecards_imports_neither_pandas_nor_matplotlib():
    """Every command and worker process starts by importing notecards: the results report's
    libraries (half a second) load only when results are made."""
    code = (
        "import sys, notecards, notecards.cli.main\n"
        "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
