from __future__ import annotations

from nlp.linear import _FeatureSpace


def test_a_model_bound_after_a_lookup_sees_its_own_features_in_the_same_list() -> None:
    space = _FeatureSpace()
    first = space.bind(("w:ngập",))
    feats = ["w:ngập", "w:cảm_ơn"]
    assert space.encode(feats).tolist() == [0, -1]  # remembered for this list
    second = space.bind(("w:cảm_ơn",))  # a model loaded lazily, after the lookup
    ids = space.encode(feats)
    assert ids.tolist() == [0, 1]
    assert second[ids[1]] == 0 and first[ids[0]] == 0
