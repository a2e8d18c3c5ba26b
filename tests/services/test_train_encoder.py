"""A tiny real training run: torch trains, the files load in ONNX Runtime and agree with torch."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp.e5_tokenizer import E5Tokenizer
from nlp.e5_weights import E5Weights
from nlp.encoder import EncoderFiles, TunedEncoder
from nlp.encoder_torch import E5Torch
from nlp.normalize import for_model
from services.train_encoder import (
    CLASSES,
    HEADS,
    TrainSettings,
    gather,
    train_encoder_files,
)

ROOT = Path(__file__).resolve().parents[2]
TINY = TrainSettings(tune=1, epochs=1, batch_size=16, max_tokens=32, limit=24)


def test_gather_merges_the_heads_of_one_text(data_dir: Path, shared: Path) -> None:
    data = gather(data_dir, shared, TINY)
    both = [r for r in data.rows if {"sentiment", "topic"} <= set(r.labels)]
    assert both, "a UIT-VSFC sentence carries its sentiment and its topic"
    assert set(data.evals) == set(HEADS)
    assert all(0 <= y < len(CLASSES[h]) for r in data.rows for h, y in r.labels.items())
    assert len({r.text for r in data.rows}) == len(data.rows)


@pytest.mark.slow
def test_a_tiny_run_writes_files_that_onnx_runs_like_torch(
    data_dir: Path, shared: Path, tmp_path: Path
) -> None:
    result = train_encoder_files(data_dir, tmp_path / "models", shared, TINY)
    out = tmp_path / "models" / "encoder"
    meta = json.loads((out / "encoder.json").read_text())
    assert meta["settings"]["tune"] == 1 and meta["classes"]["topic"] == list(CLASSES["topic"])
    assert "sentiment/uit_vsfc_dev" in result["metrics"]["encoder"]
    card = (out / "CARD.md").read_text()
    assert "Research use only" in card and "toxicity/vihsd_dev" in card

    # the stored layer, run by ONNX Runtime at int8, gives what the torch model gives
    encoder = TunedEncoder(out)
    texts = [for_model(t) for t in ("Đường ngập sâu quá", "Cảm ơn phường nhiều", "thầy dạy hay")]
    onnx_pooled = encoder.pooled(texts)
    w = E5Weights.load()
    model = E5Torch(w, tune=1)
    state = {k: v for k, v in EncoderFiles.load(out).tuned.items() if k.startswith("l11.")}
    _load_into(model, state)
    tokenizer = E5Tokenizer(w)
    ids = [[w.bos, *tokenizer.encode("query: " + t)[:30], w.eos] for t in texts]
    torch_pooled = model.top(*model.bottom(ids)).detach().numpy()
    cos = np.einsum("ij,ij->i", onnx_pooled, torch_pooled) / (
        np.linalg.norm(onnx_pooled, axis=1) * np.linalg.norm(torch_pooled, axis=1)
    )
    assert cos.min() > 0.99


def _load_into(model: E5Torch, state: dict[str, np.ndarray]) -> None:
    import torch

    layer = model.tuned[0]
    with torch.no_grad():
        layer.qkv.weight.copy_(torch.from_numpy(np.concatenate(
            [state[f"l11.{t}.w"] for t in "qkv"]).astype(np.float32)))  # fmt: skip
        layer.qkv.bias.copy_(torch.from_numpy(np.concatenate([state[f"l11.{t}.b"] for t in "qkv"])))
        for name in ("ao", "fi", "fo", "aln", "oln"):
            getattr(layer, name).weight.copy_(
                torch.from_numpy(state[f"l11.{name}.w"].astype(np.float32))
            )
            getattr(layer, name).bias.copy_(torch.from_numpy(state[f"l11.{name}.b"]))


def test_the_command_is_registered() -> None:
    from click.testing import CliRunner

    from app.cli import main

    result = CliRunner().invoke(main, ["train", "encoder", "--help"])
    assert result.exit_code == 0
    assert "--tune" in result.output
