"""A zone's UTC offset over a span of time, as stretches between its transitions.

Showing many instants in one zone (a window of slots in the viewer's zone) does not need a
``zoneinfo`` lookup per instant: the offset only changes at a zone's transitions, a few times a
year at most. The offset is looked up at each UTC midnight of the span; where two disagree,
the exact instant of the change is found by bisection. Every instant inside a stretch then
shows ``instant + offset`` on the zone's clock.

A zone's offset at a UTC midnight is a fact of the zone's rules, worked out once
(:func:`midnight_offset`): a slot window reads some thirty of them twice (the instructor's
zone for the sweep, the viewer's for the answer), and a ``zoneinfo`` round trip for each was a
tenth of an uncached window's time.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from instainstru_desktop.domain._clock import DAY_US, first_instant_with_new_offset, offset_us


@functools.lru_cache(maxsize=1 << 16)
def midnight_offset(tz: ZoneInfo, day: int) -> int:
    """The UTC offset of ``tz`` (microseconds) at 00:00 UTC of ``day`` (days since 1970)."""
    return offset_us(day * DAY_US, tz)


@dataclass(frozen=True, slots=True)
class OffsetStretches:
    """The offsets of ``tz`` from ``starts[0]`` to ``end`` (microseconds since the epoch).

    ``offsets[i]`` is in force from ``starts[i]`` until ``starts[i + 1]`` (the last one until
    ``end``). Like :meth:`LocalDays.segments`, it assumes at most one transition per day, true
    of every zone since 1970: two transitions within a day would be missed.
    """

    starts: tuple[int, ...]
    offsets: tuple[int, ...]
    end: int

    @classmethod
    def build(cls, lo: int, hi: int, tz: ZoneInfo) -> OffsetStretches:
        """The stretches covering ``[lo, hi]``."""
        starts, offsets = [lo], [offset_us(lo, tz)]
        at = lo
        while at < hi:
            day = at // DAY_US + 1  # the next UTC midnight, or ``hi`` when that comes first
            step = min(day * DAY_US, hi)
            after = midnight_offset(tz, day) if step < hi else offset_us(hi, tz)
            if after != offsets[-1]:
                starts.append(first_instant_with_new_offset(at, step, tz))
                offsets.append(after)
            at = step
        return cls(tuple(starts), tuple(offsets), hi)

    def index(self, us: int) -> int:
        """Which stretch holds the instant ``us`` (inside the span)."""
        return max(0, bisect_right(self.starts, us) - 1)

    def solve(self, local: int) -> tuple[int, int] | None:
        """The one instant whose wall clock shows ``local`` (microseconds of wall time since
        1970-01-01 00:00) and the offset there; None when that wall time is skipped, repeated
        or outside the span (the caller then asks ``zoneinfo``)."""
        found = None
        for i, offset in enumerate(self.offsets):
            instant = local - offset
            if self.starts[i] <= instant < self.stretch_end(i) and instant <= self.end:
                if found is not None:
                    return None
                found = (instant, offset)
        return found

    def stretch_end(self, i: int) -> int:
        """The first instant after stretch ``i`` (the span's end, plus one, for the last)."""
        return self.starts[i + 1] if i + 1 < len(self.starts) else self.end + 1
