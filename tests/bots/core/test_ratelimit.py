"""The token bucket: burst, refill rate, one warning, independent users, bounded memory."""

from __future__ import annotations

import pytest

from bots.core.ratelimit import RateLimiter, Verdict


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_burst_passes_then_one_warning_then_silence(clock: Clock) -> None:
    limiter = RateLimiter(per_minute=20, burst=8, clock=clock)
    assert [limiter.check("telegram:1") for _ in range(8)] == [Verdict.ALLOW] * 8
    assert limiter.check("telegram:1") is Verdict.WARN
    assert limiter.check("telegram:1") is Verdict.DROP
    assert limiter.check("telegram:1") is Verdict.DROP


@pytest.mark.parametrize(("waited", "verdict"), [(2.9, Verdict.DROP), (3.0, Verdict.ALLOW)])
def test_tokens_come_back_at_the_rate(clock: Clock, waited: float, verdict: Verdict) -> None:
    limiter = RateLimiter(per_minute=20, burst=1, clock=clock)
    assert limiter.check("zalo:9") is Verdict.ALLOW
    assert limiter.check("zalo:9") is Verdict.WARN
    clock.t += waited
    assert limiter.check("zalo:9") is verdict


def test_after_a_refill_a_new_flood_is_warned_again(clock: Clock) -> None:
    limiter = RateLimiter(per_minute=60, burst=1, clock=clock)
    limiter.check("web:s")
    assert limiter.check("web:s") is Verdict.WARN
    clock.t += 1.0
    assert limiter.check("web:s") is Verdict.ALLOW
    assert limiter.check("web:s") is Verdict.WARN


def test_the_burst_never_exceeds_its_size_after_a_long_silence(clock: Clock) -> None:
    limiter = RateLimiter(per_minute=20, burst=2, clock=clock)
    clock.t += 3600
    assert [limiter.check("u") for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN]


def test_users_have_their_own_buckets(clock: Clock) -> None:
    limiter = RateLimiter(per_minute=20, burst=1, clock=clock)
    assert limiter.check("telegram:1") is Verdict.ALLOW
    assert limiter.check("telegram:2") is Verdict.ALLOW
    assert limiter.check("telegram:1") is Verdict.WARN


def test_quiet_users_are_forgotten_when_the_table_is_full(clock: Clock) -> None:
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock, max_users=3)
    for user in ("a", "b", "c"):
        limiter.check(user)
    limiter.check("c")
    clock.t += 1.5  # a and b are full again, c is not
    limiter.check("d")
    assert set(limiter._buckets) == {"c", "d"}
    assert limiter.check("c") is Verdict.ALLOW  # c kept its state: 0 + 1.5 tokens
    assert limiter.check("c") is Verdict.WARN


@pytest.mark.parametrize(("per_minute", "burst"), [(0, 8), (20, 0)])
def test_a_limiter_that_would_block_everyone_is_refused(per_minute: float, burst: int) -> None:
    with pytest.raises(ValueError):
        RateLimiter(per_minute=per_minute, burst=burst)
