"""Bookable slots, and the rule inputs a booking is checked against.

Both read the same thing: the instructor's availability near the window and their active lessons
overlapping it (an index range scan on ``(instructor_id, start_utc)``), then hand everything to
the domain, which owns every booking rule. The cost follows the window, not the number of
bookings the instructor has ever had.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.errors import InvalidTimeRange
from instainstru_desktop.domain.slots import SlotQuery, bookable_slots
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import local_date, wall_time_to_utc, week_start, zone
from instainstru_desktop.server.errors import InvalidInput, NotFound
from instainstru_desktop.server.models import Instructor, LessonType
from instainstru_desktop.server.permissions import Role
from instainstru_desktop.server.services.availability import availability_of
from instainstru_desktop.server.services.common import instructor_or_404
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
    policy = policy_of(instructor)
    duration = timedelta(minutes=duration_minutes)
    first = local_date(window.start, tz) - timedelta(days=1)
    last = local_date(window.end + duration, tz) + timedelta(days=1)
    availability = availability_of(tx, instructor.id, first, last)
    pad = timedelta(minutes=policy.buffer_minutes)
    lo, hi = window.start - pad - duration, window.end + duration + pad
    if policy.daily_limit is not None or policy.weekly_limit is not None:
        # Limits count lessons over whole local weeks: the busy list must cover them.
        lo = min(lo, wall_time_to_utc(week_start(first), 0, tz))
        hi = max(hi, wall_time_to_utc(week_start(last) + timedelta(days=7), 0, tz))
    instructor_busy = tx.bookings.instructor_busy(instructor.id, lo, hi, exclude_booking)
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
    if lesson_type is None or lesson_type.instructor_id != instructor_id:
        raise NotFound("No such lesson type for this instructor.")
    if not lesson_type.active:
        raise InvalidInput(
            "This lesson type is no longer offered.",
            errors=[{"field": "lesson_type_id", "message": "inactive"}],
        )
    return lesson_type


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
        instructor = instructor_or_404(tx, instructor_id)
        lesson_type = bookable_lesson_type(tx, instructor_id, lesson_type_id)
        user = tx.users.get(instructor.user_id)
        tz = zone(user.time_zone if user else "UTC")
        query = slot_query(
            tx,
            instructor,
            tz,
            lesson_type.duration_minutes,
            TimeRange(start, end),
            caller.now,
            student_id=student_id,
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
