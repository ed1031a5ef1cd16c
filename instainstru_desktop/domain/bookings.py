"""The booking life cycle: statuses, actions, who may act, and concurrent edits.

::

    confirmed --complete--> completed
    confirmed --no_show---> no_show
    confirmed --cancel----> cancelled
    confirmed --reschedule-> confirmed   (moved, after the same checks as a new booking)

``completed``, ``no_show`` and ``cancelled`` are terminal: no action of the life cycle leaves
them. A recorded outcome may still be *corrected* (``completed <-> no_show``, see
:func:`corrected_status`): that fixes a record of what happened, it is not a step in the life
cycle, so a cancelled lesson never comes back and an outcome never returns to ``confirmed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from instainstru_desktop.domain.errors import InvalidTimeRange, InvalidTransition


class BookingStatus(StrEnum):
    """Where a booking is in its life cycle."""

    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class BookingAction(StrEnum):
    """What someone asks to do to a booking."""

    COMPLETE = "complete"
    NO_SHOW = "no_show"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"


class Actor(StrEnum):
    """Who asks for a change (recorded in the audit log; permissions live with the server)."""

    STUDENT = "student"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"
    SYSTEM = "system"


#: Statuses whose time stays taken: they block other bookings (with buffers) and count towards
#: daily / weekly limits. A no-show is included: the instructor kept the time free and waited,
#: so the slot was used and must not be re-offered or uncounted after the fact.
ACTIVE_STATUSES: frozenset[BookingStatus] = frozenset(
    {BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW}
)

#: Statuses nothing can leave.
TERMINAL_STATUSES: frozenset[BookingStatus] = frozenset(
    {BookingStatus.COMPLETED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED}
)

_TRANSITIONS: dict[tuple[BookingStatus, BookingAction], BookingStatus] = {
    (BookingStatus.CONFIRMED, BookingAction.COMPLETE): BookingStatus.COMPLETED,
    (BookingStatus.CONFIRMED, BookingAction.NO_SHOW): BookingStatus.NO_SHOW,
    (BookingStatus.CONFIRMED, BookingAction.CANCEL): BookingStatus.CANCELLED,
    (BookingStatus.CONFIRMED, BookingAction.RESCHEDULE): BookingStatus.CONFIRMED,
}

#: The status each action leads to when it is allowed.
ACTION_RESULT: dict[BookingAction, BookingStatus] = {
    action: status for (_, action), status in _TRANSITIONS.items()
}


def is_active(status: BookingStatus) -> bool:
    """Whether a booking in ``status`` occupies its time (see :data:`ACTIVE_STATUSES`)."""
    return status in ACTIVE_STATUSES


def next_status(current: BookingStatus, action: BookingAction) -> BookingStatus:
    """The status after ``action``; raises InvalidTransition when the life cycle forbids it.

    The rule: only a confirmed booking can change; completed, no-show and cancelled are
    terminal, so an outcome is never rewritten and a cancelled lesson never comes back.
    """
    result = _TRANSITIONS.get((BookingStatus(current), BookingAction(action)))
    if result is None:
        raise InvalidTransition(f"cannot {action} a booking that is {current}")
    return result


def can_mark_outcome(start: datetime, now: datetime) -> bool:
    """Whether complete / no-show may be recorded for a lesson starting at ``start``.

    The rule: an outcome is recorded only once the lesson has started (``now >= start``). Before
    that nobody can know the student will not come, and "completed" would be a guess; from the
    start on, the instructor may mark it (a no-show is typically known a few minutes in).
    """
    if start.utcoffset() is None or now.utcoffset() is None:
        raise InvalidTimeRange("expected timezone-aware datetimes")
    return now >= start


#: The statuses that record how a lesson went; one may be corrected into the other.
OUTCOME_STATUSES: frozenset[BookingStatus] = frozenset(
    {BookingStatus.COMPLETED, BookingStatus.NO_SHOW}
)


def corrected_status(current: BookingStatus, to: BookingStatus) -> BookingStatus:
    """The status after correcting a recorded outcome to ``to``.

    The rule: only a recorded outcome is corrected, and only into the other one (a lesson
    marked completed was in fact a no-show, or the other way round). Raises InvalidTransition
    for anything else: a confirmed lesson is marked, not corrected; a cancelled one stays so.
    """
    current, to = BookingStatus(current), BookingStatus(to)
    if current not in OUTCOME_STATUSES or to not in OUTCOME_STATUSES or current == to:
        raise InvalidTransition(f"cannot correct a booking that is {current} to {to}")
    return to


def resolve_correction(current: BookingStatus, to: BookingStatus) -> ConcurrentOutcome:
    """Settle a correction that arrives after others may have changed the booking: a correction
    to the status it already has (a replay, two devices agreeing) is ``ALREADY_APPLIED``."""
    current, to = BookingStatus(current), BookingStatus(to)
    if current == to and to in OUTCOME_STATUSES:
        return ConcurrentOutcome(current, Resolution.ALREADY_APPLIED)
    try:
        return ConcurrentOutcome(corrected_status(current, to), Resolution.APPLIED)
    except InvalidTransition:
        return ConcurrentOutcome(current, Resolution.REJECTED)


@dataclass(frozen=True)
class Offers:
    """What may be asked of a booking now: the life cycle, plus the clock rule of outcomes.

    Every place that offers lesson actions (menus, buttons) asks this, so none offers what the
    server would refuse as a matter of course (marking a lesson that has not begun, say).
    """

    mark_outcome: bool  # complete and no-show
    cancel: bool
    move: bool
    correct_to: BookingStatus | None = None  # the other outcome, for a recorded one


def offers(status: BookingStatus, start: datetime, now: datetime) -> Offers:
    """What may be done to a booking in ``status`` starting at ``start``, at ``now``."""
    status = BookingStatus(status)
    if status is BookingStatus.CONFIRMED:
        return Offers(mark_outcome=can_mark_outcome(start, now), cancel=True, move=True)
    if status in OUTCOME_STATUSES:
        [other] = OUTCOME_STATUSES - {status}
        return Offers(mark_outcome=False, cancel=False, move=False, correct_to=other)
    return Offers(mark_outcome=False, cancel=False, move=False)


def student_change_deadline(start: datetime, min_notice_minutes: int) -> datetime:
    """The last moment a student may cancel or move a lesson starting at ``start``.

    The rule: the instructor's minimum notice works both ways. A lesson cannot be booked with
    less notice than the instructor asks for, so it cannot be cancelled or moved away with less
    either: the instructor could no longer fill the time. Instructors and admins are not bound
    by it (they may always cancel, with a reason the student sees).
    """
    if start.utcoffset() is None:
        raise InvalidTimeRange("expected a timezone-aware datetime")
    return start - timedelta(minutes=min_notice_minutes)


def duration_text(minutes: int) -> str:
    """A length of time the way people say it: "45 minutes", "2 hours", "1 hour 30 minutes",
    "3 days"."""
    if minutes and minutes % (24 * 60) == 0:
        return _count(minutes // (24 * 60), "day")
    if minutes < 60 or (minutes < 120 and minutes % 60):
        return _count(minutes, "minute")
    hours = _count(minutes // 60, "hour")
    return f"{hours} {_count(minutes % 60, 'minute')}" if minutes % 60 else hours


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


class Resolution(StrEnum):
    """How a late-arriving action was settled against the booking's current status."""

    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ConcurrentOutcome:
    """The settled status and how it came about."""

    status: BookingStatus
    resolution: Resolution


def resolve_concurrent(current: BookingStatus, action: BookingAction) -> ConcurrentOutcome:
    """Settle an action that arrives after others may have changed the booking.

    The rule: the server applies actions in arrival order and a terminal status is never
    overwritten by a later-arriving action. So an admin's cancel that reached the server first
    beats an instructor's "complete" queued offline: the complete is ``REJECTED`` (recorded as a
    conflict for the instructor to see). An action whose result is already the current status
    (a replay, or two devices marking the same no-show) is ``ALREADY_APPLIED``, not a conflict.
    The answer depends only on the server's order, never on client clocks.
    """
    current = BookingStatus(current)
    action = BookingAction(action)
    if (current, action) in _TRANSITIONS:
        return ConcurrentOutcome(_TRANSITIONS[current, action], Resolution.APPLIED)
    if ACTION_RESULT[action] == current:
        return ConcurrentOutcome(current, Resolution.ALREADY_APPLIED)
    return ConcurrentOutcome(current, Resolution.REJECTED)
