"""Sliding-window limits counted in the database, so they hold across server processes.

A server running several processes (``instainstru-server --workers N``, or several servers on
one PostgreSQL) would otherwise let each process count its own share of the attempts, and an
attacker spreading sign-in attempts over connections would get N times the limit. Each attempt
is one short write; sign-in spends far longer verifying the password hash.

Times are wall-clock seconds: the processes share no monotonic clock. A clock stepped back
lengthens a window at most by the step.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork

#: Longest key kept (an address, an e-mail address of at most 254 characters).
_KEY_LIMIT = 320


class SharedWindowLimiter:
    """At most ``limit`` events of ``kind`` per key within any ``window`` seconds."""

    def __init__(
        self,
        uow: UnitOfWork,
        kind: str,
        limit: int,
        window: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._uow = uow
        self.kind = kind
        self.limit = limit
        self.window = window
        self._clock = clock

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None when it may try now."""
        now = self._clock()
        with self._uow.read() as tx:
            recent = tx.attempts.recent(self.kind, key[:_KEY_LIMIT], now - self.window, self.limit)
        if len(recent) < self.limit:
            return None
        return max(1, math.ceil(recent[0] + self.window - now))

    def hit(self, key: str) -> None:
        now = self._clock()

        def count(tx: Tx) -> None:
            tx.attempts.forget_before(self.kind, now - self.window)
            tx.attempts.add(self.kind, key[:_KEY_LIMIT], now)

        self._uow.run_write(count)
