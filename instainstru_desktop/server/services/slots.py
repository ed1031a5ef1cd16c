"""Bookable slots, and the rule inputs a booking is checked against.

Both read the same thing: the instructor's availability near the window and their active lessons
overlapping it (an index range scan on ``(instructor_id, start_utc)``), then hand everything to
the domain, which owns every booking rule. The cost follows the window, not the number of
bookings the instructor has ever had.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.availability import WeeklyTemplate
from instainstru_desktop.domain.errors import InvalidTimeRange
from instainstru_desktop.domain.policies import BookingPolicy
from instainstru_desktop.domain.slots import SlotQuery, bookable_slots
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import local_date, wall_time_to_utc, week_start, zone
from instainstru_desktop.server.errors import InvalidInput, NotFound
from instainstru_desktop.server.models import Instructor, LessonType
from instainstru_desktop.server.permissions import Role
from instainstru_desktop.server.services.availability import availability_of, template_from
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.instructors import policy_of
from instainstru_desktop.server.services.views import Json
from instainstru_desktop.server.uow import Tx, UnitOfWork

MAX_WINDOW = timedelta(days=62)


def slot_query(
    tx: Tx,
    instructor: Instructor,
    tz: ZoneInfo,
    duration_minutes: int,
    window: TimeRange,
    now: datetime,
    *,
    student_id: str | None,
    exclude_booking: str | None = None,
) -> SlotQuery:
    """Everything the domain needs to decide where a lesson may start within ``window``."""
    return _slot_query(
        tx,
        instructor.id,
        policy_of(instructor),
        tz,
        duration_minutes,
        window,
        now,
        student_id=student_id,
        exclude_booking=exclude_booking,
    )


def _slot_query(
    tx: Tx,
    instructor_id: str,
    policy: BookingPolicy,
    tz: ZoneInfo,
    duration_minutes: int,
    window: TimeRange,
    now: datetime,
    *,
    student_id: str | None,
    exclude_booking: str | None = None,
    template: WeeklyTemplate | None = None,
) -> SlotQuery:
    duration = timedelta(minutes=duration_minutes)
    first = local_date(window.start, tz) - timedelta(days=1)
    last = local_date(window.end + duration, tz) + timedelta(days=1)
    availability = availability_of(tx, instructor_id, first, last, template=template)
    pad = timedelta(minutes=policy.buffer_minutes)
    lo, hi = window.start - pad - duration, window.end + duration + pad
    if policy.daily_limit is not None or policy.weekly_limit is not None:
        # Limits count lessons over whole local weeks: the busy list must cover them.
        lo = min(lo, wall_time_to_utc(week_start(first), 0, tz))
        hi = max(hi, wall_time_to_utc(week_start(last) + timedelta(days=7), 0, tz))
    instructor_busy = tx.bookings.instructor_busy(instructor_id, lo, hi, exclude_booking)
    student_busy = (
        tx.bookings.student_busy(
            student_id, window.start - duration, window.end + duration, exclude_booking
        )
        if student_id is not None
        else []
    )
    return SlotQuery(
        availability=availability,
        tz=tz,
        policy=policy,
        duration_minutes=duration_minutes,
        window=window,
        now=now,
        instructor_busy=instructor_busy,
        student_busy=student_busy,
    )


def bookable_lesson_type(tx: Tx, instructor_id: str, lesson_type_id: str) -> LessonType:
    lesson_type = tx.lesson_types.get(lesson_type_id)
    _check_bookable(
        lesson_type.instructor_id if lesson_type else None,
        lesson_type.active if lesson_type else False,
        instructor_id,
    )
    assert lesson_type is not None
    return lesson_type


def _check_bookable(owner_id: str | None, active: bool | None, instructor_id: str) -> None:
    """A lesson type (owned by ``owner_id``; None: none) may be booked with ``instructor_id``."""
    if owner_id is None or owner_id != instructor_id:
        raise NotFound("No such lesson type for this instructor.")
    if not active:
        raise InvalidInput(
            "This lesson type is no longer offered.",
            errors=[{"field": "lesson_type_id", "message": "inactive"}],
        )


def list_slots(
    uow: UnitOfWork,
    caller: Caller,
    instructor_id: str,
    lesson_type_id: str,
    start: datetime,
    end: datetime,
    viewer_zone: str,
) -> Json:
    """Slots anyone may browse; a signed-in student also loses the times they are busy."""
    viewer = zone(viewer_zone)
    if end <= start:
        raise InvalidTimeRange("The window ends before it starts.")
    if end - start > MAX_WINDOW:
        raise InvalidInput(
            "Ask for at most 62 days of slots at a time.",
            errors=[{"field": "to", "message": "window longer than 62 days"}],
        )
    principal = caller.principal
    student_id = principal.user_id if principal and principal.role is Role.STUDENT else None
    with uow.read() as tx:
        # One statement for the instructor, their zone and week, and the lesson type; the same
        # answers (and refusals, in the same order) as reading each through the session.
        found = tx.instructors.for_slots(instructor_id, lesson_type_id)
        if found is None:
            raise NotFound("No such instructor.")
        _check_bookable(found.lesson_type_instructor_id, found.active, instructor_id)
        tz = zone(found.time_zone or "UTC")
        policy = BookingPolicy(
            min_notice_minutes=found.min_notice_minutes,
            booking_horizon_days=found.booking_horizon_days,
            buffer_minutes=found.buffer_minutes,
            slot_step_minutes=found.slot_step_minutes,
            daily_limit=found.daily_limit,
            weekly_limit=found.weekly_limit,
        )
        query = _slot_query(
            tx,
            instructor_id,
            policy,
            tz,
            found.duration_minutes,
            TimeRange(start, end),
            caller.now,
            student_id=student_id,
            template=template_from(found.template),
        )
    slots = [
        {
            "start": s.start,
            "end": s.end,
            "local_start": s.start.astimezone(viewer),
            "local_end": s.end.astimezone(viewer),
        }
        for s in bookable_slots(query)
    ]
    return {
        "instructor_id": instructor_id,
        "lesson_type_id": lesson_type_id,
        "time_zone": viewer_zone,
        "slots": slots,
    }
