"""Weekly templates, date overrides, and the conflicts they leave behind.

An availability edit never cancels a booking: it applies, and each confirmed future lesson left
outside the new hours gets an ``outside_availability`` conflict that syncs to the instructor's
"needs attention" list. A conflict whose lesson is back inside the hours is withdrawn (deleted,
with a tombstone), so the list always reflects the current hours.

A date's hours change in two ways: a whole-day replacement (:func:`set_date_in`) or hours opened
or closed on top of whatever the date has now (:func:`edit_date_in`, a paint or an erase), so
two devices' edits of different hours merge. Either is refused as a clash
(:mod:`.clashes`) when another change to the same hours came first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.domain.availability import WeeklyTemplate
from instainstru_desktop.domain.errors import InvalidTimeRange
from instainstru_desktop.domain.hour_edits import HoursEdit, replacement_clashes
from instainstru_desktop.domain.time_ranges import TimeRange, WallRange, contains, normalize
from instainstru_desktop.domain.zones import local_date, zone
from instainstru_desktop.server.core.errors import InvalidInput, NotFound
from instainstru_desktop.server.core.models import (
    AvailabilityOverride,
    Conflict,
    Instructor,
)
from instainstru_desktop.server.core.models import WeeklyTemplate as TemplateRow
from instainstru_desktop.server.core.permissions import Owner, Permission, authorize, require
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import clashes, terms, views
from instainstru_desktop.server.services.answer_cache import AnswerCache
from instainstru_desktop.server.services.common import instructor_or_404, new_id, record
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.rules import availability_of, template_from, template_of
from instainstru_desktop.server.services.views import Json

MAX_DAYS = 366
OUTSIDE = "outside_availability"


def parse_day_ranges(ranges: Sequence[tuple[str, str]]) -> tuple[WallRange, ...]:
    """Wall-clock strings to normalized ranges (overlapping input merges; bad input is 422)."""
    return tuple(normalize(WallRange.parse(start, end) for start, end in ranges))


def _stored_template(template: WeeklyTemplate) -> list[list[int]]:
    return [[w, r.start, r.end] for w, day in template.days.items() for r in day]


def _editable(tx: Tx, caller: Caller, instructor_id: str) -> Instructor:
    instructor = tx.instructors.lock(instructor_id)
    if instructor is None:
        instructor = instructor_or_404(tx, instructor_id)
    authorize(caller.principal, Permission.AVAILABILITY_EDIT, Owner(instructor_id=instructor.id))
    return instructor


def get_template(uow: UnitOfWork, caller: Caller, instructor_id: str) -> Json:
    require(caller.principal, Permission.AVAILABILITY_READ)
    with uow.read() as tx:
        instructor_or_404(tx, instructor_id)
        row = tx.availability.template(instructor_id)
        return {
            "instructor_id": instructor_id,
            "ranges": views.template_ranges(row.ranges if row else []),
            "version": row.version if row else 0,
        }


def set_template_in(
    tx: Tx, caller: Caller, instructor_id: str, ranges: Sequence[tuple[int, str, str]]
) -> Json:
    instructor = _editable(tx, caller, instructor_id)
    days: dict[int, list[WallRange]] = {}
    for weekday, start, end in ranges:
        days.setdefault(weekday, []).append(WallRange.parse(start, end))
    stored = _stored_template(WeeklyTemplate({w: tuple(r) for w, r in days.items()}))
    row = tx.availability.template(instructor.id)
    if row is None:
        row = TemplateRow(instructor_id=instructor.id, ranges=stored, version=1)
        tx.availability.add_template(row)
    else:
        row.ranges = stored
        row.version += 1
    record(
        tx,
        caller,
        "availability.set_template",
        instructor_id=instructor.id,
        details={"ranges": views.template_ranges(stored)},
    )
    reconcile(tx, caller, instructor)
    return {
        "instructor_id": instructor.id,
        "ranges": views.template_ranges(stored),
        "version": row.version,
    }


def cached_availability(
    cache: AnswerCache[bytes], caller: Caller, instructor_id: str, first: date, last: date
) -> bytes | None:
    """The body of :func:`get_availability` from memory, if kept and still current."""
    require(caller.principal, Permission.AVAILABILITY_READ)
    return cache.get(_kept_as(instructor_id, first, last))


def availability_body(
    uow: UnitOfWork,
    cache: AnswerCache[bytes],
    caller: Caller,
    instructor_id: str,
    first: date,
    last: date,
) -> bytes:
    """:func:`get_availability` as a JSON body, kept until the instructor's data changes: the
    app and students re-read the same weeks far more often than the hours change."""
    generation = cache.generation(instructor_id)
    body = views.encode(get_availability(uow, caller, instructor_id, first, last))
    cache.put(_kept_as(instructor_id, first, last), instructor_id, generation, body)
    return body


def _kept_as(instructor_id: str, first: date, last: date) -> tuple[str, str, date, date]:
    return ("availability", instructor_id, first, last)


def get_availability(
    uow: UnitOfWork, caller: Caller, instructor_id: str, first: date, last: date
) -> Json:
    require(caller.principal, Permission.AVAILABILITY_READ)
    if last < first:
        raise InvalidTimeRange("The date range ends before it starts.")
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(
            f"Ask for at most {MAX_DAYS} days at a time.",
            errors=[{"field": "to", "message": f"at most {MAX_DAYS} days"}],
        )
    with uow.read() as tx:
        found = tx.availability.hours_of(instructor_id)
        if found is None:
            raise NotFound("No such instructor.")
        time_zone, ranges = found
        availability = availability_of(
            tx, instructor_id, first, last, template=template_from(ranges)
        )
    days = []
    day = first
    while day <= last:
        days.append(
            {
                "date": day,
                "source": "override" if day in availability.overrides else "template",
                "ranges": [wall(r) for r in availability.effective_ranges(day)],
            }
        )
        day += timedelta(days=1)
    return {
        "instructor_id": instructor_id,
        "time_zone": time_zone or "UTC",
        "days": days,
    }


def wall(r: WallRange) -> Json:
    return views.wall(r.start, r.end)


def set_date_in(
    tx: Tx,
    caller: Caller,
    instructor_id: str,
    day: date,
    ranges: Sequence[tuple[str, str]],
    base: Sequence[tuple[str, str]] | None = None,
) -> Json:
    """Give ``day`` exactly ``ranges``. ``base``: the hours the client saw; when the date's hours
    changed since (and are not already ``ranges``), the change is refused as a clash."""
    instructor = _editable(tx, caller, instructor_id)
    wanted = parse_day_ranges(ranges)
    if base is not None:
        hours = _day_hours(tx, instructor.id, day)
        if replacement_clashes(hours, parse_day_ranges(base), wanted):
            raise clashes.hours_clash(day, hours, "set", wanted)
    return _write_date(tx, caller, instructor, day, wanted, "availability.set_date")


def edit_date_in(
    tx: Tx,
    caller: Caller,
    instructor_id: str,
    day: date,
    ranges: Sequence[tuple[str, str]],
    *,
    opens: bool,
) -> Json:
    """Open (``opens``) or close ``ranges`` of ``day``, keeping the rest of its hours (a date
    that follows the usual week gets its own hours from it). Refused as a clash when another
    change to the same hours came first (:class:`~instainstru_desktop.domain.HoursEdit`)."""
    instructor = _editable(tx, caller, instructor_id)
    edit = HoursEdit.of(parse_day_ranges(ranges), opens=opens)
    hours = _day_hours(tx, instructor.id, day)
    if edit.clashes_with(hours):
        raise clashes.hours_clash(day, hours, "add" if opens else "remove", edit.ranges)
    action = "availability.add_date_hours" if opens else "availability.remove_date_hours"
    changed = {"changed": [wall(r) for r in edit.ranges]}
    return _write_date(tx, caller, instructor, day, edit.applied(hours), action, changed)


def _day_hours(tx: Tx, instructor_id: str, day: date) -> list[WallRange]:
    """The date's hours now: its own, else the usual week's (as this transaction sees them)."""
    return list(availability_of(tx, instructor_id, day, day).effective_ranges(day))


def _write_date(
    tx: Tx,
    caller: Caller,
    instructor: Instructor,
    day: date,
    hours: Sequence[WallRange],
    action: str,
    details: Json | None = None,
) -> Json:
    stored = [[r.start, r.end] for r in hours]
    row = tx.availability.override(instructor.id, day)
    if row is None:
        row = AvailabilityOverride(instructor_id=instructor.id, day=day, ranges=stored, version=1)
        tx.availability.add_override(row)
    else:
        row.ranges = stored
        row.version += 1
    record(
        tx,
        caller,
        action,
        instructor_id=instructor.id,
        details={"date": day.isoformat(), "ranges": views.day_ranges(stored), **(details or {})},
    )
    if not stored:  # time off: the weekly lessons on that date are skipped (and it says so)
        user = tx.users.get(instructor.user_id)
        terms.free_day(tx, caller, instructor, day, user.time_zone if user else "UTC")
    reconcile(tx, caller, instructor, day)
    return {
        "instructor_id": instructor.id,
        "date": day,
        "ranges": views.day_ranges(stored),
        "version": row.version,
    }


def clear_date_in(
    tx: Tx,
    caller: Caller,
    instructor_id: str,
    day: date,
    base: Sequence[tuple[str, str]] | None = None,
) -> Json:
    """Let ``day`` follow the usual week again. ``base``: the date's own hours the client saw;
    when they changed since (and are not the usual week's already), refused as a clash."""
    instructor = _editable(tx, caller, instructor_id)
    row = tx.availability.override(instructor.id, day)
    if row is not None and base is not None:
        hours = _day_hours(tx, instructor.id, day)
        usual = list(template_of(tx.availability.template(instructor.id)).ranges_for(day.weekday()))
        if replacement_clashes(hours, parse_day_ranges(base), usual):
            raise clashes.hours_clash(day, hours, "clear", usual)
    if row is not None:
        tx.availability.delete_override(row)
        record(
            tx,
            caller,
            "availability.clear_date",
            instructor_id=instructor.id,
            details={"date": day.isoformat()},
        )
        reconcile(tx, caller, instructor, day)
    return {"instructor_id": instructor.id, "date": day}


def reconcile(tx: Tx, caller: Caller, instructor: Instructor, day: date | None = None) -> None:
    """Record a conflict for each future lesson now outside the hours; withdraw stale ones.

    ``day``: only that instructor-local date changed, so only lessons touching it are looked
    at (a lesson elsewhere did not move relative to its hours, and an edit of Friday must not
    raise or withdraw a clash on Wednesday). Without it (usual week, time zone) every future
    lesson is checked.
    """
    user = tx.users.get(instructor.user_id)
    tz = zone(user.time_zone if user else "UTC")
    lessons = tx.bookings.future_active(instructor.id, caller.now)
    if day is not None:
        lessons = [
            b for b in lessons if local_date(b.start_utc, tz) <= day <= local_date(b.end_utc, tz)
        ]
    scanned = {b.id for b in lessons}
    conflicts = [
        c
        for c in tx.conflicts.of_instructor(instructor.id, OUTSIDE)
        if day is None or c.booking_id in scanned
    ]
    by_booking = {c.booking_id: c for c in conflicts}
    outside: set[str] = set()
    if lessons:
        first = local_date(lessons[0].start_utc, tz) - timedelta(days=1)
        last = local_date(max(b.end_utc for b in lessons), tz) + timedelta(days=1)
        availability = availability_of(tx, instructor.id, first, last)
        for lesson in lessons:
            hours = availability.utc_ranges_between(
                local_date(lesson.start_utc, tz) - timedelta(days=1),
                local_date(lesson.end_utc, tz),
                tz,
            )
            if not contains(hours, TimeRange(lesson.start_utc, lesson.end_utc)):
                outside.add(lesson.id)
                if lesson.id not in by_booking:
                    _add_conflict(tx, caller, instructor, lesson.id, tz)
    for conflict in conflicts:
        if not conflict.resolved and conflict.booking_id not in outside:
            tx.conflicts.delete(conflict)


def _add_conflict(
    tx: Tx, caller: Caller, instructor: Instructor, booking_id: str, tz: ZoneInfo
) -> None:
    booking = tx.bookings.get(booking_id)
    assert booking is not None
    student = tx.users.get(booking.student_id)
    local = booking.start_utc.astimezone(tz)
    name = student.name.split(" ")[0] if student else "a student"
    tx.conflicts.add(
        Conflict(
            id=new_id(),
            instructor_id=instructor.id,
            booking_id=booking_id,
            kind=OUTSIDE,
            message=f"Lesson {local:%a} {local.day} {local:%b %H:%M} with {name} is now outside "
            "your hours.",
            created_at=caller.now,
            resolved=False,
            resolution=None,
            version=1,
        )
    )
