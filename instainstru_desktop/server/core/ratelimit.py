"""Sliding-window counters for sign-in throttling, and a ceiling on open public streams.

:class:`SlidingWindowLimiter` counts in process memory. Sign-in and sign-up attempts are counted
in the database instead (``services.throttle``), so the limits hold across server processes; both
keep the :class:`WindowLimiter` shape.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol


class WindowLimiter(Protocol):
    """At most a number of events per key within a window of seconds."""

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None when it may try now."""
        ...

    def hit(self, key: str) -> None:
        """Count one event of ``key``."""
        ...


class SlidingWindowLimiter:
    """At most ``limit`` events per key within any ``window`` seconds."""

    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None when it may try now."""
        with self._lock:
            events = self._trim(key)
            if len(events) < self.limit:
                return None
            return max(1, math.ceil(events[0] + self.window - self._clock()))

    def hit(self, key: str) -> None:
        with self._lock:
            self._trim(key).append(self._clock())

    def _trim(self, key: str) -> deque[float]:
        events = self._events.setdefault(key, deque())
        horizon = self._clock() - self.window
        while events and events[0] <= horizon:
            events.popleft()
        if len(self._events) > 100_000:  # forget idle keys so memory stays bounded
            for idle in [k for k, v in self._events.items() if not v and k != key]:
                del self._events[idle]
        return events


class StreamCounter:
    """How many long-lived streams are open, against a ceiling (thread-safe)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0
        self._lock = threading.Lock()

    def try_open(self) -> bool:
        """Count one more stream; False (and nothing counted) when the ceiling is reached."""
        with self._lock:
            if self.open >= self.limit:
                return False
            self.open += 1
            return True

    def close(self) -> None:
        with self._lock:
            self.open -= 1
