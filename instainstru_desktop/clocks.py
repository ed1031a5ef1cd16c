"""The server's time as this computer best knows it: its own clock, corrected by the last skew
the sync measured.

Lesson rules that depend on "now" (a lesson can be marked once it has started, a lesson cannot
be booked in the past, which list a lesson belongs in) are the server's rules, judged by the
server's clock. A computer whose clock is two hours behind would otherwise refuse to mark a
lesson the server would accept. The skew is kept in the sync state, so the correction holds
offline and after a restart. Bookkeeping of this computer (retry times, backups, when a change
was made) keeps using its own clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

Clock = Callable[[], datetime]

#: Beyond this difference between this computer's clock and the server's, the app says so.
CLOCK_SKEW_WARNING_SECONDS = 60.0


class ServerClock:
    """``now()`` is this computer's clock minus the measured skew (ours minus the server's).

    One instance per store, shared by every unit of work; the sync engine sets the skew from its
    own thread (a float assignment, atomic in Python) while services read it.
    """

    def __init__(self, local: Clock, skew_seconds: float = 0.0) -> None:
        self._local = local
        self._skew = float(skew_seconds)

    @property
    def skew_seconds(self) -> float:
        """This computer's clock minus the server's, as last measured (0 before any sync)."""
        return self._skew

    def set_skew(self, skew_seconds: float) -> None:
        self._skew = float(skew_seconds)

    def now(self) -> datetime:
        return self._local() - timedelta(seconds=self._skew)

    __call__ = now
