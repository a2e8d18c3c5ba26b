"""Spike detection: a day's reports against the trailing baseline, with tests fit for low counts.

For each category, city-wide and per ward, the day's count is tested against the rate of 28
earlier days, ending two days before it (a guard band, as in CDC's EARS C2: a problem that has
been building for a day or two must not raise its own baseline): the upper tail of a Poisson
with that rate, or of a negative binomial with the baseline's own variance when days vary more
than a Poisson allows (rain comes in bursts).
A spike also needs a minimum count and ratio, so 0 → 2 is noise while 3/day → 25 is not. The
negative share is tested the same way with a binomial tail against the baseline share.

    >>> volume_p_value(25, mean=3.0, variance=3.0) < 1e-10
    True
    >>> volume_p_value(2, mean=0.04, variance=0.04) < 0.001   # unlikely, but only 2 reports
    True
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy.special import betainc, gammainc

from core.analytics import UNKNOWN, Alert, AlertKind, CubeCell


@dataclass(frozen=True, slots=True)
class SpikeRules:
    """When a day is a spike. ``p_value`` is per test; there are ~200 tests a day, so 0.001
    keeps false alarms near one every few days across the whole city."""

    baseline_days: int = 28
    guard_days: int = 2
    p_value: float = 0.001
    min_count: int = 5
    min_ratio: float = 1.5
    min_share_total: int = 8
    min_baseline_total: int = 20
    min_share_jump: float = 0.2


def volume_p_value(observed: int, mean: float, variance: float) -> float:
    """P(X ≥ observed) for a day with this baseline mean and variance (NB when overdispersed)."""
    if observed <= 0:
        return 1.0
    if variance <= mean * 1.05:
        return float(gammainc(observed, mean))  # Poisson: P(X ≥ k) = P(k, μ)
    size = mean * mean / (variance - mean)  # negative binomial, method of moments
    success = size / (size + mean)
    return float(betainc(observed, size, 1.0 - success))


def share_p_value(part: int, whole: int, share: float) -> float:
    """P(X ≥ part) for X ~ Binomial(whole, share)."""
    if part <= 0:
        return 1.0
    return float(betainc(part, whole - part + 1, share))


@dataclass(slots=True)
class _Series:
    """One category × ward (or × the whole city): baseline days and the day tested."""

    baseline: np.ndarray
    negative_baseline: int = 0
    total: int = 0
    negative: int = 0


def find_spikes(cells: list[CubeCell], day: date, rules: SpikeRules | None = None
                ) -> list[Alert]:  # fmt: skip
    """The spikes of ``day`` in these cells (``day`` and the baseline days before it)."""
    rules = rules or SpikeRules()
    series = _collect(cells, day, rules.baseline_days, rules.guard_days)
    alerts: list[Alert] = []
    for (category, ward), s in sorted(series.items()):
        for found in (_volume(s, rules), _negative_share(s, rules)):
            if found is not None:
                kind, observed, expected, p_value, details = found
                alerts.append(Alert(kind, category, ward, day, observed, expected, p_value,
                                    details))  # fmt: skip
    return _ward_level_first(alerts)


def _collect(cells: list[CubeCell], day: date, days: int, guard: int
             ) -> dict[tuple[str, str], _Series]:  # fmt: skip
    first = day - timedelta(days=days + guard)
    last = day - timedelta(days=guard + 1)
    series: dict[tuple[str, str], _Series] = defaultdict(lambda: _Series(np.zeros(days)))
    for cell in cells:
        if cell.category == UNKNOWN or not (first <= cell.day <= last or cell.day == day):
            continue
        keys = [(cell.category, UNKNOWN)] + ([(cell.category, cell.ward)] if cell.ward else [])
        for key in keys:
            s = series[key]
            if cell.day == day:
                s.total += cell.total
                s.negative += cell.negative
            else:
                s.baseline[(cell.day - first).days] += cell.total
                s.negative_baseline += cell.negative
    return series


_Found = tuple[AlertKind, float, float, float, dict[str, object]] | None


def _volume(s: _Series, rules: SpikeRules) -> _Found:
    days = len(s.baseline)
    mean = max(float(s.baseline.mean()), 1.0 / days)  # never seen: one report in the window
    variance = float(s.baseline.var(ddof=1)) if days > 1 else mean
    if s.total < rules.min_count or s.total < rules.min_ratio * mean:
        return None
    p = volume_p_value(s.total, mean, variance)
    if p >= rules.p_value:
        return None
    details = {"baseline_days": days, "baseline_total": int(s.baseline.sum()),
               "ratio": round(s.total / mean, 2)}  # fmt: skip
    return AlertKind.VOLUME, float(s.total), mean, p, details


def _negative_share(s: _Series, rules: SpikeRules) -> _Found:
    base_total = int(s.baseline.sum())
    if base_total < rules.min_baseline_total or s.total < rules.min_share_total:
        return None
    base_share = (s.negative_baseline + 1) / (base_total + 2)
    share = s.negative / s.total
    if s.negative < rules.min_count or share - base_share < rules.min_share_jump:
        return None
    p = share_p_value(s.negative, s.total, base_share)
    if p >= rules.p_value:
        return None
    details = {"baseline_days": len(s.baseline), "baseline_total": base_total,
               "baseline_negative": s.negative_baseline, "negative": s.negative,
               "total": s.total}  # fmt: skip
    return AlertKind.NEGATIVE_SHARE, share, base_share, p, details


def _ward_level_first(alerts: list[Alert]) -> list[Alert]:
    """A city-wide alert says nothing new when a ward of the same category already spiked."""
    in_wards = {(a.kind, a.category) for a in alerts if a.ward}
    return [a for a in alerts if a.ward or (a.kind, a.category) not in in_wards]
