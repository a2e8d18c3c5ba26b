"""``langnghe train encoder --export-bundle`` / ``--fitted``: the GPU route's two ends here."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.cli import main
from services.encoder_fit import read_bundle


@pytest.fixture
def env(shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No LANGNGHE_ setting of the machine leaks in; the corpora are the made-up ones."""
    for name in [n for n in os.environ if n.startswith("LANGNGHE_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("LANGNGHE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANGNGHE_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("LANGNGHE_DATA_DIR", str(shared))
    return tmp_path


@pytest.mark.slow
def test_export_bundle_writes_what_the_fitter_reads(env: Path) -> None:
    out = env / "bundle"
    args = ["train", "encoder", "--export-bundle", str(out), "--tune", "2", "--epochs", "1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    rows, weights, settings = read_bundle(out)
    assert f"{len(rows.ids)} training rows" in result.output
    assert settings.tune == 2 and settings.epochs == 1 and settings.learning_rate == 5e-5
    assert (rows.labels >= 0).any(axis=1).all(), "every row has a label for some head"
    assert (rows.labels[:, 2] >= 0).any(), "UIT-VSFC rows carry a topic"
    assert weights.layers == 12
    assert json.loads((out / "bundle.json").read_text())["header"]["hidden"] == 384


def test_fitted_must_name_an_existing_folder(env: Path) -> None:
    args = ["train", "encoder", "--fitted", str(env / "nothing")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_missing_corpora_are_named(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGNGHE_DATA_DIR", str(env / "no_corpora"))
    result = CliRunner().invoke(main, ["train", "encoder", "--export-bundle", str(env / "b")])
    assert result.exit_code == 1
    assert "no_corpora" in result.output and "is missing" in result.output
    assert not (env / "b").exists()
