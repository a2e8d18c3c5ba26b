"""Person names in one text, for ``nlp.pii``: rules first, NER only where rules cannot tell.

A title or a name cue before a capitalised run ("anh …", "tôi là …"), or a full name starting
with a surname, makes a name; known streets, wards, landmarks and bodies ("đường Võ Văn Ngân",
"chợ Bà Chiểu", "Công an") never are. Capitalised runs the rules cannot explain are sent to the
detector's NER tagger, a short window of their sentence at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from nlp.normalize import strip_diacritics
from nlp.pii_lexicon import WORD
from nlp.pii_text import Candidate, TextView

if TYPE_CHECKING:
    from nlp.pii import PiiDetector

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_SENTENCE_END = re.compile(r"[.!?\n]")
_THING_NAMED = re.compile(r"(?:mang|dat|doi|lay) $")
_NER_CONTEXT = 40  # characters of context NER reads on each side of an unexplained run
_MAX_NER_WINDOWS = 4  # NER calls per text at most
_MIDDLE_NAMES = frozenset({"van", "thi"})  # plain, lowercase
_MIDDLE_NAMES_WRITTEN = frozenset({"văn", "thị"})
# an animal named just before a name cue: the name is a pet's ("con chó poodle nâu tên Bông");
# typed without diacritics "cho" is also "for", so there only "con cho", "be cho"
_PETS = "poodle|corgi|husky|con chim|con ga"
_PET_BEFORE = {
    False: re.compile(rf"(?<!\w)(?:chó|mèo|cún|thú cưng|{_PETS})(?!\w)"),
    True: re.compile(rf"(?<!\w)(?:con cho|con meo|be cho|be meo|cun|thu cung|{_PETS})(?!\w)"),
}
# a pet's breed just after its name: "bé Milo, giống Poodle", "Mực (chó phốc)"
_BREED_AFTER = re.compile(
    r"[^.!?\n]{0,20}?(?<!\w)(?:poodle|corgi|husky|alaska|pug|chihuahua|golden|phoc(?: soc)?"
    r"|becgie|shiba|samoyed|bulldog|beagle|meo anh|meo ta|cho ta)(?!\w)"
)
# people of a place, not a person: "bà con Tăng Nhơn Phú", "anh chị em Linh Xuân"
_GROUPS = ("bà con", "anh chị em", "anh chị", "ông bà", "cô chú", "cô bác")
_GROUP_BEFORE = {
    ascii: re.compile(
        rf"(?<!\w)(?:{'|'.join(map(strip_diacritics, _GROUPS) if ascii else _GROUPS)})\s*$"
    )
    for ascii in (False, True)
}
# a shop or a dish named with a capitalised title: "bánh mì Cô Ba", "hủ tiếu Nam Vang Chú Hai"
_SHOPS = (
    "bánh mì|xôi|bún|hủ tiếu|hủ tíu|cơm tấm|cà phê|cafe|quán|tiệm|tạp hóa|nhà hàng|bánh canh"
    "|bánh cuốn"
)
_SHOPS_WRITTEN_ONLY = "phở|lẩu|chè|cháo"  # without diacritics: "phố", "lâu", "che", "chào"
_SHOP_BEFORE = {
    ascii: re.compile(
        rf"(?<!\w)(?:{strip_diacritics(_SHOPS) if ascii else f'{_SHOPS}|{_SHOPS_WRITTEN_ONLY}'})"
        r"(?: \w+){0,2} $"
    )
    for ascii in (False, True)
}
# a vehicle's model after its make: "Kia Seltos", "Mitsubishi Attrage", "Honda Vision"
_MAKE_BEFORE = re.compile(
    r"(?<!\w)(honda|yamaha|toyota|vinfast|kia|hyundai|mazda|ford|suzuki|mitsubishi|chevrolet"
    r"|nissan|thaco|peugeot|isuzu|lexus|mercedes|piaggio|sym|xpander) $"
)
# family names that are also titles ("Ông", "Phó"): a family name only before "Văn"/"Thị"
_TITLE_SURNAMES = frozenset({"ong", "pho"})
# between a name and the phone number after it: "Quân 0367 …", "Đạt: 0924 …", "Hùng - 09…",
# "Tín zalo 0896 …"
_PHONE_WORD = r"(?i:(?:qua\s+)?(?:zalo|zl|sđt|sdt|đt|dt|số|so)\s*[:.]?\s*)?"
_TO_PHONE = re.compile(rf"\s*[:\-–]?\s*{_PHONE_WORD}(?:\(\s*)?")
# between a contact word and a name: at most three lowercase words ("liên hệ môi giới Thúy Tiên"),
# no number and no other name ("DT: 0283… - Fax: …", "liên hệ bạn ấy là Rơ Châm H'Yơn")
_LOWERCASE_GAP = re.compile(r"[\s:,\-–]*(?:[a-zà-ỹđ]+[\s:,\-–]+){0,3}")
# a name opening a text with "ơi"/"nha" glued to it ("Vyơi", "Hưngnha")
_GLUED_VOCATIVE = re.compile(r"[^\w]*([A-ZĐÀ-Ỹ][a-zà-ỹđ]{1,6})(?:ơi|nha)(?![^\W\d_])")
# a name opening a chat answer, maybe after "dạ", before a phone: "Lan 0934 …", "dạ Mai 07…"
_ANSWER_OPENING = r"\W*(?:(?:dạ|da|vâng|vang|ok)\s*,?\s+)?"
_ANSWER_NAME = re.compile(
    rf"{_ANSWER_OPENING}([A-ZĐÀ-Ỹ][a-zà-ỹđ]{{1,7}}(?: [A-ZĐÀ-Ỹ][a-zà-ỹđ]{{1,7}})?)"
)
# a full name typed in lowercase opening a chat answer, then its phone: "le van an, 0903 …"
_LOWER_ANSWER_NAME = tuple(
    re.compile(
        rf"{_ANSWER_OPENING}([a-zà-ỹđ]{{1,7}}(?: [a-zà-ỹđ]{{1,7}}){{{n}}})"
        rf"\s*[,:\-–]?\s*{_PHONE_WORD}"
    )
    for n in (3, 2)  # four words, then three
)
# particles and small words after a title that are no name: "GỌI CHỊ NHÉ 09…", "ANH LÀ 09…"
_NOT_AFTER_TITLE = frozenset({
    "nhe", "nha", "a", "gium", "giup", "luon", "ngay", "lien", "di", "voi", "hen", "nghen", "coi",
    "thu", "so", "qua", "de", "nay", "do", "kia", "ay", "minh", "toi", "la", "o", "tai", "theo",
})  # fmt: skip
# a particle or a comma closing a contact's name (on the plain text): "liên hệ Hào nha, …"
_PARTICLE_AFTER = re.compile(r"\s*(?:,|(?:nha|nhe|a|ha|nghen|di)(?!\w))")
# what a name goes on with, typed straight after it: "Ji-hoon" (lowercase), "H'Bia"
_NAME_TAIL = re.compile(r"-[^\W\d_]+|'[^\W\d_]+")
_ADDRESS_NUMBER_BEFORE = re.compile(
    r"(?<!\w)(?:(?:hem|ngo|kiet|so nha|so|nha)\s+\d{1,4}[a-z]?(?:/\d{1,4}[a-z]?)*"
    r"|\d{1,4}[a-z]?(?:/\d{1,4}[a-z]?)+)\s+$"
)


# where a form's field starts: the text's start, a new line or a " | " cell, maybe after a bullet
_CELL_START = re.compile(r"(?:^|\n|\|)[ \t]*(?:[-–•*][ \t]*)?\Z")
# the rest of a field label after its first word: one to three words, then a colon
_LABEL_REST = re.compile(r"(?:[ \t]+[^\W\d_]+){1,3}[ \t]*:")


class NameFinder:
    """Person names in one text: rules first, NER for the capitalised runs rules cannot explain."""

    def __init__(
        self,
        detector: PiiDetector,
        view: TextView,
        phone_ends: frozenset[int] = frozenset(),
        phone_starts: frozenset[int] = frozenset(),
    ) -> None:
        self.detector = detector
        self.phone_ends = phone_ends
        self.phone_starts = phone_starts
        self.lex = detector.lexicon
        self.view = view
        self.words = [(m.start(), m.end()) for m in WORD.finditer(view.text)]
        self.place = self._place_flags()

    def find(self) -> list[Candidate]:
        found: list[Candidate] = []
        unexplained: list[tuple[int, int]] = []
        for run in self._runs():
            verdict = self._judge(run)
            if verdict == "person":
                found.append(self._candidate(run, "rule"))
            elif verdict == "unknown":
                unexplained.append((self.words[run[0]][0], self.words[run[-1]][1]))
        found.extend(self._lowercase_names())
        found.extend(self._capital_full_names())
        found.extend(self._glued_vocative())
        found.extend(self._answer_before_phone())
        found.extend(self._shouted_title_before_phone())
        found.extend(self._lowercase_answer_before_phone())
        if unexplained:
            found.extend(self._ner_names(unexplained))
        return [c for c in found if not self._field_label(c.span.start, c.span.end)]

    def _field_label(self, start: int, end: int) -> bool:
        """One word opening a form's field label, not a name: "Biển số xe: …", "Mã GD: …",
        "Thu hộ: …" (a line or a " | " cell starts before it, a colon ends the label after one
        to three more words). A speaker's "Tuấn: …" has no words before its colon."""
        text = self.view.text
        if " " in text[start:end] or not _CELL_START.search(text, 0, start):
            return False
        return _LABEL_REST.match(text, end) is not None

    def _place_flags(self) -> list[bool]:
        """Words inside a known place or body name ("Bà Chiểu", "Công an", "Linh Trung").

        A match that is only part of a longer capitalised run ("Nguyễn Hoàng" in "Nguyễn Hoàng
        Phúc") or that follows a title or a name cue ("bà Lê Thị Hoa", "mẹ tên Lê Thị Hoa") is a
        person's name, not the street.
        """
        text, cmp, words = self.view.text, self.view.cmp, self.words
        ascii, plain = self.view.ascii, self.view.plain
        places, heads = self.lex.places[ascii], self.lex.place_heads[ascii]
        prefixes, any_form, any_prefix = (
            self.lex.place_prefixes[ascii],
            self.lex.places[True],
            self.lex.place_prefixes[True],
        )
        flags = [False] * len(words)
        matches: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            if not (text[words[i][0]].isupper() or cmp[words[i][0] : words[i][1]] in heads):
                i += 1
                continue
            capital = text[words[i][0]].isupper()
            # the lengths at which words i… spell a known place, read forward while they still
            # begin one (as written, or without diacritics when capitalised); the longest wins
            known: list[int] = []
            joined = joined_plain = ""
            for n, (a, b) in enumerate(words[i : i + self.lex.longest_place], 1):
                joined = f"{joined} {cmp[a:b]}" if joined else cmp[a:b]
                joined_plain = f"{joined_plain} {plain[a:b]}" if joined_plain else plain[a:b]
                as_written = joined in prefixes
                bare = capital and joined_plain in any_prefix
                if not (as_written or bare):
                    break
                if (as_written and joined in places) or (bare and joined_plain in any_form):
                    known.append(n)
            n = next((n for n in reversed(known) if self._spaced(i, i + n - 1)), 0)
            if n:
                flags[i : i + n] = [True] * n
                matches.append((i, i + n - 1))
            i += max(n, 1)
        surnames, titles = self.lex.surnames, self.lex.titles[self.view.ascii]
        for first, last in matches:
            person_like = (
                self._word(first) in surnames
                and last > first
                and all(self._is_title_case(k) for k in range(first, last + 1))
            )
            start = self.words[first][0]
            if (
                (self._extends(first - 1, first, flags) and self._word(first - 1) in surnames)
                or self._after_middle_name(first, flags)
                or (person_like and self._extends(last + 1, last, flags))
                or (
                    person_like
                    and titles.before.search(before := self._before(first, 30))
                    and not _GROUP_BEFORE[self.view.ascii].search(before)
                )
                or (person_like and self._named(start))
                or (
                    text[start].islower()
                    and self._cmp(first) in titles.single
                    and self._extends(last + 1, last, flags)
                )
            ):
                flags[first : last + 1] = [False] * (last + 1 - first)
        return flags

    def _after_middle_name(self, k: int, flags: list[bool]) -> bool:
        """A family name and "Văn"/"Thị" right before: a person's ("Lâm Thị Huệ", not Huế)."""
        return (
            k >= 2
            and self._word(k - 1) in _MIDDLE_NAMES
            and self._extends(k - 1, k, flags)
            and self._word(k - 2) in self.lex.surnames
            and self._extends(k - 2, k - 1, flags)
        )

    def _named_here(self, k: int) -> bool:
        """Word ``k`` starts a name: after a name cue that names no pet ("e là Bảo Trân", not
        "con chó tên Bông"), or right after a phone number ("nhắn 0911 620 385 Hằng")."""
        start = self.words[k][0]
        cue = self._name_cue(start)
        if cue is not None:
            return not self._animal_before(cue.start())
        text = self.view.text
        return (start - 1 in self.phone_ends and text[start - 1] in " -–") or (
            start - 2 in self.phone_ends and text[start - 2 : start] == " ("
        )

    def _pet_named(self, run: list[int]) -> bool:
        """The run follows a name cue that names an animal in the same sentence ("con mèo mướp
        tên …"); a full name is a person's all the same."""
        cue = self._name_cue(self.words[run[0]][0])
        if cue is None or (len(run) >= 3 and self._word(run[0]) in self.lex.surnames):
            return False
        return self._animal_before(cue.start())

    def _animal_before(self, cue_start: int) -> bool:
        """An animal word in the 30 characters before a name cue, in the cue's sentence."""
        cmp = self.view.cmp
        start = max(0, cue_start - 30)
        start = max([start] + [m.end() for m in _SENTENCE_END.finditer(cmp, start, cue_start)])
        return _PET_BEFORE[self.view.ascii].search(cmp, start, cue_start) is not None

    def _breed_after(self, k: int) -> bool:
        """A breed follows word ``k`` in its sentence ("bé Milo, giống Poodle")."""
        return _BREED_AFTER.match(self.view.plain, self.words[k][1]) is not None

    def _contact_before_phone(self, run: list[int]) -> bool:
        """One or two capitalised words between a contact word and a phone number: "liên hệ
        Quân 0367 …", "Liên hệ môi giới Thúy Tiên 0896 …", "add zalo Heo 07 99 …"."""
        start, end = self.words[run[0]][0], self.words[run[-1]][1]
        gap = _TO_PHONE.match(self.view.text, end)
        if len(run) > 2 or gap is None or gap.end() not in self.phone_starts:
            return False
        return any(
            kind == "phone"
            and 0 <= start - cue_end <= 24
            and _LOWERCASE_GAP.fullmatch(self.view.text, cue_end, start) is not None
            for _, cue_end, kind in self.view.cues(self.lex)
        )

    def _contact_named(self, run: list[int]) -> bool:
        """A contact named right after a phone cue, the number further on: "liên hệ Hào nha,
        mình nhặt được ở …, sđt 0961 …", "gọi chị Lan nhé: 09…"."""
        if len(run) > 2 or not self.phone_starts:
            return False
        start, end = self.words[run[0]][0], self.words[run[-1]][1]
        if _PARTICLE_AFTER.match(self.view.plain, end) is None:
            return False
        if not any(s >= end for s in self.phone_starts):
            return False
        return any(
            kind == "phone" and 0 <= start - cue_end <= 1
            for _, cue_end, kind in self.view.cues(self.lex)
        )

    def _name_cue(self, start: int) -> re.Match[str] | None:
        """The name cue ending right before ``start`` ("mẹ tên …", "tôi là …"), if any."""
        return self.lex.name_cue.search(self.view.plain, max(0, start - 40), start)

    def _named(self, start: int) -> bool:
        """A name cue before ``start`` that does not name a thing ("mang tên …", "đổi tên …")."""
        cue = self._name_cue(start)
        return cue is not None and not _THING_NAMED.search(
            self.view.plain, max(0, cue.start() - 6), cue.start()
        )

    def _spaced(self, first: int, last: int) -> bool:
        text, words = self.view.text, self.words
        return all(text[words[k][1] : words[k + 1][0]] == " " for k in range(first, last))

    def _extends(self, k: int, neighbour: int, flags: list[bool]) -> bool:
        """Word ``k`` continues the capitalised run of ``neighbour`` and is no place itself."""
        if not 0 <= k < len(self.words) or flags[k] or not self._is_title_case(k):
            return False
        word = self._cmp(k)
        if word in self.lex.not_names or word in self.lex.markers[self.view.ascii].single:
            return False
        return self._spaced(min(k, neighbour), max(k, neighbour))

    def _is_title_case(self, k: int) -> bool:
        w = self.view.text[self.words[k][0] : self.words[k][1]]
        return w[0].isupper() and (len(w) == 1 or w[1:].islower())

    def _runs(self) -> Iterable[list[int]]:
        run: list[int] = []
        for k in range(len(self.words)):
            ok = not self.place[k] and self._is_title_case(k)
            joined = run and self.view.text[self.words[run[-1]][1] : self.words[k][0]] == " "
            if ok and (not run or joined):
                run.append(k)
                continue
            if run:
                yield run
            run = [k] if ok else []
        if run:
            yield run

    def _word(self, k: int) -> str:
        a, b = self.words[k]
        return self.view.plain[a:b]

    def _cmp(self, k: int) -> str:
        a, b = self.words[k]
        return self.view.cmp[a:b]

    def _judge(self, run: list[int]) -> str:
        """'person', 'place', 'unknown' (ask NER) or 'none'; trims ``run`` in place."""
        titles, markers = self.lex.titles[self.view.ascii], self.lex.markers[self.view.ascii]
        titled = bool(titles.before.search(self._before(run[0], 30)))
        after = run[-1] + 1
        if (
            after < len(self.words)
            and self._spaced(run[-1], after)
            and self._cmp(run[-1]) not in titles.single  # "anh Ba con": Ba is a name
        ):
            a, b = self.words[run[-1]][0], self.words[after][1]
            rank = titles.before.search(self.view.cmp[a:b])
            if rank is not None and rank.start() == 0:
                return "none"  # the first word of a title: "Trung tá Võ Thành Đạt"
        while run:
            word = self._cmp(run[0])
            if (
                word in markers.single
                and not titled
                and self._leading_marker(word)
                and not self._family_and_middle(run)
            ):
                return "place"
            if self._full_name_from(run, 0):
                break  # a family name that is also a title: "Ông Văn Thanh", "Phó Thị Hạnh"
            if word in titles.single and not (titled and len(run) == 1):
                if _SHOP_BEFORE[self.view.ascii].search(self._before(run[0], 30)):
                    return "none"  # "bánh mì Cô Ba": a shop's name
                titled = True
            elif word not in self.lex.not_names or (
                word not in markers.single and self._full_name_from(run, 0)
            ):
                break
            run.pop(0)
        make = _MAKE_BEFORE.search(self._before(run[0], 15)) if run else None
        if make and (make.group(1) != "kia" or self._before_text(run[0], 15)[make.start()] == "K"):
            return "none"  # a model after its make; "Kia" capitalised (not "kìa")
        if run and (self._pet_named(run) or self._breed_after(run[-1])):
            return "none"  # "con mèo mướp tên Bông", "bé Milo, giống Poodle": a pet's name
        # a full name keeps its family, middle and two given names; after a name cue, two words
        # ("e là Bảo Trân")
        named = bool(run) and (
            self._named_here(run[0]) or self._contact_before_phone(run) or self._contact_named(run)
        )
        cued = named and self._name_cue(self.words[run[0]][0]) is not None
        full = 4 if self._full_name_from(run, 0) else 2 if cued else 0
        if titled and run and self._word(run[0]) in self.lex.surnames and len(run) <= 4:
            full = len(run)  # "bác sĩ Lam Chi Thanh": "Chi" is no "chị" here
        cut = next(
            (i for i, k in enumerate(run) if i >= full and self._cmp(k) in self.lex.not_names),
            len(run),
        )
        del run[cut:]
        if len(run) > 5:
            return "unknown"
        if not run or (len(run) == 1 and self.words[run[0]][1] - self.words[run[0]][0] == 1):
            return "none"
        start = self.words[run[0]][0]
        if named:
            return "person"
        if _ADDRESS_NUMBER_BEFORE.search(self.view.plain[max(0, start - 24) : start]):
            return "place"  # "hẻm 12 Dương Văn Cam", "12/3 Lê Văn Việt": a street
        before = self._before(run[0], 40)
        title, marker = titles.before.search(before), markers.before.search(before)
        if marker and not (title and title.start() <= marker.start()):
            return "place"
        if titled or title:
            return "person"
        if len(run) >= 3 and self._word(run[0]) in self.lex.surnames:
            return "person"
        if len(run) == 1 and _clause_initial(self.view.cmp, start):
            return "none"
        return "unknown"

    def _full_name_from(self, run: list[int], i: int) -> bool:
        """``run[i]`` is a family name and ``run[i + 1]`` "Văn"/"Thị" before a given name: a full
        name, even where a word of it is also an everyday one ("Huỳnh Văn Sáng", "Từ Thị Kim
        Chi")."""
        return (
            i + 2 < len(run)
            and (self._word(run[i]) in self.lex.surnames or self._word(run[i]) in _TITLE_SURNAMES)
            and self._word(run[i + 1]) in _MIDDLE_NAMES
        )

    def _before(self, k: int, width: int) -> str:
        start = self.words[k][0]
        return self.view.cmp[max(0, start - width) : start]

    def _before_text(self, k: int, width: int) -> str:
        """``_before`` as written (same length: the views keep one character for one)."""
        start = self.words[k][0]
        return self.view.text[max(0, start - width) : start]

    def _family_and_middle(self, run: list[int]) -> bool:
        """A family name that is also a place word, then "Văn"/"Thị" and a given name: a
        person ("Khúc Thị Bích Vân", not "khúc" the stretch of a road)."""
        return (
            len(run) >= 3
            and not self.view.ascii  # bare, "Duong Van Cao" may be the street
            and self._cmp(run[0]) in self.lex.written_surnames
            and self._word(run[1]) in _MIDDLE_NAMES
        )

    def _leading_marker(self, word: str) -> bool:
        """'Đường' opening a run marks a place; typed without diacritics, 'Duong' may be a name."""
        return not self.view.ascii or word not in self.lex.surnames

    def _candidate(self, run: list[int], source: str) -> Candidate:
        start, end = self.words[run[0]][0], self.words[run[-1]][1]
        while (tail := _NAME_TAIL.match(self.view.text, end)) and (
            tail.group()[0] == "'" or tail.group().islower()
        ):
            end = tail.end()
        return Candidate(self.view.span("person", start, end, source), 2 if source == "rule" else 1)

    def _glued_vocative(self) -> Iterable[Candidate]:
        """A name opening a chat with "ơi"/"nha" typed onto it: "Vyơi mai t ghé", "Hưngnha
        mai 7h qua rước t". The name has a vowel and does not end in "ư" ("Tươi" is a word)."""
        m = _GLUED_VOCATIVE.match(self.view.text)
        if m is None:
            return
        stem = m.group(1)
        plain = strip_diacritics(stem.lower())
        if not any(c in "aeiouy" for c in plain):
            return  # "Chơi", "Bơi": a word
        if stem[-1] in "ưừứửữự" or stem.lower() in self.lex.not_names:
            return
        if plain == "troi":
            return  # "Trờiơi": an exclamation
        if stem.lower() in self.lex.titles[False].single or plain in self.lex.titles[True].single:
            return
        yield Candidate(self.view.span("person", m.start(1), m.end(1), "rule"), 2)

    def _answer_before_phone(self) -> Iterable[Candidate]:
        """A chat answer to "name and phone?" that is just that: "Lan 0934.215.870 ạ", "dạ Mai
        0703818462, nhà em ở …": one or two capitalised words opening the text, then a phone."""
        m = _ANSWER_NAME.match(self.view.text)
        if m is None or _TO_PHONE.match(self.view.text, m.end(1)).end() not in self.phone_starts:
            return
        words = strip_diacritics(m.group(1).lower()).split()
        lex = self.lex
        if any(w in lex.not_names or w in lex.titles[True].single for w in words) or any(
            w.lower() in lex.not_names or w.lower() in lex.titles[False].single
            for w in m.group(1).split()
        ):
            return
        if self._cue_word(m.start(1), m.end(1)):
            return  # "Hotline 0934 …", "Zalo 09…"
        yield Candidate(self.view.span("person", m.start(1), m.end(1), "rule"), 2)

    def _lowercase_answer_before_phone(self) -> Iterable[Candidate]:
        """A chat answer that is a full name in lowercase, then a phone: "dạ nguyễn thị hoa
        0903 …", "le van an, 0903 …": a family name, "văn"/"thị", one or two given names (the
        middle name is what tells a name from words: "do mat nuoc, 09…" is none)."""
        for pattern in _LOWER_ANSWER_NAME:
            m = pattern.match(self.view.text)
            if m is None or m.end() not in self.phone_starts:
                continue
            words = strip_diacritics(m.group(1)).split()
            if words[0] not in self.lex.lowercase_surnames or words[1] not in _MIDDLE_NAMES:
                continue
            if any(w in self.lex.not_names for w in words[2:]):
                continue
            if not self._cue_word(m.start(1), m.end(1)):
                yield Candidate(self.view.span("person", m.start(1), m.end(1), "rule"), 2)
                return

    def _shouted_title_before_phone(self) -> Iterable[Candidate]:
        """In capitals, a title, one or two words and a phone: "LIÊN HỆ CHỊ HOA 0912 …", "GỌI
        ANH BA ZALO 0903 …". Shouting hides which words are names; the title and the number
        on either side say it."""
        text, words, lex, shouted = self.view.text, self.words, self.lex, self._shouted
        for k in range(len(words) - 1):
            if not shouted(k) or self._cmp(k) not in lex.titles[self.view.ascii].single:
                continue
            for n in (1, 2):
                name = list(range(k + 1, min(k + 1 + n, len(words))))
                if len(name) < n or not all(shouted(j) for j in name):
                    break
                if not self._spaced(k, name[-1]) or any(
                    self.place[j] or self._cmp(j) in lex.not_names
                    or self._word(j) in _NOT_AFTER_TITLE
                    or (j == name[0] and self._cmp(j) in lex.titles[self.view.ascii].single)
                    for j in name
                ):  # fmt: skip
                    break
                start, end = words[name[0]][0], words[name[-1]][1]
                if _TO_PHONE.match(text, end).end() in self.phone_starts:
                    if not self._cue_word(start, end):
                        yield Candidate(self.view.span("person", start, end, "rule"), 2)
                    break

    def _shouted(self, k: int) -> bool:
        """Word ``k`` is in capitals and longer than a letter ("HOA", "TRẦN", not "A")."""
        a, b = self.words[k]
        return b - a > 1 and self.view.text[a:b].isupper()

    def _cue_word(self, start: int, end: int) -> bool:
        """A cue word ("hotline", "zalo", "sđt" …) overlaps ``start:end``."""
        return any(s < end and e > start for s, e, _ in self.view.cues(self.lex))

    def _lowercase_names(self) -> Iterable[Candidate]:
        """'toi ten la nguyen van an', 'Họ tên: TRẦN THỊ BÍCH': a cue, a surname, up to 3 more."""
        text, plain = self.view.text, self.view.plain
        for m in self.lex.name_cue_any.finditer(plain):
            pos, taken = m.end(), []
            for w in WORD.finditer(plain, pos):
                written = text[w.start() : w.end()]
                cased = written.islower() or (written.isupper() and len(written) > 1)
                if w.start() != pos or len(taken) == 4 or not cased:
                    break
                # in capitals after a cue, every word is the name ("chủ tài khoản DƯƠNG VĂN
                # TRỌNG", "ten chu TK LAM THANH DAT"), even one that is also an everyday word,
                # up to a cue word in shouted text ("TÊN LÂM QUỐC BẢO GỌI TỪ SỐ …")
                capitals = written.isupper() and len(written) > 1
                if capitals and taken and self._cue_word(w.start(), w.end()):
                    break
                if taken and capitals != text[taken[0].start() : taken[0].end()].isupper():
                    break
                surnames = self.lex.surnames if capitals else self.lex.lowercase_surnames
                if not taken and w.group() not in surnames:
                    break
                given = len(taken) == 2 and taken[1].group() in _MIDDLE_NAMES  # "ĐINH VĂN LỰC"
                if (
                    w.group() in self.lex.stopwords
                    and not capitals
                    and not (
                        given
                        or (len(taken) >= 2 and re.match(r"\s*(?:[,.;:!?)]|$)", text[w.end() :]))
                    )
                ):
                    break
                taken.append(w)
                pos = w.end() + 1 if text[w.end() : w.end() + 1] == " " else -1
            if len(taken) >= 2:
                span = self.view.span("person", taken[0].start(), taken[-1].end(), "rule")
                yield Candidate(span, 2)

    def _capital_full_names(self) -> Iterable[Candidate]:
        """A full name in capitals inside text that is not: a family name, "VĂN"/"THỊ" and one
        to three given names ("STK … Vietcombank (PHAM THI NGOC HAN)", "ông PHÙNG VĂN TẤN"),
        or after a title or a name cue a family name and one to three given names ("Bà LÂM
        NGỌC HÀ", "ÔNG TRẦN QUỐC BẢO", "Người gửi: HỨA MINH TÂM"), with no capitals on either
        side (a shouted sentence is no name: "TIỀN LẠI VẪN …") and no known place in it ("HẺM
        12 ĐẶNG VĂN BI")."""
        text, words = self.view.text, self.words
        titles = self.lex.titles[self.view.ascii]
        capitals = self._shouted
        k = 0
        while k < len(words):
            run = [k]
            while capitals(run[-1]) and run[-1] + 1 < len(words):
                a = words[run[-1] + 1][0]
                if text[words[run[-1]][1] : a] != " " or not capitals(run[-1] + 1):
                    break
                run.append(run[-1] + 1)
            # typed without marks (in any text: "vcb NGUYEN THI TUYET MAI"), or with them
            plain = text[words[k][0] : words[run[-1]][1]].isascii()
            form = self._word if plain else self._cmp
            middle = _MIDDLE_NAMES if plain else _MIDDLE_NAMES_WRITTEN
            surnames = self.lex.surnames if plain else self.lex.written_surnames
            k = run[-1] + 1
            if len(run) < 2 or not capitals(run[0]) or (run[0] > 0 and capitals(run[0] - 1)):
                continue
            name = run
            # a title in capitals opening the run: "ÔNG TRẦN QUỐC BẢO"
            if len(run) >= 3 and self._cmp(run[0]) in titles.single and form(run[1]) in surnames:
                name = run[1:]
            first = name[0]
            if form(first) not in surnames or any(self.place[j] for j in name):
                continue
            if (3 <= len(name) <= 5 and form(first + 1) in middle) or (
                2 <= len(name) <= 4
                and (
                    name is not run
                    or titles.before.search(self._before(run[0], 30))
                    or self._named(words[run[0]][0])
                )
            ):
                yield self._candidate(name, "rule")

    def _ner_names(self, unexplained: list[tuple[int, int]]) -> Iterable[Candidate]:
        windows = self._ner_windows(unexplained)
        self.detector.texts_with_ner += bool(windows)
        for w_start, w_end in windows:
            tagged = self.detector._tag(self.view.text[w_start:w_end])
            for a, b in _aligned_entities(self.view.plain, w_start, w_end, tagged, "PER"):
                run = [k for k, (ws, we) in enumerate(self.words) if a <= ws and we <= b]
                run = [k for k in run if not self.place[k] and self._is_title_case(k)]
                contiguous = run and run == list(range(run[0], run[-1] + 1))
                if contiguous and self._judge(run) in ("person", "unknown") and run:
                    yield self._candidate(run, "ner")

    def _ner_windows(self, unexplained: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Short stretches of their sentences around the unexplained runs, merged, at most a few.

        NER time grows with the text it reads, so it reads ~40 characters on each side of a
        run, never a whole long post; a capitalised run longer than a name is a heading.
        """
        text = self.view.text
        sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
        windows: list[tuple[int, int]] = []
        for a, b in unexplained:
            if b - a > _NER_CONTEXT:
                continue
            s_start, s_end = next(((s, e) for s, e in sentences if s <= a and b <= e), (a, b))
            start = text.rfind(" ", s_start, max(s_start, a - _NER_CONTEXT)) + 1 or s_start
            end = text.find(" ", min(s_end, b + _NER_CONTEXT), s_end)
            end = s_end if end == -1 else end
            if windows and start <= windows[-1][1] and end - windows[-1][0] <= 3 * _NER_CONTEXT:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            elif windows and start < windows[-1][1]:
                windows.append((windows[-1][1], end))
            else:
                windows.append((start, end))
        return windows[:_MAX_NER_WINDOWS]


def _aligned_entities(
    plain: str, start: int, end: int, tagged: list[tuple[str, str]], label: str
) -> Iterable[tuple[int, int]]:
    """Character spans of ``label`` entities; tokens are found again in the plain text."""
    pos, current = start, None
    for token, tag in tagged:
        syllables = strip_diacritics(token.lower()).split()
        if not syllables:
            continue
        pattern = r"\s+".join(map(re.escape, syllables))
        m = re.compile(pattern).search(plain, pos, end)
        if m is None:
            continue
        pos = m.end()
        if tag == f"B-{label}" or (tag == f"I-{label}" and current is None):
            if current is not None:
                yield current
            current = (m.start(), m.end())
        elif tag == f"I-{label}" and current is not None:
            current = (current[0], m.end())
        elif current is not None:
            yield current
            current = None
    if current is not None:
        yield current


def _clause_initial(cmp: str, start: int) -> bool:
    """At the start, after punctuation, an emoji, a hashtag or a call ("Ad ơi Mất điện")."""
    before = cmp[max(0, start - 30) : start].rstrip()
    if not before or not before[-1].isalnum() or before.endswith(("ơi", " oi")):
        return True
    return before.split()[-1].startswith("#")
