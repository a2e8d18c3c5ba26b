"""The queue's filter form forgives what a person typed and keeps links consistent."""

from __future__ import annotations

from datetime import date

import pytest

from api.web.filters import PAGE_SIZE, queue_form
from core.cases import OPEN_STATUSES
from core.reference import ReferenceData
from core.types import Channel, FeedbackStatus


def test_values_become_a_case_filter(reference: ReferenceData) -> None:
    form = queue_form({"status": "needs_triage", "category": "thoat_nuoc", "ward": "hiep binh",
                       "channel": "zalo", "priority": "high", "date_from": "2026-11-01",
                       "date_to": "2026-11-30", "q": " ngập ", "sort": "age", "page": "3"},
                      reference)  # fmt: skip
    f = form.filter
    assert f.statuses == (FeedbackStatus.NEEDS_TRIAGE,)
    assert (f.category, f.ward, f.channel, f.priority) == ("thoat_nuoc", "Hiệp Bình", Channel.ZALO,
                                                           "high")  # fmt: skip
    assert (f.date_from, f.date_to, f.text, f.sort) == (date(2026, 11, 1), date(2026, 11, 30),
                                                        "ngập", "age")  # fmt: skip
    assert (f.limit, f.offset, form.page, form.invalid) == (PAGE_SIZE, 2 * PAGE_SIZE, 3, [])
    assert form.values["ward"] == "Hiệp Bình"  # shown back as the canonical name


def test_empty_fields_mean_the_default_queue(reference: ReferenceData) -> None:
    form = queue_form({k: "" for k in ("status", "ward", "date_from", "q", "page")}, reference)
    assert form.filter.statuses == () and form.filter.offset == 0 and not form.invalid
    assert form.query() == ""


@pytest.mark.parametrize(
    ("params", "invalid"),
    [
        ({"ward": "Bến Nghé"}, ["ward"]),
        ({"category": "nope", "channel": "fax"}, ["category", "channel"]),
        ({"date_from": "27/11/2026"}, ["date_from"]),
        ({"date_from": "2026-11-30", "date_to": "2026-11-01"}, ["date_to"]),
        ({"status": "closed", "priority": "asap", "sort": "random"},
         ["status", "priority", "sort"]),
    ],
)  # fmt: skip
def test_a_bad_value_drops_that_filter_only(reference: ReferenceData, params, invalid) -> None:
    form = queue_form({**params, "q": "rác"}, reference)
    assert form.invalid == invalid
    assert form.filter.text == "rác"
    assert all(form.values[k] == "" for k in invalid)


def test_status_groups_and_links(reference: ReferenceData) -> None:
    assert queue_form({"status": "open"}, reference).filter.statuses == OPEN_STATUSES
    assert len(queue_form({"status": "all"}, reference).filter.statuses) == len(FeedbackStatus)
    form = queue_form({"ward": "Linh Xuân", "page": "x"}, reference)
    assert form.page == 1
    assert form.query(page=2) == "ward=Linh+Xu%C3%A2n&page=2"
