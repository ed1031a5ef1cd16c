"""Booking a series' lessons as the booking window reaches them, under the booking lock.

A series' slots are booked in the transaction that creates it, as far as the instructor's
booking window reaches; the rest wait (``next_start_utc`` says when the next one starts). They
are booked later by whichever comes first:

- a single booking of the instructor (``bookings.create_in`` rolls the series forward before it
  checks its own lesson, under the same instructor lock, so a student can never take the time
  of a series lesson that the window has reached);
- a change of the series or of its term;
- the server's regular pass (:func:`roll_due`, run every few minutes by :mod:`.series_passes`).

Every lesson is judged by the domain (``series_plan``) against the calendar read after the
locks are held: the instructor's row, then the students' rows in id order -- the order every
booking takes them in, so no two writers wait for each other in a circle. A slot is dealt with
once: booked (a lesson names its slot), refused (kept in ``skipped`` with the reason) or in a
break; ``booked_through`` says how far that has happened.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from instainstru_desktop.domain.series import (
    SeriesDefinition,
    Slot,
    occurrence_ids,
    slot_due,
    slot_start,
    slots,
)
from instainstru_desktop.domain.series_plan import Outcome, PlannedSlot, plan_slots
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.core.models import Conflict, Series
from instainstru_desktop.server.repositories import NewBooking
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services.common import confirmed_lesson, new_id, record_each
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.rules import policy_of, template_from
from instainstru_desktop.server.services.series_rows import (
    definition_of,
    series_inputs,
    skipped_entry,
)

log = logging.getLogger(__name__)

ACTIVE, ENDED = "active", "ended"
#: How many refusals a needs-attention message names before it says "and N more".
_NAMED = 8


@dataclass
class Judged:
    """What dealing with a series' due slots did."""

    planned: list[PlannedSlot] = field(default_factory=list)
    booked: list[NewBooking] = field(default_factory=list)
    later: list[PlannedSlot] = field(default_factory=list)

    @property
    def refused(self) -> list[PlannedSlot]:
        return [p for p in self.planned if p.outcome is Outcome.REFUSED]


def system_caller(now: datetime) -> Caller:
    """The server itself, booking what the window reached (audited as "system")."""
    return Caller(principal=None, device="server", now=now)


def due_series(tx: Tx, instructor_id: str, now: datetime) -> Sequence[Series]:
    """Series of a claimed instructor with a lesson the booking window has reached."""
    instructor = tx.instructors.get(instructor_id)
    if instructor is None:
        return []
    window_end = now + timedelta(days=instructor.booking_horizon_days)
    return tx.series.due_of(instructor_id, window_end)


def due_series_of(tx: Tx, instructor_id: str, found: Any, now: datetime) -> Sequence[Series]:
    """:func:`due_series` for an instructor read for booking (``tx.instructors.for_booking``):
    no statement at all unless the row's ``next_series_start`` lies within the window."""
    next_start = found.next_series_start
    window_end = now + timedelta(days=found.booking_horizon_days)
    if next_start is None or next_start > window_end:
        return []
    return tx.series.due_of(instructor_id, window_end)


def lock_students(tx: Tx, student_ids: Iterable[str]) -> dict[str, Any]:
    """Lock students' rows in id order (see the module doc); their plain rows by id."""
    return {sid: tx.users.lock_row(sid) for sid in sorted(set(student_ids))}


def roll(tx: Tx, now: datetime, due: Iterable[Series]) -> int:
    """Book the due lessons of ``due`` (instructor claimed, students locked); lessons booked."""
    caller = system_caller(now)
    booked = 0
    for series in due:
        judged = book_due(tx, caller, series)
        booked += len(judged.booked)
        if judged.refused:
            note_refusals(tx, caller, series, judged.refused, "could not be booked")
    return booked


def book_due(
    tx: Tx,
    caller: Caller,
    series: Series,
    *,
    new: tuple[SeriesDefinition, Any] | None = None,
) -> Judged:
    """Book every slot of ``series`` the window has reached and nothing has dealt with yet.

    The instructor must be claimed and the series' student locked. ``new``: the series is being
    created in this transaction (not written yet, so none of its slots has a lesson), with its
    definition and the instructor's rules (``tx.instructors.for_booking``) read under the lock.
    """
    if new is None:
        definition = definition_of(tx, series)
        found = tx.instructors.for_booking(series.instructor_id, series.lesson_type_id)
    else:
        definition, found = new
    judged = Judged()
    if found is None:
        return judged
    tz = zone(series.time_zone)
    policy = policy_of(found)
    window_end = caller.now + timedelta(days=policy.booking_horizon_days)
    filled = set() if new is not None else tx.series.filled_slots(series.id)
    skipped = {entry["slot"] for entry in series.skipped}
    due: list[Slot] = []
    waiting: list[Slot] = []
    # Each slot's instant is worked out once here and handed on (to the window's split, the
    # reads around the lessons and the plan); it is its due time too unless a DST gap took it.
    starts: dict[str, datetime | None] = {}
    for s in slots(definition):
        if (series.booked_through is None or s.day > series.booked_through) and not (
            s.key in filled or s.key in skipped
        ):
            start = starts[s.key] = slot_start(s, tz)
            when = start if start is not None else slot_due(s, tz)
            (due if when <= window_end else waiting).append(s)
    duration = timedelta(minutes=found.duration_minutes)
    if not found.active:
        judged.planned = [_not_offered(s, tz) for s in due]
    else:
        spans = [_span_at(starts[s.key], duration) for s in due if not s.in_break]
        inputs = series_inputs(
            tx,
            series.instructor_id,
            series.student_id,
            policy,
            tz,
            template_from(found.template),
            [s for s in spans if s is not None],
            caller.now,
        )
        judged.planned = plan_slots(due, tz, found.duration_minutes, inputs, starts)
    booking = [item for item in judged.planned if item.outcome is Outcome.BOOK]
    judged.booked = insert_lessons(tx, caller, series, booking, found)
    judged.later = [_waiting_at(s, starts[s.key], duration) for s in waiting]
    settle(series, caller.now, judged.planned, waiting, tz)
    return judged


def settle(
    series: Series,
    now: datetime,
    dealt: Sequence[PlannedSlot],
    waiting: Sequence[Slot],
    tz: Any,
) -> None:
    """Record on the series what was dealt with and when its next lesson starts."""
    refused = [skipped_entry(p) for p in dealt if p.outcome is Outcome.REFUSED]
    if refused:
        series.skipped = [*series.skipped, *refused]
    days = [p.slot.day for p in dealt]
    if days and (series.booked_through is None or max(days) > series.booked_through):
        series.booked_through = max(days)
    upcoming = [s for s in waiting if not s.in_break]
    series.next_start_utc = slot_due(upcoming[0], tz) if upcoming else None
    series.status = ACTIVE if series.next_start_utc is not None else ENDED
    series.version += 1
    series.updated_at = now


def insert_lesson(
    tx: Tx, caller: Caller, series: Series, item: PlannedSlot, found: Any
) -> NewBooking:
    """Write the lesson ``item`` books, with its own audit entry."""
    [booking] = insert_lessons(tx, caller, series, [item], found)
    return booking


def insert_lessons(
    tx: Tx, caller: Caller, series: Series, items: Sequence[PlannedSlot], found: Any
) -> list[NewBooking]:
    """Write the lessons ``items`` book in one flush, each with its own audit entry."""
    ids = occurrence_ids(series.id, [item.slot.key for item in items])
    made = [_lesson(caller, series, item, found, i) for item, i in zip(items, ids, strict=True)]
    tx.bookings.insert_all(made)
    record_each(
        tx,
        caller,
        "booking.create",
        instructor_id=series.instructor_id,
        entries=[
            (
                booking.id,
                {
                    "start": booking.start_utc.isoformat(),
                    "lesson_type_id": series.lesson_type_id,
                    "student_id": series.student_id,
                    "series_id": series.id,
                },
            )
            for booking in made
        ],
    )
    return made


def _lesson(
    caller: Caller, series: Series, item: PlannedSlot, found: Any, booking_id: str
) -> NewBooking:
    assert item.start is not None
    assert item.end is not None
    return confirmed_lesson(
        caller,
        found,
        booking_id=booking_id,
        instructor_id=series.instructor_id,
        student_id=series.student_id,
        lesson_type_id=series.lesson_type_id,
        start=item.start,
        end=item.end,
        series_id=series.id,
        series_slot=item.slot.key,
    )


def note_refusals(
    tx: Tx, caller: Caller, series: Series, items: Sequence[PlannedSlot], what: str
) -> None:
    """Tell the instructor, under "needs attention", which lessons of a series ``what``."""
    student = tx.users.get(series.student_id)
    name = student.name if student else "a student"
    tz = zone(series.time_zone)
    named = [f"{_when(p, tz)}: {p.reason}" for p in items[:_NAMED]]
    more = f"; and {len(items) - _NAMED} more" if len(items) > _NAMED else ""
    lessons = "1 lesson" if len(items) == 1 else f"{len(items)} lessons"
    tx.conflicts.add(
        Conflict(
            id=new_id(),
            instructor_id=series.instructor_id,
            booking_id=None,
            kind="series_refused",
            message=f"Weekly lessons with {name}: {lessons} {what} — "
            + "; ".join(named)
            + more
            + ".",
            created_at=caller.now,
            resolved=False,
            resolution=None,
            version=1,
        )
    )


def _when(item: PlannedSlot, tz: Any) -> str:
    if item.start is not None:
        return f"{item.start.astimezone(tz):%a %-d %b %H:%M}"
    return f"{item.slot.day:%a %-d %b}"


def _span_at(start: datetime | None, duration: timedelta) -> TimeRange | None:
    return None if start is None else TimeRange(start, start + duration)


def _waiting_at(slot: Slot, start: datetime | None, duration: timedelta) -> PlannedSlot:
    """A slot beyond the window (``start``: its instant, None inside a DST gap)."""
    if slot.in_break:
        return PlannedSlot(slot, None, None, Outcome.BREAK, reason=slot.break_name or "")
    if start is None:
        return PlannedSlot(slot, None, None, Outcome.LATER)
    return PlannedSlot(slot, start, start + duration, Outcome.LATER)


def _not_offered(slot: Slot, tz: Any) -> PlannedSlot:
    if slot.in_break:
        return PlannedSlot(slot, None, None, Outcome.BREAK, reason=slot.break_name or "")
    return PlannedSlot(
        slot, None, None, Outcome.REFUSED, "not_offered", "this lesson type is no longer offered"
    )


# -- the server's regular pass ----------------------------------------------------------------


def roll_due(uow: UnitOfWork, now: datetime) -> int:
    """Book every series lesson the booking window has reached, instructor by instructor (one
    transaction each, so one instructor's trouble holds up nobody else); lessons booked."""
    with uow.read() as tx:
        waiting = tx.series.waiting()
    instructors = sorted(
        {
            row.instructor_id
            for row in waiting
            if row.next_start_utc <= now + timedelta(days=row.booking_horizon_days)
        }
    )
    booked = 0
    for instructor_id in instructors:
        try:
            booked += uow.run_write(partial(roll_instructor, instructor_id=instructor_id, now=now))
        except Exception:  # one instructor's fault must not stop the pass for the others
            log.exception("booking the due lessons of instructor %s failed", instructor_id)
    return booked


def roll_instructor(tx: Tx, *, instructor_id: str, now: datetime) -> int:
    """Claim the instructor, lock the due series' students and book their due lessons."""
    if not tx.instructors.claim(instructor_id):
        return 0
    due = due_series(tx, instructor_id, now)
    lock_students(tx, (s.student_id for s in due))
    return roll(tx, now, due)
