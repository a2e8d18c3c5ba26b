"""Profanity and name-calling: a message that has them is at least ``offensive``.

The toxicity model learned most of its abuse from ViHSD comments and lets some citizens'
profanity through as ``clean`` (``eval/data/toxicity_fresh*``). The words in
``data/profanity.json`` are unambiguous enough that, whatever the model says, a message
with one of them is not shown as clean: ``clean`` becomes ``offensive``, and ``offensive``
or ``hate`` stay as the model said.

    >>> lexicon = ProfanityLexicon.load()
    >>> at_least_offensive(Label("clean", 0.8, {"clean": 0.8, "offensive": 0.2}),
    ...                    "đm đường ngập hoài", lexicon).label
    'offensive'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModelUnavailable
from core.types import Label
from nlp.normalize import normalize, strip_diacritics

DATA_FILE = Path(__file__).resolve().parent / "data" / "profanity.json"
_WORD = r"(?<![\w.@])(?:{})(?![\w@]|\.\w)"  # whole words, not part of an address ("khoa.dm@…")


@dataclass(frozen=True, slots=True)
class ProfanityLexicon:
    """The compiled patterns of ``data/profanity.json``; pure functions of the text."""

    version: str
    confidence: float
    written: re.Pattern[str]
    ascii: re.Pattern[str]

    @classmethod
    def load(cls, path: Path = DATA_FILE) -> ProfanityLexicon:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                version=str(doc["version"]),
                confidence=float(doc["confidence"]),
                written=re.compile(_WORD.format("|".join(doc["written"]))),
                ascii=re.compile(_WORD.format("|".join(doc["ascii"]))),
            )
        except (OSError, ValueError, KeyError, re.error) as exc:
            raise ModelUnavailable(
                f"profanity lexicon {path} is missing or broken ({exc}); restore it from git"
            ) from exc

    def find(self, text: str) -> str | None:
        """The first profane word or phrase of ``text`` (lowercased), or None."""
        low = normalize(text).lower()
        hit = self.written.search(low)
        if hit is None and strip_diacritics(low) == low:  # typed without any marks
            hit = self.ascii.search(low)
        return hit.group() if hit else None


def at_least_offensive(label: Label | None, text: str, lexicon: ProfanityLexicon) -> Label | None:
    """``label`` unless it is ``clean`` and ``text`` is profane: then ``offensive``, with the
    lexicon's confidence and the other classes scaled to share the rest."""
    if label is None or label.label != "clean" or lexicon.find(text) is None:
        return label
    others = {c: p for c, p in label.scores.items() if c != "offensive"}
    rest = sum(others.values())
    scale = (1.0 - lexicon.confidence) / rest if rest > 0 else 0.0
    scores = {c: p * scale for c, p in others.items()}
    scores["offensive"] = lexicon.confidence
    return Label(label="offensive", score=lexicon.confidence, scores=scores)
