"""The synthetic feedback generator of the staff benchmarks, at 2,000 rows on both databases."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from core.reference import ReferenceData
from core.text import fold
from core.types import LOCAL_TZ
from eval.synth_feedback import SPIKES, SynthReport, load
from eval.synth_feedback_db import _empty, prepare
from stores.sql.db import Database

ROWS = 2000
TODAY = date(2026, 11, 27)
END = datetime(2026, 11, 27, 23, 59, 59, tzinfo=LOCAL_TZ)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, SynthReport]]:
    """One load per database for the whole module (the load is the slow part)."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path_factory.mktemp('synth') / 'synth.db'}")
    else:
        db = Database(request.getfixturevalue("postgres_url"))
    db.migrate()
    report = load(db, ROWS, today=TODAY, replace=True)
    yield db, report
    with db.write_connection() as conn:  # the shared test database must be left empty
        _empty(conn, db.is_postgres)
    db.dispose()


def rows(db: Database, sql: str) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def aware(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_writes_the_rows_with_unique_references_and_moves_the_counters(loaded) -> None:
    db, report = loaded
    refs = [r[0] for r in rows(db, "SELECT reference FROM feedback ORDER BY id")]
    assert report.rows == len(refs) == ROWS
    assert len(set(refs)) == ROWS
    assert all(re.fullmatch(r"PA-20(25|26)-\d{6}", r) for r in refs)
    counters = dict(rows(db, "SELECT year, last FROM reference_counter"))
    last = Counter(int(r[3:7]) for r in refs)
    assert counters == dict(last)


def test_status_mix_is_mostly_resolved_with_an_open_backlog(loaded) -> None:
    db, _ = loaded
    counts = dict(rows(db, "SELECT status, count(*) FROM feedback GROUP BY status"))
    assert counts["resolved"] > 0.8 * ROWS
    assert 0 < counts["needs_triage"] < 0.05 * ROWS
    assert counts["routed"] > 0 and counts["in_progress"] > 0 and counts["rejected"] > 0
    assert "received" not in counts


def test_dates_fall_in_the_last_year_and_follow_the_workflow(loaded) -> None:
    db, _ = loaded
    found = rows(db, "SELECT received_at, due_at, closed_at, status FROM feedback")
    for received, due, closed, status in found:
        received, due = aware(received), aware(due)
        assert END - timedelta(days=366) < received <= END
        assert due > received
        if status in ("resolved", "rejected"):
            assert received < aware(closed) <= END
        else:
            assert closed is None


def test_values_come_from_the_reference_data(loaded, reference: ReferenceData) -> None:
    db, _ = loaded
    wards = {w.name for w in reference.wards}
    found = rows(db, "SELECT category, ward, department, annotation_state FROM feedback")
    for category, ward, department, state in found:
        assert category in reference.category_codes
        assert ward is None or ward in wards
        assert department == reference.routing.department_for(category, ward)
        assert state == "done"
    assert sum(1 for r in found if r[1] is None) > 0


def test_redacted_text_hides_the_phone_the_original_has(loaded) -> None:
    db, _ = loaded
    found = rows(db, "SELECT text, redacted_text FROM feedback")
    with_contact = [(t, r) for t, r in found if "[số điện thoại]" in r]
    assert 0.15 * ROWS < len(with_contact) < 0.35 * ROWS
    assert all(re.search(r"09\d{8}", t) for t, _ in with_contact)
    assert not any(re.search(r"\d{8}", r) for _, r in found)


def test_search_text_is_the_folded_redacted_text(loaded) -> None:
    db, _ = loaded
    found = rows(db, "SELECT redacted_text, search_text FROM feedback")
    assert all(s == fold(r) for r, s in found)


def test_weekdays_outnumber_weekends_and_the_current_spike_shows(loaded) -> None:
    db, _ = loaded
    days = [aware(r[0]).astimezone(LOCAL_TZ).date() for r in
            rows(db, "SELECT received_at FROM feedback")]  # fmt: skip
    by_weekday = Counter(d.weekday() for d in days)
    assert by_weekday[0] > 1.3 * by_weekday[6]
    spike = SPIKES[-1]
    spike_days = {TODAY - timedelta(days=spike.days_ago + n) for n in range(spike.days)}
    cases = rows(db, f"SELECT received_at FROM feedback WHERE category = '{spike.category}' "
                     f"AND ward = '{spike.ward}'")  # fmt: skip
    in_spike = sum(aware(r[0]).astimezone(LOCAL_TZ).date() in spike_days for r in cases)
    assert in_spike > 3 * len(cases) * spike.days / 365


def test_events_tell_each_case_history(loaded) -> None:
    db, report = loaded
    found = rows(
        db,
        "SELECT f.id, f.status, e.to_status, e.at, f.closed_at FROM feedback f "
        "JOIN feedback_event e ON e.feedback_id = f.id ORDER BY f.id, e.id",
    )
    assert report.events == len(found)
    histories: dict[int, list[tuple]] = {}
    for fid, *rest in found:
        histories.setdefault(fid, []).append(tuple(rest))
    assert len(histories) == ROWS
    for history in histories.values():
        status, closed = history[0][0], history[0][3]
        assert history[0][1] == "received"
        assert history[-1][1] == status
        assert [aware(h[2]) for h in history] == sorted(aware(h[2]) for h in history)
        if closed is not None:
            assert aware(history[-1][2]) == aware(closed)


def test_daily_aggregates_count_every_row(loaded) -> None:
    db, report = loaded
    assert rows(db, "SELECT sum(total) FROM daily_aggregate")[0][0] == ROWS
    assert report.aggregates.endswith("… 2026-11-27")


def test_a_second_load_numbers_on(loaded) -> None:
    db, _ = loaded
    first_id, counters = prepare(db, replace=False)
    assert first_id == ROWS + 1
    assert sum(counters.values()) == ROWS


def test_refuses_the_test_suites_database() -> None:
    with pytest.raises(SystemExit, match="test"):
        prepare(Database("postgresql://postgres@127.0.0.1:5432/test"), replace=True)
