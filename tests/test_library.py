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
