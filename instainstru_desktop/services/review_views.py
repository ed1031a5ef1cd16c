"""Read models of the admin's review workspace: the table's query, rows, order and totals.

Frozen, plain values (the one exception, :class:`ReviewOrder`, holds an ``array`` of rowids
that nobody changes), so a worker thread hands them to the UI thread without sharing state.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from instainstru_desktop.services.views import Changed, LessonCard, SyncMark

__all__ = [
    "PAGE_ROWS",
    "STATUSES",
    "AuditLine",
    "BulkPreview",
    "Done",
    "InstructorSummary",
    "ReviewDetail",
    "ReviewOptions",
    "ReviewOrder",
    "ReviewQuery",
    "ReviewRow",
    "SortKey",
    "Undo",
    "WeekHours",
]

#: Rows read at a time: a screenful or two, and one SQLite statement.
PAGE_ROWS = 200


class SortKey(StrEnum):
    """The columns the table sorts on (the cache's review queries know the same names)."""

    START = "start"
    INSTRUCTOR = "instructor"
    STUDENT = "student"
    LESSON = "lesson"
    LENGTH = "length"
    STATUS = "status"
    PRICE = "price"
    REVIEW = "review"


#: The statuses, in the order filters, charts and summaries list them.
STATUSES = ("confirmed", "completed", "no_show", "cancelled")


@dataclass(frozen=True)
class ReviewQuery:
    """The table's filters; empty values match everything."""

    instructor_id: str | None = None
    student_id: str | None = None
    statuses: tuple[str, ...] = ()
    lesson_type: str | None = None  # a lesson type's name
    start_from: datetime | None = None  # aware; inclusive
    start_before: datetime | None = None  # aware; exclusive
    flagged: bool | None = None
    text: str = ""


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One booking as the table shows it."""

    rowid: int  # the cache's row number: where the booking is in a ReviewOrder
    booking_id: str
    start: datetime  # aware, UTC
    end: datetime
    instructor_id: str
    instructor_name: str
    instructor_zone: str
    student_id: str
    student_name: str
    student_zone: str
    lesson_type: str
    color: str
    status: str
    price_cents: int
    currency: str
    flagged: bool
    review_note: str
    cancel_reason: str
    cancelled_by: str
    version: int
    mark: SyncMark = SyncMark.SYNCED
    mark_message: str = ""

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


@dataclass(frozen=True)
class ReviewOrder:
    """The matching bookings in table order, as rowids; ``total``: bookings in the cache."""

    rowids: array[int]
    total: int

    @property
    def count(self) -> int:
        return len(self.rowids)


@dataclass(frozen=True)
class ReviewOptions:
    """What the filters offer: instructors ``(id, name, zone)``, students ``(id, name)``,
    lesson type names."""

    instructors: tuple[tuple[str, str, str], ...]
    students: tuple[tuple[str, str], ...]
    lesson_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One entry of a booking's history: who did what, when, from which device."""

    at: datetime  # aware, UTC
    actor_name: str
    actor_role: str
    device: str
    action: str  # the audit log's name, e.g. "booking.cancel"
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewDetail:
    """Everything about one booking, for the admin's detail pane."""

    lesson: LessonCard  # instructor name, both zones' data, price, note, review flag
    instructor_zone: str
    history: tuple[AuditLine, ...]
    can_cancel: bool
    can_reschedule: bool
    pending_mutations: tuple[int, ...] = ()  # queued edits of this booking not sent yet


@dataclass(frozen=True)
class BulkPreview:
    """What a bulk action would do: the bookings it applies to and the people it tells."""

    booking_ids: tuple[str, ...]  # the ones the action applies to (cancel: confirmed only)
    skipped: int  # selected, but the action does not apply (already cancelled, say)
    students: int
    instructors: tuple[str, ...]  # names


@dataclass(frozen=True, slots=True)
class WeekHours:
    """Booked hours of one week (each lesson in its instructor's week), per status."""

    monday: date
    hours: Mapping[str, float]  # status -> hours
    lessons: Mapping[str, int]  # status -> lessons

    @property
    def total_hours(self) -> float:
        return sum(self.hours.values())


@dataclass(frozen=True, slots=True)
class InstructorSummary:
    """One instructor's line of the summary table, over the filtered bookings."""

    instructor_id: str
    name: str
    lessons: int  # not cancelled
    hours: float  # of those
    revenue: Mapping[str, int]  # currency -> cents, lessons not cancelled
    cancellations: int
    no_shows: int
    completed: int

    @property
    def no_show_rate(self) -> float | None:
        """No-shows among the lessons whose outcome is recorded (None: none recorded yet)."""
        decided = self.no_shows + self.completed
        return self.no_shows / decided if decided else None


@dataclass(frozen=True)
class Undo:
    """How to take an admin's action back: the edits it queued (withdrawn while never sent)
    and, for review flags, the flags and notes it replaced (restored once sent)."""

    description: str  # "Flag 3 lessons", for the Undo action's text
    mutation_ids: tuple[int, ...]
    previous_reviews: tuple[tuple[str, bool, str], ...] = ()  # booking id, flagged, note


@dataclass(frozen=True)
class Done:
    """What an admin's action changed, and how to undo it."""

    changed: Changed
    undo: Undo
