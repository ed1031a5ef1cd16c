"""A student's week of free times: seven days of one lesson type, on the student's own calendar.

The starts themselves come from the caller (``starts_between``), computed by the slot rules of
:mod:`.slots`; this module only arranges them: days on the viewer's clock (a New York Monday
evening is a Tokyo Tuesday morning), when the next free time is for a day without one, and which
weeks may be paged to. The server's student pages and the app's preview of them both arrange
their starts here, so the two show the same week.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import local_date, local_day_bounds_utc, zone

DAYS = 7
#: The longest window of starts asked for at once (the slots endpoint refuses longer ones): how
#: far past the week the next free time is looked for.
LONGEST_WINDOW = timedelta(days=62)

#: The bookable starts in a window, sorted (notice and horizon applied for the same ``now``).
StartsBetween = Callable[[TimeRange], Sequence[datetime]]


@dataclass(frozen=True, slots=True)
class FreeDay:
    day: date  # on the viewer's calendar
    starts: tuple[datetime, ...]
    #: For a day without free times: the first free time after it (None: none bookable yet).
    next_free: datetime | None = None
    #: The whole day lies beyond the instructor's booking horizon.
    beyond_horizon: bool = False


@dataclass(frozen=True, slots=True)
class FreeWeek:
    """What a week of free times shows -- and nothing else, so two weeks that compare equal
    read the same on a page (the pages keep what they made of one under that key)."""

    first: date
    days: tuple[FreeDay, ...]
    viewer: ZoneInfo
    previous: date | None  # the first day of the week before (None: this is the current week)
    next: date | None  # the first day of the week after (None: beyond the horizon)


def free_week(
    starts_between: StartsBetween,
    *,
    viewer_zone: str,
    now: datetime,
    horizon_days: int,
    first: date | None = None,
) -> FreeWeek:
    """The week from ``first`` (None: today on the viewer's calendar), kept within today and the
    last day the horizon reaches, with ``starts_between`` asked for its starts.

    Whole viewer days are asked for, also for today: the window then stays the same all day
    long, so an answer kept for it serves every request of the day; notice drops the times
    already gone.
    """
    viewer = zone(viewer_zone)
    today = local_date(now, viewer)
    horizon_end = now + timedelta(days=horizon_days)
    last_first = local_date(horizon_end, viewer)
    first = min(max(first or today, today), last_first)
    bounds = _day_bounds(first, viewer_zone)
    window = TimeRange(bounds[0], bounds[-1])
    starts = starts_between(window)
    later: Sequence[datetime] | None = None
    result = []
    for n in range(DAYS):
        day = first + timedelta(days=n)
        # the day's starts: those from its midnight to the next (starts are sorted)
        lo, hi = bisect_left(starts, bounds[n]), bisect_left(starts, bounds[n + 1])
        if lo < hi:
            result.append(FreeDay(day, tuple(starts[lo:hi])))
            continue
        next_free = starts[hi] if hi < len(starts) else None
        if next_free is None and window.end < horizon_end:
            if later is None:  # asked once, for every empty day at the end of the week
                # up to the end of the horizon's last day: a window that stays the same all
                # day (so its answer can be kept), not one that moves with the clock
                last_day = _day_bounds(last_first, viewer_zone)[1]
                end = min(last_day, window.end + LONGEST_WINDOW)
                later = starts_between(TimeRange(window.end, end))
            next_free = later[0] if later else None
        result.append(FreeDay(day, (), next_free, bounds[n] > horizon_end))
    following = first + timedelta(days=DAYS)
    return FreeWeek(
        first=first,
        days=tuple(result),
        viewer=viewer,
        previous=max(first - timedelta(days=DAYS), today) if first > today else None,
        next=following if following <= last_first else None,
    )


@functools.lru_cache(maxsize=512)
def _day_bounds(first: date, viewer_zone: str) -> tuple[datetime, ...]:
    """The midnights (UTC) of the week's days on the viewer's clock, and the end of its last
    day: the same for every request of a day, so worked out once (DST-safe, as
    :func:`local_day_bounds_utc`)."""
    viewer = zone(viewer_zone)
    days = [local_day_bounds_utc(first + timedelta(days=n), viewer) for n in range(DAYS)]
    return (*(d.start for d in days), days[-1].end)
