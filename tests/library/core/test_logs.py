"""Structured logs: one JSON object per line, extras kept, level switch honoured."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

import pytest

from hrv_readiness.logs import configure_logging

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    """configure_logging() replaces the root handlers; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_level_logger_message_and_extras(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO", "json")
    logging.getLogger("hrv_readiness.test").info("measured %s", "alice", extra={"user": "alice"})
    logging.getLogger("hrv_readiness.test").debug("not shown at INFO")
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["level"] == "INFO"
    assert entry["logger"] == "hrv_readiness.test"
    assert entry["msg"] == "measured alice"
    assert entry["user"] == "alice"
    assert entry["ts"].endswith("+00:00")


def test_text_format_and_debug_level(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("DEBUG", "text")
    logging.getLogger("hrv_readiness.test").debug("details")
    err = capsys.readouterr().err
    assert "DEBUG" in err
    assert "hrv_readiness.test: details" in err


def test_exceptions_are_kept_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING", "json")
    try:
        raise ValueError("boom")  # noqa: TRY301
    except ValueError:
        logging.getLogger("hrv_readiness.test").exception("failed")
    entry = json.loads(capsys.readouterr().err.strip())
    assert "ValueError: boom" in entry["exc"]
