"""The inputs of the domain's booking rules, read from rows.

An instructor's policy, their hours near a window and the lessons that could be in the way:
what slot listing, booking and rescheduling hand to the domain (which owns every rule), and
what the availability reads build on. Kept apart from the use cases so that each of them reads
the rules' inputs the same way without reaching into the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.availability import Availability, WeeklyTemplate
from instainstru_desktop.domain.policies import BookingPolicy
from instainstru_desktop.domain.slot_inputs import slot_reads
from instainstru_desktop.domain.slots import SlotQuery
from instainstru_desktop.domain.time_ranges import TimeRange, WallRange
from instainstru_desktop.server.core.errors import InvalidInput, NotFound
from instainstru_desktop.server.core.models import WeeklyTemplate as TemplateRow
from instainstru_desktop.server.repositories.uow import Tx


def policy_of(source: Any) -> BookingPolicy:
    """The booking policy of an :class:`Instructor`, or of a row carrying the same columns
    (``tx.instructors.for_slots`` / ``for_booking``, which booking and slot listing read)."""
    return BookingPolicy(
        min_notice_minutes=source.min_notice_minutes,
        booking_horizon_days=source.booking_horizon_days,
        buffer_minutes=source.buffer_minutes,
        slot_step_minutes=source.slot_step_minutes,
        daily_limit=source.daily_limit,
        weekly_limit=source.weekly_limit,
    )


def template_of(row: TemplateRow | None) -> WeeklyTemplate:
    return template_from(row.ranges if row is not None else None)


def template_from(ranges: Iterable[Sequence[int]] | None) -> WeeklyTemplate:
    """A stored template's ``[weekday, start, end]`` ranges (None: no template) for the domain."""
    days: dict[int, list[WallRange]] = {}
    for weekday, start, end in ranges or ():
        days.setdefault(weekday, []).append(WallRange(start, end))
    return WeeklyTemplate({w: tuple(r) for w, r in days.items()})


def overrides_of(rows: Iterable[Sequence[Any]]) -> dict[date, tuple[WallRange, ...]]:
    """Stored ``(day, [[start, end], ...])`` overrides for the domain."""
    return {day: tuple(WallRange(s, e) for s, e in ranges) for day, ranges in rows}


def availability_of(
    tx: Tx,
    instructor_id: str,
    first: date,
    last: date,
    *,
    template: WeeklyTemplate | None = None,
) -> Availability:
    """The template plus the overrides of dates ``first`` to ``last``.

    ``template``: already read (read-only paths fetch it with the instructor, in one statement).
    Otherwise it is read here through the session, so a write transaction sees its own edits.
    """
    if template is None:
        template = template_of(tx.availability.template(instructor_id))
        found = tx.availability.overrides_between(instructor_id, first, last)
        overrides = {o.day: tuple(WallRange(s, e) for s, e in o.ranges) for o in found}
    else:
        overrides = overrides_of(tx.availability.override_rows(instructor_id, first, last))
    return Availability(template, overrides)


def slot_query(
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
    """Everything the domain needs to decide where a lesson may start within ``window``: the
    availability near it and the lessons that could be in the way (as far as the domain's
    :func:`slot_reads` says), read in the caller's transaction (a booking reads them after
    taking its locks).

    ``template``: already read with the instructor (read-only paths and bookings fetch it in one
    statement); otherwise read here.
    """
    reads = slot_reads(policy, tz, duration_minutes, window)
    busy, own = reads.instructor_busy, reads.student_busy
    if student_id is not None and template is not None:
        # a booking: the overrides and both busy lists in one statement
        inputs = tx.bookings.rule_inputs(
            instructor_id,
            (busy.start, busy.end),
            student_id,
            (own.start, own.end),
            (reads.first_day, reads.last_day),
            exclude_booking,
        )
        availability = Availability(template, overrides_of(inputs.overrides))
        instructor_busy, student_busy = inputs.instructor_busy, inputs.student_busy
    else:
        availability = availability_of(
            tx, instructor_id, reads.first_day, reads.last_day, template=template
        )
        instructor_busy = tx.bookings.instructor_busy(
            instructor_id, busy.start, busy.end, exclude_booking
        )
        student_busy = (
            tx.bookings.student_busy(student_id, own.start, own.end, exclude_booking)
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


def check_bookable(owner_id: str | None, active: bool | None, instructor_id: str) -> None:
    """A lesson type (owned by ``owner_id``; None: none) may be booked with ``instructor_id``."""
    if owner_id is None or owner_id != instructor_id:
        raise NotFound("No such lesson type for this instructor.")
    if not active:
        raise InvalidInput(
            "This lesson type is no longer offered.",
            errors=[{"field": "lesson_type_id", "message": "inactive"}],
        )
