"""Duplicate candidates on a real SQLite store with hand-made vectors (no model needed)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from core.text import fold
from core.types import LOCAL_TZ, Annotation, FeedbackStatus, Place, TextInput
from services.annotation import annotate_one
from services.duplicates import (
    DuplicateFinder,
    DuplicateSettings,
    different_alleys,
    street_key,
    street_named_in,
)
from stores.sql.db import Database
from stores.sql.feedback_store import SqlFeedbackStore
from tests.factories import annotation, feedback_in

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=LOCAL_TZ)


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


MODEL = "lexical-char-hash-1024/places-blanked"  # the longest names reach 60 characters
FLOOD = unit(1, 0.1, 0)
FLOOD_AGAIN = unit(1, 0.12, 0.02)
NOISE = unit(0, 0, 1)


@pytest.fixture
def store(sqlite_db: Database) -> SqlFeedbackStore:
    return SqlFeedbackStore(sqlite_db)


def add(store: SqlFeedbackStore, mid: str, vec: np.ndarray, ward: str | None, street: str | None,
        at: datetime, text: str = "Đường ngập", category: str = "thoat_nuoc",
        confidence: float = 0.9) -> int:  # fmt: skip
    fid = store.add(feedback_in(mid, text=text, received_at=at)).feedback.id
    ann = replace(annotation(category, confidence, ward), place=Place(ward=ward, street=street),
                  embedding=vec, embedding_model=MODEL, redacted_text=text)  # fmt: skip
    store.save_annotation(fid, ann, FeedbackStatus.ROUTED, "system:router")
    return fid


def test_same_incident_same_ward_within_the_window_is_a_candidate(store: SqlFeedbackStore) -> None:
    first = add(store, "a", FLOOD, "Hiệp Bình", None, T0)
    new = add(store, "b", FLOOD_AGAIN, "Hiệp Bình", None, T0 + timedelta(hours=5))
    [(cid, score)] = DuplicateFinder(store).candidates(store.get(new), FLOOD_AGAIN)
    assert cid == first and score > 0.99


@pytest.mark.parametrize(
    ("vec", "ward", "street", "hours", "why"),
    [
        (FLOOD_AGAIN, "Linh Xuân", None, 5, "another ward: shared words are not the same incident"),
        (FLOOD_AGAIN, "Hiệp Bình", None, 100, "outside the time window"),
        (NOISE, "Hiệp Bình", None, 5, "different meaning"),
        (FLOOD_AGAIN, None, None, 5, "no place known"),
    ],
)
def test_not_a_candidate(store: SqlFeedbackStore, vec: np.ndarray, ward: str | None,
                         street: str | None, hours: int, why: str) -> None:  # fmt: skip
    add(store, "a", FLOOD, "Hiệp Bình", None, T0)
    new = add(store, "b", vec, ward, street, T0 + timedelta(hours=hours))
    assert DuplicateFinder(store).candidates(store.get(new), vec) == [], why


def test_two_streets_of_one_ward_are_two_places(store: SqlFeedbackStore) -> None:
    add(store, "a", FLOOD, "Hiệp Bình", "Kha Vạn Cân", T0)
    other = add(store, "b", FLOOD_AGAIN, "Hiệp Bình", "Hiệp Bình", T0 + timedelta(hours=1))
    assert DuplicateFinder(store).candidates(store.get(other), FLOOD_AGAIN) == []
    first = add(store, "c", FLOOD, "Linh Xuân", "Kha Vạn Cân", T0)
    # one report names no street: the ward alone says it is the same place
    new = add(store, "d", FLOOD_AGAIN, "Linh Xuân", None, T0 + timedelta(hours=1))
    assert [c for c, _ in DuplicateFinder(store).candidates(store.get(new), FLOOD_AGAIN)] == [first]


OUTAGE = unit(1, 0.3, 0.2)  # "Hẻm 102 Nguyễn Xiển: mất điện từ 7 giờ sáng"
OUTAGE_OTHER = unit(1, 0.32, 0.45)  # "Hẻm 102 Nguyễn Xiển: mất nước từ 7 giờ sáng", cosine ≈ 0.97


@pytest.mark.parametrize(
    ("category", "confidence", "linked"),
    [
        ("cap_nuoc", 0.9, False),  # read alike, surely routed apart: two problems
        ("cap_nuoc", 0.4, True),  # the router is unsure of one: the wording decides
        ("dien", 0.9, True),  # one category
    ],
)
def test_one_wording_surely_routed_to_two_categories_is_two_problems(
    store: SqlFeedbackStore, category: str, confidence: float, linked: bool
) -> None:
    first = add(store, "a", OUTAGE, "Long Bình", None, T0, category="dien", confidence=0.95)
    new = add(store, "b", OUTAGE_OTHER, "Long Bình", None, T0 + timedelta(hours=1),
              category=category, confidence=confidence)  # fmt: skip
    found = DuplicateFinder(store).candidates(store.get(new), OUTAGE_OTHER)
    assert [c for c, _ in found] == ([first] if linked else [])


@pytest.mark.parametrize(
    ("written", "other"),
    [
        ("Đường số 17", "duong 17"),
        ("đường Số 9", "so 9"),
        ("QL13", "Quốc lộ 13"),
        ("ql.13", "quoc lo 13"),
        ("TL 43", "Tỉnh lộ 43"),
        ("đường Võ Văn Ngân", "VO VAN NGAN"),
        ("Đại lộ Mai Chí Thọ", "mai chi tho"),
    ],
)
def test_one_street_however_written(written: str, other: str) -> None:
    assert street_key(written) == street_key(other)


@pytest.mark.parametrize(
    ("street", "other"),
    [("Đường số 17", "Đường số 7"), ("QL13", "QL1K"), ("Võ Văn Ngân", "Võ Văn Hát"), ("D1", "D2")],
)
def test_other_streets_stay_apart(street: str, other: str) -> None:
    assert street_key(street) != street_key(other)


def test_only_vectors_of_the_finders_model_are_compared(store: SqlFeedbackStore) -> None:
    fid = store.add(feedback_in("old", received_at=T0)).feedback.id
    old = replace(annotation(ward="Hiệp Bình"), embedding=unit(1, 0, 0, 0), embedding_model="old")
    store.save_annotation(fid, old, FeedbackStatus.ROUTED, "system:router")  # another length
    first = add(store, "a", FLOOD, "Hiệp Bình", None, T0)
    new = add(store, "b", FLOOD_AGAIN, "Hiệp Bình", None, T0 + timedelta(hours=1))
    finder = DuplicateFinder(store, model=MODEL)
    assert [c for c, _ in finder.candidates(store.get(new), FLOOD_AGAIN)] == [first]
    similar = finder.similar(store.get(new), FLOOD_AGAIN, "thoat_nuoc")
    assert [c.reference for c in similar] == [store.get(first).reference]


@pytest.mark.parametrize(
    ("ward", "text"),
    [
        (None, "lo lu truong thanh chieu nao cung dot rac, khoi den ngun nghut"),
        ("Long Phước", "Lò Lu chiều nào cũng đốt rác, khói đen"),
        (None, "Chiều nào cũng có nhà đốt rác trên đường Lò Lu 😤"),
    ],
)
def test_a_report_that_names_an_earlier_ones_street_is_at_its_place(
    store: SqlFeedbackStore, ward: str | None, text: str
) -> None:
    """The later report's own street was not found (or it names only a ward), but its text
    names the street of the earlier one, whose ward is not known."""
    first = add(store, "a", FLOOD, None, "Lò Lu", T0, "Đốt rác trên đường Lò Lu")
    new = add(store, "b", FLOOD_AGAIN, ward, None, T0 + timedelta(hours=2), text)
    assert [c for c, _ in DuplicateFinder(store).candidates(store.get(new), FLOOD_AGAIN)] == [first]


def test_an_earlier_report_that_names_the_later_ones_street_is_at_its_place(
    store: SqlFeedbackStore,
) -> None:
    first = add(store, "a", FLOOD, None, None, T0, "to huu toi thui, bi trom cap den duong")
    new = add(store, "b", FLOOD_AGAIN, None, "Tố Hữu", T0 + timedelta(hours=2), "Tố Hữu tối om")
    assert [c for c, _ in DuplicateFinder(store).candidates(store.get(new), FLOOD_AGAIN)] == [first]


@pytest.mark.parametrize(
    ("street", "text", "named"),
    [
        ("Lò Lu", "lo lu truong thanh chieu nao cung ngap", True),
        ("Quốc lộ 13", "QL.13 doan cho Hiep Binh ket xe", False),  # initials: no match, no guess
        ("Quốc lộ 13", "quoc lo 13 doan cho ket xe", True),
        ("Đường số 8", "8 gio toi moi ngay deu ngap", False),  # a number alone is no name
        ("Hoàng Diệu 2", "hoang dieu 2 truoc so 10 vo ong", True),
        ("Hoàng Diệu 2", "hoang dieu 25 vo ong", False),
        ("Lò Lu", "lolu ngap", False),
    ],
)
def test_a_street_is_named_in_a_text_only_as_whole_words(
    street: str, text: str, named: bool
) -> None:
    assert street_named_in(street, fold(text)) is named


@pytest.mark.parametrize(
    ("text", "other", "different"),
    [
        ("Hẻm 12 Man Thiện đèn đường hư", "hem 48 Man Thien den duong hu", True),
        ("hẻm 20 Trần Não nuôi gà hôi", "hem 120 tran nao nuoi ga hoi", True),
        ("Hẻm 5/12 Lê Văn Việt ngập", "hẻm 5/14 Lê Văn Việt ngập", True),
        ("kiệt 40 Tô Ngọc Vân cúp điện", "Ngõ 41 Tô Ngọc Vân cúp điện", True),
        ("Hẻm 5/12 Lê Văn Việt ngập", "hem 5 le van viet ngap", False),  # 5/12 is in hẻm 5
        ("ngõ số 7 đường 339 mất nước", "ngo 7 duong 339 mat nuoc", False),
        ("HXH 60 Tô Ngọc Vân có mùi khét", "hẻm 60 Tô Ngọc Vân trạm biến áp kêu", False),
        ("Hẻm 12 Man Thiện đèn đường hư", "Man Thiện đèn đường hư cả tháng", False),  # one only
        ("Nhà số 12 Man Thiện", "nha so 48 Man Thien", False),  # house numbers are no alleys
    ],
)
def test_alleys_named_by_number_tell_places_apart(text: str, other: str, different: bool) -> None:
    assert different_alleys(fold(text), fold(other)) is different


def test_two_alleys_of_one_street_are_two_places(store: SqlFeedbackStore) -> None:
    first = add(store, "a", FLOOD, None, "Man Thiện", T0, "Hẻm 12 Man Thiện đèn đường hư")
    other = add(store, "b", FLOOD_AGAIN, None, "Man Thien", T0 + timedelta(hours=1),
                "hem 48 Man Thien den duong hu ca thang")  # fmt: skip
    assert DuplicateFinder(store).candidates(store.get(other), FLOOD_AGAIN) == []
    same = add(store, "c", FLOOD_AGAIN, None, "Man Thien", T0 + timedelta(hours=2),
               "hem 12 man thien toi thui")  # fmt: skip
    found = DuplicateFinder(store).candidates(store.get(same), FLOOD_AGAIN)
    assert [c for c, _ in found] == [first]


def test_same_street_counts_when_a_ward_is_unknown(store: SqlFeedbackStore) -> None:
    first = add(store, "a", FLOOD, None, "Kha Vạn Cân", T0)
    new = add(store, "b", FLOOD_AGAIN, None, "kha van can", T0 + timedelta(hours=1))
    assert [c for c, _ in DuplicateFinder(store).candidates(store.get(new), FLOOD_AGAIN)] == [first]


def test_closed_reports_are_not_candidates(store: SqlFeedbackStore) -> None:
    first = add(store, "a", FLOOD, "Hiệp Bình", None, T0)
    store.change_status(first, FeedbackStatus.REJECTED, "staff", "spam")
    new = add(store, "b", FLOOD_AGAIN, "Hiệp Bình", None, T0 + timedelta(hours=1))
    assert DuplicateFinder(store).candidates(store.get(new), FLOOD_AGAIN) == []


def test_at_most_the_best_few_candidates(store: SqlFeedbackStore) -> None:
    for i in range(5):
        add(store, f"a{i}", FLOOD, "Hiệp Bình", None, T0 + timedelta(minutes=i))
    new = add(store, "b", FLOOD_AGAIN, "Hiệp Bình", None, T0 + timedelta(hours=1))
    finder = DuplicateFinder(store, DuplicateSettings(max_candidates=2))
    assert len(finder.candidates(store.get(new), FLOOD_AGAIN)) == 2


class _VectorPipeline:
    """Annotates with a fixed ward and a vector chosen by the text (no model)."""

    def __init__(self, vectors: dict[str, np.ndarray]) -> None:
        self.vectors = vectors

    def warm_up(self) -> None: ...

    def annotate(self, item: TextInput) -> Annotation:
        base = annotation(ward="Hiệp Bình")
        return replace(base, embedding=self.vectors[item.text], embedding_model="fake")

    def annotate_batch(self, items: Sequence[TextInput]) -> list[Annotation]:
        return [self.annotate(i) for i in items]


def test_annotation_step_proposes_duplicates_and_records_similar_cases(
    store: SqlFeedbackStore,
) -> None:
    pipeline = _VectorPipeline({"ngập lần 1": FLOOD, "ngập lần 2": FLOOD_AGAIN, "karaoke": NOISE})
    finder = DuplicateFinder(store)
    ids = []
    for i, text in enumerate(["ngập lần 1", "karaoke", "ngập lần 2"]):
        fid = store.add(
            feedback_in(f"m{i}", text=text, received_at=T0 + timedelta(hours=i))
        ).feedback.id
        assert annotate_one(store, pipeline, fid, 0.5, finder)
        ids.append(fid)
    [candidate] = store.duplicate_candidates(ids[2])
    assert candidate.candidate_id == ids[0]
    similar = store.get(ids[2]).annotation["similar_cases"]  # type: ignore[index]
    assert similar[0]["reference"] == store.get(ids[0]).reference
    assert similar[0]["category"] == "thoat_nuoc"
    assert store.duplicate_candidates(ids[1]) == []
