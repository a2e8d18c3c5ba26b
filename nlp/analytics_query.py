"""Officials' analytics questions as a structured query (issue 6): metric, filters, period.

The analytics service answers "tuần này Hiệp Bình có mấy phản ánh ngập?" from a query, not from
text; rules give that query, because every slot is either named in the question or absent, and
a wrong guess would give a wrong number. Everything is matched on the text folded to lowercase
without diacritics, so "thang nay" and "tháng này" are one question.

Slots, only those found:

* ``metric``: ``sentiment`` (how negative/positive, also its percentage) > ``overdue`` >
  ``top_wards`` > ``top_categories`` > ``trend`` (compares periods, a direction) > ``share``
  (part of one category, ward or channel in all feedback) > ``count``.
* ``category`` (code, by the NLU lexicon's keywords), ``ward`` (canonical, from current and
  former names; "Thủ Đức" only after "phường", since alone it is the former city),
  ``channel`` (telegram, zalo, web, api, social).
* ``period``: a keyword (``this_month``) or ``YYYY-MM-DD..YYYY-MM-DD`` for named months,
  quarters, years, dates and "từ … đến …"; a named month or quarter after ``today`` is last
  year's. The period compared with ("so với tháng trước") is not the period.
* ``comparison``: ``previous_period``, or ``same_period_last_year`` for "cùng kỳ".

    >>> parse_analytics("Hiệp Bình tháng 10 có mấy phản ánh?", date(2025, 11, 20), ref)
    {'metric': 'count', 'ward': 'Hiệp Bình', 'period': '2025-10-01..2025-10-31'}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.reference import ReferenceData
from nlp.nlu_slots import CategoryMatcher, PhraseMatcher, fold, load_lexicon
from nlp.normalize import normalize, strip_diacritics

_METRIC_CUES: tuple[tuple[str, str], ...] = (
    (
        "sentiment",
        r"tieu cuc|tich cuc|cam xuc|hai long|buc xuc|buc boi|gay gat|tuc gian"
        r"|tam trang|thai do (cua )?nguoi dan|khen ngoi|loi khen|phan no|sentiment",
    ),
    ("overdue", r"qua han|tre han|tre hen|cham tre|cham xu ly|ton dong|dung han|het han"),
    (
        "top_wards",
        r"phuong nao|dia ban nao|khu vuc nao|theo phuong|tung phuong|cac phuong"
        r"|xep hang (cac )?phuong|top \d+ phuong|(\d+|nhung) phuong (co )?nhieu",
    ),
    (
        "top_categories",
        r"linh vuc nao|loai nao|van de nao|nhom nao|chu de nao|ve gi nhieu"
        r"|cai gi nhieu|theo linh vuc|tung linh vuc|cac linh vuc|xep hang (cac )?linh vuc"
        r"|top \d+ (linh vuc|van de|loai)|(\d+|nhung) (linh vuc|van de) (co )?nhieu",
    ),
    (
        "trend",
        r"xu huong|so voi|so sanh|tang hay giam|tang giam|bien dong|dien bien"
        r"|tang len|giam xuong|tang bao nhieu|giam bao nhieu|qua cac (thang|tuan)"
        r"|theo tung (thang|tuan|ngay)",
    ),
    ("share", r"ty le|ti le|phan tram|\d+ ?%|bao nhieu %|chiem"),
    ("count", r"bao nhieu|\bmay\b|so luong|tong so|thong ke|\bdem\b|bao cao|so phan anh"),
)
_METRICS = tuple((m, re.compile(rf"(?<![a-z0-9])(?:{p})(?![a-z0-9])")) for m, p in _METRIC_CUES)
_CHANNELS = (
    ("telegram", ("telegram", "tele")),
    ("zalo", ("zalo",)),
    ("web", ("web", "website", "trang web", "cổng thông tin", "cổng dịch vụ", "cổng web")),
    ("api", ("api",)),
    ("social", ("mạng xã hội", "mxh", "facebook", "fb", "tiktok")),
)
# Phrases that look like a category keyword but are not one in an analytics question.
_NOT_CATEGORY = (
    "diễn biến", "tăng trưởng", "ba mươi", "hai mươi", "mười ngày", "tháng mười", "đạt",
    "tổng đài", "dịch vụ", "cán bộ xử lý",
)  # fmt: skip
_COMPARE = re.compile(
    r"(?<![a-z0-9])(?:so voi|voi|hay) (?:cung ky(?: nam (?:ngoai|truoc))?"
    r"|(?:thang|tuan|quy|nam|ky) (?:truoc|ngoai|roi)|hom qua|thang \d{1,2}|quy \d|nam \d{4})"
)
_COMPARES = re.compile(r"(?<![a-z0-9])(?:so voi|so sanh|tang hay giam|tang giam)(?![a-z0-9])")


@dataclass(frozen=True)
class _Matchers:
    reference: ReferenceData
    categories: CategoryMatcher
    wards: PhraseMatcher
    channels: PhraseMatcher


_cache: list[_Matchers] = []


def _matchers(reference: ReferenceData) -> _Matchers:
    """Built once per reference object (the category table compiles a large pattern)."""
    if _cache and _cache[0].reference is reference:
        return _cache[0]
    names = [(w.name, w.name) for w in reference.wards if fold(w.name) != "thu duc"]
    names += [(f.name, w.name) for w in reference.wards for f in w.former_wards]
    thu_duc = [w.name for w in reference.wards if fold(w.name) == "thu duc"]
    names += [(f"{head} {w}", w) for w in thu_duc for head in ("phường", "p", "f")]
    names += [(f"{head} thủ đức", None) for head in ("tp", "thành phố", "quận", "q")]
    channels = [(p, code) for code, phrases in _CHANNELS for p in phrases]
    hidden = [n for n, _ in names] + [p for p, _ in channels] + list(_NOT_CATEGORY)
    matchers = _Matchers(
        reference,
        load_lexicon().categories(hidden),
        PhraseMatcher(names),
        PhraseMatcher(channels),
    )
    _cache[:] = [matchers]
    return matchers


def parse_analytics(text: str, today: date, reference: ReferenceData) -> dict[str, str]:
    """The slots of one analytics question; an empty dict when it names none."""
    folded = _fold(text)
    m = _matchers(reference)
    slots = {
        "metric": _metric(folded),
        "category": m.categories(folded),
        "ward": m.wards.first(folded),
        "period": _period(_COMPARE.sub(" ", folded), today),
        "channel": m.channels.first(folded),
        "comparison": _comparison(folded),
    }
    return {k: v for k, v in slots.items() if v}


_TOKEN = re.compile(r"[a-z0-9]+(?:[/-][a-z0-9]+)*|%")


def _fold(text: str) -> str:
    """Like ``nlu_slots.fold`` but keeping dates ("1/10") and percent signs."""
    return " ".join(_TOKEN.findall(strip_diacritics(normalize(text).lower())))


def _metric(folded: str) -> str | None:
    return next((name for name, cue in _METRICS if cue.search(folded)), None)


def _comparison(folded: str) -> str | None:
    if "cung ky" in folded:
        return "same_period_last_year"
    return "previous_period" if _COMPARES.search(folded) else None


def _span(start: date, end: date) -> str:
    return f"{start.isoformat()}..{end.isoformat()}"


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _year(word: str | None, today: date) -> int | None:
    """A year written after "năm": digits, "nay", or last year ("ngoái", "trước")."""
    if word is None:
        return None
    if word.isdigit():
        return int(word)
    return today.year if word == "nay" else today.year - 1


_YEAR_WORD = r"(?: (?:nam )?(\d{4})| nam (nay|ngoai|truoc))?"
_DATE = r"(?:ngay )?(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}))?(?![\d/])"
_PATTERNS = {
    "range": re.compile(
        rf"(?:tu|trong khoang) {_DATE} (?:(?:den|toi) )?(?:{_DATE}|(?:nay|hom nay))"
    ),
    "month": re.compile(rf"thang (\d{{1,2}})(?:/(\d{{4}}))?{_YEAR_WORD}(?![\d/])"),
    "quarter": re.compile(rf"quy (\d|iv|iii|ii|i)(?:/(\d{{4}}))?{_YEAR_WORD}(?![\da-z/])"),
    "year": re.compile(r"nam (\d{4}|ngoai|truoc|roi)(?![\d/])"),
    "date": re.compile(rf"(?<![\d/]){_DATE}"),
}
_KEYWORDS = (
    ("today", r"hom nay|trong ngay"),
    ("yesterday", r"hom qua"),
    ("this_week", r"tuan nay"),
    ("last_week", r"tuan (?:truoc|roi|qua)"),
    ("this_month", r"thang nay|tu dau thang"),
    ("last_month", r"thang (?:truoc|roi|qua)"),
    ("last_7_days", r"(?:7|bay) ngay|(?:1|mot) tuan (?:qua|gan day|vua qua|gan nhat)"),
    ("last_30_days", r"(?:30|ba muoi) ngay|(?:1|mot) thang (?:qua|gan day|vua qua|gan nhat)"),
    ("this_year", r"nam nay|tu dau nam"),
    ("this_quarter", r"quy nay"),
    ("last_quarter", r"quy (?:truoc|roi)"),
)
_KEYWORD_RE = tuple((k, re.compile(rf"(?<![a-z0-9])(?:{p})(?![a-z0-9])")) for k, p in _KEYWORDS)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _period(folded: str, today: date) -> str | None:
    """The first period named, by position; longer forms win at the same place."""
    found: list[tuple[int, int, str]] = []
    for kind, pattern in _PATTERNS.items():
        for match in pattern.finditer(folded):
            value = _READERS[kind](match, today)
            if value:
                found.append((match.start(), -len(match.group(0)), value))
    for keyword, pattern in _KEYWORD_RE:
        for match in pattern.finditer(folded):
            value = _keyword(keyword, today)
            found.append((match.start(), -len(match.group(0)), value))
    return min(found)[2] if found else None


def _keyword(keyword: str, today: date) -> str:
    """Quarters have no keyword in the query language: they become explicit ranges."""
    quarter = (today.month - 1) // 3
    if keyword == "this_quarter":
        return _quarter(today.year, quarter + 1)
    if keyword == "last_quarter":
        return _quarter(today.year - (quarter == 0), (quarter - 1) % 4 + 1)
    return keyword


def _quarter(year: int, quarter: int) -> str:
    return _span(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))


def _read_month(match: re.Match[str], today: date) -> str | None:
    month = int(match[1])
    if not 1 <= month <= 12:
        return None
    year = int(match[2]) if match[2] else _year(match[3] or match[4], today)
    if year is None:
        year = today.year - (month > today.month)
    return _span(date(year, month, 1), _month_end(year, month))


def _read_quarter(match: re.Match[str], today: date) -> str | None:
    quarter = int(match[1]) if match[1].isdigit() else _ROMAN[match[1]]
    if not 1 <= quarter <= 4:
        return None
    year = int(match[2]) if match[2] else _year(match[3] or match[4], today)
    if year is None:
        year = today.year - (date(today.year, 3 * quarter - 2, 1) > today)
    return _quarter(year, quarter)


def _read_year(match: re.Match[str], today: date) -> str:
    year = int(match[1]) if match[1].isdigit() else today.year - 1
    return _span(date(year, 1, 1), date(year, 12, 31))


def _day(day: str, month: str, year: str | None, default_year: int) -> date | None:
    try:
        return date(int(year) if year else default_year, int(month), int(day))
    except ValueError:
        return None


def _read_range(match: re.Match[str], today: date) -> str | None:
    start = _day(match[1], match[2], match[3], today.year)
    end = _day(match[4], match[5], match[6], today.year) if match[4] else today
    if start is None or end is None:
        return None
    if not match[3] and start > today:
        start = start.replace(year=start.year - 1)
    if not match[6] and match[4] and end < start:
        end = end.replace(year=end.year + 1)
    return _span(start, end)


def _read_date(match: re.Match[str], today: date) -> str | None:
    day = _day(match[1], match[2], match[3], today.year)
    if day is None:
        return None
    if not match[3] and day > today:
        day = day.replace(year=day.year - 1)
    return _span(day, day)


_READERS = {
    "range": _read_range,
    "month": _read_month,
    "quarter": _read_quarter,
    "year": _read_year,
    "date": _read_date,
}
