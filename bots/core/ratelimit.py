"""Per-user rate limiting of chat messages: a token bucket in memory, per process.

A citizen typing fast is fine (the burst); a script flooding the bot is not, because every
message runs models and writes the database. Over the limit the user gets one short "please
slow down" (``WARN``) and then silence (``DROP``) until the bucket has refilled a message.
Per process is enough: a flood reaches one worker's webhook, and the limit is a courtesy
brake, not a security boundary.

    >>> limiter = RateLimiter(per_minute=20, burst=8)
    >>> limiter.check("telegram:42")
    <Verdict.ALLOW: 'allow'>
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


class Verdict(enum.StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # first message over the limit: say "slow down" once
    DROP = "drop"  # still over the limit: stay silent


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class RateLimiter:
    """Token buckets keyed by user; ``check`` takes one token or says what to do instead.

    ``max_users`` bounds memory: when exceeded, buckets that have refilled completely (users
    who are quiet) are forgotten, which changes nothing for them.
    """

    def __init__(
        self,
        per_minute: float = 20.0,
        burst: int = 8,
        clock: Callable[[], float] = time.monotonic,
        max_users: int = 10_000,
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute must be > 0 and burst ≥ 1")
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._clock = clock
        self._max_users = max_users
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> Verdict:
        """Spend one token of ``key``'s bucket if there is one."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                self._forget_idle(now)
                bucket = self._buckets[key] = _Bucket(self._burst, now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                bucket.warned = False
                return Verdict.ALLOW
            if bucket.warned:
                return Verdict.DROP
            bucket.warned = True
            return Verdict.WARN

    def _forget_idle(self, now: float) -> None:
        if len(self._buckets) < self._max_users:
            return
        full = [
            k
            for k, b in self._buckets.items()
            if b.tokens + (now - b.at) * self._rate >= self._burst
        ]
        for key in full:
            del self._buckets[key]
