"""Read models the services hand to the front end.

They are plain frozen dataclasses so the Qt views can be built, tested and benchmarked without a
database, and so a worker thread can pass them to the UI thread without sharing mutable state.
The week's own (its hours, lessons and markers) and the status line's are defined in
:mod:`instainstru_desktop.services.week_views` and named here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from instainstru_desktop.services.week_views import DayHours as DayHours
from instainstru_desktop.services.week_views import HoursRange as HoursRange
from instainstru_desktop.services.week_views import LessonCard as LessonCard
from instainstru_desktop.services.week_views import SyncMark as SyncMark
from instainstru_desktop.services.week_views import SyncStatus as SyncStatus
from instainstru_desktop.services.week_views import WeekSnapshot as WeekSnapshot


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """Something sync could not settle alone: a conflict or a rejected edit, with its way out."""

    item_id: str
    kind: str  # "outside_availability" | "rejected_mutation" | "hours_clash" | "note_clash" | ...
    message: str
    created_at: datetime
    booking_id: str | None = None
    lesson: LessonCard | None = None
    #: The ways out the UI offers: "keep", "cancel" (the lesson, with a reason), "reapply".
    actions: tuple[str, ...] = ()
    #: A clash of two edits ("hours_clash", "note_clash"): the version the server kept, and
    #: the person's own, set aside (hours as "09:00–12:00, 14:00–17:00" or "add 17:00–19:00").
    kept: str = ""
    mine: str = ""


@dataclass(frozen=True, slots=True)
class LessonsToMark:
    """Lessons that ended with no outcome recorded (oldest first), for "3 lessons to mark"."""

    lessons: tuple[LessonCard, ...]
    next_end: datetime | None  # when the next confirmed lesson ends (and joins them), if any


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One line of a booking's audit history."""

    at: datetime  # aware, UTC
    actor_name: str
    actor_role: str
    action: str  # e.g. "created", "cancelled", "completed", "note"
    device: str
    summary: str  # the details in words


@dataclass(frozen=True, slots=True)
class LessonDetail:
    """A lesson with its history and what may be done to it now."""

    lesson: LessonCard
    history: tuple[HistoryEntry, ...]
    can_complete: bool  # confirmed and started (outcomes are recorded once a lesson began)
    can_no_show: bool
    can_cancel: bool  # confirmed
    student_lessons: tuple[LessonCard, ...] = ()  # the student's other lessons, newest first
    can_move: bool = False  # confirmed
    correct_to: str | None = None  # a recorded outcome: the other one it may be corrected to


@dataclass(frozen=True, slots=True)
class Changed:
    """What a write use case or a sync changed, so each view re-reads only what it shows.

    A view asks whether a change touches it (the week: its dates, its lessons, the usual week;
    the lesson lists: their bookings; the needs-attention list: ``attention``) and re-reads
    nothing otherwise. ``everything`` is for what no smaller name covers: a fresh download, a
    renamed lesson type, another home zone.
    """

    dates: frozenset[date] = frozenset()  # instructor-local dates whose hours or lessons changed
    booking_ids: frozenset[str] = frozenset()
    template: bool = False  # the usual week changed: every date without its own hours
    attention: bool = False  # the needs-attention list changed
    mutation_ids: tuple[int, ...] = ()  # the outbox rows written (empty: nothing to sync)
    history: bool = False  # audit entries arrived: an open lesson's history may be longer
    everything: bool = False  # re-read every view
    withdrawn: bool = False  # a queued change was taken back: fewer changes wait to be sent
    #: Messages or read markers changed: an open conversation re-reads (the lessons concerned
    #: are in ``booking_ids`` when known, for their unread counts).
    messages: bool = False

    def __or__(self, other: Changed) -> Changed:
        return Changed(
            self.dates | other.dates,
            self.booking_ids | other.booking_ids,
            self.template or other.template,
            self.attention or other.attention,
            self.mutation_ids + other.mutation_ids,
            self.history or other.history,
            self.everything or other.everything,
            self.withdrawn or other.withdrawn,
            self.messages or other.messages,
        )


class MessageState(StrEnum):
    """Where a message stands, as the conversation shows it."""

    SENT = "sent"  # on the server
    WAITING = "waiting"  # written here, waiting to be sent (offline, or on its way)
    REFUSED = "refused"  # the server turned it down; kept here with the reason


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a lesson's conversation."""

    message_id: str
    author_name: str  # as the server names them ("" for one written here)
    author_role: str  # student | instructor | admin
    mine: bool
    body: str
    at: datetime  # aware, UTC: when it was written
    state: MessageState = MessageState.SENT
    refusal: str = ""  # why the server refused it (REFUSED)
    seen: bool = False  # one of mine that the lesson's other person has read


@dataclass(frozen=True, slots=True)
class Conversation:
    """A lesson's conversation as the detail pane shows it."""

    booking_id: str
    messages: tuple[ChatMessage, ...]
    unread: int  # messages of others not read yet
    latest: int  # the number of the newest message on the server (0: none)
    other_name: str  # whom the conversation is with (the student, for an instructor)


@dataclass(frozen=True, slots=True)
class MessageNotice:
    """A message not read yet, for a notice: from whom, about which lesson, what it says."""

    message_id: str
    booking_id: str
    author_name: str
    body: str
    at: datetime
    lesson: LessonCard | None


@dataclass(frozen=True, slots=True)
class ListedLesson:
    """Which lesson list a booking belongs in now, with its card (``None``: in none)."""

    booking_id: str
    list_name: str | None  # "upcoming" | "past" | "cancelled"
    card: LessonCard | None


@dataclass(frozen=True, slots=True)
class LessonTypeOption:
    """A lesson type: to choose when booking for a student, to edit on the profile page."""

    id: str
    name: str
    duration_minutes: int
    price_cents: int
    currency: str
    color: str
    active: bool
    mark: SyncMark = SyncMark.SYNCED  # pending while an edit of it is not on the server
    mark_message: str = ""  # why the last edit was refused, when ``mark`` is REJECTED


@dataclass(frozen=True, slots=True)
class StudentOption:
    """A student to choose when booking for a student."""

    id: str
    name: str
    email: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class MutationOutcome:
    """The server's answer to one queued change, as far as this client knows it."""

    mutation_id: int
    state: str  # "pending" (not answered yet) | "applied" | "rejected"
    message: str = ""  # the refusal (or the last delivery problem) in words
    code: str = ""  # the server's stable problem code for a refusal


#: The booking-rule fields of an instructor, in the order the settings show them.
POLICY_FIELDS = (
    "min_notice_minutes",
    "booking_horizon_days",
    "buffer_minutes",
    "slot_step_minutes",
    "daily_limit",
    "weekly_limit",
)


@dataclass(frozen=True, slots=True)
class InstructorProfile:
    """An instructor's account details and booking rules, as the settings dialog shows them.

    The defaults are the domain's (``BookingPolicy()``), so a profile read from a cache row that
    lacks a rule shows what the server would apply.
    """

    instructor_id: str = ""
    name: str = ""
    email: str = ""
    time_zone: str = "UTC"  # IANA name: what the instructor's hours and columns mean
    bio: str = ""  # plain text with line breaks, on the instructor's booking page
    min_notice_minutes: int = 120
    booking_horizon_days: int = 28
    buffer_minutes: int = 0
    slot_step_minutes: int = 15
    daily_limit: int | None = None  # None: no limit
    weekly_limit: int | None = None
    mark: SyncMark = SyncMark.SYNCED  # pending while a rules or zone edit is not on the server
    mark_message: str = ""  # why the last edit was refused, when ``mark`` is REJECTED

    def policy(self) -> dict[str, int | None]:
        """The booking rules in the wire's ``Policy`` shape."""
        return {name: getattr(self, name) for name in POLICY_FIELDS}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a lesson may start at a time, by the booking rules; why not, in words."""

    allowed: bool
    code: str = ""  # the domain's rule code when refused ("outside_availability", ...)
    message: str = ""  # a sentence for the instructor


@dataclass(frozen=True, slots=True)
class BookingChecks:
    """The booking dialog's answer for one start, per lesson type (lengths differ)."""

    start: datetime  # aware, UTC
    by_type: dict[str, Verdict] = field(default_factory=dict)

    def verdict(self, lesson_type_id: str) -> Verdict:
        return self.by_type.get(lesson_type_id, Verdict(True))


@dataclass(frozen=True, slots=True)
class MoveOptions:
    """Where one lesson may be moved: every free start in a range of dates, soonest first."""

    booking_id: str
    time_zone: str  # the instructor's: the dates and times the picker shows
    starts: tuple[datetime, ...]  # aware, UTC
    minutes: int  # the lesson's length


@dataclass(frozen=True, slots=True)
class WeeklyRequest:
    """What the "Book weekly" form asks for; it ends with a count, a date or a term."""

    instructor_id: str
    student_id: str
    lesson_type_id: str
    weekdays: tuple[int, ...]
    time: str  # HH:MM, the instructor's wall time
    start_date: date
    every_weeks: int = 1
    count: int | None = None
    until: date | None = None
    term_id: str | None = None


@dataclass(frozen=True, slots=True)
class WeeklyChange:
    """What the "Change following" form asks for: the series' new rule from ``from_date`` on."""

    series_id: str
    from_date: date
    weekdays: tuple[int, ...]
    time: str  # HH:MM, the instructor's wall time
    every_weeks: int = 1


@dataclass(frozen=True, slots=True)
class SeriesRuleNow:
    """A series lesson's series as the change form opens on it: the rule in force on the
    lesson's date (the form starts from it) and who the lessons are with."""

    series_id: str
    from_date: date  # the lesson's date by the rule: the change starts there
    weekdays: tuple[int, ...]
    time: str
    every_weeks: int
    time_zone: str  # the instructor's
    student_name: str
    lesson_type_name: str


@dataclass(frozen=True, slots=True)
class PreviewLesson:
    """One date of a series and what booking (or changing the rule) would do there."""

    day: date
    start: datetime | None
    #: "book", "refused", "later" (booked when the window reaches it), "break"; for a change
    #: of the rule also "move" (a lesson goes to ``start``), "stay" (it cannot: ``reason``)
    #: and "cancel" (the new rule has no place for it)
    outcome: str
    reason: str = ""
    was: datetime | None = None  # where a lesson that moves, stays or goes is now


@dataclass(frozen=True, slots=True)
class SeriesPreview:
    lessons: tuple[PreviewLesson, ...]

    def count(self, outcome: str) -> int:
        return sum(1 for lesson in self.lessons if lesson.outcome == outcome)


@dataclass(frozen=True, slots=True)
class TermOption:
    """A term a series may end with, as the weekly booking form lists it."""

    term_id: str
    name: str
    first: date
    last: date


@dataclass(frozen=True, slots=True)
class TermBreakInput:
    first: date
    last: date
    name: str = ""


@dataclass(frozen=True, slots=True)
class TermDetail:
    """A term with its breaks, as the terms editor shows it ("" id: not saved yet)."""

    term_id: str
    name: str
    first: date
    last: date
    breaks: tuple[TermBreakInput, ...]
