"""Daily aggregates and analytics reads on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from core.analytics import Alert, AlertKind, Counts, Dimension, Period, Slice
from stores.sql.alert_store import SqlAlertStore
from stores.sql.analytics_store import SqlAnalyticsStore
from stores.sql.db import Database
from tests.analytics_factories import add_reports, at, correct, report

NOV_27 = date(2026, 11, 27)


@pytest.fixture
def analytics(database: Database) -> SqlAnalyticsStore:
    return SqlAnalyticsStore(database)


def test_a_local_day_is_counted_over_its_utc_range(
    database: Database, analytics: SqlAnalyticsStore
) -> None:
    add_reports(database, [
        report(at(2026, 11, 27, 0)),  # 00:00 in Ho Chi Minh City is 17:00 UTC the day before
        report(at(2026, 11, 27, 23), sentiment="positive"),
        report(at(2026, 11, 28, 0)),  # the next local day
        report(at(2026, 11, 26, 23), sentiment="neutral"),
    ])  # fmt: skip
    analytics.refresh_days([date(2026, 11, 26), NOV_27, date(2026, 11, 28)])
    day = Period(NOV_27, NOV_27)
    assert analytics.totals(day, Slice()) == Counts(2, 1, 0, 1)
    week = Period(date(2026, 11, 26), date(2026, 11, 28))
    assert [(d, c.total) for d, c in analytics.series(week, Slice())] == [
        (date(2026, 11, 26), 1), (NOV_27, 2), (date(2026, 11, 28), 1)
    ]  # fmt: skip


def test_rows_per_category_ward_channel_with_unknowns_and_no_spam(
    database: Database, analytics: SqlAnalyticsStore
) -> None:
    add_reports(database, [
        report(at(2026, 11, 27, 8)), report(at(2026, 11, 27, 9)),
        report(at(2026, 11, 27, 10), channel="social"),
        report(at(2026, 11, 27, 11), category=None, ward=None, sentiment=None),
        report(at(2026, 11, 27, 12), category="moi_truong", ward="Linh Xuân"),
        report(at(2026, 11, 27, 13), is_spam=True),
        report(at(2026, 11, 27, 14), is_relevant=False),
    ])  # fmt: skip
    assert analytics.refresh_days([NOV_27]) == 4
    day = Period(NOV_27, NOV_27)
    assert analytics.totals(day, Slice()).total == 5
    by_channel = dict(analytics.breakdown(day, Slice(category="thoat_nuoc"), Dimension.CHANNEL))
    assert by_channel == {"zalo": Counts(2, 2), "social": Counts(1, 1)}
    by_ward = analytics.breakdown(day, Slice(), Dimension.WARD)
    assert [(w, c.total) for w, c in by_ward] == [("Hiệp Bình", 3), ("", 1), ("Linh Xuân", 1)]
    assert analytics.totals(day, Slice(ward="Linh Xuân", channel="zalo")).total == 1


def test_refresh_replaces_a_day_after_a_recategorisation(
    database: Database, analytics: SqlAnalyticsStore
) -> None:
    add_reports(database, [report(at(2026, 11, 27), reference="PA-2026-900001")])
    analytics.refresh_days([NOV_27])
    with database.write_connection() as conn:
        conn.exec_driver_sql("UPDATE feedback SET category = 'moi_truong'")
    analytics.refresh_days([NOV_27])
    day = Period(NOV_27, NOV_27)
    assert analytics.totals(day, Slice(category="thoat_nuoc")).total == 0
    assert analytics.totals(day, Slice(category="moi_truong")).total == 1


def test_changed_days_wait_for_annotation(database: Database, analytics: SqlAnalyticsStore) -> None:
    add_reports(database, [
        report(at(2026, 11, 20)), report(at(2026, 11, 25), annotation_state="pending"),
        report(at(2026, 11, 27)),
    ])  # fmt: skip
    days, watermark = analytics.changed_days(0)
    assert days == {date(2026, 11, 20), NOV_27} and watermark == 1
    with database.write_connection() as conn:
        conn.exec_driver_sql("UPDATE feedback SET annotation_state = 'done'")
    days, watermark = analytics.changed_days(watermark)
    assert days == {date(2026, 11, 25), NOV_27} and watermark == 3
    assert analytics.changed_days(watermark) == (set(), 3)
    assert analytics.feedback_days() == (date(2026, 11, 20), NOV_27)


def test_corrected_days_follow_staff_recategorisations(
    database: Database, analytics: SqlAnalyticsStore
) -> None:
    add_reports(database, [report(at(2026, 11, 2)), report(at(2026, 11, 27, 6))])
    assert analytics.corrected_days(None) == (set(), 0)
    correct(database, 2, "moi_truong")
    correct(database, 1, "moi_truong")
    assert analytics.corrected_days(0) == ({date(2026, 11, 2), NOV_27}, 2)
    assert analytics.corrected_days(2) == (set(), 2)
    assert analytics.corrected_days(None) == (set(), 2)


def test_cube_sums_channels(database: Database, analytics: SqlAnalyticsStore) -> None:
    add_reports(database, [report(at(2026, 11, 27)), report(at(2026, 11, 27), channel="web",
                                                            sentiment="positive")])  # fmt: skip
    assert not analytics.has_aggregates()
    analytics.refresh_days([NOV_27])
    assert analytics.has_aggregates()
    [cell] = analytics.cube(Period(NOV_27, NOV_27))
    assert (cell.category, cell.ward, cell.total, cell.negative) == (
        "thoat_nuoc",
        "Hiệp Bình",
        2,
        1,
    )


def test_overview_is_the_totals_series_and_breakdowns_in_one_read(
    database: Database, analytics: SqlAnalyticsStore
) -> None:
    add_reports(database, [
        report(at(2026, 11, 25, 8)), report(at(2026, 11, 25, 9), channel="web"),
        report(at(2026, 11, 26, 8), category="moi_truong", ward="Linh Xuân", sentiment="neutral"),
        report(at(2026, 11, 27, 8), category=None, ward=None, sentiment="positive"),
        report(at(2026, 11, 27, 9), channel="web"), report(at(2026, 11, 27, 10), channel="web"),
        report(at(2026, 11, 20, 8)),  # before the period
    ])  # fmt: skip
    analytics.refresh_days([date(2026, 11, d) for d in range(20, 28)])
    period, every = Period(date(2026, 11, 25), NOV_27), Slice()
    seen = analytics.overview(period, every)
    assert seen.total == analytics.totals(period, every) == Counts(6, 4, 1, 1)
    assert list(seen.series) == analytics.series(period, every)
    assert [d for d, _ in seen.series] == [date(2026, 11, 25), date(2026, 11, 26), NOV_27]
    assert list(seen.by_category) == analytics.breakdown(period, every, Dimension.CATEGORY)
    assert list(seen.by_ward) == analytics.breakdown(period, every, Dimension.WARD)
    assert list(seen.by_channel) == analytics.breakdown(period, every, Dimension.CHANNEL)
    assert [(k, c.total) for k, c in seen.by_category] == [("thoat_nuoc", 4), ("", 1),
                                                           ("moi_truong", 1)]  # fmt: skip
    assert [(k, c.total) for k, c in seen.by_channel] == [("web", 3), ("zalo", 3)]
    web = analytics.overview(period, Slice(channel="web"))
    assert web.total.total == 3 and [k for k, _ in web.by_channel] == ["web"]
    empty = analytics.overview(Period(date(2026, 10, 1), date(2026, 10, 2)), every)
    assert empty.total == Counts() and empty.series == () and empty.by_ward == ()


def test_examples_newest_first_and_by_department(
    database: Database, analytics: SqlAnalyticsStore
) -> None:
    add_reports(database, [
        report(at(2026, 11, 26), reference="PA-2026-000101"),
        report(at(2026, 11, 27), reference="PA-2026-000102"),
        report(at(2026, 11, 27, 10), reference="PA-2026-000103", department="cong_an"),
        # counted, but their text is not shown beside an answer
        report(at(2026, 11, 27, 11), reference="PA-2026-000104", toxicity="hate"),
        report(at(2026, 11, 27, 12), reference="PA-2026-000105", toxicity="offensive"),
        report(at(2026, 11, 27, 13), reference="PA-2026-000106", is_spam=True),
    ])  # fmt: skip
    period = Period(date(2026, 11, 26), NOV_27)
    refs = [e.reference for e in analytics.examples(period, Slice("thoat_nuoc"), None)]
    assert refs == ["PA-2026-000103", "PA-2026-000102", "PA-2026-000101"]
    mine = analytics.examples(period, Slice(), ["ubnd_hiep_binh"], limit=1)
    assert [e.reference for e in mine] == ["PA-2026-000102"]
    assert mine[0].url == "/staff/cases/PA-2026-000102"


def test_overdue_counts_open_cases_past_due(
    database: Database, analytics: SqlAnalyticsStore
) -> None:
    now = datetime(2026, 11, 27, 3, tzinfo=UTC)
    add_reports(database, [
        report(at(2026, 11, 1), reference="PA-2026-000201", due_at=at(2026, 11, 5)),
        report(at(2026, 11, 2), reference="PA-2026-000202", due_at=at(2026, 11, 4),
               category="moi_truong"),
        report(at(2026, 11, 3), reference="PA-2026-000203", due_at=at(2026, 11, 6),
               status="resolved"),
        report(at(2026, 11, 20), reference="PA-2026-000204", due_at=at(2026, 11, 30)),
    ])  # fmt: skip
    count, cases = analytics.overdue(now, Slice(), None)
    assert count == 2 and [c.reference for c in cases] == ["PA-2026-000202", "PA-2026-000201"]
    assert analytics.overdue(now, Slice(category="thoat_nuoc"), None)[0] == 1
    assert analytics.overdue(now, Slice(), ["cong_an"])[0] == 0
    assert analytics.overdue_by_category(now, None) == [("moi_truong", 1), ("thoat_nuoc", 1)]


def test_an_alert_is_stored_once(database: Database) -> None:
    alerts = SqlAlertStore(database)
    spike = Alert(AlertKind.VOLUME, "thoat_nuoc", "Hiệp Bình", NOV_27, 25, 3.0, 1e-12,
                  {"examples": ["PA-2026-000001"]})  # fmt: skip
    stored = alerts.add(spike)
    assert stored is not None and stored.id is not None
    assert alerts.add(spike) is None
    assert alerts.add(Alert(AlertKind.VOLUME, "thoat_nuoc", "", NOV_27, 30, 5, 1e-9)) is not None
    assert [a.ward for a in alerts.unsent(NOV_27)] == ["Hiệp Bình", ""]
    alerts.mark_sent(stored.id, datetime.now(UTC))
    assert [a.ward for a in alerts.unsent(NOV_27)] == [""]
    [first] = [a for a in alerts.recent() if a.id == stored.id]
    assert first.sent_at is not None and first.examples == ["PA-2026-000001"]
    assert first.ratio == pytest.approx(25 / 3)
