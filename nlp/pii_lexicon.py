"""The word lists personal-data detection reads, from ``nlp/data/pii.json``, made into patterns.

Cue words ("sđt", "cccd", "stk" …) with the kind of number they announce, name cues, titles,
place markers, surnames, words that are never names, and place and organisation names (plus
any ward names the caller adds), compiled once into the regexes and sets that the number rules
(``nlp.pii``), the text view (``nlp.pii_text``) and the name finder (``nlp.pii_names``) use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.normalize import strip_diacritics

DATA_FILE = Path(__file__).resolve().parent / "data" / "pii.json"
WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class _Forms:
    """Titles or place markers: a regex ending at the name, and the one-word forms."""

    before: re.Pattern[str]
    single: frozenset[str]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> _Forms:
        words = [" ".join(p.lower().split()) for p in phrases]
        return cls(
            re.compile(rf"(?<![^\W\d_])(?:{_alternation(words)})\s*$"),
            frozenset(w for w in words if " " not in w),
        )


@dataclass(frozen=True, slots=True)
class PiiLexicon:
    """Cue words, titles, surnames and place names from ``nlp/data/pii.json``.

    Titles and place markers come in two sets: as written (for texts with diacritics, where
    "cho" is not "chợ") and without diacritics (for texts typed without them).
    """

    placeholders: dict[str, str]
    public_prefixes: tuple[str, ...]
    cue_class: dict[str, str]
    cue_pattern: re.Pattern[str]
    name_cue: re.Pattern[str]
    name_cue_any: re.Pattern[str]
    titles: dict[bool, _Forms]
    markers: dict[bool, _Forms]
    surnames: frozenset[str]
    written_surnames: frozenset[str]  # lowercased as written, diacritics kept
    lowercase_surnames: frozenset[str]
    stopwords: frozenset[str]
    not_names: frozenset[str]
    places: dict[bool, frozenset[str]]
    place_heads: dict[bool, frozenset[str]]
    place_prefixes: dict[bool, frozenset[str]]  # the first 1, 2, … words of each place
    longest_place: int

    @classmethod
    def load(cls, path: Path = DATA_FILE, extra_places: Iterable[str] = ()) -> PiiLexicon:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        cue_class = {squash(c): kind for kind, cues in doc["cues"].items() for c in cues}
        name_cue = (
            rf"(?<![a-z0-9])(?:{_alternation(doc['name_cues'])})(?![a-z0-9])"
            r"\s*[:\-–]?\s*(?:la\s+)?"
        )
        names = [*doc["places"], *doc["organisations"], *extra_places]
        places = {False: {_words(p.lower()) for p in names}, True: {_plain_words(p) for p in names}}
        return cls(
            placeholders=dict(doc["placeholders"]),
            public_prefixes=tuple(doc["public_number_prefixes"]),
            cue_class=cue_class,
            cue_pattern=re.compile(rf"(?<![a-z0-9])(?:{_alternation(cue_class)})(?![a-z0-9])"),
            name_cue=re.compile(name_cue + "$"),
            name_cue_any=re.compile(name_cue),
            titles={
                False: _Forms.of(doc["titles"]),
                True: _Forms.of(
                    t
                    for t in map(strip_diacritics, doc["titles"])
                    if t not in doc["titles_ascii_excluded"]
                ),
            },
            markers={
                False: _Forms.of(doc["place_markers"]),
                True: _Forms.of(map(strip_diacritics, doc["place_markers"])),
            },
            surnames=frozenset(_plain_words(s) for s in doc["surnames"]),
            written_surnames=frozenset(_words(s.lower()) for s in doc["surnames"]),
            lowercase_surnames=frozenset(doc["lowercase_surnames"]),
            stopwords=frozenset(doc["name_stopwords"]),
            not_names=frozenset(w.lower() for w in doc["not_names"]),
            places={k: frozenset(v - {""}) for k, v in places.items()},
            place_heads={
                k: frozenset(p.split()[0] for p in v if " " in p) for k, v in places.items()
            },
            place_prefixes={k: frozenset(_prefixes(v - {""})) for k, v in places.items()},
            longest_place=max(len(p.split()) for p in places[True]),
        )


def squash(phrase: str) -> str:
    return " ".join(strip_diacritics(phrase.lower()).split())


def _prefixes(phrases: Iterable[str]) -> Iterator[str]:
    for phrase in phrases:
        words = phrase.split(" ")
        yield from (" ".join(words[:n]) for n in range(1, len(words) + 1))


def _words(phrase: str) -> str:
    return " ".join(WORD.findall(phrase))


def _plain_words(phrase: str) -> str:
    return _words(strip_diacritics(phrase.lower()))


def _alternation(phrases: Iterable[str]) -> str:
    ordered = sorted({" ".join(p.lower().split()) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, f.split())) for f in ordered)
