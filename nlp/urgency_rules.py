"""The hand-written urgency rules of ``data/urgency_rules.json``: loading, compiling, evaluating.

Each rule is a set of patterns (``nlp.urgency_patterns``) with a level; ``UrgencyRules.evaluate``
says which rules fired on a text and the highest level among them. A match does not fire when
its context says the danger is absent or over: a negation just before it ("không có ai bị
thương"), a resolution in the same sentence ("đã được dập tắt") unless someone is still missing
or trapped ("còn một bé chưa thấy đâu"), a past time without a sign that it is still going on
("hôm qua" but not "từ hôm qua đến giờ vẫn"), a hypothesis before it ("nếu"), a question before
it ("cho hỏi") unless its own clause says it is happening ("ba tôi đang đau ngực"), either
unless the writer is at the scene ("em đang đứng cách ông vài mét"), or a drill anywhere
("diễn tập PCCC") unless the text says it is real ("tưởng ai giỡn").
``nlp.urgency.UrgencyClassifier`` combines the verdict with the linear model.

    >>> rules = UrgencyRules.load()
    >>> rules.evaluate(for_model("Cháy nhà ở hẻm 12 Võ Văn Ngân, có người mắc kẹt!")).fired
    ('fire', 'trapped')
"""

from __future__ import annotations

import bisect
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import ModelUnavailable
from nlp.normalize import strip_diacritics
from nlp.urgency_patterns import _SYLLABLE, _compile, required_syllables

LEVELS = ("critical", "high", "normal", "low")  # most urgent first; also the model's classes
RULES_PATH = Path(__file__).resolve().parent / "data" / "urgency_rules.json"
CONTEXTS = ("negation", "resolved", "past", "hypothetical", "drill", "unharmed")
DEFAULT_CONTEXTS = CONTEXTS[:5]  # "unharmed" only where a rule asks for it

_RANK = {level: len(LEVELS) - i for i, level in enumerate(LEVELS)}


def rank(level: str) -> int:
    """Higher is more urgent: ``rank("critical") > rank("low")``."""
    return _RANK[level]


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One pattern match; ``suppressed_by`` names the context that cancelled it, if any."""

    rule: str
    level: str
    start: int
    end: int
    suppressed_by: str | None


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    """What the rules alone say about one text."""

    level: str | None  # the highest level among fired rules; None when none fired
    fired: tuple[str, ...]
    hits: tuple[RuleHit, ...]
    unharmed: bool = False  # the text says nobody was hurt ("tài xế đã ra ngoài an toàn")

    def cancelled(self, level: str) -> bool:
        """A rule of ``level`` matched but a strong context cancelled it (negated, over, past,
        drill, nobody hurt); "hypothetical" cues are too noisy to overrule the model."""
        return any(
            h.level == level and h.suppressed_by not in (None, "hypothetical") for h in self.hits
        )


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    level: str
    patterns: tuple[tuple[tuple[frozenset[str], ...], re.Pattern[str]], ...]  # (keys, regex)
    exceptions: tuple[re.Pattern[str], ...]  # one regex each: their matches may overlap
    contexts: frozenset[str]

    def matches(
        self, text: str, syllables: set[str], candidates: Iterable[int]
    ) -> Iterator[re.Match[str]]:
        """Matches of the ``candidates`` patterns (indices, in order, from ``UrgencyRules``'
        syllable index) whose key syllables all occur in the text: set lookups skip most
        patterns for most texts, running them all was the bulk of the time."""
        for i in candidates:
            keys, pattern = self.patterns[i]
            if all(not key.isdisjoint(syllables) for key in keys):
                yield from pattern.finditer(text)


class UrgencyRules:
    """The compiled patterns of ``urgency_rules.json``; pure functions of the text, thread-safe.

    >>> rules = UrgencyRules.load()
    >>> rules.evaluate(for_model("Không có ai bị thương, đám cháy đã được dập tắt")).fired
    ()
    """

    def __init__(self, doc: dict[str, Any]) -> None:
        gaps = {k: int(v) for k, v in doc["gaps"].items()}
        self.version = str(doc["version"])
        self.confidence: dict[str, float] = {k: float(v) for k, v in doc["confidence"].items()}
        self.default_level = str(doc["default"]["level"])
        self.default_score = float(doc["default"]["score"])
        self.model_critical_min = float(doc["model_critical_min"]["probability"])
        self._contexts = _Contexts.build(doc, gaps)
        self.rules: tuple[_Rule, ...] = tuple(self._rule(r, gaps) for r in doc["rules"])
        # syllable → (rule, pattern) pairs that need it: each pattern is filed under the
        # smallest set of its key syllables, so a text looks up its own syllables once instead
        # of every pattern testing its keys (patterns without keys are always tried)
        by_syllable: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._always: list[tuple[int, int]] = []
        for r, rule in enumerate(self.rules):
            for i, (keys, _) in enumerate(rule.patterns):
                if not keys:
                    self._always.append((r, i))
                    continue
                for syllable in min(keys, key=len):
                    by_syllable[syllable].append((r, i))
        self._by_syllable = dict(by_syllable)

    def _candidates(self, syllables: set[str]) -> dict[int, set[int]]:
        """Rule index → indices of its patterns that the index lists for these syllables."""
        candidates: dict[int, set[int]] = defaultdict(set)
        for r, i in self._always:
            candidates[r].add(i)
        for syllable in syllables:
            for r, i in self._by_syllable.get(syllable, ()):
                candidates[r].add(i)
        return candidates

    @staticmethod
    def _rule(r: dict[str, Any], gaps: dict[str, int]) -> _Rule:
        if r["level"] not in LEVELS:
            raise ValueError(f"rule {r['id']}: unknown level {r['level']!r}")
        contexts = frozenset(r.get("contexts", DEFAULT_CONTEXTS))
        if not contexts <= set(CONTEXTS):
            raise ValueError(f"rule {r['id']}: unknown contexts {sorted(contexts - set(CONTEXTS))}")
        return _Rule(
            id=r["id"],
            level=r["level"],
            patterns=tuple(
                (required_syllables(p.removeprefix("=")), _compile([p], gaps))
                for p in r["patterns"]
            ),
            exceptions=tuple(_compile([e], gaps) for e in r.get("except", ())),
            contexts=contexts,
        )

    @classmethod
    def load(cls, path: Path = RULES_PATH) -> UrgencyRules:
        try:
            return _load_cached(path)
        except (OSError, ValueError, KeyError, re.error) as exc:
            raise ModelUnavailable(
                f"urgency rules {path} are unreadable ({exc})", code="urgency.rules_invalid"
            ) from exc

    def evaluate(self, model_text: str) -> RuleVerdict:
        """Every match of every rule, with the context (if any) that cancels it."""
        text = model_text.lower()
        syllables = set(_SYLLABLE.findall(strip_diacritics(text)))
        candidates = self._candidates(syllables)
        scope: _Scopes | None = None
        hits: list[RuleHit] = []
        for r, rule in enumerate(self.rules):
            if r not in candidates:
                continue
            for m in rule.matches(text, syllables, sorted(candidates[r])):
                if any(_overlaps(e, text, m.start(), m.end()) for e in rule.exceptions):
                    continue
                scope = scope or _Scopes(text, self._contexts)
                why = scope.suppressed_by(m.start(), m.end(), rule.contexts)
                hits.append(RuleHit(rule.id, rule.level, m.start(), m.end(), why))
        fired = tuple(dict.fromkeys(h.rule for h in hits if h.suppressed_by is None))
        levels = [h.level for h in hits if h.suppressed_by is None]
        level = max(levels, key=rank) if levels else None
        unharmed = self._contexts.cues["unharmed"].search(text) is not None
        return RuleVerdict(level, fired, tuple(hits), unharmed)


@lru_cache(maxsize=4)
def _load_cached(path: Path) -> UrgencyRules:
    return UrgencyRules(json.loads(path.read_text(encoding="utf-8")))


def _overlaps(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return any(m.start() < end and m.end() > start for m in pattern.finditer(text))


@dataclass(frozen=True, slots=True)
class _Contexts:
    """The compiled context cues and clause/segment breaks of ``urgency_rules.json``."""

    negation: re.Pattern[str]
    negation_adjacent: re.Pattern[str]
    negation_window: int
    cues: dict[str, re.Pattern[str]]  # resolved, past, hypothetical, drill, unharmed
    ongoing: re.Pattern[str]
    real: re.Pattern[str]  # "it is not a joke": a drill cue does not cancel then
    remaining: re.Pattern[str]  # "one is still missing": a resolution does not cancel then
    witness: re.Pattern[str]  # "I am standing next to him": a hypothesis does not cancel then
    hyp_question: re.Pattern[str]
    hyp_present: re.Pattern[str]
    hyp_clause: re.Pattern[str]
    hyp_window: int
    hyp_after: re.Pattern[str]
    clause: re.Pattern[str]
    sentence: re.Pattern[str]
    segment: re.Pattern[str]

    @classmethod
    def build(cls, doc: dict[str, Any], gaps: dict[str, int]) -> _Contexts:
        ctx, hyp = doc["contexts"], doc["contexts"]["hypothetical"]
        return cls(
            negation=_compile(ctx["negation"]["cues"], gaps),
            negation_adjacent=_compile(ctx["negation"]["adjacent"], gaps),
            negation_window=int(ctx["negation"]["window"]),
            cues={name: _compile(ctx[name]["cues"], gaps) for name in CONTEXTS[1:]},
            ongoing=_compile(ctx["past"]["unless"], gaps),
            real=_compile(ctx["drill"]["unless"], gaps),
            remaining=_compile(ctx["resolved"]["unless"], gaps),
            witness=_compile(hyp["unless"], gaps),
            hyp_question=_compile(hyp["question_cues"], gaps),
            hyp_present=_compile(hyp["present"], gaps),
            hyp_clause=_compile(hyp["clause_cues"], gaps),
            hyp_window=int(hyp["window"]),
            hyp_after=_compile(hyp["after_cues"], gaps),
            clause=re.compile(doc["breaks"]["clause"]),
            sentence=re.compile(doc["breaks"]["sentence"]),
            segment=_compile(doc["breaks"]["segment_words"], gaps),
        )


class _Scopes:
    """Clause and segment boundaries of one text and where each context cue occurs in it."""

    def __init__(self, text: str, ctx: _Contexts) -> None:
        def spans(p: re.Pattern[str]) -> list[tuple[int, int]]:
            return [(m.start(), m.end()) for m in p.finditer(text)]

        self.text, self.ctx = text, ctx
        sentence = [e for _, e in spans(ctx.sentence)]
        self.clause = sorted({e for _, e in spans(ctx.clause)} | set(sentence))
        self.segment = sorted(set(sentence) | {s for s, _ in spans(ctx.segment)})
        self.neg, self.neg_adjacent = spans(ctx.negation), spans(ctx.negation_adjacent)
        self.cues = {n: [s for s, _ in spans(p)] for n, p in ctx.cues.items()}
        self.ongoing = [s for s, _ in spans(ctx.ongoing)]
        self.real = ctx.real.search(text) is not None
        self.remaining = ctx.remaining.search(text) is not None
        self.witness = ctx.witness.search(text) is not None
        self.question = [s for s, _ in spans(ctx.hyp_question)]
        self.present = [s for s, _ in spans(ctx.hyp_present)]
        self.hyp_clause = spans(ctx.hyp_clause)
        self.hyp_after = [s for s, _ in spans(ctx.hyp_after)]

    @staticmethod
    def _span(breaks: list[int], start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(breaks, start)
        lo = breaks[i - 1] if i else 0
        j = bisect.bisect_left(breaks, end)
        return lo, breaks[j] if j < len(breaks) else 1 << 30

    def _near_before(
        self, cues: list[tuple[int, int]], start: int, window: int, overlap: bool = False
    ) -> bool:
        """A cue in the clause of ``start`` ending at most ``window`` words before it; with
        ``overlap``, also one starting before it and sharing its first words ("chưa ai" before
        "ai bị kẹt")."""
        lo, _ = self._span(self.clause, start, start)
        return any(
            lo <= s < start
            and (
                (overlap and e > start)
                or (e <= start and len(self.text[e:start].split()) <= window)
            )
            for s, e in cues
        )

    def suppressed_by(self, start: int, end: int, contexts: frozenset[str]) -> str | None:
        seg_lo, seg_hi = self._span(self.segment, start, end)

        def within(positions: list[int], hi: int) -> bool:
            return any(seg_lo <= p < hi for p in positions)

        if "negation" in contexts and (
            self._near_before(self.neg, start, self.ctx.negation_window, overlap=True)
            or self._near_before(self.neg_adjacent, start, 0)
        ):
            return "negation"
        resolved = within(self.cues["resolved"], seg_hi) and not self.remaining
        if "resolved" in contexts and resolved:
            return "resolved"
        past = within(self.cues["past"], seg_hi) and not within(self.ongoing, seg_hi)
        if "past" in contexts and past:
            return "past"
        clause_lo, clause_hi = self._span(self.clause, start, end)
        asked = within(self.question, end) and not any(clause_lo <= p < end for p in self.present)
        hypothesis = not self.witness and (
            within(self.cues["hypothetical"], end)
            or asked
            or any(start <= s < end for s, _ in self.hyp_clause)
            or self._near_before(self.hyp_clause, start, self.ctx.hyp_window)
            or any(end <= p < clause_hi for p in self.hyp_after)
        )
        if "hypothetical" in contexts and hypothesis:
            return "hypothetical"
        if "drill" in contexts and self.cues["drill"] and not self.real:
            return "drill"
        if "unharmed" in contexts and within(self.cues["unharmed"], seg_hi):
            return "unharmed"
        return None
