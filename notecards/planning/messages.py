"""Render card messages from Jinja2 templates in the sandbox; customer data stays data."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from notecards.choices import Tone
from notecards.errors import TemplateError
from notecards.layout.geometry import Paragraph
from notecards.models import History, Order
from notecards.planning.budget import BudgetEnvironment, render_within_budget
from notecards.planning.occasions import Occasion
from notecards.planning.wording import labels_phrase, wording_context

#: A person's last this-many cards of an occasion never share a wording.
RECENT_CARDS = 5


@dataclass(frozen=True, slots=True)
class Message:
    """A rendered message: the paragraphs to write and the variant that produced them."""

    variant: str
    paragraphs: tuple[Paragraph, ...]
    sign_off: str
    signer: str

    @property
    def text(self) -> str:
        """Return the message as plain text (for previews and the manifest)."""
        body = "\n\n".join(p.text for p in self.paragraphs)
        return f"{body}\n\n{self.sign_off}\n{self.signer}"


def ordinal(value: int) -> str:
    """Return "1st", "2nd", "3rd", "11th" … for *value*."""
    number = int(value)
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


_ORDINAL_WORDS = (
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
)


def ordinal_word(value: int) -> str:
    """Return "first", "second" … "twelfth", then "13th" and so on."""
    number = int(value)
    return _ORDINAL_WORDS[number] if 0 <= number < len(_ORDINAL_WORDS) else ordinal(number)


def human_list(items: Sequence[Any], conjunction: str = "and") -> str:
    """Return "a", "a and b", "a, b and c" for *items*."""
    words = [str(item) for item in items if str(item).strip()]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def format_date(value: date | None, pattern: str = "long") -> str:
    """Return *value* as "23 November" (pattern "long"), "November 23", or a strftime pattern."""
    if value is None:
        return ""
    if pattern == "long":
        return f"{value.day} {value:%B}"
    if pattern == "us":
        return f"{value:%B} {value.day}"
    return value.strftime(pattern)


def first_word(value: str) -> str:
    """Return the first word of *value* (a "first name" filter for full names)."""
    parts = str(value).split()
    return parts[0] if parts else ""


def sentence_start(value: str) -> str:
    """Return *value* with its first letter capitalised and the rest as it was."""
    text = str(value)
    return text[:1].upper() + text[1:]


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Return the sandboxed Jinja2 environment that renders every message.

    StrictUndefined turns a misspelt variable into a TemplateError instead of empty text;
    each card renders within a time and size budget (planning.budget). A template is read
    once per environment (one per batch): with auto_reload, Jinja asks the file system for
    its date on every card, and each such call lets other threads take the interpreter
    (the one that sends planned cards to the drawing worker waited up to 3 s for it).
    """
    env = BudgetEnvironment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        ordinal=ordinal,
        ordinal_word=ordinal_word,
        human_list=human_list,
        date=format_date,
        first_name=first_word,
        items_phrase=labels_phrase,
        sentence=sentence_start,
    )
    return env


def context_for(
    order: Order,
    occasion: Occasion,
    *,
    today: date,
    occasion_date: date | None,
    history: History,
    shop_name: str,
    signer: str,
    greeting_fallback: str,
    tone: Tone = Tone.WARM,
    seed: str = "",
) -> dict[str, Any]:
    """Return the variables a message template may use (documented in the README).

    Pass-through columns come first so a column can never shadow a built-in variable.
    """
    context: dict[str, Any] = {key: value for key, value in order.extra}
    birthday = order.birthday
    age = None
    if birthday is not None and birthday.year and occasion_date is not None:
        age = occasion_date.year - birthday.year  # only when the year is real
    context.update(
        first_name=order.first_name or greeting_fallback,
        greeting_name=order.first_name or greeting_fallback,
        last_name=order.last_name,
        name=order.display_name,
        company=order.company,
        email=order.email,
        order_id=order.order_id,
        order_date=order.order_date,
        items=list(order.items),
        item_count=len(order.items),
        first_item=order.items[0] if order.items else "",
        personal_line=order.personal_line,
        city=order.address.city,
        country=order.address.country,
        occasion=occasion.slug,
        occasion_title=occasion.title,
        occasion_date=occasion_date,
        age=age,
        order_number=history.previous_orders + 1,
        previous_orders=history.previous_orders,
        is_repeat_customer=history.previous_orders > 0,
        shop_name=shop_name,
        signer=signer,
        today=today,
    )
    context.update(
        wording_context(
            order.items,
            order.personal_line,
            tone,
            name=order.first_name or greeting_fallback,
            seed=seed or order.order_id,
        )
    )
    return context


def choose_variant(variants: Sequence[str], seed: str, avoid: str | Sequence[str]) -> str:
    """Return a variant for *seed*, never one in *avoid* when possible.

    *avoid* is the variant this person got last, or their recent ones oldest first (names or
    stems). With too few variants to avoid them all, only the most recent are avoided.
    """
    recent = [avoid] if isinstance(avoid, str) else list(avoid)
    pool: list[str] = []
    for start in range(len(recent) + 1):
        shunned = set(recent[start:])
        pool = [v for v in variants if v not in shunned and _stem(v) not in shunned]
        if pool:
            break
    pool = pool or list(variants)
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return pool[int.from_bytes(digest[:4], "big") % len(pool)]


@lru_cache(maxsize=1024)
def _stem(variant: str) -> str:
    """Return a variant's name without its folder and suffix (variants are few; cards many)."""
    return Path(variant).stem


_BLANK_LINES = re.compile(r"\n\s*\n")


def render_message(
    env: jinja2.Environment,
    template_name: str,
    context: Mapping[str, Any],
    *,
    personal_line: str,
    sign_off: str,
    signer: str,
) -> Message:
    """Render one variant into paragraphs; the personal line becomes its own paragraph.

    Raises:
        TemplateError: syntax error, or a variable the template names does not exist.
        TemplateBudgetError: too slow, too big, or an error on this card's data only.
    """
    try:
        text = render_within_budget(env.get_template(template_name), context)
    except jinja2.UndefinedError as err:
        raise undefined_error(env, template_name, str(err.message or ""), context) from err
    except jinja2.TemplateSyntaxError as err:
        raise syntax_error(env, template_name, err) from err
    except jinja2.TemplateNotFound as err:
        raise TemplateError(
            template_name, "template not found — check the templates folder.", whole_batch=True
        ) from err
    except jinja2.exceptions.SecurityError as err:
        raise TemplateError(template_name, f"not allowed in a template: {err}.") from err
    except (TypeError, ValueError, ArithmeticError, LookupError) as err:
        # A filter or expression failed on this row's values (e.g. a date that is text).
        raise TemplateError(
            template_name,
            f"could not be rendered with this row's values ({type(err).__name__}: {err}) "
            "— fix the row, or make the template handle such values",
        ) from err
    variant = Path(template_name).stem
    return message_from_text(
        text, variant, personal_line=personal_line, sign_off=sign_off, signer=signer
    )


def message_from_text(
    text: str, variant: str, *, personal_line: str, sign_off: str, signer: str
) -> Message:
    """Return the Message of plain *text*: paragraphs split at blank lines, then the
    personal line (unless the text already says it).

    Text typed on the review page comes here without passing through Jinja2: it is data,
    so ``{{ 7 * 7 }}`` typed into an edit is written on the card as typed.
    """
    # NFC before drawing: decomposed accents ("e" + U+0301) would be drawn as a loose mark.
    text = unicodedata.normalize("NFC", text)
    personal_line = unicodedata.normalize("NFC", personal_line)
    blocks = [
        " ".join(line.strip() for line in block.splitlines() if line.strip())
        for block in _BLANK_LINES.split(text.strip())
    ]
    blocks = [b for b in blocks if b]
    paragraphs: list[Paragraph] = []
    for index, block in enumerate(blocks):
        is_greeting = index == 0 and block.endswith(",") and len(block) <= 40
        paragraphs.append(
            Paragraph(
                block,
                role="greeting" if is_greeting else "body",
                space_before=0.0 if index == 0 else 0.35,
            )
        )
    if personal_line.strip() and personal_line.strip() not in text:
        paragraphs.append(Paragraph(personal_line.strip(), role="personal", space_before=0.35))
    return Message(
        variant=variant,
        paragraphs=tuple(paragraphs),
        sign_off=sign_off,
        signer=signer,
    )


def check_templates(env: jinja2.Environment, names: Sequence[str]) -> None:
    """Compile every template in *names*, so a broken file stops the batch before drawing.

    Raises:
        TemplateError: a template has a syntax error, an unknown filter, or is missing.
    """
    for name in names:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as err:
            raise syntax_error(env, name, err) from err
        except jinja2.TemplateNotFound as err:
            raise TemplateError(
                name, "template not found — check the templates folder.", whole_batch=True
            ) from err


def syntax_error(
    env: jinja2.Environment, template_name: str, err: jinja2.TemplateSyntaxError
) -> TemplateError:
    """Return the TemplateError of a syntax error: file, line, and the closest known name."""
    problem = (err.message or "syntax error").rstrip(".")
    hint = "fix the template"
    unknown = re.search(r"No (filter|test) named '([^']+)'", problem)
    if unknown:
        known = env.filters if unknown.group(1) == "filter" else env.tests
        close = difflib.get_close_matches(unknown.group(2), list(known), n=1)
        hint = f'did you mean "{close[0]}"?' if close else f"known: {', '.join(sorted(known))}"
    return TemplateError(
        _where(env, template_name, err.lineno), f"{problem} — {hint}", whole_batch=True
    )


def undefined_error(
    env: jinja2.Environment, template_name: str, message: str, context: Mapping[str, Any]
) -> TemplateError:
    """Return the TemplateError of an undefined name: file, line and the closest known name.

    A top-level name that does not exist is the template's fault (every card would fail:
    the batch stops); a missing attribute of a row's value is that row's (it is rejected).
    """
    variable = _undefined_name(message)
    top_level = re.search(r"'([^']+)' is undefined", message) is not None
    names = sorted(k for k in context if k.isidentifier())
    close = difflib.get_close_matches(variable, names, n=1)
    hint = f'did you mean "{close[0]}"?' if close else f"available: {', '.join(names)}"
    return TemplateError(
        _where(env, template_name, _line_of(env, template_name, variable)),
        f'"{variable}" is undefined — {hint}',
        variable=variable,
        whole_batch=top_level,
    )


def _where(env: jinja2.Environment, template_name: str, line: int | None) -> str:
    """Return ``templates/x/messages/y.j2:line N`` (the file a user opens)."""
    loader = env.loader
    folder = loader.searchpath[0] if isinstance(loader, jinja2.FileSystemLoader) else ""
    path = str(Path(folder) / template_name) if folder else template_name
    return f"{path}:line {line}" if line else path


def _line_of(env: jinja2.Environment, template_name: str, name: str) -> int | None:
    """Return the first line of *template_name* that mentions *name* (None if unknown)."""
    loader = env.loader
    if loader is None or not name:
        return None
    try:
        source = loader.get_source(env, template_name)[0]
    except jinja2.TemplateNotFound:
        return None
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for number, line in enumerate(source.splitlines(), start=1):
        if pattern.search(line):
            return number
    return None


def _undefined_name(message: str) -> str:
    match = re.search(r"'([^']+)' is undefined", message)
    if match:
        return match.group(1)
    match = re.search(r"has no attribute '([^']+)'", message)
    return match.group(1) if match else message
