"""The library API shown in the README works as written."""

from __future__ import annotations

from datetime import date

import notecards
from tests.conftest import make_order


def test_library_load_plan_render(tmp_path, write_orders):
    """Verify load → plan → render through `import notecards` alone."""
    path = write_orders(
        [
            make_order(order_id="1"),
            make_order(order_id="2", first_name="Bo", email="bo@example.com"),
        ]
    )
    loaded = notecards.load_orders([path])
    assert [o.order_id for o in loaded.orders] == ["1", "2"]
    config = notecards.Config(shop_name="Test Shop", ledger_path=str(tmp_path / "l.sqlite"))
    settings = notecards.make_settings(config, card="a6-flat")
    plan = notecards.plan_batch(loaded, settings, today=date(2026, 11, 22))
    assert [job.order.first_name for job in plan.jobs] == ["Ada", "Bo"]
    assert "Ada" in plan.jobs[0].message.text
    result = notecards.render_batch(plan, tmp_path / "out")
    assert result.cards == 2 and result.card_pages == 4 and result.recorded
    assert (tmp_path / "out" / "cards.pdf").read_bytes().startswith(b"%PDF")


def test_library_errors_share_one_base():
    for name in (
        "InputError",
        "RowError",
        "TemplateError",
        "LayoutError",
        "FontError",
        "LedgerError",
        "ConfigError",
    ):
        assert issubclass(getattr(notecards, name), notecards.NotecardsError)


def _imported_after(code: str) -> set[str]:
    """Return which heavy libraries a fresh interpreter holds after running *code*."""
    import subprocess
    import sys

    heavy = ("reportlab.pdfgen", "pandas", "jinja2", "pypdf", "click", "matplotlib", "pikepdf")
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stdout.split())


def test_importing_notecards_imports_each_part_on_first_use():
    """Verify ``import notecards`` imports no stage until one is used, so a worker process
    imports what its stage needs: a preflight checker neither reportlab, pandas nor Jinja,
    and the installed script's own module (imported again by every worker) nothing heavy
    (reportlab's units alone, for page sizes, are not a drawing stage)."""
    assert _imported_after("import notecards") == set()
    assert _imported_after("import notecards.cli") == set()
    assert _imported_after("import notecards.preflight.spec") == {"pikepdf"}
    assert "jinja2" in _imported_after("import notecards\nnotecards.plan_batch")
    assert sorted(notecards.__all__) == sorted(set(notecards.__all__))
    assert set(notecards._WHERE) == set(notecards.__all__)  # each name has one home
    assert all(getattr(notecards, name) is not None for name in notecards.__all__)
    assert set(notecards.__all__) <= set(dir(notecards))


def test_notecards_results_stays_the_function_once_its_module_is_imported():
    """Verify ``notecards.results(...)`` is the function even after the module of that name
    was imported (Python sets a package's attribute to each submodule it loads)."""
    import importlib
    import subprocess
    import sys

    probe = (
        "import notecards.results, notecards, inspect\n"
        "print(inspect.isfunction(notecards.results), notecards.Results.__name__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["True", "Results"]
    assert importlib.import_module("notecards.results").results is notecards.results
