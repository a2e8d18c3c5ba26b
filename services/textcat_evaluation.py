"""Evaluating text categorizers on labelled sets: memoised features, predictors, metrics.

``FeatureCache`` analyses each raw text once per run (training and evaluation share it);
``predictor`` turns a ``TextCategorizer`` into a function over raw texts; ``evaluate_sets``
scores any such function on the ``EvalSet``s of a task.

    >>> cache = FeatureCache()
    >>> metrics = evaluate_sets(predictor(categorizer, cache), data.evals)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from nlp import features
from nlp.linear_training import evaluate
from nlp.normalize import for_model
from nlp.textcat import TextCategorizer, textcat_features
from services.textcat_data import EvalSet

Predict = Callable[[Sequence[str]], list[tuple[str, float]]]


class FeatureCache:
    """Model text and ``analyze`` features of raw texts, memoised for one training run.

    The big corpora are analysed once even when several tasks (or training and evaluation) use
    them. Calling it gives the categorizers' full feature list.

    >>> cache = FeatureCache()
    >>> cache("Đường ngập quá")[:2]
    ['w:đường', 'w:ngập']
    """

    def __init__(self) -> None:
        self._feats: dict[str, tuple[str, list[str]]] = {}

    def analyzed(self, text: str) -> tuple[str, list[str]]:
        hit = self._feats.get(text)
        if hit is None:
            model_text = for_model(text)
            hit = (model_text, features.analyze(model_text))
            self._feats[text] = hit
        return hit

    def __call__(self, text: str) -> list[str]:
        return textcat_features(*self.analyzed(text))

    def __len__(self) -> int:
        return len(self._feats)


def predictor(categorizer: TextCategorizer, cache: FeatureCache | None = None) -> Predict:
    """Raw texts → (label, probability), through ``for_model`` like the pipeline does."""
    cache = cache if cache is not None else FeatureCache()

    def predict(texts: Sequence[str]) -> list[tuple[str, float]]:
        out = []
        for t in texts:
            r = categorizer.classify(*cache.analyzed(t))
            out.append((r.label, r.score))
        return out

    return predict


def evaluate_sets(predict: Predict, sets: dict[str, EvalSet]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, es in sets.items():
        if not es.examples:
            continue

        def mapped(texts: Sequence[str], es: EvalSet = es) -> list[tuple[str, float]]:
            return [_map(es, label, p) for label, p in predict(texts)]

        out[name] = {"note": es.note, **evaluate(mapped, es.examples, es.classes)}
    return out


def _map(es: EvalSet, label: str, p: float) -> tuple[str, float]:
    return es.mapping.get(label, label), p
