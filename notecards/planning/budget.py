"""A time and size budget for rendering one card's message.

The Jinja2 sandbox stops unsafe attribute access, not work: ``{{ 7**99999999 }}`` is one
C-level power that runs for minutes, ``"x" * 10**9`` takes a gigabyte, and a nested loop
never ends. Here:

* ``**`` and ``*`` are intercepted (``SandboxedEnvironment.intercepted_binops``): a result
  past MAX_INT_BITS bits or MAX_MESSAGE_CHARS characters is refused before it is computed;
* the output is produced chunk by chunk and cut at MAX_MESSAGE_CHARS, and so is every value
  kept in a ``namespace()`` (``ns.s = ns.s ~ ns.s`` in a loop cannot double past it);
* a timer (SIGALRM, main thread, POSIX) stops a card still rendering after
  MESSAGE_SECONDS.

Each breach, and any error the template raises on this card's data, is a
TemplateBudgetError naming the template and line: the planner rejects that card only.
"""

from __future__ import annotations

import signal
import threading
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import jinja2
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace

from notecards.errors import TemplateBudgetError

#: A card's message is a few hundred characters; this is a hundred cards' worth.
MAX_MESSAGE_CHARS = 50_000
#: Integers a template computes (ages, counts, years) are tiny; 2**1024 is not.
MAX_INT_BITS = 1024
#: Rendering one card's message takes about a millisecond.
MESSAGE_SECONDS = 2.0


class BudgetEnvironment(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with ``**`` and ``*`` checked before they run."""

    intercepted_binops = frozenset({"**", "*"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["namespace"] = BoundedNamespace

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """Refuse a power or product whose result would be past the budget."""
        if operator == "**" and _is_int(left) and _is_int(right) and right > 0:
            if abs(left) > 1 and right * abs(left).bit_length() > MAX_INT_BITS:
                raise _Breach(f"{left} ** {right} is too large a number (over {MAX_INT_BITS} bits)")
        if operator == "*":
            for text, count in ((left, right), (right, left)):
                if isinstance(text, (str, list, tuple)) and _is_int(count):
                    if len(text) * count > MAX_MESSAGE_CHARS:
                        raise _Breach(
                            f"repeating {type(text).__name__} of length {len(text)} "
                            f"{count} times is over {MAX_MESSAGE_CHARS:,} characters"
                        )
            if _is_int(left) and _is_int(right):
                if abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS:
                    raise _Breach(f"the product is too large a number (over {MAX_INT_BITS} bits)")
        return super().call_binop(context, operator, left, right)


class BoundedNamespace(Namespace):
    """``namespace()`` whose values stay within the message budget: the one way a template
    keeps a value across loop turns, so the one way ``~`` could double a string to a GB."""

    def __setitem__(self, name: str, value: Any) -> None:
        if isinstance(value, (str, list, tuple)) and len(value) > MAX_MESSAGE_CHARS:
            raise _Breach(
                f"namespace value {name!r} grew past {MAX_MESSAGE_CHARS:,} characters or items"
            )
        super().__setitem__(name, value)


class _Breach(Exception):
    """A budget was exceeded (raised inside the template, turned into TemplateBudgetError)."""


class _OutOfTime(BaseException):
    """The card's time ran out (BaseException: a template cannot catch it)."""


def render_within_budget(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """Render *template* with *context* within the budget.

    Raises:
        TemplateBudgetError: too slow, too big, or an error on this card's data.
        jinja2 errors (undefined variable, syntax, security) as they are.
    """
    name = template.name or "template"
    chunks: list[str] = []
    size = 0
    try:
        with _deadline(MESSAGE_SECONDS):
            for chunk in template.generate(context):
                size += len(chunk)
                if size > MAX_MESSAGE_CHARS:
                    raise _Breach(f"the message is longer than {MAX_MESSAGE_CHARS:,} characters")
                chunks.append(chunk)
    except _OutOfTime as err:
        raise TemplateBudgetError(
            name,
            f"{_line(err, template)}still rendering after {MESSAGE_SECONDS:g} s (a loop "
            "that never ends?); this card is rejected. Fix the template.",
        ) from None
    except jinja2.TemplateError:
        raise
    except _Breach as err:
        raise TemplateBudgetError(
            name, f"{_line(err, template)}{err}; this card is rejected. Fix the template."
        ) from None
    except Exception as err:  # noqa: BLE001 - anything a template expression raises
        if "Range too big" in str(err):
            problem = "range() of more than 100,000 numbers"
        else:
            problem = f"{type(err).__name__}: {err}"
        raise TemplateBudgetError(
            name, f"{_line(err, template)}{problem}; this card is rejected. Fix the template."
        ) from None
    return "".join(chunks)


def _line(err: BaseException, template: jinja2.Template) -> str:
    """Return "line N: " of the template line that raised *err*, when the traceback has it."""
    filename = template.filename or ""
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if filename and frame.filename == filename and frame.lineno:
            line = frame.lineno
            if isinstance(err, _OutOfTime):  # Jinja rewrites Exceptions' tracebacks, not this
                line = template.get_corresponding_lineno(line)
            return f"line {line}: "
    return ""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime in the block after *seconds* (main thread on POSIX; else no timer)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _OutOfTime()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
