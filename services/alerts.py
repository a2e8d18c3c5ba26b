"""Spike alerts: detect on the aggregates, store each spike once, tell the officials' chats.

Messages go through the chat notification outbox (``feedback_id`` null), so a platform that is
down delays an alert instead of losing it; an alert is marked sent once it is queued for every
linked official. Alerts found while no official is linked wait (two days) for one to link.

    >>> service = AlertService(aggregates, cases, SqlAlertStore(db), reference,
    ...                        officials=accounts, outbox=chat_store)
    >>> service.detect(date(2026, 11, 27))
    [Alert(kind=<AlertKind.VOLUME: 'volume'>, category='thoat_nuoc', ward='Hiệp Bình', …)]
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from core.analytics import Alert, AlertKind, Period, Slice
from core.analytics_ports import AggregateStore, AlertStore, CaseReader, OfficialChats, Outbox
from core.chat import ChatChannel
from core.errors import InvalidInput
from core.reference import ReferenceData
from services.analytics_texts_vi import text, vi_number, vi_percent
from services.spikes import SpikeRules, find_spikes

log = logging.getLogger(__name__)


class AlertService:
    """Runs spike detection for a day and delivers new alerts to linked officials."""

    def __init__(
        self,
        aggregates: AggregateStore,
        cases: CaseReader,
        alerts: AlertStore,
        reference: ReferenceData,
        *,
        officials: OfficialChats | None = None,
        outbox: Outbox | None = None,
        rules: SpikeRules | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._aggregates = aggregates
        self._cases = cases
        self._alerts = alerts
        self._reference = reference
        self._officials = officials
        self._outbox = outbox
        self._rules = rules or SpikeRules()
        self._clock = clock

    def detect(self, day: date) -> list[Alert]:
        """Store the spikes of ``day`` not stored yet and send what is unsent; the new ones."""
        rules = self._rules
        baseline = Period(day - timedelta(days=rules.baseline_days + rules.guard_days), day)
        found = find_spikes(self._aggregates.cube(baseline), day, self._rules)
        stored_wards = {(a.kind, a.category) for a in self._alerts.recent(200, since=day)
                        if a.day == day and a.ward}  # fmt: skip
        new = []
        for alert in found:
            if not alert.ward and (alert.kind, alert.category) in stored_wards:
                continue
            added = self._alerts.add(self._with_examples(alert))
            if added is not None:
                new.append(added)
                log.info("analytics.alert_found kind=%s category=%s ward=%s observed=%s "
                         "expected=%.2f p=%.2g", added.kind, added.category, added.ward,
                         added.observed, added.expected, added.p_value)  # fmt: skip
        self.send_pending(day)
        return new

    def send_pending(self, today: date) -> int:
        """Queue unsent alerts of today and yesterday for every linked official chat."""
        if self._officials is None or self._outbox is None:
            return 0
        chats = self._chats()
        if not chats:
            return 0
        pending = self._alerts.unsent(today - timedelta(days=1))
        for alert in pending:
            message = alert_text(alert, self._reference)
            for channel, user_id in chats:
                self._outbox.enqueue(channel, user_id, message, None)
            assert alert.id is not None
            self._alerts.mark_sent(alert.id, self._clock())
        if pending:
            log.info("analytics.alerts_sent alerts=%d chats=%d", len(pending), len(chats))
        return len(pending)

    def recent(self, limit: int = 50, since: date | None = None) -> list[Alert]:
        return self._alerts.recent(limit, since)

    def _chats(self) -> list[tuple[ChatChannel, str]]:
        assert self._officials is not None
        chats = []
        for channel, user_id in self._officials.official_chats():
            try:
                chats.append((ChatChannel(channel), user_id))
            except ValueError:
                log.warning("analytics.alert_channel_unknown channel=%s", channel)
        return chats

    def _with_examples(self, alert: Alert) -> Alert:
        where = Slice(category=alert.category, ward=alert.ward or None)
        examples = self._cases.examples(Period(alert.day, alert.day), where, None, limit=3)
        return replace(alert, details={**alert.details,
                                       "examples": [e.reference for e in examples]})  # fmt: skip


def alert_text(alert: Alert, reference: ReferenceData) -> str:
    """The message officials receive (Vietnamese, from the catalogue)."""
    category = _category_name(alert.category, reference)
    place = text("alert.place.ward", ward=alert.ward) if alert.ward else text("alert.place.city")
    day = alert.day.strftime("%d/%m/%Y")
    if alert.kind is AlertKind.VOLUME:
        key = "alert.volume" if alert.expected >= 0.5 else "alert.volume_new"  # no "×168"
        body = text(key, category=category, place=place, day=day,
                    observed=vi_number(alert.observed), ratio=vi_number(round(alert.ratio, 1)),
                    expected=vi_number(round(alert.expected, 1)),
                    baseline=alert.details.get("baseline_days", 28),
                    baseline_total=alert.details.get("baseline_total", 0))  # fmt: skip
    else:
        d = alert.details
        body = text("alert.negative_share", category=category, place=place, day=day,
                    negative=d.get("negative", "?"), total=d.get("total", "?"),
                    share=vi_percent(alert.observed),
                    baseline_share=vi_percent(alert.expected))  # fmt: skip
    if alert.examples:
        body += " " + text("alert.examples", references=", ".join(alert.examples))
    return body


def _category_name(code: str, reference: ReferenceData) -> str:
    try:
        return reference.category(code).name
    except InvalidInput:
        return code
