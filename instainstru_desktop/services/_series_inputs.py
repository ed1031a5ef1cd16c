"""The booking rules' inputs for a series, read from the local copy.

A new series' preview and a change of a series' rule judge their lessons with the same domain
plan the server runs; both read the instructor's hours, rules and the lessons in the way from
here, so the two previews cannot drift apart.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from instainstru_desktop.domain.availability import Availability, WeeklyTemplate
from instainstru_desktop.domain.policies import BookingPolicy
from instainstru_desktop.domain.series_plan import RuleInputs
from instainstru_desktop.domain.time_ranges import TimeRange, WallRange
from instainstru_desktop.services.profile import profile_of
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.mirror import instant_text, parse_instant
from instainstru_desktop.store.records import InstructorRecord

#: Busy lessons are read this far around the slots: whole weeks, for the weekly limit.
MARGIN = timedelta(days=8)


def rule_inputs(
    uow: UnitOfWork,
    instructor: InstructorRecord,
    student_id: str,
    days: tuple[date, date],
    instants: tuple[datetime, datetime],
) -> RuleInputs:
    """What the rules read for slots on ``days`` (first, last) starting within ``instants``."""
    first, last = days[0] - MARGIN, days[1] + MARGIN
    busy = uow.series.busy(
        instructor.id,
        student_id,
        instant_text(instants[0] - MARGIN),
        instant_text(instants[1] + MARGIN),
    )
    spans = [(TimeRange(parse_instant(s), parse_instant(e)), mine) for s, e, mine in busy]
    return RuleInputs(
        availability=availability(uow, instructor.id, first, last),
        policy=policy(instructor),
        now=uow.server_now(),
        instructor_busy=sorted(span for span, _ in spans),
        student_busy=sorted(span for span, mine in spans if mine),
    )


def policy(instructor: InstructorRecord) -> BookingPolicy:
    profile = profile_of(instructor)
    return BookingPolicy(
        min_notice_minutes=profile.min_notice_minutes,
        booking_horizon_days=profile.booking_horizon_days,
        buffer_minutes=profile.buffer_minutes,
        slot_step_minutes=profile.slot_step_minutes,
        daily_limit=profile.daily_limit,
        weekly_limit=profile.weekly_limit,
    )


def availability(uow: UnitOfWork, instructor_id: str, first: date, last: date) -> Availability:
    stored = uow.availability.template(instructor_id)
    days: dict[int, list[WallRange]] = {}
    for r in stored[0] if stored else ():
        days.setdefault(int(r["weekday"]), []).append(WallRange.parse(r["start"], r["end"]))
    overrides = {
        date.fromisoformat(d): tuple(WallRange.parse(r["start"], r["end"]) for r in ranges)
        for d, ranges in uow.availability.overrides(
            instructor_id, first.isoformat(), last.isoformat()
        ).items()
    }
    return Availability(WeeklyTemplate({w: tuple(r) for w, r in days.items()}), overrides)
