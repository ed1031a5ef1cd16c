"""Terms: the named date ranges (with breaks) an instructor teaches in, and what editing one does.

A weekly series can end with a term. Editing the term edits the series: a break added later, or
a term made shorter, frees the lessons now in a break or outside the term (cancelled with the
break's name as the reason, and said under "needs attention"); a break removed, or a term made
longer, gives back the slots from today on, booked as the series books (each checked by every
rule). Marking a single date as time off frees the series lessons on it the same way
(:func:`free_day`); single lessons are kept there and raise a clash, as for any change of hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from instainstru_desktop.domain.bookings import BookingStatus
from instainstru_desktop.domain.terms import Term, TermBreak
from instainstru_desktop.domain.zones import local_date, zone
from instainstru_desktop.server.core.errors import InvalidInput, NotFound
from instainstru_desktop.server.core.models import Booking, Conflict, Instructor, Series
from instainstru_desktop.server.core.models import Term as TermRow
from instainstru_desktop.server.core.permissions import Owner, Permission, authorize, require
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import series_booking
from instainstru_desktop.server.services.common import instructor_or_404, new_id, record
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.series import cancel_lesson
from instainstru_desktop.server.services.series_rows import stored_breaks, term_view
from instainstru_desktop.server.services.views import Json

BreakIn = tuple[date, date, str]


def list_terms(uow: UnitOfWork, caller: Caller, instructor_id: str) -> Json:
    """An instructor's terms (students see them too: a series can be booked until one)."""
    require(caller.principal, Permission.AVAILABILITY_READ)
    with uow.read() as tx:
        instructor_or_404(tx, instructor_id)
        return {"items": [term_view(t) for t in tx.series.terms_of(instructor_id)]}


def _claimed(tx: Tx, caller: Caller, instructor_id: str) -> Instructor:
    instructor = tx.instructors.lock(instructor_id)
    if instructor is None:
        raise NotFound("No such instructor.")
    authorize(caller.principal, Permission.AVAILABILITY_EDIT, Owner(instructor_id=instructor.id))
    return instructor


def set_term_in(
    tx: Tx,
    caller: Caller,
    term_id: str,
    instructor_id: str,
    name: str,
    first: date,
    last: date,
    breaks: Sequence[BreakIn] = (),
) -> Json:
    """Create or replace a term; its series follow (see the module doc)."""
    instructor = _claimed(tx, caller, instructor_id)
    term = Term(
        name.strip(), first, last, tuple(TermBreak(f, la, n.strip()) for f, la, n in breaks)
    )
    term.validate()
    row = tx.series.term(term_id)
    if row is not None and row.instructor_id != instructor.id:
        raise NotFound("No such term.")
    if row is None:
        row = TermRow(
            id=term_id,
            instructor_id=instructor.id,
            name=term.name,
            first_day=first,
            last_day=last,
            breaks=stored_breaks(term.breaks),
            version=1,
        )
        tx.series.add_term(row)
    else:
        row.name, row.first_day, row.last_day = term.name, first, last
        row.breaks = stored_breaks(term.breaks)
        row.version += 1
    record(
        tx,
        caller,
        "term.set",
        instructor_id=instructor.id,
        details={"term_id": term_id, "name": term.name, "first": str(first), "last": str(last)},
    )
    following = list(tx.series.of_term(term_id))
    due = series_booking.due_series(tx, instructor.id, caller.now)
    series_booking.lock_students(tx, [s.student_id for s in (*following, *due)])
    freed = []
    for series in following:
        freed += _free_outside(tx, caller, series, term)
        _reopen(series, caller)
    series_booking.roll(tx, caller.now, {s.id: s for s in (*due, *following)}.values())
    return {**term_view(row), "freed": freed}


def delete_term_in(tx: Tx, caller: Caller, term_id: str, instructor_id: str) -> Json:
    row = tx.series.term(term_id)
    if row is None or row.instructor_id != instructor_id:
        raise NotFound("No such term.")
    _claimed(tx, caller, row.instructor_id)
    if tx.series.of_term(term_id):
        raise InvalidInput(
            f"Weekly lessons end with “{row.name}”; it cannot be removed while they do.",
            errors=[{"field": "term_id", "message": "in use"}],
        )
    tx.series.delete_term(row)
    record(tx, caller, "term.delete", instructor_id=row.instructor_id, details={"term_id": term_id})
    return {"id": term_id, "instructor_id": row.instructor_id}


def _free_outside(tx: Tx, caller: Caller, series: Series, term: Term) -> list[str]:
    """Cancel the series' future lessons now in a break or outside the term; their ids."""
    freed: list[tuple[Booking, str]] = []
    for lesson in tx.series.lessons_locked(series.id):
        day = _slot_day(lesson)
        if day is None or lesson.status != BookingStatus.CONFIRMED.value:
            continue
        if lesson.start_utc <= caller.now:
            continue
        gap = term.break_of(day)
        if gap is not None:
            why = f"{gap.name or 'A break'} (a break of {term.name})"
        elif not term.holds(day):
            why = f"outside {term.name}"
        else:
            continue
        cancel_lesson(tx, caller, lesson, f"No lesson: {why}.", "term changed")
        freed.append((lesson, why))
    if freed:
        _note_freed(tx, caller, series.instructor_id, freed, series.time_zone)
    return [lesson.id for lesson, _ in freed]


def _reopen(series: Series, caller: Caller) -> None:
    """Let the series look again at its slots from today on (a break removed, a longer term):
    slots that have a lesson or were refused are left as they are."""
    today = local_date(caller.now, zone(series.time_zone))
    if series.booked_through is not None and series.booked_through >= today:
        series.booked_through = today - timedelta(days=1)


def _slot_day(lesson: Booking) -> date | None:
    if lesson.series_slot is None:
        return None
    return date.fromisoformat(lesson.series_slot.partition("/")[2])


def free_day(tx: Tx, caller: Caller, instructor: Instructor, day: date, tz_name: str) -> None:
    """A date marked as time off: cancel the series lessons on it and say so."""
    tz = zone(tz_name)
    freed = []
    for lesson in tx.bookings.future_active(instructor.id, caller.now):
        if lesson.series_id is not None and local_date(lesson.start_utc, tz) == day:
            cancel_lesson(
                tx, caller, lesson, f"No lesson on {day:%a %-d %b}: time off.", "time off"
            )
            freed.append((lesson, f"time off on {day:%a %-d %b}"))
    if freed:
        _note_freed(tx, caller, instructor.id, freed, tz_name)


def _note_freed(
    tx: Tx, caller: Caller, instructor_id: str, freed: Sequence[tuple[Booking, str]], tz_name: str
) -> None:
    tz = zone(tz_name)
    names = {u: _first_name(tx, u) for u in {lesson.student_id for lesson, _ in freed}}
    listed = [
        f"{lesson.start_utc.astimezone(tz):%a %-d %b %H:%M} with {names[lesson.student_id]} ({why})"
        for lesson, why in freed
    ]
    lessons = "1 weekly lesson was" if len(freed) == 1 else f"{len(freed)} weekly lessons were"
    tx.conflicts.add(
        Conflict(
            id=new_id(),
            instructor_id=instructor_id,
            booking_id=None,
            kind="series_freed",
            message=f"{lessons} cancelled, the time is free: " + "; ".join(listed) + ".",
            created_at=caller.now,
            resolved=False,
            resolution=None,
            version=1,
        )
    )


def _first_name(tx: Tx, user_id: str) -> str:
    user: Any = tx.users.get(user_id)
    return user.name.split(" ")[0] if user is not None else "a student"
