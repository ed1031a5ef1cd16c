"""Half-open time ranges and the set algebra over them.

Two kinds of range share one algebra:

* :class:`WallRange` -- a wall-clock range inside one day, in minutes after local midnight.
  Availability is stored this way because instructors think in clock times ("9 to 12"), and a
  clock time keeps its meaning when the UTC offset changes.
* :class:`TimeRange` -- an absolute range between two timezone-aware instants. Lessons and
  bookable slots are stored this way because only absolute instants can be compared across
  zones and DST changes.

Ranges are half-open ``[start, end)``: a lesson ending at 10:00 and one starting at 10:00 do
not overlap, and two such ranges *touch*. The algebra functions accept any iterable of one kind
and return normalized lists (sorted, disjoint, touching ranges merged).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from instainstru_desktop.domain.errors import InvalidTimeRange

MINUTES_PER_DAY = 24 * 60

_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})")


@dataclass(frozen=True, order=True, slots=True)
class WallRange:
    """Wall-clock minutes ``[start, end)`` of one day; ``0 <= start < end <= 1440``.

    ``end == 1440`` ("24:00") means "until the end of the day", so a range can reach midnight
    and touch the next day's ranges starting at 00:00.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if type(self.start) is not int or type(self.end) is not int:
            raise InvalidTimeRange("wall-clock range bounds must be whole minutes")
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise InvalidTimeRange(
                f"wall-clock range must satisfy 00:00 <= start < end <= 24:00, "
                f"got {_format_minute(self.start)}-{_format_minute(self.end)}"
            )

    @classmethod
    def parse(cls, start: str, end: str) -> WallRange:
        """Build a range from ``"HH:MM"`` clock strings; only the end may be ``"24:00"``.

        The rule: a range lies within one day and is not empty, so ``"24:00"`` is accepted as an
        end (the next midnight) but never as a start, and malformed strings are rejected instead
        of guessed at.
        """
        first = _parse_minute(start)
        last = _parse_minute(end)
        if first == MINUTES_PER_DAY:
            raise InvalidTimeRange("a wall-clock range cannot start at 24:00")
        return cls(first, last)

    def format(self) -> tuple[str, str]:
        """Return ``("HH:MM", "HH:MM")``, the inverse of :meth:`parse` (end may be ``"24:00"``)."""
        return _format_minute(self.start), _format_minute(self.end)

    @property
    def minutes(self) -> int:
        """Length of the range in wall-clock minutes."""
        return self.end - self.start

    def __str__(self) -> str:
        first, last = self.format()
        return f"{first}-{last}"


@dataclass(frozen=True, order=True, slots=True)
class TimeRange:
    """Absolute instants ``[start, end)``; both timezone-aware and ``start < end``.

    Aware datetimes compare by instant, so two ranges in different zones describing the same
    instants are equal. The domain produces UTC ranges.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.start, datetime) or not isinstance(self.end, datetime):
            raise InvalidTimeRange("time range bounds must be datetimes")
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise InvalidTimeRange("time range bounds must be timezone-aware datetimes")
        if not self.start < self.end:
            raise InvalidTimeRange(
                f"time range must start before it ends, got {self.start.isoformat()} "
                f"to {self.end.isoformat()}"
            )

    @property
    def duration(self) -> timedelta:
        """Real elapsed time between start and end."""
        return self.end - self.start

    def overlaps(self, other: TimeRange) -> bool:
        """Whether the two half-open ranges share an instant (touching ranges do not)."""
        return self.start < other.end and other.start < self.end

    def contains_instant(self, instant: datetime) -> bool:
        """Whether ``start <= instant < end``."""
        return self.start <= instant < self.end


_new = object.__new__
_set_start = TimeRange.__dict__["start"].__set__
_set_end = TimeRange.__dict__["end"].__set__


def time_range_unchecked(start: datetime, end: datetime) -> TimeRange:
    """Build a TimeRange without validation, for code that guarantees the invariants itself.

    The slot engine creates hundreds of ranges per query from instants it computed; skipping the
    checks there makes building the result several times cheaper. Everyone else uses
    ``TimeRange(start, end)``.
    """
    r: TimeRange = _new(TimeRange)
    _set_start(r, start)
    _set_end(r, end)
    return r


R = TypeVar("R", WallRange, TimeRange)


class _Point(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


P = TypeVar("P", bound=_Point)


def normalize(ranges: Iterable[R]) -> list[R]:
    """Sort ranges and merge the ones that overlap or touch; drop empty ones.

    The rule: a normalized list is the canonical form every other operation relies on -- sorted,
    pairwise disjoint and never touching, so ``[9-10) + [10-11)`` is one range ``[9-11)``. That
    is what lets a lesson cross the boundary between two adjacent availability blocks.
    """
    items = list(ranges)
    if not items:
        return []
    kind = type(items[0])
    pairs = sorted((r.start, r.end) for r in items)
    return [kind(s, e) for s, e in merge_sorted_pairs(pairs)]


def subtract(ranges: Iterable[R], cuts: Iterable[R]) -> list[R]:
    """Return the parts of ``ranges`` not covered by any of ``cuts``.

    The rule: free time is availability minus what is taken, computed by one linear sweep over
    the two sorted lists, so the cost grows with the number of ranges and never with
    ranges x cuts.
    """
    base = list(ranges)
    if not base:
        return []
    kind = type(base[0])
    left = merge_sorted_pairs(sorted((r.start, r.end) for r in base))
    right = merge_sorted_pairs(sorted((c.start, c.end) for c in cuts))
    return [kind(s, e) for s, e in subtract_sorted_pairs(left, right)]


def intersect(a: Iterable[R], b: Iterable[R]) -> list[R]:
    """Return the instants (or wall minutes) covered by both ``a`` and ``b``, normalized.

    The rule: time is usable only where every constraint allows it (availability, the asked-for
    window), computed by one linear sweep.
    """
    first = list(a)
    second = list(b)
    if not first or not second:
        return []
    kind = type(first[0])
    left = merge_sorted_pairs(sorted((r.start, r.end) for r in first))
    right = merge_sorted_pairs(sorted((r.start, r.end) for r in second))
    return [kind(s, e) for s, e in intersect_sorted_pairs(left, right)]


def contains(ranges: Iterable[R], r: R) -> bool:
    """Whether ``r`` lies wholly inside one range of ``normalize(ranges)``.

    The rule: a lesson is allowed only if all of it falls in available time; because touching
    ranges are merged first, a lesson may span two adjacent blocks but never a hole.
    """
    merged = merge_sorted_pairs(sorted((x.start, x.end) for x in ranges))
    starts = [s for s, _ in merged]
    i = bisect_right(starts, r.start) - 1
    return i >= 0 and not merged[i][1] < r.end


def total_minutes(ranges: Iterable[R]) -> int:
    """Minutes covered by the union of ``ranges`` (overlaps count once; seconds are floored).

    The rule: hours taught or offered are measured on the normalized union, so overlapping input
    is never counted twice.
    """
    merged = normalize(ranges)
    total = 0
    for r in merged:
        if isinstance(r, WallRange):
            total += r.end - r.start
        else:
            total += int((r.end - r.start).total_seconds()) // 60
    return total


# -- the sweeps, over (start, end) pairs of any ordered point type -------------------------------


def merge_sorted_pairs(pairs: Iterable[tuple[P, P]]) -> list[tuple[P, P]]:
    """Merge start-sorted ``(start, end)`` pairs that overlap or touch; drop empty pairs.

    Shared by the public algebra and the slot engine (which sweeps integer microseconds).
    """
    out: list[tuple[P, P]] = []
    for start, end in pairs:
        if not start < end:
            continue
        if out and not out[-1][1] < start:
            if out[-1][1] < end:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def subtract_sorted_pairs(ranges: list[tuple[P, P]], cuts: list[tuple[P, P]]) -> list[tuple[P, P]]:
    """Linear sweep: normalized ``ranges`` minus normalized ``cuts``."""
    out: list[tuple[P, P]] = []
    j = 0
    n = len(cuts)
    for start, end in ranges:
        while j < n and not start < cuts[j][1]:
            j += 1
        cur = start
        k = j
        while k < n and cuts[k][0] < end:
            cut_start, cut_end = cuts[k]
            if cur < cut_start:
                out.append((cur, cut_start))
            if cur < cut_end:
                cur = cut_end
            if not cut_end < end:
                break
            k += 1
        if cur < end:
            out.append((cur, end))
        j = k
    return out


def intersect_sorted_pairs(a: list[tuple[P, P]], b: list[tuple[P, P]]) -> list[tuple[P, P]]:
    """Linear sweep: intersection of two normalized pair lists."""
    out: list[tuple[P, P]] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = a[i][0] if b[j][0] < a[i][0] else b[j][0]
        end = a[i][1] if a[i][1] < b[j][1] else b[j][1]
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _parse_minute(text: str) -> int:
    match = _CLOCK.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidTimeRange(f"expected a clock time like 09:30, got {text!r}")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes != 0):
        raise InvalidTimeRange(f"not a clock time between 00:00 and 24:00: {text!r}")
    return hours * 60 + minutes


def _format_minute(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
