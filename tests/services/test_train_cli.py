"""``langnghe train <model> --data-dir``: the public corpora come from the folder given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No LANGNGHE_ setting of the machine leaks in; LANGNGHE_DATA_DIR names no corpora."""
    for name in [n for n in os.environ if n.startswith("LANGNGHE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("LANGNGHE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANGNGHE_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("LANGNGHE_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("LANGNGHE_DATA_DIR", str(tmp_path / "not_here"))
    return tmp_path


def test_a_text_classifier_trains_on_the_corpora_of_data_dir(env: Path, shared: Path) -> None:
    result = CliRunner().invoke(main, ["train", "toxicity", "--data-dir", str(shared)])
    assert result.exit_code == 0, result.output
    out = env / "models" / "toxicity"
    assert {p.name for p in out.iterdir()} == {"toxicity.npz", "toxicity.json", "CARD.md"}
    assert "ViHSD" in (out / "CARD.md").read_text(encoding="utf-8")


def test_without_data_dir_the_setting_decides(env: Path) -> None:
    result = CliRunner().invoke(main, ["train", "textcat", "sentiment"])
    assert result.exit_code != 0
    assert "not_here" in result.output + str(result.exception)


@pytest.mark.parametrize("command", [["sentiment"], ["textcat", "spam"], ["encoder"]])
def test_data_dir_must_exist(env: Path, command: list[str]) -> None:
    args = ["train", *command, "--data-dir", str(env / "nothing")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_the_encoder_reads_the_corpora_of_data_dir(env: Path) -> None:
    empty = env / "empty_corpora"
    empty.mkdir()
    args = ["train", "encoder", "--export-bundle", str(env / "b"), "--data-dir", str(empty)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "empty_corpora" in result.output and "is missing" in result.output
