"""Urgency of a feedback: ``critical | high | normal | low``, from rules and a linear model.

Danger to life now (fire, explosion, a live wire on the ground, people trapped or drowning, a
collapse onto people, a gas leak, injured or unconscious people, an armed attack, a missing
child) must never come out ``normal`` or ``low``. Recall there cannot rest on a statistical
model trained on a few hundred examples, so hand-written patterns (``data/urgency_rules.json``)
decide ``critical``; the linear model (``models/urgency``) decides among the rest. The final
level is the higher of the two, and ``Urgency.rules`` names the rules that fired, so staff see
why a message jumped the queue.

Patterns are written once, with diacritics, and match text typed with or without them: each
accented letter becomes a class of itself, itself without tone and its bare letter (``cháy`` →
``ch[áa]y``), which also keeps ``chạy`` (to run) from matching ``cháy`` (fire). A match does not
fire when its context says the danger is absent or over: a negation just before it ("không có
ai bị thương"), a resolution in the same sentence ("đã được dập tắt"), a past time without a
sign that it is still going on ("hôm qua" but not "từ hôm qua đến giờ vẫn"), a hypothesis or a
question about rules before it ("nếu", "cho hỏi"), or a drill anywhere ("diễn tập PCCC").

    >>> clf = UrgencyClassifier(Path("models/urgency"))
    >>> clf.warm_up()
    >>> u = clf.assess(for_model("Cháy nhà ở hẻm 12 Võ Văn Ngân, có người mắc kẹt!"))
    >>> u.level, u.rules
    ('critical', ('fire', 'trapped'))
"""

from __future__ import annotations

import bisect
import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ModelUnavailable
from core.types import Urgency
from nlp import features
from nlp.linear import LinearTextModel
from nlp.normalize import strip_diacritics

log = logging.getLogger(__name__)

LEVELS = ("critical", "high", "normal", "low")  # most urgent first; also the model's classes
STEM = "urgency"
REBUILD = "langnghe train urgency"
RULES_PATH = Path(__file__).resolve().parent / "data" / "urgency_rules.json"
CONTEXTS = ("negation", "resolved", "past", "hypothetical", "drill", "unharmed")
DEFAULT_CONTEXTS = CONTEXTS[:5]  # "unharmed" only where a rule asks for it

_RANK = {level: len(LEVELS) - i for i, level in enumerate(LEVELS)}
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_BOUNDED = r"(?<![^\W_])(?:{})(?![^\W_])"


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

    def cancelled(self, level: str) -> bool:
        """A rule of ``level`` matched but a strong context cancelled it (negated, over, past,
        drill, nobody hurt); "hypothetical" cues are too noisy to overrule the model."""
        return any(
            h.level == level and h.suppressed_by not in (None, "hypothetical") for h in self.hits
        )


def fold(pattern: str, gaps: dict[str, int] | None = None, exact: bool = False) -> str:
    """A regex written with diacritics → one that also matches the text typed without them.

    ``" … "`` is a gap of up to ``gaps["…"]`` words inside one clause; spaces match any spacing.

        >>> [bool(re.fullmatch(fold("bốc cháy"), t)) for t in ("boc chay", "bốc chạy")]
        [True, False]
    """
    gaps = gaps or {"……": 6, "…": 3}
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        gap = next((g for g in gaps if pattern.startswith(f" {g} ", i)), None)
        if gap is not None and not in_class:
            out.append(rf"\s+(?:[^\s,.;!?]+\s+){{0,{gaps[gap]}}}")
            i += len(gap) + 2
            continue
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[" or c == "]":
            in_class = c == "["
            out.append(c)
        elif c == " " and not in_class:
            out.append(r"\s+")
        elif not exact and strip_diacritics(c) != c:
            chars = "".join(_variants(c))
            out.append(chars if in_class else f"[{chars}]")
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _variants(c: str) -> dict[str, None]:
    without_tone = "".join(x for x in unicodedata.normalize("NFD", c) if x not in _TONE_MARKS)
    return dict.fromkeys([c, unicodedata.normalize("NFC", without_tone), strip_diacritics(c)])


def _compile(patterns: Iterable[str], gaps: dict[str, int]) -> re.Pattern[str]:
    """``=`` before a pattern keeps its diacritics exact (``=xe …… đang cháy``: in text typed
    without them "xe dang chay" is far more often a moving vehicle than a burning one)."""
    body = "|".join(
        f"(?:{fold(p[1:], gaps, exact=True) if p.startswith('=') else fold(p, gaps)})"
        for p in patterns
    )
    return re.compile(_BOUNDED.format(body), re.IGNORECASE)


_SYLLABLE = re.compile(r"[^\W_]+")
_LOOKAROUND = ("(?!", "(?=", "(?<!", "(?<=")


def required_syllables(pattern: str) -> tuple[frozenset[str], ...]:
    """Sets of syllables (lowercase, without diacritics) such that every match of ``pattern``
    holds at least one syllable of each set; () when nothing can be read off the pattern.
    Lets ``evaluate`` skip a pattern with set lookups instead of running its regex.

        >>> required_syllables("(nhà|căn hộ) …… (bốc cháy|đang cháy)")
        (frozenset({'nha', 'can'}), frozenset({'boc', 'dang'}))
    """
    try:
        alts, end = _parse_alts(pattern, 0)
    except (IndexError, ValueError):
        return ()
    if end != len(pattern):
        return ()
    if len(alts) > 1:
        either = _union(_required(seq) for seq in alts)
        return (either,) if either is not None else ()
    return tuple(req for item in alts[0] if (req := _required([item])) is not None)


_Item = tuple[str, Any]  # ("word", syllable) | ("group", [sequences]) | ("other", None)


def _parse_alts(s: str, i: int) -> tuple[list[list[_Item]], int]:
    alts = []
    while True:
        seq, i = _parse_seq(s, i)
        alts.append(seq)
        if i < len(s) and s[i] == "|":
            i += 1
            continue
        return alts, i


def _parse_seq(s: str, i: int) -> tuple[list[_Item], int]:
    items: list[_Item] = []
    word, tainted = "", False  # tainted: a letter of the word is optional, it proves nothing

    def flush() -> None:
        nonlocal word, tainted
        if word:
            items.append(("other", None) if tainted else ("word", strip_diacritics(word).lower()))
        word, tainted = "", False

    while i < len(s) and s[i] not in "|)":
        c = s[i]
        if c in "?*{":
            tainted = bool(word)
            if not word and items:
                items[-1] = ("other", None)
            i = s.index("}", i) + 1 if c == "{" else i + 1
            continue
        if c not in " …([\\" and c != "+":
            word += c
            i += 1
            continue
        flush()
        if c == "(":
            look = s.startswith(_LOOKAROUND, i)
            skip = 3 if s.startswith("(?:", i) or s.startswith(("(?!", "(?=")) else 4 if look else 1
            alts, i = _parse_alts(s, i + skip)
            if s[i] != ")":
                raise ValueError(s)
            if not look:
                items.append(("group", alts))
        elif c == "[":
            i = s.index("]", i)
            items.append(("other", None))
        elif c == "\\":
            i += 1
            items.append(("other", None))
        i += 1
    flush()
    return items, i


def _required(seq: list[_Item]) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    for kind, value in seq:
        req: frozenset[str] | None = None
        if kind == "word" and _SYLLABLE.fullmatch(value):
            req = frozenset([value])
        elif kind == "group":
            req = _union(_required(alt) for alt in value)
        if req is not None and (best is None or _cost(req) < _cost(best)):
            best = req
    return best


def _cost(syllables: frozenset[str]) -> int:
    """Short syllables (bị, có, ở, đó…) are in most texts: a filter on them filters little."""
    return sum(8 if len(s) <= 2 else 1 for s in syllables)


def _union(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    out: set[str] = set()
    for s in sets:
        if s is None:
            return None
        out |= s
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    level: str
    patterns: tuple[tuple[tuple[frozenset[str], ...], re.Pattern[str]], ...]  # (keys, regex)
    exceptions: re.Pattern[str] | None
    contexts: frozenset[str]

    def matches(self, text: str, syllables: set[str]) -> Iterator[re.Match[str]]:
        """Matches of every pattern whose key syllables occur in the text (a set lookup skips
        most patterns for most texts: running them all was the bulk of the time)."""
        for keys, pattern in self.patterns:
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
            exceptions=_compile(r["except"], gaps) if r.get("except") else None,
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
        scope: _Scopes | None = None
        hits: list[RuleHit] = []
        for rule in self.rules:
            for m in rule.matches(text, syllables):
                if rule.exceptions and _overlaps(rule.exceptions, text, m.start(), m.end()):
                    continue
                scope = scope or _Scopes(text, self._contexts)
                why = scope.suppressed_by(m.start(), m.end(), rule.contexts)
                hits.append(RuleHit(rule.id, rule.level, m.start(), m.end(), why))
        fired = tuple(dict.fromkeys(h.rule for h in hits if h.suppressed_by is None))
        levels = [h.level for h in hits if h.suppressed_by is None]
        return RuleVerdict(max(levels, key=rank) if levels else None, fired, tuple(hits))


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
        self.hyp_clause = spans(ctx.hyp_clause)
        self.hyp_after = [s for s, _ in spans(ctx.hyp_after)]

    @staticmethod
    def _span(breaks: list[int], start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(breaks, start)
        lo = breaks[i - 1] if i else 0
        j = bisect.bisect_left(breaks, end)
        return lo, breaks[j] if j < len(breaks) else 1 << 30

    def _near_before(self, cues: list[tuple[int, int]], start: int, window: int) -> bool:
        """A cue in the clause of ``start`` ending at most ``window`` words before it."""
        lo, _ = self._span(self.clause, start, start)
        return any(
            lo <= s and e <= start and len(self.text[e:start].split()) <= window for s, e in cues
        )

    def suppressed_by(self, start: int, end: int, contexts: frozenset[str]) -> str | None:
        seg_lo, seg_hi = self._span(self.segment, start, end)

        def within(positions: list[int], hi: int) -> bool:
            return any(seg_lo <= p < hi for p in positions)

        if "negation" in contexts and (
            self._near_before(self.neg, start, self.ctx.negation_window)
            or self._near_before(self.neg_adjacent, start, 0)
        ):
            return "negation"
        if "resolved" in contexts and within(self.cues["resolved"], seg_hi):
            return "resolved"
        past = within(self.cues["past"], seg_hi) and not within(self.ongoing, seg_hi)
        if "past" in contexts and past:
            return "past"
        if "hypothetical" in contexts and (
            within(self.cues["hypothetical"], end)
            or any(start <= s < end for s, _ in self.hyp_clause)
            or self._near_before(self.hyp_clause, start, self.ctx.hyp_window)
            or any(end <= p < self._span(self.clause, start, end)[1] for p in self.hyp_after)
        ):
            return "hypothetical"
        if "drill" in contexts and self.cues["drill"]:
            return "drill"
        if "unharmed" in contexts and within(self.cues["unharmed"], seg_hi):
            return "unharmed"
        return None


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
        probs = m.probabilities(m.decision(idx, values))
        return np.array([probs[m.classes.index(level)] for level in LEVELS])

    def assess(self, model_text: str, feats: list[str] | None = None) -> Urgency:
        """``model_text`` is ``nlp.normalize.for_model(text)``; ``feats`` its precomputed
        ``nlp.features.analyze`` features, when the pipeline already has them."""
        verdict = self.rules.evaluate(model_text)
        if self.model is None:
            return self._rules_only(verdict)
        probs = self.model_probabilities(model_text, feats)
        model_level = LEVELS[int(probs.argmax())]
        trusted = model_level
        doubt = verdict.cancelled("critical") or probs[0] < self.rules.model_critical_min
        if model_level == "critical" and verdict.level != "critical" and doubt:
            # the rules saw why it is not critical now, or the model is not sure enough
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
    model = LinearTextModel.load(directory, STEM, REBUILD)
    if set(model.classes) != set(LEVELS):
        raise ModelUnavailable(
            f"urgency model in {directory} has classes {model.classes}, not {LEVELS}; "
            f"rebuild it with `{REBUILD}`",
            code="urgency.corrupt",
        )
    return model
