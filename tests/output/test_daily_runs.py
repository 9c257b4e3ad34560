"""The daily job run after run: idempotence, dry runs, crashes, voids, reprints, suppression."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from notecards import make_settings, plan_batch, render_batch
from notecards.config import Config
from notecards.ledger import open_ledger
from tests.conftest import TODAY, make_order
from tests.pdfcheck import page_texts


def settings_for(tmp_path: Path, **config: object):
    return make_settings(Config(ledger_path=str(tmp_path / "ledger.sqlite"), **config))


def orders(write_orders) -> Path:
    return write_orders(
        [
            make_order(order_id="1", first_name="Ada", email="ada@example.com"),
            make_order(order_id="2", first_name="Ada", email="ada@example.com", items="Mug"),
            make_order(order_id="3", first_name="Bo", last_name="Lind", email="bo@example.com"),
        ]
    )


def run(path: Path, settings, out: Path, today: date = TODAY, **options):
    plan = plan_batch([path], settings, today=today, **options)
    return plan, render_batch(plan, out)


def ledger_rows(settings) -> int:
    with sqlite3.connect(settings.ledger_path) as db:
        return int(db.execute("SELECT COUNT(*) FROM cards").fetchone()[0])


def test_rerun_issues_no_card_twice(tmp_path, write_orders):
    """Verify running the same input again prints nothing and says so."""
    path, settings = orders(write_orders), settings_for(tmp_path)
    first, _ = run(path, settings, tmp_path / "day1")
    assert len(first.jobs) == 3
    second, result = run(path, settings, tmp_path / "day1-again")
    assert second.jobs == ()
    assert second.summary() == (
        "0 new cards, 3 already issued — 3 rows read: 0 carded, 3 skipped, 0 rejected"
    )
    assert not (tmp_path / "day1-again" / "cards.pdf").exists()
    assert ledger_rows(settings) == 3


def test_new_orders_only_get_new_cards(tmp_path, write_orders):
    """Verify yesterday's orders are skipped and today's printed when a file grows."""
    settings = settings_for(tmp_path)
    run(orders(write_orders), settings, tmp_path / "day1")
    grown = write_orders(
        [make_order(order_id="1"), make_order(order_id="4", first_name="Cy")], name="grown.csv"
    )
    plan, _ = run(grown, settings, tmp_path / "day2")
    assert [job.order.order_id for job in plan.jobs] == ["4"]
    assert plan.already_issued == 1


def test_dry_run_writes_nothing(tmp_path, write_orders):
    """Verify planning alone creates no file and no ledger."""
    path, settings = orders(write_orders), settings_for(tmp_path)
    plan = plan_batch([path], settings, today=TODAY)
    assert len(plan.jobs) == 3
    assert not Path(settings.ledger_path).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv"]


def test_crash_mid_batch_leaves_no_trace(tmp_path, write_orders, monkeypatch):
    """Verify a crash while drawing leaves no output file and no ledger row; a rerun completes."""
    path, settings = orders(write_orders), settings_for(tmp_path)
    plan = plan_batch([path], settings, today=TODAY)

    def explode(*args, **kwargs):
        raise OSError("disk full")

    # batch files: handoff; envelopes are drawn through output.parallel (in process when small)
    monkeypatch.setattr("notecards.output.parallel.draw_envelopes", explode)
    with pytest.raises(OSError):
        render_batch(plan, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    assert not Path(settings.ledger_path).exists() or ledger_rows(settings) == 0
    monkeypatch.undo()
    again, result = run(path, settings, tmp_path / "out")
    assert len(again.jobs) == 3 and result.recorded
    assert ledger_rows(settings) == 3


def test_a_batch_the_ledger_cannot_record_moves_nothing_and_a_rerun_completes_it(
    tmp_path, write_orders, monkeypatch
):
    """Verify a batch is recorded (pending) before its files move: when recording fails,
    nothing is in place and nothing recorded; the rerun prints and records the same batch.
    (A crash after the move is resolved by the next command: test_ledger_safety.)"""
    path, settings = orders(write_orders), settings_for(tmp_path)
    plan = plan_batch([path], settings, today=TODAY)

    def fail(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("notecards.ledger.Ledger.record_batch", fail)
    with pytest.raises(sqlite3.OperationalError):
        render_batch(plan, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
    assert ledger_rows(settings) == 0
    monkeypatch.undo()
    again, _ = run(path, settings, tmp_path / "out")
    assert again.batch_id == plan.batch_id
    assert len(page_texts(tmp_path / "out" / "cards.pdf")) == 3 * settings.card.pages_per_card
    assert ledger_rows(settings) == 3


def test_void_batch_issues_cards_again(tmp_path, write_orders):
    """Verify a voided batch's cards are issued by the next run."""
    path, settings = orders(write_orders), settings_for(tmp_path)
    first, _ = run(path, settings, tmp_path / "a")
    with open_ledger(settings.ledger_path) as ledger:
        assert ledger.void_batch(first.batch_id, "2026-11-22T10:00:00") == 3
    again, _ = run(path, settings, tmp_path / "b")
    assert len(again.jobs) == 3


def test_reprint_prints_one_identical_card(tmp_path, write_orders):
    """Verify --reprint prints only that order's card, with the same wording and handwriting."""
    path, settings = orders(write_orders), settings_for(tmp_path)
    first, _ = run(path, settings, tmp_path / "a")
    plan, _ = run(path, settings, tmp_path / "reprint", reprint=["2"])
    assert [job.order.order_id for job in plan.jobs] == ["2"]
    assert plan.jobs[0].is_reprint
    original = next(job for job in first.jobs if job.order.order_id == "2")
    assert plan.jobs[0].template == original.template
    assert plan.jobs[0].seed == original.seed
    assert plan.jobs[0].content.message == original.content.message
    inside = page_texts(tmp_path / "reprint" / "cards.pdf")[1]
    assert inside == page_texts(tmp_path / "a" / "cards.pdf")[3]


def test_do_not_contact_is_remembered(tmp_path, write_orders):
    """Verify a do_not_contact row is skipped and the person stays excluded afterwards."""
    settings = settings_for(tmp_path)
    flagged = write_orders(
        [make_order(order_id="7", email="no@example.com", do_not_contact="yes")], name="a.csv"
    )
    plan, _ = run(flagged, settings, tmp_path / "a")
    assert plan.jobs == () and "do not contact" in plan.skipped[0].reason
    later = write_orders([make_order(order_id="8", email="NO@example.com")], name="b.csv")
    plan, _ = run(later, settings, tmp_path / "b")
    assert plan.jobs == ()
    assert plan.skipped[0].reason.startswith("suppressed")


def test_suppression_by_name_and_postcode(tmp_path, write_orders):
    """Verify a person without e-mail is suppressed by normalised name and postal code."""
    settings = settings_for(tmp_path)
    with open_ledger(settings.ledger_path) as ledger:
        ledger.suppress("name:jose nunez|87501", "José Núñez", "asked", "2026-11-01")
    path = write_orders(
        [
            make_order(
                order_id="9", first_name="JOSÉ", last_name="Nuñez", email="", postal_code="87501"
            )
        ]
    )
    plan = plan_batch([path], settings, today=TODAY)
    assert plan.jobs == ()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 20), 1),  # birthday on the 28th is 8 days away: mail it
        (date(2026, 11, 1), 0),  # 27 days away: not due yet
        (date(2026, 11, 29), 0),  # just passed: next year's is not due
    ],
    ids=["due", "too-early", "passed"],
)
def test_birthday_window(tmp_path, write_orders, today, expected):
    """Verify birthday cards are planned within mail_ahead_days of the birthday."""
    path = write_orders([make_order(order_id="", birthday="1958-11-28")])
    plan = plan_batch([path], settings_for(tmp_path), today=today)
    assert len(plan.jobs) == expected
    if expected:
        assert plan.jobs[0].occasion.slug == "birthday"
        assert "68" in plan.jobs[0].message.text or plan.jobs[0].template.endswith(
            ("02-wishes.j2", "03-thankful.j2")
        )
    else:
        assert plan.skipped[0].reason.startswith("not due")


def test_birthday_once_a_year(tmp_path, write_orders):
    """Verify a birthday card is issued once a year, however often the batch runs."""
    path = write_orders([make_order(order_id="", birthday="11/28")])
    settings = settings_for(tmp_path)
    first, _ = run(path, settings, tmp_path / "a", today=date(2026, 11, 20))
    second, _ = run(path, settings, tmp_path / "b", today=date(2026, 11, 21))
    assert len(first.jobs) == 1 and second.jobs == ()
    assert "Cheers to" not in first.jobs[0].message.text  # no year, so no age


def test_explicit_occasion_wins(tmp_path, write_orders):
    """Verify an occasion column beats the every-order thank-you rule."""
    path = write_orders([make_order(order_id="5", occasion="Graduation")])
    plan = plan_batch([path], settings_for(tmp_path), today=TODAY)
    assert plan.jobs[0].occasion.slug == "graduation"


def test_unknown_occasion_is_rejected_with_reason(tmp_path, write_orders):
    """Verify an unknown occasion name rejects the row and names the known ones."""
    path = write_orders([make_order(order_id="5", occasion="Anniversary")])
    plan = plan_batch([path], settings_for(tmp_path), today=TODAY)
    assert plan.jobs == ()
    assert 'unknown occasion "Anniversary"' in plan.rejects[0].reason
    assert "thank-you" in plan.rejects[0].reason


def test_variant_differs_from_last_batch(tmp_path, write_orders):
    """Verify a repeat customer's next card uses different wording from the last one."""
    settings = settings_for(tmp_path)
    first, _ = run(write_orders([make_order(order_id="1")], name="a.csv"), settings, tmp_path / "a")
    for order_id in ("2", "3", "4"):
        plan, _ = run(
            write_orders([make_order(order_id=order_id)], name=f"{order_id}.csv"),
            settings,
            tmp_path / order_id,
        )
        assert plan.jobs[0].template != first.jobs[0].template
        assert plan.jobs[0].message.text != first.jobs[0].message.text
        first = plan


def test_order_number_counts_previous_orders(tmp_path, write_orders):
    """Verify templates see how many orders a customer placed before (from the ledger)."""
    settings = settings_for(tmp_path)
    run(
        write_orders([make_order(order_id="1"), make_order(order_id="2")], name="a.csv"),
        settings,
        tmp_path / "a",
    )
    path = write_orders([make_order(order_id="3")], name="b.csv")
    plan = plan_batch([path], settings, today=TODAY)
    from notecards.planning.messages import context_for  # noqa: F401  (documented variables)

    assert plan.jobs[0].message.text
    with open_ledger(settings.ledger_path) as ledger:
        histories = ledger.histories()
    assert histories[("email:ada@example.com", "thank-you")].previous_orders == 2


def test_same_order_id_twice_is_one_card(tmp_path, write_orders):
    """Verify the same order id in two files is one card."""
    a = write_orders([make_order(order_id="77")], name="a.csv")
    b = write_orders([make_order(order_id="77")], name="b.csv")
    plan = plan_batch([a, b], settings_for(tmp_path), today=TODAY)
    assert len(plan.jobs) == 1
    assert plan.rows_carded + plan.rows_skipped + len(plan.rejects) == plan.rows_read == 2


def test_rejected_multi_file_order_accounts_for_every_row(tmp_path, write_orders):
    """Verify a rule-rejected order spanning two files yields a reject for each of its rows."""
    a = write_orders([make_order(order_id="88", occasion="Anniversary")], name="a.csv")
    b = write_orders([make_order(order_id="88", occasion="Anniversary")], name="b.csv")
    plan = plan_batch([a, b], settings_for(tmp_path), today=TODAY)
    assert sorted((Path(r.source).name, r.row) for r in plan.rejects) == [
        ("a.csv", 2),
        ("b.csv", 2),
    ]
    assert plan.rows_carded + plan.rows_skipped + len(plan.rejects) == plan.rows_read == 2
