"""Deterministic parts of the chatbot NLU: codes and references, keyword phrases, features.

Citizens paste dossier codes in any form ("h29.202 - 250315 - 0012", "000.00.24.h29-240315-0012")
and type without diacritics or in teencode; these extractors are certain where a model would
only be likely, so ``nlp.nlu`` runs them first and gives the intent model placeholders instead
of the codes.

Feedback references: ``PA-2026-000123`` in any case, with ``-``, ``.``, ``/``, ``_``, spaces or
nothing between the parts ("pa 2026 123", "PA2026000123") are accepted, because the "PA" prefix
followed by a 20xx year makes them unambiguous; the sequence is zero-padded to 6 digits. Without
the "PA" prefix ("phản ánh số 2026-000123") nothing is extracted: a year and a number alone are
too often a date, a phone number or a dossier's sequence.

    >>> find_dossier_codes("hs số h29.202 - 250315 - 0012 sao rồi")
    ['H29.202-250315-0012']
    >>> find_feedback_ref("pa 2026 123 xử lý chưa")
    'PA-2026-000123'
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.dossiers import is_dossier_code
from nlp.normalize import for_model, normalize, strip_diacritics

_DATA = Path(__file__).resolve().parent / "data"

#: Placeholders the intent model sees instead of a code or a reference.
DOSSIER_TOKEN = "zzmahoso"
FEEDBACK_TOKEN = "zzmaphananh"

_SEP = r"(?:\s*[-‐‑–—_]\s*|\s+)"
_DOSSIER = re.compile(
    r"(?<![\w.])(?P<agency>[0-9a-z]+(?:\s*\.\s*[0-9a-z]+)*)"
    rf"{_SEP}(?P<date>\d{{6}}){_SEP}(?P<seq>\d{{3,6}})(?!\d)",
    re.IGNORECASE,
)
_FEEDBACK = re.compile(
    r"(?<!\w)pa\s*[-–—_./:]?\s*(?P<year>20\d\d)"
    r"(?:\s*[-–—_./]\s*|\s+)(?P<seq>\d{1,9})(?!\d)"
    r"|(?<!\w)pa\s*[-–—_./:]?\s*(?P<year2>20\d\d)(?P<seq2>\d{6,9})(?!\d)",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W_]+")
_COMMAND = re.compile(r"^\s*(/[a-z_]+)(?:@\w+)?", re.IGNORECASE)


def _agency_ok(agency: str) -> bool:
    return any(c.isdigit() for c in agency) and any(c.isalpha() for c in agency)


def _dossier_spans(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _DOSSIER.finditer(text):
        agency = re.sub(r"\s+", "", m["agency"]).upper()
        code = f"{agency}-{m['date']}-{m['seq']}"
        if _agency_ok(agency) and is_dossier_code(code):
            out.append((m.start(), m.end(), code))
    return out


def find_dossier_codes(text: str) -> list[str]:
    """Canonical dossier codes in free text, in order of appearance."""
    return [code for _, _, code in _dossier_spans(normalize(text))]


def _feedback_spans(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _FEEDBACK.finditer(text):
        year, seq = (m["year"], m["seq"]) if m["year"] else (m["year2"], m["seq2"])
        out.append((m.start(), m.end(), f"PA-{year}-{int(seq):06d}"))
    return out


def find_feedback_ref(text: str) -> str | None:
    """The first feedback reference (``PA-2026-000123``) in free text, canonical."""
    spans = _feedback_spans(normalize(text))
    return spans[0][2] if spans else None


def fold(text: str) -> str:
    """Lower case, no diacritics, only letters and digits separated by single spaces."""
    return " ".join(_TOKEN.findall(strip_diacritics(text.lower())))


@dataclass(frozen=True, slots=True)
class Prepared:
    """One message, ready for the intent model and the keyword matchers.

    ``folded`` is the model text (teencode expanded) without diacritics, codes replaced by
    placeholders; ``model_text`` is ``for_model`` of the message with the codes kept.
    """

    model_text: str
    folded: str
    dossier_codes: tuple[str, ...]
    feedback_ref: str | None
    command: str | None
    question: bool


def prepare(text: str, lexicon: Lexicon) -> Prepared:
    """Find codes, mask them, expand teencode and fold the message."""
    clean = normalize(text)
    dossiers = _dossier_spans(clean)
    taken = [(a, b) for a, b, _ in dossiers]
    refs = [s for s in _feedback_spans(clean) if not any(a < s[1] and s[0] < b for a, b in taken)]
    masked = clean
    spans = [(a, b, DOSSIER_TOKEN) for a, b, _ in dossiers] + [
        (a, b, FEEDBACK_TOKEN) for a, b, _ in refs
    ]
    for a, b, token in sorted(spans, reverse=True):
        masked = f"{masked[:a]} {token} {masked[b:]}"
    command = _COMMAND.match(clean)
    model_text = lexicon.expand(for_model(masked))
    return Prepared(
        model_text=for_model(clean),
        folded=fold(model_text),
        dossier_codes=tuple(code for _, _, code in dossiers),
        feedback_ref=refs[0][2] if refs else None,
        command=command.group(1).lower() if command else None,
        question="?" in clean,
    )


def features(prep: Prepared, role: str, cues: Iterable[str] = ()) -> list[str]:
    """Diacritic-insensitive features: syllables, their bigrams, character 3–5-grams, cues.

    ``cues`` are facts the keyword matchers found ("procedure", "category"): they let a
    small training set generalise to procedures and problems it has no example of.
    """
    tokens = [_DIGITS.sub("0", t) for t in prep.folded.split()]
    feats = ["s:" + t for t in tokens]
    feats += [f"t:{a}_{b}" for a, b in itertools.pairwise(tokens)]
    for tok in tokens:
        if tok in (DOSSIER_TOKEN, FEEDBACK_TOKEN):
            continue
        padded = f" {tok} "
        for n in (3, 4, 5):
            feats += ["c:" + padded[i : i + n] for i in range(len(padded) - n + 1)]
    n = len(tokens)
    feats.append(f"x:len{1 if n <= 2 else 2 if n <= 5 else 3 if n <= 12 else 4}")
    if tokens:  # how a message opens and closes tells a request ("làm sao", "sao rồi")
        feats += ["^:" + tokens[0], "$:" + tokens[-1], "$:" + "_".join(tokens[-2:])]
    feats.append(f"x:role={role}")
    if prep.question:
        feats.append("x:question")
    if prep.command:
        feats.append("x:command")
    return feats + ["x:" + cue for cue in cues]


class PhraseMatcher:
    """Whole-syllable phrases in folded text, leftmost and longest first.

    >>> PhraseMatcher([("ngap", "thoat_nuoc"), ("dien thoai", None)]).find("ngap qua")
    ['thoat_nuoc']
    """

    def __init__(self, phrases: Iterable[tuple[str, str | None]]) -> None:
        table: dict[str, str | None] = {}
        for phrase, value in phrases:
            key = fold(phrase)
            if key:
                table.setdefault(key, value)
        self._values = table
        alternation = "|".join(re.escape(p) for p in sorted(table, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![a-z0-9])(?:{alternation or '(?!)'})(?![a-z0-9])")

    def find(self, folded: str) -> list[str]:
        """The values of the phrases found (phrases mapped to None are skipped)."""
        hits = (self._values[m.group(0)] for m in self._pattern.finditer(folded))
        return [v for v in hits if v is not None]

    def first(self, folded: str) -> str | None:
        """The value of the first phrase found (the longest one at that place)."""
        found = self.find(folded)
        return found[0] if found else None


@dataclass(frozen=True)
class Lexicon:
    """``nlp/data/nlu_lexicon.json``: bot commands, chat abbreviations, category keywords.

    ``category_phrases`` map a phrase to its category code, or to None for phrases that only
    hide shorter ones; ``categories(extra)`` adds more such phrases (ward names).
    """

    commands: dict[str, str]
    teencode: dict[str, str]
    category_phrases: tuple[tuple[str, str | None], ...]
    procedure_aliases: dict[str, tuple[str, ...]]
    procedure_papers: dict[str, tuple[str, ...]]
    whole_messages: dict[str, str]
    fillers: re.Pattern[str]
    request_words: frozenset[str]

    def expand(self, model_text: str) -> str:
        """Chat abbreviations of the NLU (``hs`` → ``hồ sơ``) on top of ``for_model``'s."""
        return self.expand_with(self.teencode, model_text)

    @staticmethod
    def expand_with(words: dict[str, str], model_text: str) -> str:
        return _WORD.sub(lambda m: words.get(m.group(0), m.group(0)), model_text)

    def whole_message(self, folded: str) -> str | None:
        """The certain intent of a whole message such as "chào bot ạ" or "ok cảm ơn nha"."""
        return self.whole_messages.get(" ".join(self.fillers.sub(" ", folded).split()))

    def names_no_problem(self, folded: str) -> bool:
        """Only words of a wish to report ("tôi muốn gửi phản ánh"), nothing about what."""
        return set(folded.split()) <= self.request_words

    def categories(self, hidden: Iterable[str] = ()) -> CategoryMatcher:
        return CategoryMatcher(
            PhraseMatcher([*self.category_phrases, *((h, None) for h in hidden)])
        )


@dataclass(frozen=True)
class ProcedureMatcher:
    """The procedure a message names: the first alias, else the first paper name.

    A paper ("căn cước") is also named in passing as what another procedure needs, so it only
    counts when no alias is found ("mang căn cước đi làm giấy khai sinh" is a birth).
    """

    aliases: PhraseMatcher
    papers: PhraseMatcher

    def __call__(self, folded: str) -> str | None:
        return self.aliases.first(folded) or self.papers.first(folded)


@dataclass(frozen=True)
class CategoryMatcher:
    """The category a question names by keywords ("ngập" → ``thoat_nuoc``)."""

    phrases: PhraseMatcher

    def __call__(self, folded: str) -> str | None:
        """The category named most often; the first named on a tie."""
        found = self.phrases.find(folded)
        if not found:
            return None
        return max(found, key=lambda c: (found.count(c), -found.index(c)))


@lru_cache(maxsize=1)
def load_lexicon(path: Path = _DATA / "nlu_lexicon.json") -> Lexicon:
    doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    teencode = dict(doc["teencode"])

    def key(phrase: str) -> str:  # the form ``Prepared.folded`` gives the phrase
        return fold(Lexicon.expand_with(teencode, for_model(phrase)))

    fillers = "|".join(sorted({re.escape(key(f)) for f in doc["fillers"]}, key=len, reverse=True))
    filler_re = re.compile(rf"(?<![a-z0-9])(?:{fillers})(?![a-z0-9])")

    def bare(message: str) -> str:  # a whole message as ``Lexicon.whole_message`` compares it
        return " ".join(filler_re.sub(" ", key(message)).split())

    return Lexicon(
        commands={k.lower(): v for k, v in doc["commands"].items()},
        teencode=teencode,
        category_phrases=tuple(
            (phrase, None if code == "_" else code)
            for code, words in doc["categories"].items()
            for phrase in words
        ),
        procedure_aliases={k: tuple(v) for k, v in doc["procedure_aliases"].items()},
        procedure_papers={k: tuple(v) for k, v in doc["procedure_papers"].items()},
        whole_messages={bare(m): i for i, ms in doc["whole_messages"].items() for m in ms},
        fillers=filler_re,
        request_words=frozenset(w for phrase in doc["request_words"] for w in key(phrase).split()),
    )
