"""The 7-day forecast and its backtest on synthetic histories with a known answer."""

from __future__ import annotations

import numpy as np
import pytest

from services.forecast import backtest, forecast_days, predict

WEEK = [6.0, 6.0, 6.0, 6.0, 6.0, 1.0, 1.0]  # Monday … Sunday


def test_a_steady_weekly_pattern_is_forecast_with_its_weekdays() -> None:
    history = np.array(WEEK * 12)  # ends on a Sunday
    values = forecast_days(history, first_weekday=0)
    assert values[:5] == pytest.approx([5.9] * 5, abs=0.2)
    assert values[5:] == pytest.approx([1.2] * 2, abs=0.3)
    shifted = forecast_days(history[:-2], first_weekday=5)  # ends on a Friday
    assert shifted[0] == pytest.approx(values[5], rel=0.05)
    assert shifted[2] == pytest.approx(values[0], rel=0.05)


def test_level_follows_the_recent_weeks() -> None:
    history = np.array([2.0] * 56 + [8.0] * 28)
    assert forecast_days(history, 0).mean() == pytest.approx(8.0, rel=0.05)


def test_no_history_forecasts_zero_and_no_error_can_be_measured() -> None:
    assert forecast_days(np.zeros(0), 0).tolist() == [0.0] * 7
    assert backtest(np.zeros(20), 0).weeks == 0


def test_backtest_error_is_small_on_a_pattern_and_larger_on_noise() -> None:
    pattern = np.array(WEEK * 16)
    exact = backtest(pattern, 0)
    assert exact.weeks == 4 and exact.mae is not None and exact.mae < 0.3
    rng = np.random.default_rng(7)
    noisy = backtest(rng.poisson(np.array(WEEK * 16)).astype(float), 0)
    assert noisy.mae is not None and noisy.mae > exact.mae
    assert noisy.mape is not None and noisy.wape is not None and 0 < noisy.wape < 1


def test_interval_widens_with_overdispersion() -> None:
    calm = predict(np.array([4.0] * 84), 0)
    bursty = predict(np.array([0.0, 0.0, 0.0, 16.0] * 21), 0)
    assert calm.values.mean() == pytest.approx(bursty.values.mean(), rel=0.1)
    assert (bursty.high - bursty.low).mean() > 2 * (calm.high - calm.low).mean()
    assert (calm.low >= 0).all() and (bursty.low >= 0).all()
