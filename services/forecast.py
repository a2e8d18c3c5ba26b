"""A 7-day forecast of daily reports: the recent level times a weekly profile, and its error.

Counts per category are small and noisy, so the method is deliberately plain: the mean of the
last 28 days, times how much each weekday differs from the mean over the last 12 weeks (shrunk
towards "no difference" when counts are few). It is measured the only honest way: on past
weeks it did not see (backtest), reported as MAE, MAPE (days with reports) and WAPE.

    >>> history = np.array([3, 4, 2, 5, 3, 1, 0] * 12, dtype=float)
    >>> forecast_days(history, first_weekday=0).round(1)
    array([3. , 3.9, 2. , 4.8, 3. , 1.1, 0.2])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.analytics import Backtest

METHOD = "seasonal-weekly: 28-day level × weekday profile (12 weeks)"
LEVEL_DAYS = 28
PROFILE_DAYS = 84
HORIZON = 7
SHRINK = 1.0  # reports per weekday added to every weekday's mean before the ratio
Z_80 = 1.2816


@dataclass(frozen=True, slots=True)
class Prediction:
    values: np.ndarray
    low: np.ndarray
    high: np.ndarray


def forecast_days(history: np.ndarray, first_weekday: int, horizon: int = HORIZON) -> np.ndarray:
    """Expected counts for the ``horizon`` days after ``history`` (oldest first);
    ``first_weekday`` is the weekday (Monday 0) of the first day forecast."""
    recent = history[-LEVEL_DAYS:]
    level = float(recent.mean()) if len(recent) else 0.0
    profile = _weekday_profile(history[-PROFILE_DAYS:], first_weekday)
    days = [(first_weekday + n) % 7 for n in range(horizon)]
    return np.array([level * profile[d] for d in days])


def predict(history: np.ndarray, first_weekday: int, horizon: int = HORIZON) -> Prediction:
    """The forecast with an 80% interval (Poisson, widened by the history's overdispersion)."""
    values = forecast_days(history, first_weekday, horizon)
    recent = history[-LEVEL_DAYS:]
    mean = float(recent.mean()) if len(recent) else 0.0
    dispersion = max(1.0, float(recent.var()) / mean) if mean > 0 else 1.0
    spread = Z_80 * np.sqrt(values * dispersion)
    return Prediction(values, np.maximum(values - spread, 0.0), values + spread)


def backtest(history: np.ndarray, first_weekday_of_history: int, weeks: int = 4) -> Backtest:
    """Forecast each of the last ``weeks`` weeks of ``history`` from the days before it."""
    errors: list[np.ndarray] = []
    actuals: list[np.ndarray] = []
    for week in range(weeks, 0, -1):
        cut = len(history) - HORIZON * week
        if cut < LEVEL_DAYS:
            continue
        weekday = (first_weekday_of_history + cut) % 7
        predicted = forecast_days(history[:cut], weekday)
        actual = history[cut : cut + HORIZON]
        errors.append(np.abs(predicted - actual))
        actuals.append(actual)
    if not errors:
        return Backtest(0, None, None, None)
    error, actual = np.concatenate(errors), np.concatenate(actuals)
    seen = actual > 0
    mape = float((error[seen] / actual[seen]).mean()) if seen.any() else None
    wape = float(error.sum() / actual.sum()) if actual.sum() > 0 else None
    return Backtest(len(errors), float(error.mean()), mape, wape)


def _weekday_profile(history: np.ndarray, first_weekday: int) -> np.ndarray:
    """Each weekday's mean relative to the overall mean; 1.0 everywhere without data.

    ``history`` ends the day before ``first_weekday``, so its last day is weekday
    ``first_weekday - 1``.
    """
    if len(history) == 0 or history.sum() == 0:
        return np.ones(7)
    start = (first_weekday - len(history)) % 7
    weekdays = (start + np.arange(len(history))) % 7
    overall = float(history.mean())
    profile = np.ones(7)
    for day in range(7):
        chosen = history[weekdays == day]
        if len(chosen):
            profile[day] = (chosen.sum() + SHRINK * overall) / ((len(chosen) + SHRINK) * overall)
    return profile
