"""Duplicate candidates and similar past cases, from sentence embeddings.

A new feedback is a *duplicate candidate* of an open one when it is about the same place (the
same ward when both are known, and the same street and alley where both name one; else the
same street), was received within a time window, and reads alike: similarity of their vectors
above ``threshold``, or above the lower ``same_category_threshold`` when the router put both in
the same category, but not when two texts read nearly alike and the router surely put them in
two categories (one wording reused for two problems). Text that merely shares words ("ngập" in
two wards) is therefore not a duplicate. Staff confirm candidates. The thresholds were chosen
on ``eval/data/duplicates/pairs.jsonl`` (see its evaluation).

*Similar past cases* ignore place and status: they show staff how comparable reports were
routed before.

    >>> finder = DuplicateFinder(store, DuplicateSettings(window=timedelta(hours=72)))
    >>> finder.candidates(feedback, vector)
    [(12, 0.94)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from core.ports import FeedbackStore
from core.text import fold
from core.types import Feedback, SimilarCase, StoredVector
from nlp.places import alley_numbers


@dataclass(frozen=True, slots=True)
class DuplicateSettings:
    threshold: float = 0.325
    same_category_threshold: float = 0.225
    # reports this alike, each routed surely (this confidence) to another category, are two
    # problems told in one wording: a form, a hotline note or a sender reused ("cúp điện" /
    # "cúp nước" at one alley). Set on eval/data/duplicates_fresh3, checked blind on fresh4.
    distinct_problems_similarity: float = 0.55
    distinct_problems_confidence: float = 0.5
    window: timedelta = timedelta(hours=72)
    max_candidates: int = 3
    similar_window: timedelta = timedelta(days=180)
    similar_count: int = 3
    pool_limit: int = 100  # most recent reports compared; a vector index replaces this at scale


class DuplicateFinder:
    """Finds open reports of the same incident for a freshly annotated feedback."""

    def __init__(
        self,
        store: FeedbackStore,
        settings: DuplicateSettings | None = None,
        model: str | None = None,
    ) -> None:
        """``model``: the pipeline's ``embedding_model``; only vectors it made are compared
        (after a change of embedder, older reports are not candidates). None compares all."""
        self._store = store
        self._settings = settings or DuplicateSettings()
        self._model = model

    def candidates(self, feedback: Feedback, vector: np.ndarray) -> list[tuple[int, float]]:
        s = self._settings
        since = feedback.received_at - s.window
        # the open reports that may be at the same place (``same_place`` decides): those of
        # its ward and those whose ward is unknown; without a ward, every recent one (a report
        # whose place was not found may still name the street of another)
        queries: list[dict[str, Any]] = [{"ward": feedback.ward}, {"without_ward": True}]
        if feedback.ward is None:
            queries = [{}]
        found = {
            v.feedback_id: v
            for query in queries
            for v in self._store.vectors_since(
                since, open_only=True, limit=s.pool_limit, model=self._model, **query
            )
        }
        text = fold(feedback.redacted_text or feedback.text)
        pool = [
            v
            for v in found.values()
            if v.feedback_id != feedback.id
            and v.received_at <= feedback.received_at
            and same_place(feedback, v, text)
        ]
        if not pool:
            return []
        scores = np.stack([v.vector for v in pool]) @ np.asarray(vector, dtype=np.float32)
        ranked = sorted(zip(pool, scores, strict=True), key=lambda p: -p[1])
        found = [
            (v.feedback_id, round(float(score), 4))
            for v, score in ranked
            if reads_alike(
                float(score),
                (feedback.category, feedback.confidence),
                (v.category, v.confidence),
                s,
            )
        ]
        return found[: s.max_candidates]

    def similar(
        self, feedback: Feedback, vector: np.ndarray, category: str | None
    ) -> list[SimilarCase]:
        """The recent past reports of the same category (any place, any status) that read most
        like this one."""
        s = self._settings
        pool = [
            v
            for v in self._store.vectors_since(
                feedback.received_at - s.similar_window,
                open_only=False,
                category=category,
                limit=s.pool_limit,
                model=self._model,
            )
            if v.feedback_id != feedback.id
        ]
        if not pool:
            return []
        scores = np.stack([v.vector for v in pool]) @ np.asarray(vector, dtype=np.float32)
        best = np.argsort(-scores)[: s.similar_count]
        return [SimilarCase(pool[i].reference, pool[i].category, float(scores[i])) for i in best]


Routed = tuple[str | None, float | None]  # a report's category and the router's confidence


def reads_alike(score: float, routed: Routed, other: Routed, s: DuplicateSettings) -> bool:
    """Similar enough: a high score, or a moderate one within the same category; but not two
    texts that read nearly alike and that the router surely put in two categories: the few
    words they differ in name two problems.

        >>> s = DuplicateSettings()
        >>> reads_alike(0.8, ("dien", 0.9), ("cap_nuoc", 0.9), s)  # "cúp điện" / "cúp nước"
        False
        >>> reads_alike(0.4, ("dien", 0.9), ("ha_tang_duong", 0.7), s)  # "tối om" twice told
        True
    """
    (category, confidence), (other_category, other_confidence) = routed, other
    same_category = category is not None and category == other_category
    surely_apart = (
        not same_category
        and category is not None
        and other_category is not None
        and min(confidence or 0.0, other_confidence or 0.0) >= s.distinct_problems_confidence
    )
    if surely_apart and score >= s.distinct_problems_similarity:
        return False
    return score >= s.threshold or (same_category and score >= s.same_category_threshold)


def same_place(fb: Feedback, other: StoredVector, text: str | None = None) -> bool:
    """Never where both texts name alleys and they differ (``different_alleys``). Same ward
    when both are known, and then the same street where both name one ("ngập" on
    two streets of a ward is two floods); else the same street (``street_key``), or the street
    of one named in the text of the other where its own street was not found ("lo lu truong
    thanh chieu nao cung ngap" against an earlier report on Lò Lu). ``text``: ``fb``'s text
    already folded, when one report is compared with many."""
    text = text or fold(fb.redacted_text or fb.text)
    if other.text is not None and different_alleys(text, other.text):
        return False
    both_streets = fb.street is not None and other.street is not None
    if fb.ward is not None and other.ward is not None:
        if fb.ward != other.ward:
            return False
        return not both_streets or street_key(fb.street or "") == street_key(other.street or "")
    if both_streets:
        return street_key(fb.street or "") == street_key(other.street or "")
    if other.street is not None:
        return street_named_in(other.street, text)
    if fb.street is not None and other.text is not None:
        return street_named_in(fb.street, other.text)
    return False


def different_alleys(folded_text: str, other_folded_text: str) -> bool:
    """Whether both texts (``core.text.fold``ed) name alleys by number and none is the same
    alley or one inside another: "hẻm 12" and "hẻm 48" of one street are two places; "hẻm 5"
    and "hẻm 5/12" may be one (the first holds the second).

        >>> different_alleys("hem 12 man thien mat den", "hem 48 man thien mat den")
        True
    """
    ours, theirs = alley_numbers(folded_text), alley_numbers(other_folded_text)
    if not ours or not theirs:
        return False
    # the same alley, or one inside the other: one is a prefix of the other, part by part
    return not any(a[: len(b)] == b or b[: len(a)] == a for a in ours for b in theirs)


def street_named_in(street: str, folded_text: str) -> bool:
    """Whether a text (``core.text.fold``ed) names ``street``: its ``street_key`` as whole
    words. Only a name of two words or more counts: not the "8" of "đường số 8", nor a word
    that is also an everyday one.

        >>> street_named_in("Lò Lu", "lo lu truong thanh chieu nao cung ngap")
        True
    """
    key = street_key(street)
    if len(key.split()) < 2 or not any(c.isalpha() for c in key):
        return False
    words = " ".join(folded_text.replace(".", " ").split())
    return re.search(rf"(?<!\w){re.escape(key)}(?!\w)", words) is not None


def street_key(street: str) -> str:
    """A street as written, compared without case, diacritics, the word "đường" or "số", and
    with road initials spelled out: "Đường số 17", "đường 17" and "duong so 17" are one street,
    "QL13" and "Quốc lộ 13" another.

        >>> street_key("Đường số 17"), street_key("QL.13")
        ('17', 'quoc lo 13')
    """
    key = _HEAD.sub("", fold(street.replace(".", " ")))
    return _INITIALS.sub(lambda m: f"{_ROAD_INITIALS[m[1]]} ", key)


_HEAD = re.compile(r"^(?:duong|dg|d|dai lo) (?:so )?|^so (?=\d)")
_ROAD_INITIALS = {"ql": "quoc lo", "tl": "tinh lo", "hl": "huong lo"}
_INITIALS = re.compile(r"^(ql|tl|hl) ?(?=\d)")
