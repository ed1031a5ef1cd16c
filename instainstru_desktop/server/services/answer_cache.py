"""Answers kept in memory until the data they were read from changes.

The server hears of every commit: each one publishes a poke naming the instructors it touched
(from the unit of work on SQLite, through ``LISTEN/NOTIFY`` from every server process on
PostgreSQL). An answer is kept under the *generation* of its scope, read before the database:

* an instructor's scope (slots) moves with every commit naming that instructor;
* the whole studio's scope (``None``: the admin's pages of all bookings) moves with every commit;
* a commit naming nobody in particular (a user's row: their name or time zone) moves every scope.

So a kept answer is exactly what a fresh read would give, unless a commit lands between the two,
in which case the answer is stored under the older generation and never served. Entries also
expire after ``ttl_seconds``, which bounds staleness should a poke ever be lost (a PostgreSQL
listener reconnecting) or the database be changed behind the server's back.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from instainstru_desktop.server.core.events import Poke

V = TypeVar("V")
#: (commits naming nobody, commits of the scope)
Generation = tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Kept(Generic[V]):
    scope: str | None
    generation: Generation
    expires: float  # time.monotonic()
    value: V


class AnswerCache(Generic[V]):
    """A bounded, thread-safe LRU of answers that follow the commits of their scope.

    ``entries=0`` keeps nothing (every request reads), which the benchmark uses to show the
    cost without it.
    """

    def __init__(
        self,
        *,
        entries: int,
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.entries = entries
        self.ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, _Kept[V]] = OrderedDict()
        self._everyone = 0
        self._any = 0
        self._per_instructor: dict[str, int] = {}

    def observe(self, poke: Poke) -> None:
        """Hear a commit (called by the event hub, from any thread)."""
        with self._lock:
            self._any += 1
            if poke.everyone or not poke.instructor_ids:
                self._everyone += 1
                self._kept.clear()
                return
            for instructor_id in poke.instructor_ids:
                self._per_instructor[instructor_id] = self._per_instructor.get(instructor_id, 0) + 1

    def generation(self, scope: str | None) -> Generation:
        """Read before reading the database; store what was read under it."""
        with self._lock:
            return self._generation(scope)

    def _generation(self, scope: str | None) -> Generation:
        if scope is None:
            return self._everyone, self._any
        return self._everyone, self._per_instructor.get(scope, 0)

    def get(self, key: Hashable) -> V | None:
        """The kept answer for ``key`` if nothing it depends on has changed since."""
        if self.entries <= 0:
            return None
        with self._lock:
            kept = self._kept.get(key)
            if kept is None:
                return None
            if kept.generation != self._generation(kept.scope) or kept.expires <= self._clock():
                del self._kept[key]
                return None
            self._kept.move_to_end(key)
            return kept.value

    def put(self, key: Hashable, scope: str | None, generation: Generation, value: V) -> None:
        """Keep ``value``, read in ``scope`` at ``generation``, unless a commit landed since."""
        if self.entries <= 0:
            return
        with self._lock:
            if generation != self._generation(scope):
                return  # already out of date
            self._kept[key] = _Kept(scope, generation, self._clock() + self.ttl, value)
            self._kept.move_to_end(key)
            while len(self._kept) > self.entries:
                self._kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self._kept)
