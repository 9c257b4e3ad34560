"""Templates that never finish, or grow without end: each card renders within a time and
size budget, and a breach rejects that card with a located message, not the batch (issue 10)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from notecards import make_settings, plan_batch
from notecards.config import Config
from notecards.errors import TemplateBudgetError, TemplateError
from notecards.paths import default_templates_dir
from notecards.planning.messages import make_environment, render_message
from tests.conftest import TODAY, make_order


def render_text(tmp_path: Path, text: str) -> str:
    (tmp_path / "t.j2").write_text(text, encoding="utf-8")
    env = make_environment(tmp_path)
    message = render_message(env, "t.j2", {"n": 3}, personal_line="", sign_off="", signer="")
    return message.text


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Hi,\n{{ 7**99999999 }}", r"t\.j2: line 2: 7 \*\* 99999999 is too large a number"),
        ("{{ 2**20000 }}", r"t\.j2: line 1: 2 \*\* 20000 is too large a number"),
        ("{% for i in range(10**9) %}x{% endfor %}", r"range\(\) of more than 100,000 numbers"),
        ("{{ 'x' * 10**9 }}", r"repeating str of length 1 1000000000 times"),
        (
            "{% for i in range(99999) %}{{ 'abcdefghij' }}{% endfor %}",
            r"the message is longer than 50,000 characters",
        ),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            r"t\.j2: line 1: still rendering after 2 s",
        ),
        ("{{ n / 0 }}", r"t\.j2: line 1: ZeroDivisionError: division by zero"),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}\n"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
            r"t\.j2: line 2: namespace value 's' grew past 50,000 characters",
        ),
    ],
    ids=["pow", "pow-print", "range", "repeat", "output", "time", "zero", "doubling"],
)
def test_a_template_past_its_budget_is_a_located_error_within_seconds(
    tmp_path: Path, source: str, expected: str
) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateBudgetError, match=expected) as err:
        render_text(tmp_path, source)
    assert time.monotonic() - started < 10
    assert "this card is rejected. Fix the template." in str(err.value)
    assert isinstance(err.value, TemplateError)


def test_ordinary_arithmetic_and_repetition_still_work(tmp_path: Path) -> None:
    text = render_text(
        tmp_path,
        "{% set ns = namespace(s='a') %}{% for i in range(3) %}{% set ns.s = ns.s ~ 'b' %}"
        "{% endfor %}{{ 2**10 }} {{ n * 4 }} {{ '-' * 5 }} {{ 10**30 }} {{ ns.s }}",
    )
    assert text.startswith("1024 12 ----- 1" + "0" * 30 + " abbb")


def test_a_card_whose_data_breaks_the_template_is_rejected_and_the_batch_goes_on(
    tmp_path: Path, write_orders
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(default_templates_dir(), templates)
    for variant in (templates / "thank-you" / "messages").glob("*.j2"):
        variant.write_text(
            "{% if first_name == 'Bomb' %}{{ 7**99999999 }}{% endif %}"
            "Dear {{ first_name }},\n\nThank you for your order.\n",
            encoding="utf-8",
        )
    path = write_orders(
        [
            make_order(order_id="1", first_name="Ada", email="ada@example.com"),
            make_order(order_id="2", first_name="Bomb", email="bomb@example.com"),
            make_order(order_id="3", first_name="Cleo", email="cleo@example.com"),
        ]
    )
    settings = make_settings(
        Config(ledger_path=str(tmp_path / "ledger.sqlite")), templates_dir=templates
    )
    started = time.monotonic()
    plan = plan_batch([path], settings, today=TODAY)
    assert time.monotonic() - started < 30
    assert [job.order.order_id for job in plan.jobs] == ["1", "3"]
    [reject] = plan.rejects
    assert reject.row == 3
    assert "thank-you/messages/" in reject.reason
    assert "7 ** 99999999 is too large a number" in reject.reason
