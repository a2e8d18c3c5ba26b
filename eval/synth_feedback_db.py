"""Database side of ``eval/synth_feedback.py``: bulk writes (PostgreSQL ``COPY``, SQLite
``executemany``), ids and reference counters carried on, aggregates and statistics after.

The whole load is one transaction, so a failed run leaves the database as it was.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import psycopg
from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from eval.synth_feedback_rows import EVENT_COLUMNS, FEEDBACK_COLUMNS
from stores.sql.db import Database
from stores.sql.tables import EventRow, FeedbackRow, ReferenceCounterRow

if TYPE_CHECKING:
    from eval.synth_feedback import Batch, SynthReport

log = logging.getLogger(__name__)
_FEEDBACK: Table = FeedbackRow.__table__  # type: ignore[assignment]
_EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
_COUNTER: Table = ReferenceCounterRow.__table__  # type: ignore[assignment]
#: What ``--replace`` empties; PostgreSQL's CASCADE also empties every table that points here.
_OWNED = (
    "feedback_event", "feedback_contact", "feedback_vector", "duplicate_candidate",
    "chat_notification", "chat_feedback_link", "feedback_attachment", "routing_correction",
    "daily_aggregate", "alert", "feedback", "reference_counter",
)  # fmt: skip
#: Databases this generator must never fill: the test suite's.
PROTECTED = {"test"}


def create_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` if it does not exist (needs CREATEDB)."""
    parsed = make_url(url)
    _refuse_protected(parsed.database)
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,))
        if found.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def _refuse_protected(name: str | None) -> None:
    if name in PROTECTED:
        raise SystemExit(f"refusing to write synthetic feedback into database {name!r}")


def prepare(db: Database, *, replace: bool) -> tuple[int, dict[int, int]]:
    """Empty the feedback tables when asked; the next id and each year's last reference."""
    if db.is_postgres:
        _refuse_protected(db.url.database)
    with db.write_connection() as conn:
        if replace:
            _empty(conn, db.is_postgres)
        last_id = conn.scalar(select(func.max(_FEEDBACK.c.id))) or 0
        counters = {
            int(y): int(n) for y, n in conn.execute(select(_COUNTER.c.year, _COUNTER.c.last))
        }
    return last_id + 1, counters


def _empty(conn: Connection, postgres: bool) -> None:
    if postgres:
        conn.execute(text(f"TRUNCATE {', '.join(_OWNED)} RESTART IDENTITY CASCADE"))
        return
    for table in _OWNED:
        conn.execute(text(f"DELETE FROM {table}"))


def write_batches(
    db: Database, batches: Iterable[Batch], counters: dict[int, int], report: SynthReport
) -> None:
    """All batches in one transaction, then the counters and (PostgreSQL) the id sequence."""
    generate = write = 0.0
    with db.write_connection() as conn:
        it = iter(batches)
        while True:
            t0 = time.perf_counter()
            batch = next(it, None)
            t1 = time.perf_counter()
            generate += t1 - t0
            if batch is None:
                break
            (_copy if db.is_postgres else _insert)(conn, batch)
            write += time.perf_counter() - t1
            report.rows += len(batch.rows)
            report.events += len(batch.events)
            report.by_status.update(row[8] for row in batch.rows)
            log.info("synth.batch_written rows=%d", report.rows)
        _save_counters(conn, counters, db.is_postgres)
        if db.is_postgres:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('feedback', 'id'), "
                              "(SELECT max(id) FROM feedback))"))  # fmt: skip
    report.seconds["generate rows"] = generate
    report.seconds["write (COPY)" if db.is_postgres else "write (executemany)"] = write


def _copy(conn: Connection, batch: Batch) -> None:
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY feedback ({', '.join(FEEDBACK_COLUMNS)}) FROM STDIN") as copy:
            for row in batch.rows:
                copy.write_row(row)
        if batch.events:
            with cur.copy(f"COPY feedback_event ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                for event in batch.events:
                    copy.write_row(event)


def _insert(conn: Connection, batch: Batch) -> None:
    at = FEEDBACK_COLUMNS.index("annotation")
    rows = [dict(zip(FEEDBACK_COLUMNS, r, strict=True)) | {"annotation": json.loads(r[at])}
            for r in batch.rows]  # fmt: skip
    conn.execute(insert(_FEEDBACK), rows)
    if batch.events:
        conn.execute(insert(_EVENTS), [dict(zip(EVENT_COLUMNS, e, strict=True))
                                       for e in batch.events])  # fmt: skip


def _save_counters(conn: Connection, counters: dict[int, int], postgres: bool) -> None:
    if not counters:
        return
    dialect = postgresql if postgres else sqlite
    stmt = dialect.insert(_COUNTER)
    stmt = stmt.on_conflict_do_update(index_elements=["year"], set_={"last": stmt.excluded.last})
    conn.execute(stmt, [{"year": y, "last": n} for y, n in counters.items()])


def finish(db: Database, report: SynthReport, *, since: date, aggregates: bool) -> None:
    """Daily aggregates (the analytics service's own rebuild), then planner statistics."""
    if aggregates:
        t0 = time.perf_counter()
        report.aggregates = rebuild_aggregates(db, since)
        report.seconds["daily aggregates"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if db.is_postgres:
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("VACUUM (ANALYZE) feedback"))
            conn.execute(text("VACUUM (ANALYZE) feedback_event"))
            conn.execute(text("VACUUM (ANALYZE) daily_aggregate"))
    else:
        with db.write_connection() as conn:
            conn.execute(text("ANALYZE"))
    report.seconds["vacuum + analyze"] = time.perf_counter() - t0


def rebuild_aggregates(db: Database, since: date) -> str:
    """Every local day from ``since`` recounted by the analytics service's own refresher
    (what ``AnalyticsService.rebuild_aggregates`` runs); says what was done."""
    try:
        from services.aggregates import AggregateRefresher
        from stores.sql.analytics_store import SqlAnalyticsStore
    except ImportError:
        return "not built: the analytics service is not there yet"
    store = SqlAnalyticsStore(db)
    span = store.feedback_days()
    if span is None:
        return "no feedback"
    first = max(span[0], since)
    rows = AggregateRefresher(store).rebuild(first, until=span[1])
    return f"{rows:,} rows for the days {first} … {span[1]}"
