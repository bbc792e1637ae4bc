"""Shared fixtures for the tests of the Python package.

The tests exercise the installed package: the ``actlint`` module and the
``actlint`` executable the wheel put into this environment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    """The repository's fixtures/ directory."""
    return FIXTURES


class FakeModel:
    """Stands in for a Keras model: what ``lint_model`` uses of one is its
    ``name`` and ``to_json()``."""

    def __init__(self, config_json: str, name: str = "fake") -> None:
        self._json = config_json
        self.name = name

    def to_json(self, **kwargs: Any) -> str:
        return self._json


@pytest.fixture
def rainfall_model() -> FakeModel:
    """The forum case (LSTM with relu, sigmoid head trained with mse) as
    real Keras 3 ``to_json()`` output, compile settings included."""
    text = (FIXTURES / "forum" / "rainfall_lstm.keras.json").read_text(encoding="utf-8")
    return FakeModel(text, name=json.loads(text)["config"]["name"])
