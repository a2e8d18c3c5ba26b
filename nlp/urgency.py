"""Urgency of a feedback: ``critical | high | normal | low``, from rules and a linear model.

Danger to life now (fire, explosion, a live wire on the ground, people trapped or drowning, a
collapse onto people, a gas leak, injured or unconscious people, an armed attack, a missing
child) must never come out ``normal`` or ``low``. Recall there cannot rest on a statistical
model trained on a few hundred examples, so hand-written patterns (``data/urgency_rules.json``)
decide ``critical``; the linear model (``models/urgency``) decides among the rest. The final
level is the higher of the two, and ``Urgency.rules`` names the rules that fired, so staff see
why a message jumped the queue.

The rules are loaded, compiled and evaluated in ``nlp.urgency_rules`` (with the contexts that
cancel a match: negated, over, past, hypothetical, a drill); their pattern language, written
once with diacritics and matching text typed with or without them, is ``nlp.urgency_patterns``.
This module combines their verdict with the model.

    >>> clf = UrgencyClassifier(Path("models/urgency"))
    >>> clf.warm_up()
    >>> u = clf.assess(for_model("Cháy nhà ở hẻm 12 Võ Văn Ngân, có người mắc kẹt!"))
    >>> u.level, u.rules
    ('critical', ('fire', 'trapped'))
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import ModelUnavailable
from core.types import Urgency
from nlp import features
from nlp.linear import FeatureBatch, LinearTextModel
from nlp.urgency_rules import LEVELS, RULES_PATH, RuleVerdict, UrgencyRules, rank

log = logging.getLogger(__name__)

STEM = "urgency"
REBUILD = "langnghe train urgency"


class UrgencyClassifier:
    """Rules decide ``critical``; the model decides among the rest; the higher level wins.

    ``warm_up`` loads both and raises ``ModelUnavailable`` (naming ``langnghe train urgency``)
    for a missing or corrupt model. ``assess`` never loses the rules: if the model cannot be
    loaded there, it logs ``urgency.model_unavailable`` once and answers from the rules alone
    (``model_level`` is then None). ``model_dir=None`` asks for the rules alone on purpose.

        >>> clf = UrgencyClassifier(Path("models/urgency"))
        >>> clf.warm_up()
        >>> clf.assess(for_model("Dây điện đứt rơi xuống vũng nước trước cổng trường")).level
        'critical'
    """

    def __init__(self, model_dir: Path | None, rules_path: Path = RULES_PATH) -> None:
        self._model_dir = model_dir
        self._rules_path = rules_path
        self._rules: UrgencyRules | None = None
        self._model: LinearTextModel | None = None
        self._model_failed = False
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._rules is None:
                self._rules = UrgencyRules.load(self._rules_path)
            if self._model is None and self._model_dir is not None:
                self._model = load_urgency_model(self._model_dir)
                self._model_failed = False

    @property
    def rules(self) -> UrgencyRules:
        if self._rules is None:
            with self._lock:
                self._rules = self._rules or UrgencyRules.load(self._rules_path)
        return self._rules

    @property
    def model(self) -> LinearTextModel | None:
        if self._model is None and self._model_dir is not None and not self._model_failed:
            try:
                self.warm_up()
            except ModelUnavailable as exc:
                self._model_failed = True
                log.warning("urgency.model_unavailable %s", exc)
        return self._model

    def model_probabilities(self, model_text: str, feats: list[str] | None = None) -> np.ndarray:
        """The model's probability of each level in ``LEVELS`` order (model required)."""
        m = self.model
        if m is None:
            raise ModelUnavailable(f"no urgency model; build it with `{REBUILD}`")
        idx, values = m.vectorize(features.analyze(model_text) if feats is None else feats)
        return self._in_level_order(m.probabilities(m.decision(idx, values)))

    def assess(self, model_text: str, feats: list[str] | None = None) -> Urgency:
        """``model_text`` is ``nlp.normalize.for_model(text)``; ``feats`` its precomputed
        ``nlp.features.analyze`` features, when the pipeline already has them."""
        verdict = self.rules.evaluate(model_text)
        if self.model is None:
            return self._rules_only(verdict)
        return self._combine(verdict, self.model_probabilities(model_text, feats))

    def assess_batch(self, model_texts: Sequence[str], batch: FeatureBatch) -> list[Urgency]:
        """``assess`` of many texts; ``batch`` holds their ``features.analyze`` features."""
        verdicts = [self.rules.evaluate(t) for t in model_texts]
        m = self.model
        if m is None:
            return [self._rules_only(v) for v in verdicts]
        probs = self._in_level_order(m.probabilities_batch(m.decisions(m.vectorize_batch(batch))))
        return [self._combine(v, p) for v, p in zip(verdicts, probs, strict=True)]

    def _in_level_order(self, probs: np.ndarray) -> np.ndarray:
        """Probabilities (last axis in the model's class order) in ``LEVELS`` order."""
        assert self._model is not None
        order: np.ndarray = probs[..., [self._model.classes.index(lv) for lv in LEVELS]]
        return order

    def _combine(self, verdict: RuleVerdict, probs: np.ndarray) -> Urgency:
        """The rules' verdict and the model's probabilities (``LEVELS`` order) → one level."""
        model_level = LEVELS[int(probs.argmax())]
        trusted = model_level
        doubt = (
            verdict.cancelled("critical")
            or verdict.unharmed
            or probs[0] < self.rules.model_critical_min
        )
        if model_level == "critical" and verdict.level != "critical" and doubt:
            # the rules saw why it is not critical now (or that nobody was hurt), or the model
            # is not sure enough
            trusted = LEVELS[1 + int(probs[1:].argmax())]
        level = max(trusted, verdict.level or "low", key=rank)
        score = float(probs[LEVELS.index(level)])
        if verdict.level == level:
            score = max(score, self.rules.confidence[level])
        return Urgency(level, round(score, 4), verdict.fired, model_level)

    def _rules_only(self, verdict: RuleVerdict) -> Urgency:
        r = self.rules
        if verdict.level is None or rank(verdict.level) < rank(r.default_level):
            return Urgency(r.default_level, r.default_score, verdict.fired, None)
        return Urgency(verdict.level, r.confidence[verdict.level], verdict.fired, None)


def load_urgency_model(directory: Path) -> LinearTextModel:
    model = LinearTextModel.load(directory, STEM, REBUILD, {"analyzer": features.ANALYZER})
    if set(model.classes) != set(LEVELS):
        raise ModelUnavailable(
            f"urgency model in {directory} has classes {model.classes}, not {LEVELS}; "
            f"rebuild it with `{REBUILD}`",
            code="urgency.corrupt",
        )
    return model
