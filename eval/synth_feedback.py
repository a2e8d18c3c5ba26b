"""Synthetic but realistic feedback at scale, for the staff benchmarks (issue 6).

Writes ``--rows`` annotated feedback (default 1,000,000) and their status events into the
database at ``--db-url``, the way a year of intake would have left them: categories, wards and
departments from ``core/refdata``, a realistic mix of channels, statuses (most resolved, some
open, some waiting for triage), urgency, sentiment and priority; ``received_at`` over the last
365 days with weekly and daily rhythms, a rainy season and a few spikes (category × ward × days,
listed in ``SPIKES``, one of them in the last days); ``due_at`` from the service level of the
category and priority (``core/refdata/sla.json``), ``closed_at`` for closed cases; Vietnamese
redacted texts from templates; unique references ``PA-YYYY-NNNNNN`` with ``reference_counter``
moved on. PostgreSQL gets ``COPY`` in batches, SQLite (small sizes, tests) ``executemany``.
Then the daily aggregates are rebuilt and the tables analysed.

    python eval/synth_feedback.py --db-url postgresql://postgres@127.0.0.1:5432/langnghe_bench \\
        --create-database --replace [--rows 1000000] [--seed 7] [--today 2026-11-27]

>>> report = load(Database(url), rows=2000, today=date(2026, 11, 27))
>>> report.rows, report.by_status["resolved"] > report.by_status["needs_triage"]
(2000, True)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.cases import PRIORITIES, SlaTargets
from core.reference import ReferenceData
from core.types import LOCAL_TZ
from eval import synth_feedback_texts as tx
from eval.synth_feedback_db import create_database, finish, prepare, write_batches
from eval.synth_feedback_rows import (
    closed_at,
    duplicates,
    pick,
    priorities,
    references,
    rows_and_events,
    started_at,
    statuses,
)
from stores.sql.db import Database

DAY = 86_400
LOCAL_OFFSET = 7 * 3600  # Asia/Ho_Chi_Minh has no daylight saving time
MIN_ROWS = 100  # below that the spikes would be most of the data
#: The priority levels by name and the column of each in the SLA table (``searchsorted``).
_LEVELS_SORTED = np.array(sorted(PRIORITIES))
_LEVEL_INDEX = np.array([PRIORITIES.index(str(level)) for level in _LEVELS_SORTED])


@dataclass(frozen=True, slots=True)
class Spike:
    """``factor`` times the usual reports of one category in one ward, ``days_ago`` for ``days``."""

    category: str
    ward: str
    days_ago: int
    days: int
    factor: float


SPIKES = (
    Spike("thoat_nuoc", "Hiệp Bình", 70, 2, 8.0),  # a storm in the rainy season
    Spike("thoat_nuoc", "An Khánh", 40, 1, 10.0),  # high tide
    Spike("dien", "Long Bình", 120, 1, 12.0),  # an outage
    Spike("tieng_on", "Thủ Đức", 200, 3, 5.0),  # a festival week
    Spike("moi_truong", "Tăng Nhơn Phú", 300, 2, 6.0),  # garbage not collected
    Spike("trat_tu_do_thi", "Bình Trưng", 1, 2, 6.0),  # current: shows on the dashboard
)


@dataclass
class Batch:
    """Rows in ``FEEDBACK_COLUMNS`` order (annotation as JSON text) and their events."""

    rows: list[tuple[object, ...]]
    events: list[tuple[object, ...]]


@dataclass
class SynthReport:
    rows: int = 0
    events: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    by_status: Counter[str] = field(default_factory=Counter)
    first_id: int = 0
    aggregates: str = "not built"


class FeedbackSynthesizer:
    """Draws the synthetic feedback, deterministic for a seed, a size and an end time.

    >>> synth = FeedbackSynthesizer(ReferenceData.load(), rows=1000, end=datetime.now(UTC))
    >>> batch = next(synth.batches(first_id=1, counters={}, size=500))
    >>> len(batch.rows)
    500
    """

    def __init__(
        self, reference: ReferenceData, *, rows: int, end: datetime, seed: int = 7,
        sla: SlaTargets | None = None,
    ) -> None:  # fmt: skip
        self.rows, self.end = rows, end.astimezone(UTC)
        self.rng = np.random.default_rng(seed)
        self.categories = list(tx.CATEGORY_SHARE)
        self.wards: list[str | None] = [*tx.WARD_WEIGHT, None]
        self.departments = [
            [reference.routing.department_for(c, w) for w in self.wards] for c in self.categories
        ]
        targets = sla or SlaTargets.load()
        self.sla_seconds = np.array(
            [[targets.hours(c, level) * 3600 for level in PRIORITIES] for c in self.categories]
        )
        self.templates = [tx.TEMPLATES[c] for c in self.categories]

    # --- when, and about what ------------------------------------------------------------

    def timestamps(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sorted epoch seconds, with the category and ward index a spike forces (-1: free)."""
        end_ts = self.end.timestamp()
        last_local_day = (int(end_ts) + LOCAL_OFFSET) // DAY
        spikes = self._spike_times(last_local_day)
        base = self._base_times(self.rows - len(spikes[0]), last_local_day)
        ts = np.concatenate([base, spikes[0]])
        ts = np.where(ts > end_ts, ts - DAY, ts)  # the rest of today has not happened yet
        cats = np.concatenate([np.full(len(base), -1), spikes[1]])
        wards = np.concatenate([np.full(len(base), -1), spikes[2]])
        order = np.argsort(ts, kind="stable")
        return ts[order], cats[order], wards[order]

    def _day_weights(self, last_local_day: int) -> np.ndarray:
        days = np.arange(last_local_day - 364, last_local_day + 1)
        weekday = np.array(tx.WEEKDAY_FACTOR)[(days + 3) % 7]  # 1970-01-01 was a Thursday
        months = days.astype("datetime64[D]").astype("datetime64[M]").astype(int) % 12 + 1
        rainy = np.where((months >= 5) & (months <= 11), 1.15, 1.0)
        trend = np.linspace(0.85, 1.15, len(days))  # more citizens use the channels each month
        noise = self.rng.lognormal(0.0, 0.1, len(days))
        weights = weekday * rainy * trend * noise
        return weights / weights.sum()

    def _local_times(self, local_days: np.ndarray) -> np.ndarray:
        hours = np.array(tx.HOUR_WEIGHT) / sum(tx.HOUR_WEIGHT)
        hour = self.rng.choice(24, size=len(local_days), p=hours)
        seconds = local_days * DAY + hour * 3600 + self.rng.uniform(0, 3600, len(local_days))
        return seconds - LOCAL_OFFSET

    def _base_times(self, n: int, last_local_day: int) -> np.ndarray:
        day_index = self.rng.choice(365, size=n, p=self._day_weights(last_local_day))
        return self._local_times(last_local_day - 364 + day_index)

    def _spike_times(self, last_local_day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        wards = list(tx.WARD_WEIGHT)
        ward_total = sum(tx.WARD_WEIGHT.values()) / (1 - tx.UNKNOWN_WARD_SHARE)
        days, cats, ward_ix = [], [], []
        for s in SPIKES:
            daily = self.rows / 365 * tx.CATEGORY_SHARE[s.category]
            daily *= tx.WARD_WEIGHT[s.ward] / ward_total
            n = max(1, round(daily * (s.factor - 1) * s.days))
            first = last_local_day - s.days_ago - s.days + 1
            days.append(first + self.rng.integers(0, s.days, n))
            cats.append(np.full(n, self.categories.index(s.category)))
            ward_ix.append(np.full(n, wards.index(s.ward)))
        local_days = np.concatenate(days)
        return self._local_times(local_days), np.concatenate(cats), np.concatenate(ward_ix)

    # --- batches of rows -------------------------------------------------------------------

    def batches(
        self, first_id: int, counters: dict[int, int], size: int, events: bool = True
    ) -> Iterator[Batch]:
        """Rows numbered from ``first_id``; ``counters`` (year → last number) moves on."""
        ts, forced_cat, forced_ward = self.timestamps()
        last_of: dict[tuple[int, int], int] = {}
        for start in range(0, len(ts), size):
            part = slice(start, start + size)
            cols = self._columns(ts[part], forced_cat[part], forced_ward[part], first_id + start)
            cols["reference"] = references(cols["year"], counters)
            cols["duplicate_of"] = duplicates(cols, last_of, self.rng)
            yield Batch(*rows_and_events(cols, self, events))

    def _columns(
        self, ts: np.ndarray, forced_cat: np.ndarray, forced_ward: np.ndarray, first_id: int
    ) -> dict[str, np.ndarray]:
        n, rng = len(ts), self.rng
        local = (ts + LOCAL_OFFSET).astype("datetime64[s]")
        months = local.astype("datetime64[M]").astype(int) % 12 + 1
        cat = np.where(forced_cat >= 0, forced_cat, pick(rng, tx.CATEGORY_SHARE, n))
        rainy = (months >= 6) & (months <= 10) & (rng.random(n) < 0.10) & (forced_cat < 0)
        cat = np.where(rainy, self.categories.index("thoat_nuoc"), cat)
        ward_p = {**tx.WARD_WEIGHT, "": 0.0}
        ward = pick(rng, ward_p, n)
        ward = np.where(rng.random(n) < tx.UNKNOWN_WARD_SHARE, len(self.wards) - 1, ward)
        ward = np.where(forced_ward >= 0, forced_ward, ward)
        age_days = (self.end.timestamp() - ts) / DAY
        status = statuses(rng, age_days)
        urgency = np.array(list(tx.URGENCY_SHARE))[pick(rng, tx.URGENCY_SHARE, n)]
        priority = priorities(rng, status)
        effective = np.where(priority != "", priority, urgency)
        level = np.searchsorted(_LEVELS_SORTED, effective)
        sla, end = self.sla_seconds[cat, _LEVEL_INDEX[level]], self.end.timestamp()
        closed = closed_at(rng, ts, status, sla, end)
        return {
            "id": np.arange(first_id, first_id + n), "ts": ts, "cat": cat, "ward": ward,
            "year": local.astype("datetime64[Y]").astype(int) + 1970, "status": status,
            "channel": pick(rng, tx.CHANNEL_SHARE, n), "urgency": urgency, "priority": priority,
            "sentiment": pick(rng, tx.SENTIMENT_SHARE, n),
            "toxicity": pick(rng, tx.TOXICITY_SHARE, n),
            "confidence": np.where(status == "needs_triage", rng.uniform(0.2, 0.44, n),
                                   0.99 - 0.5 * rng.beta(1.2, 3.0, n)),
            "due": ts + sla,
            "closed": closed, "started": started_at(rng, ts, status, sla, end, closed),
            "template": (rng.random(n) * np.array([len(t) for t in self.templates])[cat]),
            "opener": rng.integers(0, len(tx.OPENERS), n),
            "closer": rng.integers(0, len(tx.CLOSERS), n),
            "street": rng.integers(0, len(tx.STREETS), n),
            "contact": rng.random(n) < 0.25, "located": rng.random(n) < 0.3,
            "sender": rng.zipf(1.6, n) + rng.integers(0, max(1, self.rows // 3), n),
            "phone": rng.integers(10_000_000, 99_999_999, n),
        }  # fmt: skip


def load(
    db: Database, rows: int, *, today: date | None = None, seed: int = 7, batch: int = 50_000,
    events: bool = True, replace: bool = False, aggregates: bool = True,
) -> SynthReport:  # fmt: skip
    """Generate and write ``rows`` feedback into a migrated ``db``; see the module doc."""
    if rows < MIN_ROWS:
        raise ValueError(f"at least {MIN_ROWS} rows")
    report = SynthReport()
    started = time.perf_counter()
    first_id, counters = prepare(db, replace=replace)
    synth = FeedbackSynthesizer(ReferenceData.load(), rows=rows, end=_end(today), seed=seed)
    report.first_id = first_id
    write_batches(db, synth.batches(first_id, counters, batch, events), counters, report)
    finish(db, report, since=_end(today).astimezone(LOCAL_TZ).date() - timedelta(days=400),
           aggregates=aggregates)  # fmt: skip
    report.seconds["total"] = time.perf_counter() - started
    return report


def _end(today: date | None) -> datetime:
    """Now, or the end of ``today`` (local) when it is another day."""
    now = datetime.now(UTC)
    if today is None or today == now.astimezone(LOCAL_TZ).date():
        return now
    return datetime(today.year, today.month, today.day, 23, 59, 59, tzinfo=LOCAL_TZ)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db-url", required=True)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--today", type=date.fromisoformat, default=None)
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--no-events", action="store_true", help="feedback rows only")
    ap.add_argument("--no-aggregates", action="store_true")
    ap.add_argument("--replace", action="store_true", help="empty the feedback tables first")
    ap.add_argument("--create-database", action="store_true", help="PostgreSQL: create it")
    args = ap.parse_args()
    if args.create_database:
        create_database(args.db_url)
    db = Database(args.db_url)
    db.migrate()
    report = load(db, args.rows, today=args.today, seed=args.seed, batch=args.batch,
                  events=not args.no_events, replace=args.replace,
                  aggregates=not args.no_aggregates)  # fmt: skip
    print_report(report, db)
    db.dispose()
    return 0


def print_report(report: SynthReport, db: Database) -> None:
    target = db.url.render_as_string(hide_password=True)
    print(f"### synthetic feedback: {report.rows:,} rows, {report.events:,} events → {target}\n")
    print("| step | seconds |\n|---|---|")
    for step, seconds in report.seconds.items():
        print(f"| {step} | {seconds:.1f} |")
    shares = ", ".join(f"{s} {n / max(1, report.rows):.1%}" for s, n in
                       report.by_status.most_common())  # fmt: skip
    print(f"\nstatuses: {shares}\ndaily aggregates: {report.aggregates}")


if __name__ == "__main__":
    sys.exit(main())
