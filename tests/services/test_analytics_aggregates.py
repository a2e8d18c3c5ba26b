"""The aggregates follow the feedback: first pass, later passes, reports still being annotated."""

from __future__ import annotations

import threading
from datetime import date

from core.analytics import Alert, Period, Slice
from services.aggregates import AggregateRefresher, AnalyticsWorker
from stores.sql.analytics_store import SqlAnalyticsStore
from stores.sql.db import Database
from tests.analytics_factories import add_reports, at, correct, report

TODAY = date(2026, 11, 27)
NOVEMBER = Period(date(2026, 11, 1), TODAY)


def total(store: SqlAnalyticsStore) -> int:
    return store.totals(NOVEMBER, Slice()).total


def test_first_pass_rebuilds_then_passes_follow_new_reports(sqlite_db: Database) -> None:
    store = SqlAnalyticsStore(sqlite_db)
    add_reports(sqlite_db, [report(at(2026, 11, 3)), report(at(2026, 11, 20))])
    refresher = AggregateRefresher(store)
    refresher.catch_up(TODAY)
    assert total(store) == 2
    add_reports(sqlite_db, [report(at(2026, 11, 5)),
                            report(at(2026, 11, 6), annotation_state="pending")])  # fmt: skip
    assert refresher.catch_up(TODAY) == {TODAY, date(2026, 11, 5)}
    assert total(store) == 3  # the pending one waits for its annotation
    with sqlite_db.write_connection() as conn:
        conn.exec_driver_sql("UPDATE feedback SET annotation_state = 'done'")
    assert refresher.catch_up(TODAY) == {TODAY, date(2026, 11, 6)}
    assert total(store) == 4
    assert refresher.catch_up(TODAY) == {TODAY}


def test_a_recategorised_old_report_moves_at_the_next_pass(sqlite_db: Database) -> None:
    store = SqlAnalyticsStore(sqlite_db)
    add_reports(sqlite_db, [report(at(2026, 11, 2))])
    refresher = AggregateRefresher(store)
    refresher.catch_up(TODAY)
    correct(sqlite_db, 1, "moi_truong")
    assert refresher.catch_up(TODAY) == {TODAY, date(2026, 11, 2)}
    assert store.totals(NOVEMBER, Slice(category="moi_truong")).total == 1
    assert store.totals(NOVEMBER, Slice(category="thoat_nuoc")).total == 0


def test_a_restarted_process_starts_after_the_last_report(sqlite_db: Database) -> None:
    store = SqlAnalyticsStore(sqlite_db)
    add_reports(sqlite_db, [report(at(2026, 11, 3))])
    store.refresh_days([date(2026, 11, 3)])
    add_reports(sqlite_db, [report(at(2026, 10, 1))])  # counted by nobody yet
    refresher = AggregateRefresher(store)
    assert refresher.catch_up(TODAY) == {TODAY}
    assert refresher.rebuild() > 0
    assert store.totals(Period(date(2026, 10, 1), TODAY), Slice()).total == 2


def test_worker_refreshes_and_detects_in_its_thread(sqlite_db: Database) -> None:
    store = SqlAnalyticsStore(sqlite_db)
    add_reports(sqlite_db, [report(at(2026, 11, 27))])
    seen: list[date] = []
    done = threading.Event()

    def detect(day: date) -> list[Alert]:
        seen.append(day)
        done.set()
        return []

    worker = AnalyticsWorker(AggregateRefresher(store), detect, interval=60, today=lambda: TODAY)
    worker.start()
    assert done.wait(10)
    worker.stop()
    assert seen == [TODAY] and total(store) == 1
