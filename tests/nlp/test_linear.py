from __future__ import annotations

import numpy as np
import pytest

from nlp.linear import FeatureBatch, LinearTextModel, _FeatureSpace


def test_a_model_bound_after_a_lookup_sees_its_own_features_in_the_same_list() -> None:
    space = _FeatureSpace()
    first = space.bind(("w:ngập",))
    feats = ["w:ngập", "w:cảm_ơn"]
    assert space.encode(feats).tolist() == [0, -1]  # remembered for this list
    second = space.bind(("w:cảm_ơn",))  # a model loaded lazily, after the lookup
    ids = space.encode(feats)
    assert ids.tolist() == [0, 1]
    assert second[ids[1]] == 0 and first[ids[0]] == 0


def _model(names: tuple[str, ...], seed: int) -> LinearTextModel:
    rng = np.random.default_rng(seed)
    return LinearTextModel(
        classes=("a", "b", "c"),
        names=names,
        idf=rng.uniform(1.0, 3.0, len(names)),
        coef=rng.normal(size=(3, len(names))),
        intercept=rng.normal(size=3),
        temperature=0.7,
        version="test",
        meta={},
    )


FEATS = [
    ["w:ngập", "w:ngập", "w:nước", "x:unknown"],
    [],  # an empty text: the intercept alone
    ["x:unknown"],
    ["w:cháy", "w:nhà", "w:ngập", "w:cháy", "w:cháy"],
]


def test_a_batch_reads_every_text_as_the_one_text_path_does() -> None:
    model = _model(("w:ngập", "w:nước", "w:cháy", "w:nhà"), seed=1)
    batch = FeatureBatch.of(FEATS)
    x = model.vectorize_batch(batch)
    scores = model.decisions(x)
    probs = model.probabilities_batch(scores)
    for i, feats in enumerate(FEATS):
        idx, values = model.vectorize(feats)
        row = x.getrow(i)
        assert row.indices.tolist() == idx.tolist()
        assert np.allclose(row.data, values)
        assert np.allclose(scores[i], model.decision(idx, values))
        assert np.allclose(probs[i], model.probabilities(model.decision(idx, values)))
    assert np.allclose(scores[1], model.intercept)


def test_a_model_loaded_after_the_batch_was_counted_still_sees_its_features() -> None:
    feats = [*FEATS, ["w:bound_after_the_count", "w:nhà"]]
    batch = FeatureBatch.of(feats)  # "w:bound_after_the_count" is no model's feature yet
    late = _model(("w:nhà", "w:bound_after_the_count"), seed=2)
    x = late.vectorize_batch(batch)
    assert x.getrow(4).indices.tolist() == late.vectorize(feats[4])[0].tolist() == [0, 1]
    assert late.vectorize_batch(batch).nnz == x.nnz  # the recount is kept
    assert _model(("w:never_in_any_text",), seed=3).vectorize_batch(batch).nnz == 0


def test_extra_features_are_added_once_per_name() -> None:
    model = _model(("w:ngập", "x:phone", "x:len1"), seed=4)
    batch = FeatureBatch.of(FEATS)
    calls: list[int] = []

    def extra() -> list[list[str]]:
        calls.append(1)
        return [["x:phone"], ["x:len1"], [], ["x:phone", "x:phone"]]

    full = batch.extended("surface", extra)
    assert batch.extended("surface", extra) is full and calls == [1]
    x = model.vectorize_batch(full)
    for i, (feats, more) in enumerate(zip(FEATS, extra(), strict=True)):
        idx, values = model.vectorize(feats, extra=more)
        assert x.getrow(i).indices.tolist() == idx.tolist()
        assert np.allclose(x.getrow(i).data, values)
    with pytest.raises(ValueError, match="extra feature lists"):
        batch.extended("short", lambda: [["x:phone"]])
