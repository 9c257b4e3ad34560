"""The house rules of ARCHITECTURE.md, checked: each stage imports only from stages below it."""

from __future__ import annotations

import ast
from pathlib import Path

import notecards

PACKAGE = Path(notecards.__file__).resolve().parent

#: Stage order, bottom first. A module may import from its own stage and from lower ones.
STAGES: dict[str, int] = {
    "errors": 0,
    "models": 0,
    "paths": 0,
    "config": 0,
    "wording": 0,
    "workers": 0,
    "choices": 0,
    "tables": 0,
    # Owns every private part of reportlab and pypdf; handwriting and layout use it.
    "internals": 0,
    "ledger": 1,
    "postal": 1,
    "workspace": 1,
    "loading": 2,
    "layout": 3,
    # Handwriting is text layout too: an envelope written by hand is laid out with the hand's
    # reach (layout/envelope.py), and the hand places glyphs in layout's boxes.
    "handwriting": 3,
    "settings": 5,
    "preflight": 5,
    "planning": 6,
    "drawing": 7,
    "output": 8,
    "extras": 9,
    "review": 10,
    "learned": 10,
    "results": 10,
    "cli": 11,
    "__init__": 11,
    "__main__": 12,
}


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every notecards module *path* imports, anywhere in the file (TYPE_CHECKING too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "notecards":
                found += [(node.lineno, f"notecards.{alias.name}") for alias in node.names]
            elif node.module.startswith("notecards."):
                found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("notecards.")]
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_every_stage_is_known():
    """Verify every top-level module and folder of the package has a place in STAGES."""
    names = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()}
    names = {n for n in names if not n.startswith(("_", ".")) or n in ("__init__", "__main__")}
    names -= {"samples", "py"}  # data, and stray files of no stage
    assert names - {n for n in STAGES} == set()


def test_no_stage_imports_from_a_stage_above_it():
    """Verify imports flow one way (records at the bottom, the CLI at the top)."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        own = STAGES[_stage(module)] if module != "notecards" else STAGES["__init__"]
        for line, target in _imports(path):
            if STAGES[_stage(target)] > own:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert wrong == []


def test_no_relative_imports():
    """Verify every import names its stage (``from notecards.layout.geometry import Box``)."""
    relative = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert relative == []


#: The one module that may use another library's private attributes (see its docstring).
INTERNALS = PACKAGE / "internals.py"
#: Underscore names that are public API: os._exit, and namedtuple's methods.
PUBLIC_UNDERSCORE = {"_exit", "_replace", "_asdict", "_fields", "_make"}
#: Libraries whose private modules and names only notecards/internals.py may import.
GUARDED = ("reportlab", "pypdf")


def _private_uses(source: str) -> list[tuple[int, str]]:
    """Return (line, name) for each private attribute *source* reads of an object not its own."""
    found = []
    for node in ast.walk(ast.parse(source)):
        name = ""
        if isinstance(node, ast.Attribute):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            name = node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr")
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            name = node.args[1].value
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(GUARDED):
            parts = [*(node.module or "").split("."), *(a.name for a in node.names)]
            name = next((p for p in parts if p.startswith("_")), "")
        if name.startswith("_") and not name.startswith("__") and name not in PUBLIC_UNDERSCORE:
            found.append((node.lineno, name))
    return sorted(found)


def test_only_internals_uses_private_parts_of_other_libraries():
    """Verify private attributes of reportlab's, pypdf's (or any other) objects are used only
    in notecards/internals.py, so a library upgrade that changes them breaks one module."""
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != INTERNALS
        for line, name in _private_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_private_use_check_sees_each_form():
    """Verify the check above finds attributes, getattr and imports, and lets self._x be."""
    source = (
        "from reportlab.pdfbase.ttfonts import _set_ops\n"
        "from pypdf._writer import PdfWriter\n"
        "x = canvas._doc.getFormBBox(name)\n"
        "y = getattr(writer, '_add_object')\n"
        "z = font.face._ttf_data\n"
        "self._mine = cls._theirs = os._exit\n"
    )
    assert _private_uses(source) == [
        (1, "_set_ops"),
        (2, "_writer"),
        (3, "_doc"),
        (4, "_add_object"),
        (5, "_ttf_data"),
    ]
