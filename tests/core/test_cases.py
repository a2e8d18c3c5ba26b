"""The queue's filter: which order a list gets when none is asked for."""

from __future__ import annotations

import pytest

from core.cases import OPEN_STATUSES, CaseFilter
from core.errors import InvalidInput
from core.types import FeedbackStatus

S = FeedbackStatus


@pytest.mark.parametrize(
    ("f", "sort", "spans_history"),
    [
        (CaseFilter(), "urgency", False),
        (CaseFilter(statuses=OPEN_STATUSES), "urgency", False),
        (CaseFilter(statuses=(S.RESOLVED,)), "newest", True),
        (CaseFilter(statuses=tuple(S)), "newest", True),
        (CaseFilter(statuses=tuple(S), sort="urgency"), "urgency", True),
        (CaseFilter(statuses=tuple(S), overdue_only=True), "urgency", False),
    ],
)
def test_lists_over_closed_cases_are_newest_first_unless_asked(
    f: CaseFilter, sort: str, spans_history: bool
) -> None:
    assert (f.effective_sort, f.spans_history) == (sort, spans_history)


def test_an_unknown_sort_is_refused() -> None:
    with pytest.raises(InvalidInput):
        CaseFilter(sort="random")
