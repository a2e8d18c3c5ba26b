"""Where the staff benchmark's time goes in SQL: every statement a call ran, timed, and the
slowest ones explained (``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL).

The recorder listens to SQLAlchemy's cursor events of the benchmark's own engine, so it sees
the statements the services run in this process (not the HTTP server's). It only records
inside ``recording()``: the timed runs are not slowed by it.

    >>> recorder = QueryRecorder(db.engine)
    >>> with recorder.recording("queue default"):
    ...     triage.queue(principal, CaseFilter())
    >>> recorder.calls["queue default"][0].ms
    41.7
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

from stores.sql.db import Database


@dataclass(frozen=True, slots=True)
class Statement:
    """One executed statement: its SQL as sent to the driver, its parameters, its duration."""

    sql: str
    params: Any
    ms: float

    @property
    def short(self) -> str:
        """The statement on one line, the columns of a SELECT and the placeholders of an IN
        list elided, at most 300 characters: enough to tell the WHERE and ORDER BY."""
        flat = re.sub(r"\s+", " ", self.sql).strip()
        flat = re.sub(r"^SELECT (?!count\().+? FROM ", "SELECT … FROM ", flat)
        flat = re.sub(r"::\w+( WITH(OUT)? TIME ZONE)?", "", flat)
        flat = re.sub(r"\((%\(\w+\)s, )+%\(\w+\)s\)", "(…)", flat)
        flat = re.sub(r"%\((\w+)\)s", r":\1", flat)
        return flat if len(flat) <= 300 else flat[:297] + "…"


class QueryRecorder:
    """Statements per label, timed around the driver's execute."""

    def __init__(self, engine: Engine) -> None:
        self.calls: dict[str, list[Statement]] = {}
        self._label: str | None = None
        self._started: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    @contextmanager
    def recording(self, label: str) -> Iterator[None]:
        self._label = label
        self.calls[label] = []
        try:
            yield
        finally:
            self._label = None

    def _before(self, *_args: Any) -> None:
        if self._label is not None:
            self._started.append(time.perf_counter())

    def _after(self, _conn: Any, _cursor: Any, sql: str, params: Any, *_rest: Any) -> None:
        if self._label is not None and self._started:
            ms = (time.perf_counter() - self._started.pop()) * 1000
            self.calls[self._label].append(Statement(sql, params, ms))

    def summary(self, label: str) -> tuple[int, float]:
        """How many statements the recorded call ran and their total milliseconds."""
        found = self.calls.get(label, [])
        return len(found), sum(s.ms for s in found)

    def slowest(self, limit: int) -> list[tuple[str, Statement]]:
        """The slowest statements over all labels, one per distinct SQL text."""
        best: dict[str, tuple[str, Statement]] = {}
        for label, statements in self.calls.items():
            for s in statements:
                if s.sql not in best or s.ms > best[s.sql][1].ms:
                    best[s.sql] = (label, s)
        return sorted(best.values(), key=lambda item: -item[1].ms)[:limit]


def explain(db: Database, statement: Statement) -> str:
    """The plan PostgreSQL ran ``statement`` with (executed again, with its parameters)."""
    if not db.is_postgres:
        return "(EXPLAIN ANALYZE only on PostgreSQL)"
    with db.engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        with raw.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement.sql, statement.params)
            lines = [row[0] for row in cur.fetchall()]
        conn.rollback()
    return "\n".join(lines)


def print_slowest(db: Database, recorder: QueryRecorder, limit: int, plans: bool) -> None:
    """A table of the slowest statements, then (``plans``) the plan of each."""
    slow = recorder.slowest(limit)
    print(f"\n### the {len(slow)} slowest SQL statements (one recorded run of each call)\n")
    print("| ms | call | statement |\n|---|---|---|")
    for label, s in slow:
        print(f"| {s.ms:.1f} | {label} | `{s.short.replace('|', '¦')}` |")
    if not plans:
        return
    for label, s in slow:
        print(f"\n#### {label}: {s.ms:.1f} ms\n\n```\n{s.short}\n\n{explain(db, s)}\n```")
