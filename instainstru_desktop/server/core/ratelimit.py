"""The shape of a sliding-window limit, and a ceiling on open public streams.

Limits are counted in the database (sign-in and sign-up attempts in ``services.throttle``,
messages from the messages written), so they hold across server processes; a stream ceiling is
per process, as the streams are.
"""

from __future__ import annotations

import threading
from typing import Protocol


class WindowLimiter(Protocol):
    """At most a number of events per key within a window of seconds."""

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None when it may try now."""
        ...

    def hit(self, key: str) -> None:
        """Count one event of ``key``."""
        ...


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
