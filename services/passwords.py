"""Credential primitives of accounts: password hashes, random tokens, API keys, throttling.

Passwords are chosen by people, so they are hashed with argon2id (slow, memory-hard). Session
tokens, API key secrets and link codes are drawn by us: tokens and secrets carry 256 random
bits, which no one can guess however fast the hash, so a SHA-256 suffices and costs nothing per
request (argon2 on every API call would cost ~0.1 s and 64 MiB each: an easy denial of
service). Link codes are short, but live ten minutes, are used once, and wrong guesses are
throttled.

    >>> creds = Credentials()
    >>> h = creds.hash_password("mật khẩu dài đủ")
    >>> creds.verify_password(h, "mật khẩu dài đủ")
    True
    >>> prefix, key = new_api_key()        # ("3f9a0c1d", "lng_3f9a0c1d_…")
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.account_ports import AccountStore
from core.errors import Throttled

KEY_PREFIX = "lng"
LINK_CODE_DIGITS = 6


class Credentials:
    """argon2id hashing of passwords; ``burn`` costs what a check costs, for unknown users."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        self._dummy = self._hasher.hash(secrets.token_urlsafe(16))

    def hash_password(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify_password(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than today's."""
        return self._hasher.check_needs_rehash(password_hash)

    def burn(self, password: str) -> None:
        """Check ``password`` against a dummy hash: an unknown username takes as long."""
        self.verify_password(self._dummy, password)


def digest(text: str) -> str:
    """SHA-256 hex of a random token, key secret or link code (what the database keeps)."""
    return hashlib.sha256(text.encode()).hexdigest()


def new_token() -> str:
    """32 random bytes, URL-safe (session tokens, CSRF tokens)."""
    return secrets.token_urlsafe(32)


def new_api_key() -> tuple[str, str]:
    """``(prefix, key)``: the key is ``lng_<prefix>_<secret>``; only the prefix is looked up."""
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_PREFIX}_{prefix}_{new_token()}"


def split_api_key(key: str) -> tuple[str, str] | None:
    """``(prefix, secret)`` of a well-formed key, else None."""
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or len(parts[1]) != 8 or len(parts[2]) < 32:
        return None
    return parts[1], parts[2]


def new_link_code() -> str:
    return f"{secrets.randbelow(10**LINK_CODE_DIGITS):0{LINK_CODE_DIGITS}d}"


class FailureThrottle:
    """Counts failures per key and per source in a sliding window; refuses past the limits.

    Attempts refused while throttled are not counted, so the wait ends when announced.

        >>> logins = FailureThrottle(store, clock, timedelta(minutes=15), per_key=5, per_source=20)
        >>> logins.check("lan", "10.0.0.7")      # Throttled(retry_after=…) past a limit
        >>> logins.fail("lan", "10.0.0.7")
    """

    def __init__(
        self, store: AccountStore, clock: Callable[[], datetime], window: timedelta,
        per_key: int, per_source: int,
    ) -> None:  # fmt: skip
        self._store = store
        self._clock = clock
        self._window = window
        self._limits = (per_key, per_source)

    def check(self, key: str, source: str) -> None:
        now = self._clock()
        since = now - self._window
        per_key, per_source = self._limits
        waits = [
            self._wait(self._store.failures_since(since, username=key), per_key, now),
            self._wait(self._store.failures_since(since, ip=source), per_source, now),
        ]
        wait = max(waits)
        if wait > 0:
            raise Throttled("too many failed attempts; try again later", retry_after=wait)

    def fail(self, key: str, source: str) -> None:
        self._store.add_failure(key, source, self._clock())

    def clear(self, key: str) -> None:
        self._store.clear_failures(key)

    def _wait(self, times: list[datetime], limit: int, now: datetime) -> int:
        """Seconds until fewer than ``limit`` failures remain in the window (0: none)."""
        if len(times) < limit:
            return 0
        frees_at = times[len(times) - limit] + self._window
        return max(1, math.ceil((frees_at - now).total_seconds()))
