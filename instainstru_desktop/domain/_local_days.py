"""A run of consecutive local dates with their midnights resolved once.

Converting wall-clock times to instants through ``zoneinfo`` costs microseconds per call; the
slot engine needs thousands of such conversions per query. On an ordinary day (no offset change
between its midnight and the next) every wall minute is simply ``midnight + minute``, so only
the midnights are looked up and only DST-change days take the slow, exact path of
:func:`~instainstru_desktop.domain.zones.wall_time_to_utc`.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from instainstru_desktop.domain._clock import (
    DAY_US,
    MINUTE_US,
    first_instant_with_new_offset,
    offset_us,
    to_us,
)
from instainstru_desktop.domain.errors import InvalidTimeRange
from instainstru_desktop.domain.offsets import OffsetStretches
from instainstru_desktop.domain.zones import local_datetime_to_utc, wall_time_to_utc

#: Wider than any zone's offset from UTC (local mean times included), in microseconds.
_WIDEST_OFFSET = 16 * 3600 * 1_000_000
#: How many runs :meth:`LocalDays.build` keeps, and the most dates a kept run has.
KEPT_RUNS = 2048
KEPT_DAYS = 8


@dataclass(frozen=True, slots=True)
class LocalDays:
    """Local dates ``first .. first + n - 1`` of ``tz``.

    ``midnights[i]`` is the instant local date ``first + i`` begins (``n + 1`` entries, the last
    one ends the run) and ``offsets[i]`` the UTC offset in force at that instant, all in
    microseconds.
    """

    first: date
    tz: ZoneInfo
    midnights: tuple[int, ...]
    offsets: tuple[int, ...]

    @classmethod
    def build(cls, first: date, last: date, tz: ZoneInfo) -> LocalDays:
        """The midnights of ``first .. last`` (inclusive) and of the day after.

        Short runs are kept (the last :data:`KEPT_RUNS` asked for, of at most
        :data:`KEPT_DAYS` dates each, so what is kept stays small): a run depends on nothing but
        its dates and its zone, whose rules do not change while the process runs, and booking
        checks ask for the same few dates again and again (each lesson's own day or two, every
        week of a series as each change of it is checked).
        """
        if last < first:
            raise InvalidTimeRange(f"date range ends before it starts: {first} to {last}")
        if (last - first).days < KEPT_DAYS:
            return _kept_run(first, last, tz)
        return cls.resolve(first, last, tz)

    @classmethod
    def resolve(cls, first: date, last: date, tz: ZoneInfo) -> LocalDays:
        """Resolve the midnights of ``first .. last`` (inclusive) and of the day after.

        The zone's offsets over the run are read once (:class:`OffsetStretches`): a midnight
        whose wall time maps into exactly one stretch is ``wall - offset``; only one that is
        skipped or repeated (or lies outside the stretches read) takes the exact path.
        """
        if last < first:
            raise InvalidTimeRange(f"date range ends before it starts: {first} to {last}")
        wall = (first.toordinal() - date(1970, 1, 1).toordinal()) * DAY_US
        count = (last - first).days + 2
        stretches = OffsetStretches.build(
            wall - _WIDEST_OFFSET, wall + count * DAY_US + _WIDEST_OFFSET, tz
        )
        midnights: list[int] = []
        offsets: list[int] = []
        for i in range(count):
            local = wall + i * DAY_US
            found = stretches.solve(local)
            if found is not None:
                midnights.append(found[0])
                offsets.append(found[1])
                continue
            d = first + timedelta(days=i)
            exact = local_datetime_to_utc(d, 0, tz)
            if exact is not None:
                instant = to_us(exact)
                midnights.append(instant)
                offsets.append(local - instant)
            else:  # midnight itself is skipped: the day starts when the clocks land
                instant = to_us(wall_time_to_utc(d, 0, tz))
                midnights.append(instant)
                offsets.append(offset_us(instant, tz))
        return cls(first, tz, tuple(midnights), tuple(offsets))

    @property
    def count(self) -> int:
        """Number of local dates in the run."""
        return len(self.midnights) - 1

    def is_plain(self, i: int) -> bool:
        """Whether day ``i`` is 24 hours with one offset throughout (no DST change in it)."""
        return (
            self.offsets[i] == self.offsets[i + 1]
            and self.midnights[i + 1] - self.midnights[i] == DAY_US
        )

    def wall_to_us(self, i: int, minute: int) -> int:
        """Instant of wall ``minute`` (0..1440) of day ``i``, by the range-boundary DST rule."""
        if self.is_plain(i):
            return self.midnights[i] + minute * MINUTE_US
        return to_us(wall_time_to_utc(self.first + timedelta(days=i), minute, self.tz))

    def ordinal_at(self, us: int) -> int | None:
        """Proleptic ordinal of the local date at instant ``us``; None outside the run."""
        i = bisect_right(self.midnights, us) - 1
        if i < 0 or i >= self.count:
            return None
        return self.first.toordinal() + i

    def segments(self) -> list[tuple[int, int, int]]:
        """The run as ``(start, end, offset)`` pieces of constant UTC offset.

        Assumes at most one offset change per local day, true of every zone since 1970.
        """
        out: list[tuple[int, int, int]] = []
        for i in range(self.count):
            start, end = self.midnights[i], self.midnights[i + 1]
            if self.is_plain(i):
                out.append((start, end, self.offsets[i]))
                continue
            before = offset_us(start, self.tz)
            after = offset_us(end - 1, self.tz)
            if before == after:
                out.append((start, end, before))
            else:
                change = first_instant_with_new_offset(start, end - 1, self.tz)
                out.append((start, change, before))
                out.append((change, end, after))
        return out


@lru_cache(maxsize=KEPT_RUNS)
def _kept_run(first: date, last: date, tz: ZoneInfo) -> LocalDays:
    return LocalDays.resolve(first, last, tz)
