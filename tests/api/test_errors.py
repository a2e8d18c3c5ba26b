"""One table of error statuses; GeoReport v2 overrides two of them."""

from __future__ import annotations

from api.errors import status_of
from core.errors import Conflict, InvalidInput, LangngheError, NotFound, Unauthenticated


class UnknownCase(NotFound):
    pass


def test_the_most_specific_listed_class_decides() -> None:
    assert status_of(InvalidInput("x")) == 422
    assert status_of(UnknownCase("x")) == 404
    assert status_of(Conflict("x")) == 409
    assert status_of(LangngheError("x")) == 500


def test_overrides_win_and_leave_the_rest() -> None:
    spec = {InvalidInput: 400, Unauthenticated: 403}
    assert status_of(InvalidInput("x"), spec) == 400
    assert status_of(Unauthenticated("x"), spec) == 403
    assert status_of(UnknownCase("x"), spec) == 404
