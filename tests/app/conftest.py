"""Fixtures for the command line, which reads its settings from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty LANGNGHE_HOME; no LANGNGHE_ setting of the machine leaks in (nor a .env)."""
    for name in [n for n in os.environ if n.startswith("LANGNGHE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("LANGNGHE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANGNGHE_LOG_LEVEL", "WARNING")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"
