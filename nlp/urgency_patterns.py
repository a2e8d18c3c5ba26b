"""The pattern language of ``urgency_rules.json``: diacritic folding and a syllable pre-filter.

Patterns are written once, with diacritics, and ``fold`` turns each into a regex that also
matches the text typed without them: each accented letter becomes a class of itself, itself
without tone and its bare letter (``cháy`` → ``ch[áa]y``), which also keeps ``chạy`` (to run)
from matching ``cháy`` (fire). ``required_syllables`` reads off a pattern the syllables every
match must hold, so ``nlp.urgency_rules.UrgencyRules.evaluate`` skips most patterns for most
texts with set lookups instead of running their regexes.

    >>> bool(re.fullmatch(fold("bốc cháy"), "boc chay"))
    True
    >>> required_syllables("(nhà|căn hộ) …… (bốc cháy|đang cháy)")
    (frozenset({'nha', 'can'}), frozenset({'boc', 'dang'}))
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from nlp.normalize import strip_diacritics, without_tones

#: A free stretch of text inside one sentence, and the word end that always comes before it.
_STRETCH = "[^.!?;]"
_WORD_END = r"(?![^\W_])"
_BOUNDED = r"(?<![^\W_])(?:{})(?![^\W_])"


def fold(pattern: str, gaps: dict[str, int] | None = None, exact: bool = False) -> str:
    """A regex written with diacritics → one that also matches the text typed without them.

    ``" … "`` is a gap of up to ``gaps["…"]`` words inside one clause; spaces match any spacing.
    A free stretch (``[^.!?;]{0,n}``) starts at a word end: in ``(đò|ghe)[^.!?;]{0,60}chìm``
    the words are whole, so ``đò`` does not match the start of ``đoạn``.

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
        if c == "[" and not in_class and _ends_a_word_before_stretch(pattern, i):
            out.append(_WORD_END)
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


def _ends_a_word_before_stretch(pattern: str, i: int) -> bool:
    """Whether a free stretch starts at ``i`` right after a word or a group of words."""
    return (
        pattern.startswith(_STRETCH, i)
        and i > 0
        and (pattern[i - 1].isalnum() or pattern[i - 1] == ")")
        and not pattern.endswith(_WORD_END, 0, i)
    )


def _variants(c: str) -> dict[str, None]:
    return dict.fromkeys([c, without_tones(c), strip_diacritics(c)])


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
