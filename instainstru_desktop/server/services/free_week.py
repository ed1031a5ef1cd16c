"""A student's week of free times: seven days of one lesson type, on the student's own calendar.

Every start comes from :func:`slots.bookable_starts` -- the computation (and the kept answer)
behind ``GET /instructors/{id}/slots``, over the rules ``POST /bookings`` checks -- so a time
shown here is one the booking would accept at this moment, and a time left out is one it would
refuse. The arrangement (days on the viewer's clock, when the next free time is for a day
without one, which weeks may be paged to) is the domain's
:func:`~instainstru_desktop.domain.free_week.free_week`, which the app's preview of these pages
uses too, so the two show the same week.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from instainstru_desktop.domain.free_week import FreeDay, FreeWeek
from instainstru_desktop.domain.free_week import free_week as arrange_week
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.public import PublicLessonType, PublicProfile
from instainstru_desktop.server.services.slots import SlotCache, SlotRequest, bookable_starts

__all__ = ["FreeDay", "FreeWeek", "WeekQuery", "free_week", "nearest_free"]


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
    return arrange_week(
        lambda window: _starts(uow, cache, caller, query, window),
        viewer_zone=query.viewer_zone,
        now=caller.now,
        horizon_days=query.profile.policy.booking_horizon_days,
        first=query.first,
    )


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
