"""Fixtures of the core (config, pipeline, demo, CLI) tests."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from support.mosquitto import MosquittoBroker

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def mosquitto() -> Iterator[MosquittoBroker]:
    with MosquittoBroker() as broker:
        yield broker
