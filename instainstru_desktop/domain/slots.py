"""Bookable lesson starts, and the check of one requested start.

Both answer the same question -- "may a lesson of this length start here?" -- and agree: a
start returned by :func:`bookable_slots` passes :func:`check_booking`, and a start on the grid
inside the window that passes :func:`check_booking` is returned by :func:`bookable_slots`.

How :func:`bookable_slots` stays fast: it converts the few weeks of availability to UTC,
subtracts the busy time near the window (bisected out of a sorted busy list) in one linear sweep,
and then steps along the free ranges. It never tests a candidate against every booking, so the
cost depends on the window, not on how many bookings the instructor has.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from types import MappingProxyType
from zoneinfo import ZoneInfo

from instainstru_desktop.domain._busy import overlapping_pairs, starts_in
from instainstru_desktop.domain._clock import (
    DAY_US,
    MINUTE_US,
    ONE_US,
    from_us,
    local_ordinal,
    offset_us,
    to_us,
)
from instainstru_desktop.domain._local_days import LocalDays
from instainstru_desktop.domain.availability import Availability
from instainstru_desktop.domain.errors import BookingRuleViolation, InvalidTimeRange
from instainstru_desktop.domain.policies import MAX_LESSON_MINUTES, BookingPolicy
from instainstru_desktop.domain.time_ranges import (
    TimeRange,
    intersect_sorted_pairs,
    merge_sorted_pairs,
    subtract_sorted_pairs,
    time_range_unchecked,
)
from instainstru_desktop.domain.zones import week_start


@dataclass(frozen=True)
class SlotQuery:
    """Everything needed to decide where a lesson may start.

    * ``tz``: the instructor's zone; availability, the step grid and limits use its wall clock.
    * ``window``: slots are lesson *starts* in ``[window.start, window.end)``; a lesson may end
      after the window.
    * ``instructor_busy``: the instructor's active lessons (see
      :data:`~instainstru_desktop.domain.bookings.ACTIVE_STATUSES`) near the window, as booked;
      the engine widens each by ``policy.buffer_minutes`` on both sides. ``student_busy``: the
      student's own lessons, not widened (the buffer is the instructor's travel / preparation
      time). When rescheduling, leave the moved lesson out of both.
      Lists longer than a few hundred entries must be sorted by start (repositories return them
      ``ORDER BY start_utc``); they are bisected. Each lesson lasts at most a day.
    * ``lessons_per_local_date``: active-lesson counts per instructor-local date, the basis of
      daily and weekly limits. When empty, counts are derived from ``instructor_busy`` (each
      lesson counted on the local date of its start), so then pass busy lessons covering every
      Monday-to-Sunday week the window touches. Dates missing from a non-empty mapping count 0.
    """

    availability: Availability
    tz: ZoneInfo
    policy: BookingPolicy
    duration_minutes: int
    window: TimeRange
    now: datetime
    instructor_busy: Sequence[TimeRange]
    student_busy: Sequence[TimeRange] = ()
    lessons_per_local_date: Mapping[date, int] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        self.policy.validate()
        if type(self.duration_minutes) is not int or not (
            1 <= self.duration_minutes <= MAX_LESSON_MINUTES
        ):
            raise InvalidTimeRange(
                f"lesson duration must be 1 to {MAX_LESSON_MINUTES} minutes, "
                f"got {self.duration_minutes!r}"
            )
        if not isinstance(self.now, datetime) or self.now.utcoffset() is None:
            raise InvalidTimeRange("now must be a timezone-aware datetime")


def bookable_slots(q: SlotQuery) -> list[TimeRange]:
    """Every lesson (UTC, sorted) that may be booked, starting inside ``q.window``.

    The booking rules, all at once: the start is on the step grid of the instructor's wall clock;
    ``now + min notice <= start <= now + horizon``; the whole lesson lies in effective
    availability (adjacent blocks and days merge); it keeps ``buffer_minutes`` away from every
    instructor lesson on both sides and does not overlap the student's lessons; the start's
    local date and week are under the daily and weekly limits. Lessons last exactly
    ``duration_minutes`` of real time, also across DST changes.
    """
    policy = q.policy
    now = to_us(q.now)
    earliest = max(to_us(q.window.start), now + policy.min_notice_minutes * MINUTE_US)
    latest = min(to_us(q.window.end) - 1, now + policy.booking_horizon_days * DAY_US)
    duration = timedelta(minutes=q.duration_minutes)
    make = time_range_unchecked
    starts = map(from_us, _starts(q, earliest, latest))
    return [make(start, start + duration) for start in starts]


@dataclass(frozen=True)
class OpenSlots:
    """The starts in a window allowed by every rule that does not move with the clock.

    Minimum notice and the booking horizon are the only rules that depend on *now*; the others
    (availability, buffers, limits, the grid) depend on stored data alone. Keeping the two apart
    lets a server compute this once per change of an instructor's data and answer each request
    by bisecting it: ``[starts[i] for i in open.at(now, busy)]`` equals the starts of
    :func:`bookable_slots` for the same query with that ``now`` and ``student_busy``.
    """

    #: The starts, in microseconds since the epoch (what the sweep and the encoders work on).
    starts_us: tuple[int, ...]
    duration: timedelta
    min_notice: timedelta
    horizon: timedelta

    @cached_property
    def starts(self) -> tuple[datetime, ...]:
        """The same starts as instants (made when first asked for: most answers never are)."""
        return tuple(map(from_us, self.starts_us))

    def at(self, now: datetime, student_busy: Sequence[TimeRange] = ()) -> Sequence[int]:
        """Indexes into ``starts`` of the lessons bookable at ``now`` by a student busy during
        ``student_busy`` (the student's lessons, as for :class:`SlotQuery`)."""
        starts = self.starts_us
        lo = bisect_left(starts, to_us(now + self.min_notice))
        hi = max(lo, bisect_right(starts, to_us(now + self.horizon)))
        if lo == hi or not student_busy:
            return range(lo, hi)
        dur = self.duration // ONE_US
        first, last = starts[lo], starts[hi - 1] + dur
        cuts = merge_sorted_pairs(overlapping_pairs(student_busy, first, last, 0))
        chosen: list[int] = []
        k = 0
        for i in range(lo, hi):
            start = starts[i]
            while k < len(cuts) and cuts[k][1] <= start:
                k += 1
            if k == len(cuts) or start + dur <= cuts[k][0]:
                chosen.append(i)
        return chosen


def open_slots(q: SlotQuery) -> OpenSlots:
    """The starts in ``q.window`` that every rule but notice and horizon allows (``q.now`` is
    not used): the part of :func:`bookable_slots` that can be kept until the data changes."""
    policy = q.policy
    starts_us = _starts(q, to_us(q.window.start), to_us(q.window.end) - 1)
    return OpenSlots(
        starts_us=tuple(starts_us),
        duration=timedelta(minutes=q.duration_minutes),
        min_notice=timedelta(minutes=policy.min_notice_minutes),
        horizon=timedelta(days=policy.booking_horizon_days),
    )


def _starts(q: SlotQuery, earliest: int, latest: int) -> list[int]:
    """Sorted starts in ``[earliest, latest]`` (microseconds) allowed by every rule except the
    clock's, which the callers apply through those bounds.

    The free time is stepped through in runs: each free range within a stretch of one UTC
    offset is one ``range`` of starts, added whole unless a daily or weekly limit may block
    some of its days."""
    if earliest > latest:
        return []
    policy = q.policy
    dur = q.duration_minutes * MINUTE_US
    step = policy.slot_step_minutes * MINUTE_US
    reach = latest + dur
    first_day = _local_date(earliest, q.tz)
    last_day = _local_date(reach - 1, q.tz)
    limited = policy.daily_limit is not None or policy.weekly_limit is not None
    if limited:  # whole weeks, so weekly counts see every lesson of each week
        days = LocalDays.build(week_start(first_day), _week_end(last_day), q.tz)
    else:
        days = LocalDays.build(first_day, last_day, q.tz)

    avail = intersect_sorted_pairs(q.availability.pairs_on(days), [(earliest, reach)])
    if not avail:
        return []
    buffer = policy.buffer_minutes * MINUTE_US
    cuts = overlapping_pairs(q.instructor_busy, earliest, reach, buffer)
    cuts += overlapping_pairs(q.student_busy, earliest, reach, 0)
    cuts.sort()
    free = subtract_sorted_pairs(avail, merge_sorted_pairs(cuts))
    segments = days.segments()
    blocked = _blocked_ordinals(q, days, first_day, last_day) if limited else frozenset()

    starts: list[int] = []
    add_run = starts.extend
    seg = 0
    for free_start, free_end in free:
        last = min(free_end - dur, latest)
        if free_start > last:
            continue
        while segments[seg][1] <= free_start:
            seg += 1
        k = seg
        while k < len(segments) and segments[k][0] <= last:
            seg_start, seg_end, offset = segments[k]
            t = max(free_start, seg_start)
            t += -(t + offset) % step
            run = range(t, min(last, seg_end - 1) + 1, step)
            if blocked:
                add_run(s for s in run if local_ordinal(s, offset) not in blocked)
            else:
                add_run(run)
            k += 1
    return starts


def check_booking(q: SlotQuery, start: datetime) -> None:
    """Raise BookingRuleViolation if a lesson may not start at ``start``; return None if it may.

    The same rules as :func:`bookable_slots` (``q.window`` is ignored: it only bounds a listing).
    When several rules fail, the code is the one the person booking can act on first: a start
    off the grid (``off_step``) before ``too_soon`` / ``too_far``, then ``outside_availability``,
    ``instructor_busy``, ``student_busy``, ``daily_limit``, ``weekly_limit``.
    """
    if not isinstance(start, datetime) or start.utcoffset() is None:
        raise InvalidTimeRange("the lesson start must be a timezone-aware datetime")
    policy = q.policy
    t = to_us(start)
    end = t + q.duration_minutes * MINUTE_US
    offset = offset_us(t, q.tz)
    if (t + offset) % (policy.slot_step_minutes * MINUTE_US):
        raise BookingRuleViolation(
            BookingRuleViolation.OFF_STEP,
            f"lessons start on a {policy.slot_step_minutes}-minute grid of the instructor's clock",
        )
    now = to_us(q.now)
    if t < now + policy.min_notice_minutes * MINUTE_US:
        raise BookingRuleViolation(
            BookingRuleViolation.TOO_SOON,
            f"lessons must be booked at least {policy.min_notice_minutes} minutes ahead",
        )
    if t > now + policy.booking_horizon_days * DAY_US:
        raise BookingRuleViolation(
            BookingRuleViolation.TOO_FAR,
            f"lessons can be booked at most {policy.booking_horizon_days} days ahead",
        )
    day = local_ordinal(t, offset)
    avail = q.availability.utc_pairs_between(
        date.fromordinal(day), _local_date(end - 1, q.tz), q.tz
    )
    if not any(s <= t and end <= e for s, e in avail):
        raise BookingRuleViolation(
            BookingRuleViolation.OUTSIDE_AVAILABILITY,
            "the lesson is outside the instructor's available hours",
        )
    if overlapping_pairs(q.instructor_busy, t, end, policy.buffer_minutes * MINUTE_US):
        raise BookingRuleViolation(
            BookingRuleViolation.INSTRUCTOR_BUSY,
            "the instructor has another lesson at that time"
            + (f" (or within {policy.buffer_minutes} minutes)" if policy.buffer_minutes else ""),
        )
    if overlapping_pairs(q.student_busy, t, end, 0):
        raise BookingRuleViolation(
            BookingRuleViolation.STUDENT_BUSY, "the student has another lesson at that time"
        )
    if policy.daily_limit is None and policy.weekly_limit is None:
        return
    d = date.fromordinal(day)
    counts = _counts(q, LocalDays.build(week_start(d), _week_end(d), q.tz))
    if policy.daily_limit is not None and counts.get(day, 0) >= policy.daily_limit:
        raise BookingRuleViolation(
            BookingRuleViolation.DAILY_LIMIT,
            f"the instructor takes at most {policy.daily_limit} lessons on {d.isoformat()}",
        )
    if policy.weekly_limit is not None:
        monday = week_start(d).toordinal()
        if sum(counts.get(o, 0) for o in range(monday, monday + 7)) >= policy.weekly_limit:
            raise BookingRuleViolation(
                BookingRuleViolation.WEEKLY_LIMIT,
                f"the instructor takes at most {policy.weekly_limit} lessons "
                f"in the week of {week_start(d).isoformat()}",
            )


def _local_date(us: int, tz: ZoneInfo) -> date:
    return from_us(us).astimezone(tz).date()


def _week_end(d: date) -> date:
    return week_start(d) + timedelta(days=6)


def _counts(q: SlotQuery, days: LocalDays) -> dict[int, int]:
    """Active lessons per instructor-local date ordinal: given, or counted over ``days``."""
    if q.lessons_per_local_date:
        return {d.toordinal(): n for d, n in q.lessons_per_local_date.items()}
    counts: dict[int, int] = {}
    for start in starts_in(q.instructor_busy, days.midnights[0], days.midnights[-1]):
        ordinal = days.ordinal_at(start)
        if ordinal is not None:
            counts[ordinal] = counts.get(ordinal, 0) + 1
    return counts


def _blocked_ordinals(q: SlotQuery, days: LocalDays, first: date, last: date) -> frozenset[int]:
    """Local-date ordinals from ``first`` to ``last`` on which a limit is already reached."""
    daily, weekly = q.policy.daily_limit, q.policy.weekly_limit
    counts = _counts(q, days)
    week_totals: dict[int, int] = {}
    for ordinal, n in counts.items():
        week = (ordinal - 1) // 7  # ordinal 1 (0001-01-01) is a Monday
        week_totals[week] = week_totals.get(week, 0) + n
    blocked: set[int] = set()
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        if daily is not None and counts.get(ordinal, 0) >= daily:
            blocked.add(ordinal)
        if weekly is not None and week_totals.get((ordinal - 1) // 7, 0) >= weekly:
            blocked.add(ordinal)
    return frozenset(blocked)
