"""The router-against-e5 evaluation's arithmetic (no model needed)."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from eval.router_e5_eval import blended, head_probs, macro_f1


def test_a_blend_where_unsure_keeps_sure_answers_and_averages_the_rest() -> None:
    linear = np.array([[0.9, 0.1, 0.0], [0.5, 0.4, 0.1]])
    head = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    out = blended(linear, head, 0.65)
    assert out[0].tolist() == [0.9, 0.1, 0.0]  # sure: the router alone
    assert np.allclose(out[1], [0.25, 0.7, 0.05])  # unsure: the average, now class 1
    assert np.allclose(blended(linear, head, None)[0], [0.45, 0.55, 0.0])


def test_a_heads_probabilities_follow_the_routers_classes() -> None:
    x = np.array([[0.0], [0.1], [1.0], [1.1]])
    head = LogisticRegression().fit(x, ["dien", "dien", "cap_nuoc", "cap_nuoc"])
    probs = head_probs(head, np.array([[1.2]]), ["cap_nuoc", "khac", "dien"])
    assert probs[0, 1] == 0.0  # a class the head never saw
    assert probs[0, 0] > probs[0, 2]
    assert np.isclose(probs.sum(), 1.0)


def test_macro_f1_reads_the_best_class_of_each_row() -> None:
    probs = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    assert macro_f1(["a", "b", "b"], probs, ["a", "b"]) == 2 / 3
