"""Booking, cancelling, completing, rescheduling, notes, and reading bookings back.

No double booking under concurrency: the instructor's row is locked (``FOR NO KEY UPDATE`` on
PostgreSQL, which still lets foreign-key checks through; SQLite's ``BEGIN IMMEDIATE`` write lock),
then the student's, then the domain checks
every rule against the bookings it reads, then the row is inserted -- all in one transaction, so a
second request for the same slot sees the first one's lesson or waits for it. A unique index on
(instructor, start) of active bookings is the last line, answered as ``slot_taken``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from instainstru_desktop.domain.bookings import (
    BookingAction,
    BookingStatus,
    Resolution,
    can_mark_outcome,
    duration_text,
    next_status,
    resolve_correction,
    student_change_deadline,
)
from instainstru_desktop.domain.errors import InvalidTransition
from instainstru_desktop.domain.slots import check_booking
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.core.errors import Forbidden, InvalidInput, NotFound
from instainstru_desktop.server.core.models import Booking
from instainstru_desktop.server.core.permissions import (
    Owner,
    Permission,
    Principal,
    Role,
    allowed,
    authorize,
    require,
    scope_of,
)
from instainstru_desktop.server.repositories import BookingFilter
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import clashes, series_booking, views
from instainstru_desktop.server.services.common import (
    confirmed_lesson,
    decode_cursor,
    encode_cursor,
    new_id,
    record,
)
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.rules import (
    check_bookable,
    policy_of,
    slot_query,
    template_from,
)
from instainstru_desktop.server.services.views import Json


@dataclass(frozen=True, slots=True)
class BookingQuery:
    """What a list of bookings is asked for; ``None`` fields do not restrict.

    The list itself narrows it to what the caller may see (a student's own lessons, an
    instructor's own calendar), so a route passes on what it was asked and nothing more.
    """

    instructor_id: str | None = None
    status: str | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None
    text: str | None = None
    flagged: bool | None = None


_ACTION_PERMISSION = {
    BookingAction.COMPLETE: Permission.BOOKINGS_OUTCOME,
    BookingAction.NO_SHOW: Permission.BOOKINGS_OUTCOME,
    BookingAction.CANCEL: Permission.BOOKINGS_CANCEL,
}


def owner_of(booking: Booking) -> Owner:
    return Owner(instructor_id=booking.instructor_id, student_id=booking.student_id)


def present(tx: Tx, principal: Principal, booking_id: str) -> Json:
    row = tx.bookings.view(booking_id)
    if row is None:
        raise NotFound("No such booking.")
    return presented(principal, row)


def present_all(tx: Tx, principal: Principal, booking_ids: Sequence[str]) -> list[Json]:
    """Several bookings as :func:`present` shows each, read in one statement."""
    return [presented(principal, row) for row in tx.bookings.views(booking_ids)]


def presented(principal: Principal, row: Any) -> Json:
    owner = Owner(instructor_id=row.instructor_id, student_id=row.student_id)
    return views.booking(
        row,
        see_note=allowed(principal, Permission.BOOKINGS_NOTE, owner),
        see_review=allowed(principal, Permission.ADMIN_REVIEW, owner),
    )


def presented_together(principal: Principal, rows: Sequence[Any]) -> list[Json]:
    """:func:`presented` of each of ``rows``; what may be seen is worked out once when they
    share one instructor and one student (a series' lessons)."""
    pairs = {(row.instructor_id, row.student_id) for row in rows}
    if len(pairs) != 1:
        return [presented(principal, row) for row in rows]
    [(instructor_id, student_id)] = pairs
    owner = Owner(instructor_id=instructor_id, student_id=student_id)
    return views.bookings(
        rows,
        rows[0]._fields,
        see_note=allowed(principal, Permission.BOOKINGS_NOTE, owner),
        see_review=allowed(principal, Permission.ADMIN_REVIEW, owner),
    )


def _visible(tx: Tx, caller: Caller, booking_id: str, permission: Permission) -> Booking:
    """The booking, locked for the transaction, if the caller may do ``permission`` on it."""
    booking = tx.bookings.for_update(booking_id)
    if booking is None:
        raise NotFound("No such booking.")
    authorize(
        caller.principal, permission, owner_of(booking), hidden_unless=Permission.BOOKINGS_READ
    )
    return booking


def _touch(booking: Booking, caller: Caller) -> None:
    booking.version += 1
    booking.updated_at = caller.now


def create_in(
    tx: Tx,
    caller: Caller,
    *,
    instructor_id: str,
    lesson_type_id: str,
    start: datetime,
    student_id: str | None,
    booking_id: str | None = None,
) -> Json:
    principal = caller.signed_in
    if principal.role is Role.STUDENT:
        if student_id not in (None, principal.user_id):
            raise Forbidden("Students book lessons for themselves only.")
        student_id = principal.user_id
    elif student_id is None:
        raise InvalidInput(
            "Name the student this lesson is for.",
            errors=[{"field": "student_id", "message": "required"}],
        )
    authorize(
        principal,
        Permission.BOOKINGS_CREATE,
        Owner(instructor_id=instructor_id, student_id=student_id),
    )
    if booking_id is not None and tx.bookings.get(booking_id) is not None:
        raise InvalidInput(
            "A booking with this id already exists.",
            errors=[{"field": "booking_id", "message": "already used"}],
        )
    # Lock order: the instructor, then the students in id order (as everywhere); every rule
    # input is read after the locks it depends on are held, as plain rows, in as few statements
    # as the rules allow. The instructor's policy, hours, lesson type and series change only
    # under the instructor's lock, so they are read in one statement right after it (with when
    # the next series lesson starts); the students' lessons only after their locks. Weekly
    # series whose next lesson the booking window has reached book it first, so no single
    # booking takes the time of a series lesson that was due.
    found = tx.instructors.claim_for_booking(instructor_id, lesson_type_id)
    if found is None:
        raise NotFound("No such instructor.")
    due = series_booking.due_series_of(tx, instructor_id, found, caller.now)
    locked = series_booking.lock_students(tx, [student_id, *(s.student_id for s in due)])
    series_booking.roll(tx, caller.now, due)
    student = locked[student_id]
    if student is None or student.role != Role.STUDENT:
        raise NotFound("No such student.")
    check_bookable(found.lesson_type_instructor_id, found.active, instructor_id)
    duration = found.duration_minutes
    end = start + timedelta(minutes=duration)
    query = slot_query(
        tx,
        instructor_id,
        policy_of(found),
        zone(found.time_zone or "UTC"),
        duration,
        TimeRange(start, end),
        caller.now,
        student_id=student_id,
        template=template_from(found.template),
    )
    check_booking(query, start)
    booking = confirmed_lesson(
        caller,
        found,
        booking_id=booking_id or new_id(),
        instructor_id=instructor_id,
        student_id=student_id,
        lesson_type_id=lesson_type_id,
        start=start,
        end=end,
    )
    tx.bookings.insert(booking)
    record(
        tx,
        caller,
        "booking.create",
        instructor_id=instructor_id,
        booking_id=booking.id,
        details={
            "start": start.isoformat(),
            "lesson_type_id": lesson_type_id,
            "student_id": student_id,
        },
    )
    # The lesson as GET /bookings/{id} would read it back, from the rows already in hand.
    view = tx.bookings.view_of(booking, student.name, student.time_zone, found.lesson_type_name)
    return presented(principal, view)


def transition_in(
    tx: Tx, caller: Caller, booking_id: str, action: BookingAction, reason: str | None = None
) -> Json:
    """Complete, mark no-show, or cancel. A terminal status is never overwritten.

    Locks in the order booking and rescheduling do: the instructor, then the lesson. A status
    change frees or settles the instructor's time, which an availability edit (holding the
    instructor) may be deciding about: the edit either sees this change committed or commits
    its conflicts before this one reads them -- never a conflict recorded for a lesson
    cancelled meanwhile. The same order cannot deadlock with a reschedule of the lesson.
    """
    parties = tx.bookings.parties(booking_id)
    if parties is None:
        raise NotFound("No such booking.")
    tx.instructors.claim(parties.instructor_id)
    booking = _visible(tx, caller, booking_id, _ACTION_PERMISSION[action])
    status = next_status(BookingStatus(booking.status), action)
    if action is not BookingAction.CANCEL and not can_mark_outcome(booking.start_utc, caller.now):
        raise InvalidTransition("An outcome can be recorded once the lesson has started.")
    if action is BookingAction.CANCEL:
        _check_student_deadline(tx, caller, booking, "cancelled")
    booking.status = status.value
    if action is BookingAction.CANCEL:
        booking.cancelled_by = caller.actor.value
        booking.cancel_reason = reason or ""
        for conflict in tx.conflicts.open_of_booking(booking.id):
            conflict.resolved, conflict.resolution = True, "cancelled"
            conflict.version += 1
    _touch(booking, caller)
    details = {"reason": reason} if action is BookingAction.CANCEL else {}
    record(
        tx,
        caller,
        f"booking.{action.value}",
        instructor_id=booking.instructor_id,
        booking_id=booking.id,
        details=details,
    )
    return present(tx, caller.signed_in, booking.id)


#: How a status reads in the audit history.
STATUS_WORDS = {"completed": "completed", "no_show": "no-show"}


def correct_outcome_in(tx: Tx, caller: Caller, booking_id: str, to: BookingStatus) -> Json:
    """Correct a recorded outcome (completed <-> no-show): by the lesson's instructor or an
    admin (the same permission as recording it), audited with what it was and what it is now.

    Locks as :func:`transition_in` does. A correction to the status the lesson already has is
    answered as done without a second audit line (two devices, or a replay, agreeing).
    """
    parties = tx.bookings.parties(booking_id)
    if parties is None:
        raise NotFound("No such booking.")
    tx.instructors.claim(parties.instructor_id)
    booking = _visible(tx, caller, booking_id, Permission.BOOKINGS_OUTCOME)
    before = BookingStatus(booking.status)
    settled = resolve_correction(before, to)
    if settled.resolution is Resolution.ALREADY_APPLIED:
        return present(tx, caller.signed_in, booking.id)
    if settled.resolution is Resolution.REJECTED:
        raise InvalidTransition(
            "Only a lesson marked completed or no-show can have its outcome corrected, and only "
            f"to the other one; this lesson is {STATUS_WORDS.get(before.value, before.value)}."
        )
    booking.status = settled.status.value
    _touch(booking, caller)
    record(
        tx,
        caller,
        "booking.correct_outcome",
        instructor_id=booking.instructor_id,
        booking_id=booking.id,
        details={
            "from_status": STATUS_WORDS[before.value],
            "to_status": STATUS_WORDS[settled.status.value],
        },
    )
    return present(tx, caller.signed_in, booking.id)


def _check_student_deadline(
    tx: Tx, caller: Caller, booking: Booking, verb: str, min_notice: int | None = None
) -> None:
    """A student cancels or moves a lesson no later than the instructor's minimum notice
    before it (see :func:`student_change_deadline`); instructors and admins at any time."""
    if caller.signed_in.role is not Role.STUDENT:
        return
    if min_notice is None:
        instructor = tx.instructors.get(booking.instructor_id)
        min_notice = instructor.min_notice_minutes if instructor is not None else 0
    if caller.now > student_change_deadline(booking.start_utc, min_notice):
        raise InvalidTransition(
            f"Lessons can be {verb} online up to {duration_text(min_notice)} before they start; "
            "this one starts sooner. Please contact your instructor."
        )


def reschedule_in(tx: Tx, caller: Caller, booking_id: str, start: datetime) -> Json:
    # Whose lesson it is, read as a plain row: the booking itself is loaded only once it is
    # locked, so on PostgreSQL its status and version are those of the last commit, not of a
    # copy read before a concurrent cancel.
    parties = tx.bookings.parties(booking_id)
    if parties is None:
        raise NotFound("No such booking.")
    instructor_id = parties.instructor_id
    tx.instructors.claim(instructor_id)  # lock order: instructor, student, row
    tx.users.lock_row(parties.student_id)
    booking = _visible(tx, caller, booking_id, Permission.BOOKINGS_RESCHEDULE)
    next_status(BookingStatus(booking.status), BookingAction.RESCHEDULE)
    found = tx.instructors.for_booking(instructor_id, booking.lesson_type_id)
    if found is None:
        raise NotFound("No such instructor.")
    _check_student_deadline(tx, caller, booking, "moved", found.min_notice_minutes)
    duration = booking.end_utc - booking.start_utc
    query = slot_query(
        tx,
        instructor_id,
        policy_of(found),
        zone(found.time_zone or "UTC"),
        int(duration.total_seconds() // 60),
        TimeRange(start, start + duration),
        caller.now,
        student_id=booking.student_id,
        exclude_booking=booking.id,
        template=template_from(found.template),
    )
    check_booking(query, start)
    previous = booking.start_utc
    booking.start_utc, booking.end_utc = start, start + duration
    details = {"from": previous.isoformat(), "to": start.isoformat()}
    if booking.series_id is not None:
        # It stays in its series, marked as moved: it keeps this time when the rule changes.
        booking.series_moved = True
        details["series_id"] = booking.series_id
    _touch(booking, caller)
    tx.bookings.flush_checked()
    record(
        tx,
        caller,
        "booking.reschedule",
        instructor_id=booking.instructor_id,
        booking_id=booking.id,
        details=details,
    )
    return present(tx, caller.signed_in, booking.id)


def note_in(
    tx: Tx, caller: Caller, booking_id: str, note: str, base_note: str | None = None
) -> Json:
    """Set the instructor's note. ``base_note``: the note the client saw; when the note changed
    since (and is not already ``note``), the change is refused as a clash and the note kept."""
    booking = _visible(tx, caller, booking_id, Permission.BOOKINGS_NOTE)
    current = booking.note or ""
    if base_note is not None and current not in (base_note, note):
        raise clashes.note_clash(current, note)
    booking.note = note
    _touch(booking, caller)
    record(tx, caller, "booking.note", instructor_id=booking.instructor_id, booking_id=booking.id)
    return present(tx, caller.signed_in, booking.id)


def review_in(tx: Tx, caller: Caller, booking_id: str, flagged: bool, note: str) -> Json:
    booking = _visible(tx, caller, booking_id, Permission.ADMIN_REVIEW)
    booking.flagged, booking.review_note = flagged, note
    _touch(booking, caller)
    record(
        tx,
        caller,
        "booking.review",
        instructor_id=booking.instructor_id,
        booking_id=booking.id,
        details={"flagged": flagged},
    )
    return present(tx, caller.signed_in, booking.id)


def get_booking(uow: UnitOfWork, caller: Caller, booking_id: str) -> Json:
    with uow.read() as tx:
        row = tx.bookings.view(booking_id)
        if row is None:
            raise NotFound("No such booking.")
        principal = authorize(
            caller.principal,
            Permission.BOOKINGS_READ,
            Owner(row.instructor_id, row.student_id),
            hidden_unless=Permission.BOOKINGS_READ,
        )
        return presented(principal, row)


def history(uow: UnitOfWork, caller: Caller, booking_id: str) -> list[Json]:
    with uow.read() as tx:
        booking = tx.bookings.get(booking_id)
        if booking is None:
            raise NotFound("No such booking.")
        authorize(
            caller.principal,
            Permission.BOOKINGS_HISTORY,
            owner_of(booking),
            hidden_unless=Permission.BOOKINGS_READ,
        )
        return [views.audit(e) for e in tx.audit.of_booking(booking_id)]


def list_bookings(
    uow: UnitOfWork,
    caller: Caller,
    query: BookingQuery,
    cursor: str | None,
    limit: int,
    *,
    permission: Permission = Permission.BOOKINGS_READ,
) -> Json:
    """A page of bookings; students and instructors only ever see their own."""
    principal = require(caller.principal, permission)
    where = visible_to(principal, query)
    keyset = page_keyset(cursor)
    with uow.direct_read() as reads:
        keys, rows = reads.bookings_page(where, keyset, limit + 1)
    page = rows[:limit]
    # A page holds only bookings the caller may read, all of one audience: their own (student,
    # instructor) or everyone's (admin), so what is shown is decided once for the page.
    items = views.bookings(
        page,
        keys,
        see_note=scope_of(principal, Permission.BOOKINGS_NOTE) is not None,
        see_review=scope_of(principal, Permission.ADMIN_REVIEW) is not None,
    )
    next_cursor = None
    if len(rows) > limit:
        last = page[-1][keys.index("start")]
        last = last if last.tzinfo is not None else last.replace(tzinfo=UTC)
        next_cursor = encode_cursor(last.isoformat(), page[-1][keys.index("id")])
    return {"items": items, "next_cursor": next_cursor}


def visible_to(principal: Principal, query: BookingQuery) -> BookingFilter:
    """The repository's filter for ``query``, narrowed to what ``principal`` may read."""
    instructor_id, student_id = query.instructor_id, None
    if principal.role is Role.STUDENT:
        student_id = principal.user_id
    elif principal.role is Role.INSTRUCTOR:
        instructor_id = principal.instructor_id
    return BookingFilter(
        instructor_id=instructor_id,
        student_id=student_id,
        status=query.status,
        start_from=query.start_from,
        start_to=query.start_to,
        text=query.text,
        flagged=query.flagged,
    )


def page_keyset(cursor: str | None) -> tuple[datetime, str] | None:
    """The (start, id) a page cursor names; a cursor this server did not write is refused."""
    after = decode_cursor(cursor, 2)
    if after is None:
        return None
    try:
        keyset = (datetime.fromisoformat(after[0]), after[1])
    except ValueError as exc:
        raise InvalidInput("The page cursor is not valid.") from exc
    if keyset[0].tzinfo is None:
        raise InvalidInput("The page cursor is not valid.")
    return keyset
