"""How much of an instructor's data a slot query over a window needs.

Whoever builds a :class:`~instainstru_desktop.domain.slots.SlotQuery` -- the server from its
tables, the app from its cache for the preview of the student pages -- reads the hours and the
lessons this span names, so both hand the rules the same inputs and get the same starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.policies import BookingPolicy
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import local_date, wall_time_to_utc, week_start


@dataclass(frozen=True, slots=True)
class SlotReads:
    """The instructor-local dates whose hours count (a day either side: a lesson or a zone's
    offset may cross midnight), and the spans whose lessons may be in the way."""

    first_day: date
    last_day: date
    #: The instructor's active lessons overlapping this may block a start (buffers included;
    #: with a daily or weekly limit, whole local weeks, whose lessons count towards it).
    instructor_busy: TimeRange
    #: The student's own lessons overlapping this may block a start.
    student_busy: TimeRange


def slot_reads(
    policy: BookingPolicy, tz: ZoneInfo, duration_minutes: int, window: TimeRange
) -> SlotReads:
    """What a query of starts in ``window`` for a lesson of ``duration_minutes`` must read."""
    duration = timedelta(minutes=duration_minutes)
    first = local_date(window.start, tz) - timedelta(days=1)
    last = local_date(window.end + duration, tz) + timedelta(days=1)
    pad = timedelta(minutes=policy.buffer_minutes)
    lo, hi = window.start - pad - duration, window.end + duration + pad
    if policy.daily_limit is not None or policy.weekly_limit is not None:
        # Limits count lessons over whole local weeks: the busy list must cover them.
        lo = min(lo, wall_time_to_utc(week_start(first), 0, tz))
        hi = max(hi, wall_time_to_utc(week_start(last) + timedelta(days=7), 0, tz))
    return SlotReads(
        first_day=first,
        last_day=last,
        instructor_busy=TimeRange(lo, hi),
        student_busy=TimeRange(window.start - duration, window.end + duration),
    )
