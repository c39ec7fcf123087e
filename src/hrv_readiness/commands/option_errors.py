"""One-line errors for the command line, in the words the user typed.

argparse's own errors print a usage block and say "argument --x"; pydantic's say
``duration_s: Input should be greater than or equal to 60``. Both are turned here
into one line that names the option as typed, says what is allowed and, where a
near miss is likely (a typo in an option, a command or a choice), suggests the fix.
"""

from __future__ import annotations

import difflib
import re
from argparse import ArgumentTypeError
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter, ValidationError

from hrv_readiness.readiness.models import UserName

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

_CHOICE = re.compile(
    r"^argument (?P<arg>[^:]+): invalid choice: (?P<got>.+?) \(choose from (?P<choices>.*)\)$"
)
_ARGUMENT = re.compile(r"^argument (?P<arg>[^:]+): (?P<rest>.*)$")
_REQUIRED = re.compile(r"^the following arguments are required: (?P<args>.*)$")
_USER_ID: TypeAdapter[str] = TypeAdapter(UserName)


def _unquote(text: str) -> str:
    return text.strip().strip("'\"")


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the closest candidate, else ``""``."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def unknown_options(extras: list[str], known: Iterable[str]) -> str:
    """The message for arguments no option of the command takes."""
    options = [word for word in extras if word.startswith("-")]
    if not options:
        return f"unexpected argument {extras[0]!r}"
    word = options[0].split("=", 1)[0]
    return f"unknown option {word}{did_you_mean(word, known)}"


def argparse_message(message: str, *, known_options: Iterable[str] = ()) -> str:  # noqa: PLR0911
    """Argparse's error text, rewritten as one friendly sentence."""
    if match := _CHOICE.match(message):
        arg, got = match["arg"], _unquote(match["got"])
        choices = [_unquote(c) for c in match["choices"].split(",")]
        if arg == "COMMAND":
            known = ", ".join(choices)
            return f"unknown command {got!r}{did_you_mean(got, choices)} (commands: {known})"
        return f"{arg} {got}: not one of {', '.join(choices)}{did_you_mean(got, choices)}"
    if match := _REQUIRED.match(message):
        missing = [a.strip() for a in match["args"].split(",")]
        if missing == ["COMMAND"]:
            return "a command is required"
        return f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required"
    if message.startswith("unrecognized arguments: "):
        return unknown_options(
            message.removeprefix("unrecognized arguments: ").split(), known_options
        )
    if match := _ARGUMENT.match(message):
        return f"{match['arg']}: {match['rest']}"
    return message


def user_id(text: str) -> str:
    """Argparse type: a user id as the config file has them (``alice``, ``bob_2``)."""
    try:
        return _USER_ID.validate_python(text)
    except ValidationError:
        suggestion = re.sub(r"[^a-z0-9_]+", "_", text.strip().lower()).strip("_")[:32]
        hint = f"; did you mean {suggestion}?" if suggestion and suggestion != text else ""
        msg = (
            f"{text!r} is not a user id: use lowercase letters, digits and _, "
            f"1-32 characters, as in the config file{hint}"
        )
        raise ArgumentTypeError(msg) from None


def whole_number(
    low: int, high: int, *, expected: str, in_range: str | None = None
) -> Callable[[str], int]:
    """Argparse type: a whole number from ``low`` to ``high``.

    Refused as "expected ``expected``, got 'text'" when it is no whole number and as
    "expected ``in_range`` (default: ``expected``), got value" when it is out of range.
    """

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            msg = f"expected {expected}, got {text!r}"
            raise ArgumentTypeError(msg) from None
        if not low <= value <= high:
            msg = f"expected {in_range or expected}, got {value}"
            raise ArgumentTypeError(msg)
        return value

    return parse


def validation_message(err: ValidationError, options: Mapping[str, str]) -> str:
    """A pydantic error as ``--option VALUE: what is allowed``; field names stay inside."""
    first = err.errors(include_url=False)[0]
    loc = first.get("loc", ())
    field = str(loc[0]) if loc else ""
    option = options.get(field, "a value")
    ctx: dict[str, Any] = dict(first.get("ctx") or {})
    got = first.get("input")
    kind = first["type"]
    limits = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in limits:
        words, key = limits[kind]
        text = f"must be {words} {_number(ctx.get(key))}"
    else:
        text = str(first.get("msg", "is not valid")).removeprefix("Value error, ")
    shown = f" {_number(got)}" if isinstance(got, int | float | str) else ""
    return f"{option}{shown}: {text}"


def _number(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
