"""The read models of the app's first frame: the week (hours, lessons, markers), the status line.

They live apart from the other read models (:mod:`instainstru_desktop.services.views`, which
re-exports them) because the first frame is drawn from the saved week before anything else
loads, and creating the other read models' two dozen dataclasses would delay it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from instainstru_desktop.clocks import CLOCK_SKEW_WARNING_SECONDS


class SyncMark(StrEnum):
    """How a piece of local state relates to the server, for the pending/conflict markers."""

    SYNCED = "synced"
    PENDING = "pending"  # changed here, not yet accepted by the server
    CONFLICT = "conflict"  # the server recorded a clash that needs the instructor's decision
    REJECTED = "rejected"  # the server refused the change for good; shown with its reason


@dataclass(frozen=True, slots=True)
class HoursRange:
    """Wall-clock teaching hours inside one day, in minutes after midnight (end may be 1440)."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DayHours:
    """One date's effective teaching hours as the week view paints them."""

    date: date
    ranges: tuple[HoursRange, ...]
    from_override: bool  # True when the date has its own hours instead of the usual week
    time_off: bool  # an override with no hours: the day is shown as time off
    mark: SyncMark = SyncMark.SYNCED


@dataclass(frozen=True, slots=True)
class LessonCard:
    """A booked lesson as the calendar and the lesson lists show it."""

    booking_id: str
    start: datetime  # aware, UTC
    end: datetime  # aware, UTC
    student_id: str
    student_name: str
    student_time_zone: str
    lesson_type_id: str
    lesson_type_name: str
    color: str  # "#RRGGBB" of the lesson type
    status: str  # confirmed | completed | no_show | cancelled
    price_cents: int
    currency: str
    note: str = ""
    cancel_reason: str = ""
    mark: SyncMark = SyncMark.SYNCED
    mark_message: str = ""  # why it is rejected / in conflict, in words
    instructor_id: str = ""
    instructor_name: str = ""  # filled for admin lists
    cancelled_by: str = ""  # student | instructor | admin | system, when cancelled
    flagged: bool = False  # admin review flag
    review_note: str = ""  # admins only
    version: int = 0  # the server's version of the booking (0 = not on the server yet)
    series_id: str = ""  # the weekly series it belongs to ("" for a single lesson)
    series_slot: str = ""  # "<revision>/<date>": the series date it fills
    series_moved: bool = False  # moved on its own: it keeps its time when the rule changes
    unread: int = 0  # messages in the lesson's conversation not read yet


@dataclass(frozen=True, slots=True)
class WeekSnapshot:
    """Everything the week view needs for one instructor-local week, read in one transaction."""

    instructor_id: str
    time_zone: str  # the instructor's IANA zone: day columns and hours are in this zone
    week_start: date  # a Monday
    days: tuple[DayHours, ...]  # seven, Monday first
    lessons: tuple[LessonCard, ...]  # lessons overlapping the week, cancelled ones excluded


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the status bar always shows."""

    online: bool
    pending_changes: int
    needs_attention: int
    last_sync: datetime | None
    last_error: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    pending_known: bool = True  # False: the local file could not be read to count them
    local_problem: bool = False  # the last error is this computer's file, not the network
    #: This computer's clock minus the server's, as last measured (None: never measured).
    clock_skew_seconds: float | None = None

    @property
    def clock_off(self) -> bool:
        """Whether this computer's clock is off the server's by more than a minute."""
        skew = self.clock_skew_seconds
        return skew is not None and abs(skew) > CLOCK_SKEW_WARNING_SECONDS
