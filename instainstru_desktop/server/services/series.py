"""Weekly series: create (or preview), cancel from a date on, change the rule from a date on.

Creating books every lesson the booking window reaches that keeps every rule and answers with
the ones that do not, each with the reason a single booking at that time would get; it never
half-creates a series (one transaction: a fault leaves nothing). Changing re-checks every lesson
it moves and lists those that cannot move. Each lesson touched gets its own audit entry, and the
series one for the whole change. Lock order, as for single bookings: the instructor, then the
student, then the series and its lessons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from instainstru_desktop.domain.bookings import BookingStatus, duration_text
from instainstru_desktop.domain.errors import InvalidTransition
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    SeriesEnd,
    WeeklyRule,
    slot_due,
    slot_start,
    slots,
)
from instainstru_desktop.domain.series_plan import (
    BookedLesson,
    Outcome,
    PlannedSlot,
    plan_change,
    plan_series,
)
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import local_date, zone
from instainstru_desktop.server.core.errors import Forbidden, InvalidInput, NotFound
from instainstru_desktop.server.core.models import Booking, Series
from instainstru_desktop.server.core.permissions import (
    Owner,
    Permission,
    Role,
    authorize,
    require,
)
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import series_booking
from instainstru_desktop.server.services.bookings import present_all, presented_together
from instainstru_desktop.server.services.common import new_id, record
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.rules import check_bookable, policy_of, template_from
from instainstru_desktop.server.services.series_rows import (
    definition_of,
    planned_view,
    series_inputs,
    series_view,
    slot_of,
    stored_rule,
    term_of,
)
from instainstru_desktop.server.services.views import Json


@dataclass(frozen=True, slots=True)
class WeeklyRequest:
    """A series as asked for: weekdays (Monday = 0) at ``time`` ("HH:MM") from ``start_date``,
    ending after ``count`` lessons, on ``until`` or with the term ``term_id``."""

    instructor_id: str
    lesson_type_id: str
    weekdays: tuple[int, ...]
    time: str
    start_date: date
    student_id: str | None = None
    every_weeks: int = 1
    count: int | None = None
    until: date | None = None
    term_id: str | None = None
    series_id: str | None = None


def _minute(text: str) -> int:
    """Minutes after midnight of a wall time ``HH:MM`` (the domain refuses 24:00 and up)."""
    hours, _, minutes = text.partition(":")
    try:
        return int(hours) * 60 + int(minutes)
    except ValueError as exc:
        raise InvalidInput(
            "The time must be written like 17:00.",
            errors=[{"field": "time", "message": "not a clock time"}],
        ) from exc


def _student_of(caller: Caller, student_id: str | None) -> str:
    principal = caller.signed_in
    if principal.role is Role.STUDENT:
        if student_id not in (None, principal.user_id):
            raise Forbidden("Students book lessons for themselves only.")
        return principal.user_id
    if student_id is None:
        raise InvalidInput(
            "Name the student these lessons are for.",
            errors=[{"field": "student_id", "message": "required"}],
        )
    return student_id


def _definition(tx: Tx, request: WeeklyRequest) -> SeriesDefinition:
    term = None
    if request.term_id is not None:
        row = tx.series.term_fields(request.term_id)
        if row is None or row.instructor_id != request.instructor_id:
            raise NotFound("No such term for this instructor.")
        term = term_of(row)
    rule = WeeklyRule(
        1, request.start_date, request.weekdays, _minute(request.time), request.every_weeks
    )
    definition = SeriesDefinition(
        request.start_date, (rule,), SeriesEnd(request.count, request.until, term)
    )
    definition.validate()
    return definition


def _students_may_book_weekly(tx: Tx, caller: Caller, instructor_id: str) -> None:
    """A student books weekly lessons only with an instructor who allows it (a preview too)."""
    if caller.signed_in.role is Role.STUDENT:
        instructor = tx.instructors.get(instructor_id)
        if instructor is None or not instructor.students_book_weekly:
            raise Forbidden(
                "This instructor takes weekly lessons by arrangement only; book single lessons, "
                "or ask them to set up the weekly lessons."
            )


def _parties(tx: Tx, caller: Caller, request: WeeklyRequest) -> tuple[str, Any, Any]:
    """Check who may book what, then take the locks: the student's id, the student's row and
    the instructor's rules (read after the locks)."""
    principal = caller.signed_in
    student_id = _student_of(caller, request.student_id)
    authorize(
        principal,
        Permission.BOOKINGS_CREATE,
        Owner(instructor_id=request.instructor_id, student_id=student_id),
    )
    # As a single booking: the instructor's lock and rules in one read on SQLite, the series
    # the window has reached only when the row says one has.
    found = tx.instructors.claim_for_booking(request.instructor_id, request.lesson_type_id)
    if found is None:
        raise NotFound("No such instructor.")
    due = series_booking.due_series_of(tx, request.instructor_id, found, caller.now)
    locked = series_booking.lock_students(tx, [student_id, *(s.student_id for s in due)])
    student = locked[student_id]
    if student is None or student.role != Role.STUDENT:
        raise NotFound("No such student.")
    check_bookable(found.lesson_type_instructor_id, found.active, request.instructor_id)
    _students_may_book_weekly(tx, caller, request.instructor_id)
    series_booking.roll(tx, caller.now, due)
    return student_id, student, found


def _starts_today_or_later(request: WeeklyRequest, tz: Any, now: datetime) -> None:
    if request.start_date < local_date(now, tz):
        raise InvalidInput(
            "Weekly lessons start today or later.",
            errors=[{"field": "start_date", "message": "in the past"}],
        )


def create_in(tx: Tx, caller: Caller, request: WeeklyRequest) -> Json:
    """Create a series and book what the window reaches; the answer says what did not book.

    A client-chosen id already taken is looked for under the instructor's lock: the same form
    sent twice at once (two server processes) finds the first series instead of failing on the
    database."""
    student_id, student, found = _parties(tx, caller, request)
    if request.series_id is not None and tx.series.get(request.series_id) is not None:
        raise InvalidInput(
            "A series with this id already exists.",
            errors=[{"field": "series_id", "message": "already used"}],
        )
    tz = zone(found.time_zone or "UTC")
    _starts_today_or_later(request, tz, caller.now)
    definition = _definition(tx, request)
    series = Series(
        id=request.series_id or new_id(),
        instructor_id=request.instructor_id,
        student_id=student_id,
        lesson_type_id=request.lesson_type_id,
        time_zone=found.time_zone or "UTC",
        rules=[stored_rule(r) for r in definition.rules],
        start_day=definition.start,
        end_count=request.count,
        end_day=request.until,
        term_id=request.term_id,
        cancelled_from=None,
        booked_through=None,
        next_start_utc=None,
        status=series_booking.ACTIVE,
        skipped=[],
        created_at=caller.now,
        updated_at=caller.now,
        version=0,
    )
    # Booked first, then written once with what booking settled (its lessons name it; nothing
    # reads the series row before the commit): one INSERT instead of an INSERT and an UPDATE.
    judged = series_booking.book_due(tx, caller, series, new=(definition, found))
    tx.series.insert_new(series)
    record(
        tx,
        caller,
        "series.create",
        instructor_id=series.instructor_id,
        details={
            "series_id": series.id,
            "rule": definition.latest_rule.describe(),
            "booked": len(judged.booked),
            "refused": len(judged.refused),
            "waiting": len(judged.later),
        },
    )
    if judged.refused and caller.signed_in.role is Role.INSTRUCTOR:
        series_booking.note_refusals(tx, caller, series, judged.refused, "could not be booked")
    return {
        "series": series_view(series),
        # the lessons as GET /bookings/{id} would read them back, from the rows in hand
        "booked": presented_together(
            caller.signed_in,
            [
                tx.bookings.view_of(b, student.name, student.time_zone, found.lesson_type_name)
                for b in judged.booked
            ],
        ),
        "refused": [planned_view(p) for p in judged.refused],
        "later": [planned_view(p) for p in judged.later if p.outcome is Outcome.LATER],
        "breaks": [
            planned_view(p) for p in (*judged.planned, *judged.later) if p.outcome is Outcome.BREAK
        ],
    }


def preview(uow: UnitOfWork, caller: Caller, request: WeeklyRequest) -> Json:
    """What :func:`create_in` would book and refuse now, without booking anything."""
    principal = require(caller.principal, Permission.BOOKINGS_CREATE)
    student_id = _student_of(caller, request.student_id)
    authorize(principal, Permission.BOOKINGS_CREATE, Owner(request.instructor_id, student_id))
    with uow.read() as tx:
        found = tx.instructors.for_booking(request.instructor_id, request.lesson_type_id)
        if found is None:
            raise NotFound("No such instructor.")
        check_bookable(found.lesson_type_instructor_id, found.active, request.instructor_id)
        _students_may_book_weekly(tx, caller, request.instructor_id)
        tz = zone(found.time_zone or "UTC")
        _starts_today_or_later(request, tz, caller.now)
        definition = _definition(tx, request)
        policy = policy_of(found)
        window_end = caller.now + timedelta(days=policy.booking_horizon_days)
        spans = []
        for s in slots(definition):
            start = slot_start(s, tz)
            if start is not None and not s.in_break and start <= window_end:
                spans.append(TimeRange(start, start + timedelta(minutes=found.duration_minutes)))
        inputs = series_inputs(
            tx,
            request.instructor_id,
            student_id,
            policy,
            tz,
            template_from(found.template),
            spans,
            caller.now,
        )
    planned = plan_series(definition, tz, found.duration_minutes, inputs)
    return {"slots": [planned_view(p) for p in planned]}


# -- changing a series ---------------------------------------------------------------------------


def _locked_series(tx: Tx, caller: Caller, series_id: str, permission: Permission) -> Series:
    parties = tx.series.parties(series_id)
    if parties is None:
        raise NotFound("No such series.")
    tx.instructors.claim(parties.instructor_id)
    due = series_booking.due_series(tx, parties.instructor_id, caller.now)
    series_booking.lock_students(tx, [parties.student_id, *(s.student_id for s in due)])
    series = tx.series.for_update(series_id)
    if series is None:
        raise NotFound("No such series.")
    authorize(
        caller.principal,
        permission,
        Owner(series.instructor_id, series.student_id),
        hidden_unless=Permission.BOOKINGS_READ,
    )
    series_booking.roll(tx, caller.now, [s for s in due if s.id != series.id])
    return series


def _slot_day(booking: Booking) -> date | None:
    if booking.series_slot is None:
        return None
    return date.fromisoformat(booking.series_slot.partition("/")[2])


def cancel_lesson(tx: Tx, caller: Caller, booking: Booking, reason: str, why: str) -> None:
    booking.status = BookingStatus.CANCELLED.value
    booking.cancelled_by = caller.actor.value if caller.principal else "system"
    booking.cancel_reason = reason
    for conflict in tx.conflicts.open_of_booking(booking.id):
        conflict.resolved, conflict.resolution = True, "cancelled"
        conflict.version += 1
    booking.version += 1
    booking.updated_at = caller.now
    record(
        tx,
        caller,
        "booking.cancel",
        instructor_id=booking.instructor_id,
        booking_id=booking.id,
        details={"reason": reason, "series_id": booking.series_id, "why": why},
    )


def cancel_in(tx: Tx, caller: Caller, series_id: str, from_date: date, reason: str) -> Json:
    """Cancel the series' lessons from ``from_date`` on ("this and all following").

    A student may do it only while the first of them is further away than the instructor's
    minimum notice (as for one lesson); instructors and admins at any time, with a reason.
    """
    series = _locked_series(tx, caller, series_id, Permission.BOOKINGS_CANCEL)
    lessons = tx.series.lessons_locked(series.id)
    going = [
        b
        for b in lessons
        if b.status == BookingStatus.CONFIRMED.value
        and (_slot_day(b) or date.min) >= from_date
        and b.start_utc > caller.now
    ]
    if caller.signed_in.role is Role.STUDENT and going:
        instructor = tx.instructors.get(series.instructor_id)
        notice = instructor.min_notice_minutes if instructor else 0
        first = min(b.start_utc for b in going)
        if caller.now > first - timedelta(minutes=notice):
            raise InvalidTransition(
                f"Lessons can be cancelled online up to {duration_text(notice)} before they "
                "start; the first of these starts sooner. Please contact your instructor."
            )
    for booking in going:
        cancel_lesson(tx, caller, booking, reason, "this and following")
    definition = definition_of(tx, series).cancelled_after(from_date)
    series.cancelled_from = definition.cancelled_from
    tz = zone(series.time_zone)
    filled = {b.series_slot for b in lessons}
    skipped = {e["slot"] for e in series.skipped}
    waiting = [
        s
        for s in slots(definition)
        if (series.booked_through is None or s.day > series.booked_through)
        and s.key not in filled
        and s.key not in skipped
    ]
    series_booking.settle(series, caller.now, [], waiting, tz)
    record(
        tx,
        caller,
        "series.cancel",
        instructor_id=series.instructor_id,
        details={"series_id": series.id, "from": from_date.isoformat(), "reason": reason},
    )
    return {
        "series": series_view(series),
        "cancelled": present_all(tx, caller.signed_in, [b.id for b in going]),
    }


def change_in(
    tx: Tx,
    caller: Caller,
    series_id: str,
    from_date: date,
    weekdays: tuple[int, ...],
    time: str,
    every_weeks: int = 1,
) -> Json:
    """Give the series a new rule from ``from_date`` on; each lesson it moves is checked again.

    Lessons that keep every rule at their new place move there (same lesson, same id); those
    that do not stay where they were and are listed with the reason; lessons the new rule has
    no place for are cancelled; the new rule's other slots are booked as a new series' are.
    """
    require(caller.principal, Permission.SERIES_EDIT)
    series = _locked_series(tx, caller, series_id, Permission.SERIES_EDIT)
    tz = zone(series.time_zone)
    if from_date < local_date(caller.now, tz):
        raise InvalidInput(
            "A change of weekly lessons starts today or later.",
            errors=[{"field": "from_date", "message": "in the past"}],
        )
    found = tx.instructors.for_booking(series.instructor_id, series.lesson_type_id)
    if found is None:
        raise NotFound("No such instructor.")
    before = definition_of(tx, series)
    after = before.changed_from(from_date, weekdays, _minute(time), every_weeks)
    after.validate()
    lessons = {b.id: b for b in tx.series.lessons_locked(series.id)}
    booked = []
    for b in lessons.values():
        slot = slot_of(before, b.series_slot) if b.series_slot else None
        if slot is not None:
            span = TimeRange(b.start_utc, b.end_utc)
            booked.append(BookedLesson(b.id, slot, span, b.status, bool(b.series_moved)))
    policy = policy_of(found)
    window_end = caller.now + timedelta(days=policy.booking_horizon_days)
    spans = [b.span for b in booked if b.slot.day >= from_date]
    for s in slots(after):
        start = slot_start(s, tz)
        if s.revision == after.latest_rule.revision and start is not None and start <= window_end:
            spans.append(TimeRange(start, start + timedelta(minutes=found.duration_minutes)))
    inputs = series_inputs(
        tx,
        series.instructor_id,
        series.student_id,
        policy,
        tz,
        template_from(found.template),
        spans,
        caller.now,
    )
    steps = plan_change(before, after, booked, tz, found.duration_minutes, inputs)
    series.rules = [stored_rule(r) for r in after.rules]
    rule_text = after.latest_rule.describe()
    answer = _apply_change(tx, caller, series, lessons, steps, rule_text, found)
    dealt = [s for s in steps if s.outcome in (Outcome.BOOK, Outcome.REFUSED, Outcome.BREAK)]
    waiting = [s.slot for s in steps if s.outcome is Outcome.LATER]
    series_booking.settle(series, caller.now, dealt, waiting, tz)
    record(
        tx,
        caller,
        "series.change",
        instructor_id=series.instructor_id,
        details={"series_id": series.id, "from": from_date.isoformat(), "rule": rule_text},
    )
    problems = [s for s in steps if s.outcome in (Outcome.STAY, Outcome.REFUSED)]
    if problems and caller.signed_in.role is Role.INSTRUCTOR:
        series_booking.note_refusals(
            tx, caller, series, problems, f"could not change to {rule_text}"
        )
    return {"series": series_view(series), **answer}


def _apply_change(
    tx: Tx,
    caller: Caller,
    series: Series,
    lessons: dict[str, Booking],
    steps: list[PlannedSlot],
    rule_text: str,
    found: Any,
) -> Json:
    """Write a change's steps: cancellations first (they free time), then in date order, each
    written at once so the database's one-lesson-per-start net never sees a half-made swap."""
    ordered = sorted(steps, key=lambda s: (s.outcome is not Outcome.CANCEL, s.slot.day))
    moved, cancelled, booked = [], [], []
    for step in ordered:
        if step.outcome is Outcome.CANCEL and step.booking_id is not None:
            reason = f"The weekly lessons changed to {rule_text}."
            cancel_lesson(tx, caller, lessons[step.booking_id], reason, "series changed")
            cancelled.append(step.booking_id)
        elif step.outcome is Outcome.MOVE and step.booking_id is not None:
            _move(tx, caller, lessons[step.booking_id], step)
            moved.append(step.booking_id)
        elif step.outcome is Outcome.BOOK:
            booked.append(series_booking.insert_lesson(tx, caller, series, step, found).id)
        tx.bookings.flush_checked()
    return {
        "moved": present_all(tx, caller.signed_in, moved),
        "cancelled": present_all(tx, caller.signed_in, cancelled),
        "booked": present_all(tx, caller.signed_in, booked),
        "kept": [planned_view(s) for s in steps if s.outcome is Outcome.STAY],
        "refused": [planned_view(s) for s in steps if s.outcome is Outcome.REFUSED],
        "later": [planned_view(s) for s in steps if s.outcome is Outcome.LATER],
    }


def _move(tx: Tx, caller: Caller, booking: Booking, step: PlannedSlot) -> None:
    assert step.start is not None
    assert step.end is not None
    previous = booking.start_utc
    booking.start_utc, booking.end_utc = step.start, step.end
    booking.series_slot = step.slot.key
    booking.version += 1
    booking.updated_at = caller.now
    record(
        tx,
        caller,
        "booking.reschedule",
        instructor_id=booking.instructor_id,
        booking_id=booking.id,
        details={
            "from": previous.isoformat(),
            "to": step.start.isoformat(),
            "series_id": booking.series_id,
        },
    )


# -- reading -----------------------------------------------------------------------------------


def get_series(uow: UnitOfWork, caller: Caller, series_id: str) -> Json:
    with uow.read() as tx:
        series = tx.series.get(series_id)
        if series is None:
            raise NotFound("No such series.")
        principal = authorize(
            caller.principal,
            Permission.BOOKINGS_READ,
            Owner(series.instructor_id, series.student_id),
            hidden_unless=Permission.BOOKINGS_READ,
        )
        lessons = present_all(tx, principal, [b.id for b in tx.series.lessons(series.id)])
        definition = definition_of(tx, series)
        tz = zone(series.time_zone)
        waiting = [
            {"slot": s.key, "date": s.day.isoformat(), "start": slot_due(s, tz)}
            for s in slots(definition)
            if not s.in_break and (series.booked_through is None or s.day > series.booked_through)
        ]
        return {**series_view(series), "lessons": lessons, "waiting": waiting}


def list_series(uow: UnitOfWork, caller: Caller) -> Json:
    """The caller's series: a student's own, an instructor's (or every series, for admins)."""
    principal = require(caller.principal, Permission.BOOKINGS_READ)
    with uow.read() as tx:
        if principal.role is Role.STUDENT:
            rows = tx.series.of_student(principal.user_id)
        elif principal.instructor_id is not None:
            rows = tx.series.of_instructor(principal.instructor_id)
        else:
            rows = []
        return {"items": [series_view(s) for s in rows], "next_cursor": None}
