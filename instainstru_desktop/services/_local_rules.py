"""The inputs of the domain's booking check, read from this computer's cache.

The server builds the same :class:`~instainstru_desktop.domain.SlotQuery` from its database
(``server/services/rules.py``); this builds it from the cache, so the app judges a time with
the very rules the server will apply: the instructor's hours and policy, and the lessons in the
way. What the cache cannot know (the student's lessons with other instructors, a booking made a
moment ago elsewhere) the server still checks when the change arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.domain import (
    ACTIVE_STATUSES,
    Availability,
    BookingPolicy,
    SlotQuery,
    TimeRange,
    WallRange,
    WeeklyTemplate,
    local_date,
    local_day_bounds_utc,
    wall_time_to_utc,
    week_start,
)
from instainstru_desktop.services._convert import instant_text, parse_instant, safe_zone
from instainstru_desktop.services.errors import UnknownItemError
from instainstru_desktop.services.profile import profile_of
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.records import BookingRecord
from instainstru_desktop.store.repositories.bookings import BookingFilter

_ACTIVE = tuple(s.value for s in ACTIVE_STATUSES)


@dataclass(frozen=True)
class LocalRules:
    """One instructor's booking rules as the cache holds them."""

    instructor_id: str
    tz: ZoneInfo
    policy: BookingPolicy

    @classmethod
    def read(cls, uow: UnitOfWork, instructor_id: str) -> LocalRules:
        record = uow.catalog.instructor(instructor_id)
        if record is None:
            raise UnknownItemError("This instructor is not in your local data yet.")
        profile = profile_of(record)
        policy = BookingPolicy(
            min_notice_minutes=profile.min_notice_minutes,
            booking_horizon_days=profile.booking_horizon_days,
            buffer_minutes=profile.buffer_minutes,
            slot_step_minutes=profile.slot_step_minutes,
            daily_limit=profile.daily_limit,
            weekly_limit=profile.weekly_limit,
        )
        return cls(instructor_id, safe_zone(record.time_zone), policy)

    def availability(self, uow: UnitOfWork, first: date, last: date) -> Availability:
        """The usual week and the dates' own hours from ``first`` to ``last``."""
        found = uow.availability.template(self.instructor_id)
        days: dict[int, list[WallRange]] = {}
        for r in found[0] if found else ():
            days.setdefault(int(r["weekday"]), []).append(WallRange.parse(r["start"], r["end"]))
        template = WeeklyTemplate({weekday: tuple(ranges) for weekday, ranges in days.items()})
        overrides = {
            date.fromisoformat(day): tuple(WallRange.parse(r["start"], r["end"]) for r in ranges)
            for day, ranges in uow.availability.overrides(
                self.instructor_id, first.isoformat(), last.isoformat()
            ).items()
        }
        return Availability(template, overrides)

    def query(
        self,
        uow: UnitOfWork,
        duration_minutes: int,
        window: TimeRange,
        now: datetime,
        *,
        student_id: str | None = None,
        exclude_booking: str | None = None,
    ) -> SlotQuery:
        """Everything the domain needs to judge starts in ``window``, as the server reads it."""
        duration = timedelta(minutes=duration_minutes)
        first = local_date(window.start, self.tz) - timedelta(days=1)
        last = local_date(window.end + duration, self.tz) + timedelta(days=1)
        pad = timedelta(minutes=self.policy.buffer_minutes)
        lo, hi = window.start - pad - duration, window.end + duration + pad
        if self.policy.daily_limit is not None or self.policy.weekly_limit is not None:
            # limits count lessons over whole local weeks: the busy list must cover them
            lo = min(lo, wall_time_to_utc(week_start(first), 0, self.tz))
            hi = max(hi, wall_time_to_utc(week_start(last) + timedelta(days=7), 0, self.tz))
        near = uow.bookings.overlapping(self.instructor_id, instant_text(lo), instant_text(hi))
        lessons = [r for r in near if r.id != exclude_booking]
        theirs = [r for r in lessons if r.student_id == student_id]
        if student_id:  # with other instructors too, where the cache has them (an admin's)
            seen = {r.id for r in theirs}
            found = uow.bookings.search(
                BookingFilter(
                    student_id=student_id,
                    statuses=_ACTIVE,
                    start_from=instant_text(lo),
                    start_before=instant_text(hi),
                )
            )
            theirs += [r for r in found if r.id != exclude_booking and r.id not in seen]
        return SlotQuery(
            availability=self.availability(uow, first, last),
            tz=self.tz,
            policy=self.policy,
            duration_minutes=duration_minutes,
            window=window,
            now=now,
            instructor_busy=_spans(lessons),
            student_busy=sorted(_spans(theirs)),
        )


def lesson_query(uow: UnitOfWork, record: BookingRecord, first: date, last: date) -> SlotQuery:
    """The question of moving a lesson to a start on ``first`` .. ``last`` (the instructor's
    dates): its length, its instructor's rules, and every other lesson in the way -- its own
    time is free for it. The instructor's Move… and an admin's move both ask this."""
    rules = LocalRules.read(uow, record.instructor_id)
    window = TimeRange(
        local_day_bounds_utc(first, rules.tz).start, local_day_bounds_utc(last, rules.tz).end
    )
    length = parse_instant(record.end_utc) - parse_instant(record.start_utc)
    return rules.query(
        uow,
        max(1, int(length.total_seconds() // 60)),
        window,
        uow.server_now(),
        student_id=record.student_id,
        exclude_booking=record.id,
    )


def _spans(records: Sequence[BookingRecord]) -> list[TimeRange]:
    """The time the lessons take (the cache lists cancelled ones nowhere near here)."""
    return [TimeRange(parse_instant(r.start_utc), parse_instant(r.end_utc)) for r in records]
