"""Text categorizers for sentiment, toxicity, spam and relevance: one small class, four models.

Each task is a calibrated linear model (``nlp.linear``) over the shared sparse features of
``nlp.features.analyze`` plus a few task-independent surface features (length, emoji and
emoticons, links, phone numbers), so the pipeline can analyse a text once and hand the same
feature list to every model. Models live in ``<model_dir>/<task>/<task>.npz|json`` and are built
by ``services.train_textcat`` (``langnghe train <task>``).

    >>> sentiment = textcat_for(Path("models"), "sentiment")
    >>> sentiment.warm_up()
    >>> sentiment.classify(for_model("Cảm ơn phường đã xử lý rất nhanh")).label
    'positive'
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from core.errors import InvalidInput
from core.types import Label
from nlp import features
from nlp.linear import FeatureBatch, LinearTextModel

#: Version of the feature set the models were trained on; a model with another one is refused.
FEATURE_SET = "analyze+surface-1"

#: The classes of each task, in model order.
TASKS: dict[str, tuple[str, ...]] = {
    "sentiment": ("negative", "neutral", "positive"),
    "toxicity": ("clean", "offensive", "hate"),
    "spam": ("spam", "not_spam"),
    "relevance": ("relevant", "irrelevant"),
}

_SYLLABLE = re.compile(r"[^\W_]+")
_EMOTICON = re.compile(r"(?<!\w)(?:[:;=]-?[()dDpP3\[\]]+|<3|\^\^|\^_\^|:v)(?!\w)")
_URL = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|vn|net|org|info|xyz|top|me|ly|io|cc)\b")
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[ .-]?\d){8,10}(?!\d)")
_NUMBER = re.compile(r"\d+")


def rebuild_command(task: str) -> str:
    return f"langnghe train {task}"


def surface_features(model_text: str) -> list[str]:
    """Length bucket, emoji, emoticons, '!'/'?', links and phone numbers of a model text.

    They are language-independent cues the word features miss: a one-word message, a string of
    emoji, ':((' or a link with a phone number says something about tone and intent.
    """
    n = len(_SYLLABLE.findall(model_text))
    bucket = 1 if n <= 3 else 2 if n <= 6 else 3 if n <= 12 else 4 if n <= 25 else 5
    out = [f"x:len{bucket}"]
    out += ["x:emoji=" + ch for ch in model_text if unicodedata.category(ch) == "So"]
    out += ["x:emoticon=" + m.lower()[:4] for m in _EMOTICON.findall(model_text)]
    out += [f"x:punct{p}" for p in "!?" if p in model_text]
    out += ["x:url"] * len(_URL.findall(model_text))
    out += ["x:phone"] * len(_PHONE.findall(model_text))
    if any(len(d) >= 5 for d in _NUMBER.findall(model_text)):
        out.append("x:long_number")
    return out


def textcat_features(model_text: str, feats: list[str] | None = None) -> list[str]:
    """What the categorizers see: ``analyze`` features (given or computed) + surface features."""
    base = features.analyze(model_text) if feats is None else feats
    return base + surface_features(model_text)


class TextCategorizer:
    """One calibrated linear text classifier (sentiment, toxicity, spam or relevance).

    Cheap to build; ``warm_up`` loads the files and fails with ``ModelUnavailable`` naming the
    rebuild command when they are missing, corrupt or trained on another feature set.

        >>> spam = TextCategorizer(Path("models/spam"), "spam", "langnghe train spam")
        >>> spam.warm_up()
        >>> feats = features.analyze(text)       # once per text, shared by every model
        >>> spam.classify(text, feats).label
        'not_spam'
    """

    def __init__(self, model_dir: Path, stem: str, rebuild: str) -> None:
        self._model_dir = model_dir
        self._stem = stem
        self._rebuild = rebuild
        self._model: LinearTextModel | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            expect = {"analyzer": features.ANALYZER, "feature_set": FEATURE_SET}
            self._model = LinearTextModel.load(self._model_dir, self._stem, self._rebuild, expect)

    @property
    def model(self) -> LinearTextModel:
        if self._model is None:
            self.warm_up()
        assert self._model is not None
        return self._model

    @property
    def classes(self) -> tuple[str, ...]:
        return self.model.classes

    def classify(self, model_text: str, feats: list[str] | None = None) -> Label:
        """Classify a model text (``normalize.for_model``); ``feats`` = its ``analyze`` output."""
        m = self.model
        base = features.analyze(model_text) if feats is None else feats
        idx, values = m.vectorize(base, extra=surface_features(model_text))
        return self._label(m.probabilities(m.decision(idx, values)))

    def classify_batch(self, model_texts: Sequence[str], batch: FeatureBatch) -> list[Label]:
        """``classify`` of many texts; ``batch`` holds their ``features.analyze`` features (the
        surface features are added once per batch, for every categorizer)."""
        m = self.model
        full = batch.extended("surface", lambda: [surface_features(t) for t in model_texts])
        probs = m.probabilities_batch(m.decisions(m.vectorize_batch(full)))
        return [self._label(p) for p in probs]

    def _label(self, probs: np.ndarray) -> Label:
        classes = self.model.classes
        best = int(np.argmax(probs))
        return Label(
            label=classes[best],
            score=float(probs[best]),
            scores={c: float(p) for c, p in zip(classes, probs.tolist(), strict=True)},
        )


def textcat_for(model_root: Path, task: str) -> TextCategorizer:
    """The categorizer of ``task`` whose files are in ``model_root/<task>/``."""
    if task not in TASKS:
        raise InvalidInput(
            f"unknown text categorization task {task!r}; known: {sorted(TASKS)}",
            code="textcat.unknown_task",
        )
    return TextCategorizer(model_root / task, task, rebuild_command(task))
