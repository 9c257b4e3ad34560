"""Messages: the Jinja2 sandbox, strict variables, filters and variant choice."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from notecards import make_settings, plan_batch
from notecards.config import Config
from notecards.errors import TemplateError
from notecards.models import Birthday, Order, SourceRef
from notecards.paths import default_templates_dir
from notecards.planning.messages import (
    History,
    choose_variant,
    context_for,
    human_list,
    make_environment,
    ordinal,
    ordinal_word,
    render_message,
)
from notecards.planning.occasions import read_occasions
from tests.conftest import TODAY, make_order


def order(**values) -> Order:
    return Order(SourceRef("orders.csv", (2,)), **values)


def env_with(tmp_path: Path, text: str):
    (tmp_path / "t.j2").write_text(text, encoding="utf-8")
    return make_environment(tmp_path)


def render(tmp_path: Path, text: str, context: dict) -> str:
    env = env_with(tmp_path, text)
    return (
        render_message(env, "t.j2", context, personal_line="", sign_off="x", signer="y")
        .paragraphs[0]
        .text
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (102, "102nd"),
    ],
)
def test_ordinal(value, expected):
    assert ordinal(value) == expected


def test_ordinal_word_and_human_list():
    assert ordinal_word(3) == "third" and ordinal_word(14) == "14th"
    assert human_list([]) == "" and human_list(["tea"]) == "tea"
    assert human_list(["tea", "mug"]) == "tea and mug"
    assert human_list(["tea", "mug", "spoon"]) == "tea, mug and spoon"


def test_customer_data_is_never_template_code(tmp_path):
    """Verify {{ }} typed into a name prints as typed (issue 2: customer data is data)."""
    text = render(tmp_path, "Dear {{ first_name }},", {"first_name": "{{ 7*7 }}"})
    assert text == "Dear {{ 7*7 }},"


def test_sandbox_blocks_unsafe_attributes(tmp_path):
    """Verify a template cannot reach Python internals."""
    env = env_with(tmp_path, "{{ first_name.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError) as err:
        render_message(env, "t.j2", {"first_name": "Ada"}, personal_line="", sign_off="", signer="")
    assert err.value.template == "t.j2"


def test_undefined_variable_names_template_and_variable(tmp_path):
    """Verify StrictUndefined: a misspelt variable is an error naming template and variable."""
    env = env_with(tmp_path, "Dear {{ frist_name }},")
    with pytest.raises(TemplateError) as err:
        render_message(env, "t.j2", {"first_name": "Ada"}, personal_line="", sign_off="", signer="")
    assert err.value.variable == "frist_name"
    assert err.value.whole_batch  # every card would fail: the batch stops
    assert str(err.value) == (
        f'{tmp_path / "t.j2"}:line 1: "frist_name" is undefined — did you mean "first_name"?'
    )


def test_undefined_variable_far_down_names_its_line(tmp_path):
    """Verify the error points at the line that names the variable, not the first line."""
    env = env_with(tmp_path, "Dear {{ first_name }},\n\nThanks for {{ itmes | human_list }}.")
    with pytest.raises(TemplateError) as err:
        render_message(
            env,
            "t.j2",
            {"first_name": "Ada", "items": ["a"]},
            personal_line="",
            sign_off="",
            signer="",
        )
    assert str(err.value).startswith(f"{tmp_path / 't.j2'}:line 3: ")
    assert 'did you mean "items"?' in str(err.value)


def test_unknown_filter_suggests_the_closest_and_ends_once(tmp_path):
    """Verify "No filter named 'titel'" names the line, suggests "title", one full stop."""
    env = env_with(tmp_path, "Hi\n{{ first_name | titel }}")
    with pytest.raises(TemplateError) as err:
        render_message(env, "t.j2", {"first_name": "a"}, personal_line="", sign_off="", signer="")
    text = str(err.value)
    assert text.startswith(f"{tmp_path / 't.j2'}:line 2: No filter named 'titel' — ")
    assert 'did you mean "title"?' in text and ".." not in text


def test_syntax_error_names_line(tmp_path):
    env = env_with(tmp_path, "Hello\n{% if %}")
    with pytest.raises(TemplateError, match=r"t\.j2:line 2: .* — fix the template"):
        render_message(env, "t.j2", {}, personal_line="", sign_off="", signer="")


def test_paragraphs_greeting_and_personal_line(tmp_path):
    env = env_with(tmp_path, "Dear {{ first_name }},\n\nThank you\nso much.\n")
    message = render_message(
        env,
        "t.j2",
        {"first_name": "Ada"},
        personal_line="See you soon!",
        sign_off="Warmly,",
        signer="Maya",
    )
    assert [(p.role, p.text) for p in message.paragraphs] == [
        ("greeting", "Dear Ada,"),
        ("body", "Thank you so much."),
        ("personal", "See you soon!"),
    ]
    assert message.text.endswith("Warmly,\nMaya")


def test_context_age_only_with_real_year():
    """Verify an age is offered only when the birth year is known."""
    occasions = read_occasions(default_templates_dir())
    birthday = occasions["birthday"]
    known = context_for(
        order(first_name="Helen", birthday=Birthday(11, 28, 1958)),
        birthday,
        today=TODAY,
        occasion_date=date(2026, 11, 28),
        history=History(),
        shop_name="S",
        signer="M",
        greeting_fallback="friend",
    )
    unknown = context_for(
        order(first_name="Helen", birthday=Birthday(11, 28)),
        birthday,
        today=TODAY,
        occasion_date=date(2026, 11, 28),
        history=History(),
        shop_name="S",
        signer="M",
        greeting_fallback="friend",
    )
    assert known["age"] == 68 and unknown["age"] is None


def test_context_greeting_fallback():
    occasions = read_occasions(default_templates_dir())
    context = context_for(
        order(name="ACME Ltd"),
        occasions["thank-you"],
        today=TODAY,
        occasion_date=TODAY,
        history=History(),
        shop_name="S",
        signer="M",
        greeting_fallback="friend",
    )
    assert context["first_name"] == "friend"


def test_extra_columns_cannot_shadow_builtins():
    occasions = read_occasions(default_templates_dir())
    context = context_for(
        order(first_name="Ada", extra=(("first_name", "X"), ("gift_message", "Hi"))),
        occasions["thank-you"],
        today=TODAY,
        occasion_date=TODAY,
        history=History(),
        shop_name="S",
        signer="M",
        greeting_fallback="friend",
    )
    assert context["first_name"] == "Ada" and context["gift_message"] == "Hi"


def test_choose_variant_avoids_last_and_is_stable():
    variants = ["a", "b", "c"]
    assert choose_variant(variants, "seed-1", "") == choose_variant(variants, "seed-1", "")
    for seed in range(50):
        assert choose_variant(variants, str(seed), "b") != "b"
    assert choose_variant(["only"], "x", "only") == "only"


def test_every_bundled_template_renders(tmp_path, write_orders):
    """Verify each bundled occasion's every variant renders for a plain order."""
    occasions = read_occasions(default_templates_dir())
    env = make_environment(default_templates_dir())
    for occasion in occasions.values():
        for variant in occasion.variants:
            for history in (History(), History(2, 2, "")):
                context = context_for(
                    order(first_name="Ada", items=("Mug", "Tea")),
                    occasion,
                    today=TODAY,
                    occasion_date=TODAY,
                    history=history,
                    shop_name="S",
                    signer="M",
                    greeting_fallback="friend",
                )
                message = render_message(
                    env, variant, context, personal_line="", sign_off=occasion.sign_off, signer="M"
                )
                assert "Ada" in message.text, variant
                assert "  " not in message.text and "{{" not in message.text


def test_template_with_missing_column_stops_the_batch(tmp_path, write_orders):
    """Verify a user template naming a missing column fails before anything is drawn."""
    templates = tmp_path / "templates" / "thank-you"
    (templates / "messages").mkdir(parents=True)
    (templates / "occasion.toml").write_text('rule = "every-order"\n', encoding="utf-8")
    (templates / "messages" / "01.j2").write_text("Hi {{ pet_name }}!", encoding="utf-8")
    settings = make_settings(
        Config(ledger_path=str(tmp_path / "l.sqlite")), templates_dir=tmp_path / "templates"
    )
    with pytest.raises(TemplateError, match=r'thank-you/messages/01\.j2:line 1: "pet_name" is'):
        plan_batch([write_orders([make_order()])], settings, today=TODAY)
    # With the column present, it is a template variable.
    path = write_orders([make_order(pet_name="Rex")], name="pets.csv")
    plan = plan_batch([path], settings, today=TODAY)
    assert "Hi Rex!" in plan.jobs[0].message.text


def test_choose_variant_avoids_the_last_five_when_it_can():
    """Verify a history of five wordings leaves only the others; too short a list avoids the
    most recent ones it can."""
    variants = [f"{n:02d}-w.j2" for n in range(1, 9)]
    recent = ["01-w", "02-w", "03-w", "04-w", "05-w"]
    for seed in range(60):
        assert choose_variant(variants, str(seed), recent) in variants[5:]
    few = ["a.j2", "b.j2", "c.j2"]
    for seed in range(30):
        assert choose_variant(few, str(seed), ["a", "b", "c"]) == "a.j2"  # the oldest


def test_planning_asks_the_file_system_nothing_per_card(tmp_path, write_orders, monkeypatch):
    """Verify planning 30 cards makes no more file-system calls than planning 5: Jinja's
    template date check and the signature face's file lookup once ran for every card, and
    each call lets other threads take the interpreter (the one sending planned cards to the
    drawing worker waited seconds for it)."""
    import os

    settings = make_settings(Config(ledger_path=str(tmp_path / "l.sqlite")))
    calls: list[object] = []
    stat = os.stat

    def counted(*args: object, **kwargs: object) -> os.stat_result:
        calls.append(args[0])
        return stat(*args, **kwargs)  # type: ignore[arg-type]

    def count(orders: int) -> int:
        path = write_orders(
            [
                make_order(order_id=f"#{orders}-{i}", first_name=f"Ann{i}", signer="Mara")
                for i in range(orders)
            ],
            name=f"orders-{orders}.csv",
        )
        calls.clear()
        monkeypatch.setattr(os, "stat", counted)
        try:
            assert len(plan_batch([path], settings, today=TODAY).jobs) == orders
        finally:
            monkeypatch.setattr(os, "stat", stat)
        return len(calls)

    count(3)  # fonts, templates and caches loaded
    assert count(30) == count(5)
