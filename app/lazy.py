"""``cached_property`` that builds each value once even when threads race for it.

The container's parts are built on first use, and first use can come from several threads at
once: the request threads, the chat-recovery thread, the analytics and notification workers.
``functools.cached_property`` lost its lock in Python 3.12, so two threads could each build a
dialogue engine (two records of which updates are being answered). This one holds a per-object
re-entrant lock while building; reading a built value takes no lock at all.

    >>> class Container:
    ...     @cached_property
    ...     def engine(self) -> Engine:
    ...         return Engine()
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")
_LOCK = "__lazy_build_lock"


class cached_property(Generic[T]):  # a drop-in for functools.cached_property
    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached_property[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | cached_property[T]:
        if instance is None:
            return self
        cache = instance.__dict__
        if self.name in cache:
            return cache[self.name]  # type: ignore[no-any-return]
        with cache.setdefault(_LOCK, threading.RLock()):
            if self.name not in cache:
                cache[self.name] = self.func(instance)
            return cache[self.name]  # type: ignore[no-any-return]
