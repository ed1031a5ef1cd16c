"""A student's week of free times: seven days of one lesson type, on the student's own calendar.

Every start comes from :func:`slots.bookable_starts` -- the computation (and the kept answer)
behind ``GET /instructors/{id}/slots``, over the rules ``POST /bookings`` checks -- so a time
shown here is one the booking would accept at this moment, and a time left out is one it would
refuse. What this module adds is only arrangement: days on the viewer's clock (a New York
Monday evening is a Tokyo Tuesday morning), when the next free time is for a day without one,
and which weeks may be paged to.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import local_date, local_day_bounds_utc, zone
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.public import PublicLessonType, PublicProfile
from instainstru_desktop.server.services.slots import (
    MAX_WINDOW,
    SlotCache,
    SlotRequest,
    bookable_starts,
)

DAYS = 7


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


@dataclass(frozen=True, slots=True)
class WeekQuery:
    """Whose times, of which lesson type, seen from which zone, from which day."""

    profile: PublicProfile
    lesson_type: PublicLessonType
    viewer_zone: str
    first: date | None = None  # None: today on the viewer's calendar
    #: The lesson being moved: its own time (and what it blocks) is free for it.
    exclude_booking: str | None = None


def free_week(uow: UnitOfWork, cache: SlotCache, caller: Caller, query: WeekQuery) -> FreeWeek:
    viewer = zone(query.viewer_zone)
    now = caller.now
    today = local_date(now, viewer)
    horizon_end = now + timedelta(days=query.profile.policy.booking_horizon_days)
    last_first = local_date(horizon_end, viewer)
    first = min(max(query.first or today, today), last_first)
    # Whole viewer days, also for today: the window then stays the same all day long, so the
    # kept answer serves every request of the day; notice drops the times already gone.
    bounds = _day_bounds(first, query.viewer_zone)
    window = TimeRange(bounds[0], bounds[-1])
    starts = _starts(uow, cache, caller, query, window)
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
            if later is None:  # read once, for every empty day at the end of the week
                # up to the end of the horizon's last day: a window that stays the same all
                # day (so its answer is kept), not one that moves with the clock
                last_day = _day_bounds(last_first, query.viewer_zone)[1]
                end = min(last_day, window.end + MAX_WINDOW)
                later = _starts(uow, cache, caller, query, TimeRange(window.end, end))
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


def nearest_free(
    uow: UnitOfWork,
    cache: SlotCache,
    caller: Caller,
    query: WeekQuery,
    around: datetime,
    count: int = 6,
) -> list[datetime]:
    """The ``count`` free starts closest to ``around`` (within three days of it), in order: what
    to offer when the time someone chose was taken meanwhile."""
    lo = max(around - timedelta(days=3), caller.now)
    hi = max(around + timedelta(days=3), lo + timedelta(days=1))
    starts = _starts(uow, cache, caller, query, TimeRange(lo, hi))
    return sorted(sorted(starts, key=lambda s: abs(s - around))[:count])


def _starts(
    uow: UnitOfWork, cache: SlotCache, caller: Caller, query: WeekQuery, window: TimeRange
) -> Sequence[datetime]:
    request = SlotRequest(
        query.profile.id,
        query.lesson_type.id,
        window.start,
        window.end,
        query.viewer_zone,
        query.exclude_booking,
    )
    return bookable_starts(uow, cache, caller, request)
