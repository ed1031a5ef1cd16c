"""Slot answers kept in memory until the instructor's data changes.

Four weeks of slots cost the domain a sweep over availability and bookings plus encoding some
thousand instants, yet the answer only changes when the instructor's data does -- and the server
hears of every such change: each commit publishes a poke naming the instructors it touched (from
the unit of work on SQLite, through ``LISTEN/NOTIFY`` from every server process on PostgreSQL).
So the cache keys each answer by a *generation*: a counter per instructor plus a global one, bumped
by every poke that names the instructor, or that names nobody in particular (a user's row, whose
time zone the slots depend on, carries no instructor).

What is kept is the clock-free part (:class:`~instainstru_desktop.domain.slots.OpenSlots`) with
each slot already encoded; every request applies notice and horizon for its own ``now`` by
bisecting, and a signed-in student's own lessons are subtracted per request (they change with
bookings of *other* instructors, which do not bump this one's generation).

Safety margins: the generation is read *before* the database, so an answer computed while a
commit lands is stored under the older generation and never served again; entries also expire
after ``ttl_seconds``, which bounds staleness should a poke ever be lost (a PostgreSQL listener
reconnecting) or the database be changed behind the server's back. Slots are advice -- creating a
booking re-checks every rule inside its transaction -- so the cache can never double-book.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from instainstru_desktop.domain.slots import OpenSlots
from instainstru_desktop.server.events import Poke

#: (instructor, lesson type, window start, window end, viewer zone)
SlotKey = tuple[str, str, datetime, datetime, str]
Generation = tuple[int, int]


@dataclass(frozen=True, slots=True)
class SlotAnswer:
    """One window's open slots, each encoded once for the viewer's zone."""

    generation: Generation
    expires: float  # time.monotonic()
    open: OpenSlots
    head: bytes  # the JSON object up to the opening bracket of "slots"
    encoded: tuple[bytes, ...]  # one JSON object per entry of open.starts

    def body(self, chosen: Sequence[int]) -> bytes:
        """The response body with the slots at the indexes ``chosen`` (ascending)."""
        if isinstance(chosen, range) and chosen.step == 1:
            parts: Sequence[bytes] = self.encoded[chosen.start : chosen.stop]
        else:
            parts = [self.encoded[i] for i in chosen]
        return b"".join((self.head, b",".join(parts), b"]}"))


class SlotCache:
    """A bounded, thread-safe LRU of :class:`SlotAnswer` with per-instructor generations.

    ``entries=0`` keeps nothing (every request computes), which the benchmark uses to show the
    uncached cost.
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
        self._answers: OrderedDict[SlotKey, SlotAnswer] = OrderedDict()
        self._everyone = 0
        self._per_instructor: dict[str, int] = {}

    @property
    def enabled(self) -> bool:
        return self.entries > 0

    def observe(self, poke: Poke) -> None:
        """Hear a commit (called by the event hub, from any thread)."""
        with self._lock:
            if poke.everyone or not poke.instructor_ids:
                self._everyone += 1
                self._answers.clear()
                return
            for instructor_id in poke.instructor_ids:
                self._per_instructor[instructor_id] = self._per_instructor.get(instructor_id, 0) + 1

    def generation(self, instructor_id: str) -> Generation:
        """Read before reading the database: answers are stored under it."""
        with self._lock:
            return self._everyone, self._per_instructor.get(instructor_id, 0)

    def get(self, key: SlotKey) -> SlotAnswer | None:
        """The kept answer for ``key`` if nothing it depends on has changed since."""
        if not self.enabled:
            return None
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                return None
            current = (self._everyone, self._per_instructor.get(key[0], 0))
            if answer.generation != current or answer.expires <= self._clock():
                del self._answers[key]
                return None
            self._answers.move_to_end(key)
            return answer

    def put(self, key: SlotKey, answer: SlotAnswer) -> None:
        if not self.enabled:
            return
        with self._lock:
            if answer.generation != (self._everyone, self._per_instructor.get(key[0], 0)):
                return  # computed while a commit landed: already out of date
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)

    def expiry(self) -> float:
        """When an answer computed now must be recomputed at the latest."""
        return self._clock() + self.ttl

    def __len__(self) -> int:
        return len(self._answers)
