"""Spike detection: proper tail tests for low counts, alerts stored once and sent to officials."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from core.analytics import AlertKind, CubeCell
from core.chat import ChatChannel
from core.reference import ReferenceData
from services.alerts import AlertService, alert_text
from services.spikes import SpikeRules, find_spikes, share_p_value, volume_p_value
from stores.sql.alert_store import SqlAlertStore
from stores.sql.analytics_store import SqlAnalyticsStore
from stores.sql.db import Database
from tests.analytics_factories import add_reports, at, daily

DAY = date(2026, 11, 27)


def baseline(per_day: int, category: str = "thoat_nuoc", ward: str = "Hiệp Bình",
             negative: int = 0) -> list[CubeCell]:  # fmt: skip
    """28 days of the same count, before the 2-day guard band."""
    return [CubeCell(DAY - timedelta(days=n), category, ward, per_day, negative)
            for n in range(3, 31) if per_day]  # fmt: skip


def today(total: int, negative: int = 0, ward: str = "Hiệp Bình") -> CubeCell:
    return CubeCell(DAY, "thoat_nuoc", ward, total, negative)


def test_tail_probabilities_match_known_values() -> None:
    # Poisson(3): P(X ≥ 5) = 1 - P(X ≤ 4) = 0.18473676
    assert volume_p_value(5, 3.0, 3.0) == pytest.approx(0.18473676, rel=1e-6)
    # Binomial(10, 0.5): P(X ≥ 8) = 56/1024
    assert share_p_value(8, 10, 0.5) == pytest.approx(56 / 1024)
    # Overdispersed days make the same count less surprising.
    assert volume_p_value(12, 3.0, 12.0) > 100 * volume_p_value(12, 3.0, 3.0)
    assert volume_p_value(0, 3.0, 3.0) == 1.0


@pytest.mark.parametrize(
    ("per_day", "observed", "spike"),
    [
        (0, 2, False),  # 0 → 2: too few to matter, however unlikely
        (0, 6, True),  # something new: 6 reports where there were none
        (3, 25, True),  # 3 a day → 25
        (3, 6, False),  # a busy day, well within chance for Poisson(3)
        (20, 40, True),  # large counts: a smaller ratio is still significant
        (20, 26, False),
    ],
)
def test_volume_spikes(per_day: int, observed: int, spike: bool) -> None:
    alerts = find_spikes([*baseline(per_day), today(observed)], DAY)
    volume = [a for a in alerts if a.kind is AlertKind.VOLUME and a.ward]
    assert bool(volume) is spike
    if spike:
        assert volume[0].observed == observed
        assert volume[0].expected == pytest.approx(max(per_day, 1 / 28))


def test_negative_share_spike_against_the_baseline_share() -> None:
    cells = [*baseline(4, negative=1), today(10, negative=9)]
    alerts = find_spikes(cells, DAY)
    share = [a for a in alerts if a.kind is AlertKind.NEGATIVE_SHARE and a.ward]
    assert len(share) == 1
    assert share[0].observed == pytest.approx(0.9)
    assert share[0].expected == pytest.approx((28 + 1) / (112 + 2))
    calm = find_spikes([*baseline(4, negative=3), today(10, negative=8)], DAY)
    assert not [a for a in calm if a.kind is AlertKind.NEGATIVE_SHARE]


def test_the_days_just_before_do_not_raise_the_baseline() -> None:
    building = [CubeCell(DAY - timedelta(days=n), "thoat_nuoc", "Hiệp Bình", n_, 0)
                for n, n_ in ((1, 3), (2, 2))]  # fmt: skip
    [alert] = find_spikes([*baseline(0), *building, today(6)], DAY)
    assert alert.expected == pytest.approx(1 / 28)
    assert alert.details["baseline_total"] == 0


def test_a_ward_spike_is_not_repeated_city_wide_and_unknowns_are_skipped() -> None:
    cells = [*baseline(1), today(12), CubeCell(DAY, "", "Hiệp Bình", 30, 0)]
    alerts = find_spikes(cells, DAY)
    assert [(a.category, a.ward) for a in alerts] == [("thoat_nuoc", "Hiệp Bình")]
    spread = [today(4, ward=w) for w in ("Hiệp Bình", "Linh Xuân", "Tam Bình")]
    city = find_spikes([*baseline(1), *spread], DAY, SpikeRules())
    assert [(a.category, a.ward) for a in city] == [("thoat_nuoc", "")]


class Officials:
    def __init__(self, chats: list[tuple[str, str]]) -> None:
        self.chats = chats

    def official_chats(self) -> list[tuple[str, str]]:
        return self.chats


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[ChatChannel, str, str, int | None]] = []

    def enqueue(self, channel: ChatChannel, user_id: str, text: str, feedback_id: int | None
                ) -> None:  # fmt: skip
        self.sent.append((channel, user_id, text, feedback_id))


def test_alerts_are_stored_once_and_sent_to_linked_officials(
    database: Database, reference: ReferenceData
) -> None:
    add_reports(database, daily(at(2026, 10, 30), 28, 1))  # one flooding report a day
    add_reports(database, daily(at(2026, 11, 27, 6), 1, 9))
    store = SqlAnalyticsStore(database)
    store.refresh_days(DAY - timedelta(days=n) for n in range(30))
    officials = Officials([])
    outbox = Outbox()
    service = AlertService(store, store, SqlAlertStore(database), reference,
                           officials=officials, outbox=outbox)  # fmt: skip
    [alert] = service.detect(DAY)
    assert (alert.category, alert.ward, alert.observed) == ("thoat_nuoc", "Hiệp Bình", 9)
    assert len(alert.examples) == 3 and outbox.sent == []  # nobody linked yet: it waits
    officials.chats = [("telegram", "1001"), ("zalo", "z-7"), ("fax", "x")]
    assert service.detect(DAY) == []  # the same spike is not stored again…
    assert [(c, u) for c, u, _, _ in outbox.sent] == [
        (ChatChannel.TELEGRAM, "1001"), (ChatChannel.ZALO, "z-7")
    ]  # …but the waiting one is sent now, once  # fmt: skip
    assert all(f is None for *_, f in outbox.sent)
    service.detect(DAY)
    assert len(outbox.sent) == 2
    assert service.recent()[0].sent_at is not None


def test_alert_text_names_category_ward_jump_and_examples(reference: ReferenceData) -> None:
    [found] = find_spikes([*baseline(3), today(25)], DAY)
    alert = replace(found, details={**found.details, "examples": ["PA-2026-000123"]})
    message = alert_text(alert, reference)
    assert message.startswith("⚠️ Phản ánh tăng đột biến: Ngập nước, thoát nước ở phường Hiệp")
    assert "ngày 27/11/2026 có 25 phản ánh, gấp 8,3 lần mức thường (3/ngày" in message
    assert message.endswith("Ví dụ: PA-2026-000123.")
    [new] = find_spikes([today(6)], DAY)
    assert "có 6 phản ánh, trong khi 28 ngày trước đó chỉ có 0." in alert_text(new, reference)
