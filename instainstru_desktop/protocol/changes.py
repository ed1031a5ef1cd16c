"""The kinds of change, one frozen dataclass each, and their JSON form on the wire.

A change is an *intent* ("give this date these hours", "cancel this lesson, because ..."), not a
row to overwrite: the server applies intents in order and settles clashes by its own rules.

The wire and the outbox keep the shape they always had: a name, the version of the argument
shape (kept in the outbox) and the arguments as a JSON object. :func:`to_args` and
:func:`change_from_args` convert between that and these types, so rows queued before the types
existed replay and push as before.

Adding a kind of change is one class here (and in :data:`AnyChange`), its effect on the client's
cache (``store/effects.py``) and its handler on the server (``server/services/changes.py``). Both
sides dispatch with an exhaustive ``match`` that mypy checks, and a test runs every kind through
both.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Union,
    cast,
    get_args,
    get_origin,
    get_type_hints,
)

from annotated_types import MaxLen, MinLen

from instainstru_desktop.protocol.fields import (
    DAY_RANGES_MAX,
    TERM_BREAKS_MAX,
    WEEK_RANGES_MAX,
    BioText,
    BreakName,
    BufferMinutes,
    Clock,
    Colour,
    Currency,
    DailyLimit,
    Day,
    EveryWeeks,
    HorizonDays,
    Id,
    Instant,
    LessonCount,
    LessonMinutes,
    LessonName,
    MessageNumber,
    MessageText,
    NoteText,
    NoticeMinutes,
    PersonName,
    PriceCents,
    ReasonText,
    StepMinutes,
    TermName,
    Weekday,
    Weekdays,
    WeeklyLimit,
    ZoneName,
)

#: Nested shapes are closed: a key they do not name is refused. (The server's validator reads
#: its settings from this attribute; the changes themselves stay open, so a newer client's
#: extra arguments do not make an older server refuse a change it understands.)
_CLOSED: dict[str, str] = {"extra": "forbid"}


@dataclass(frozen=True)
class DayRange:
    """Hours of one date, as wall-clock ``HH:MM`` in the instructor's zone."""

    __pydantic_config__: ClassVar[dict[str, str]] = _CLOSED
    start: Clock
    end: Clock


@dataclass(frozen=True)
class TemplateRange:
    """Hours of one weekday of the usual week (Monday = 0)."""

    __pydantic_config__: ClassVar[dict[str, str]] = _CLOSED
    weekday: Weekday
    start: Clock
    end: Clock


@dataclass(frozen=True)
class Policy:
    """An instructor's booking rules, whole (``None`` limits: no limit)."""

    __pydantic_config__: ClassVar[dict[str, str]] = _CLOSED
    min_notice_minutes: NoticeMinutes
    booking_horizon_days: HorizonDays
    buffer_minutes: BufferMinutes
    slot_step_minutes: StepMinutes
    daily_limit: DailyLimit | None = None
    weekly_limit: WeeklyLimit | None = None


@dataclass(frozen=True)
class TermBreakRange:
    """Dates of a term without lessons, both ends included (half term, a holiday)."""

    __pydantic_config__: ClassVar[dict[str, str]] = _CLOSED
    first: Day
    last: Day
    name: BreakName = ""


@dataclass(frozen=True)
class Change:
    """What every kind of change carries besides its arguments."""

    wire_name: ClassVar[str]
    #: The version of the argument shape, stored with each queued change.
    version: ClassVar[int] = 1
    #: How a person names a change of this kind, to start a sentence about it.
    summary: ClassVar[str]


@dataclass(frozen=True)
class SetDateHours(Change):
    """Give a date exactly these hours (none: time off): a whole-day replacement, such as
    "copy last week" or time off.

    ``base_ranges`` (version 2) are the date's hours as the client saw them: when the server's
    hours differ from them, and from these, another change came first and is kept (a clash the
    person settles). Without them (version 1 clients) the later change simply wins.
    """

    wire_name: ClassVar[str] = "availability.set_date"
    version: ClassVar[int] = 2
    summary: ClassVar[str] = "Your hours for a date"
    instructor_id: Id
    date: Day
    ranges: Annotated[tuple[DayRange, ...], MaxLen(DAY_RANGES_MAX)]
    base_ranges: Annotated[tuple[DayRange, ...], MaxLen(DAY_RANGES_MAX)] | None = None


@dataclass(frozen=True)
class AddDateHours(Change):
    """Open these hours of a date (a paint), keeping the rest of the day as the server has it.

    A date that follows the usual week gets its own hours: the usual ones plus these. The
    client saw these hours closed; if the server's are partly open by now (and not all of
    them), another change to the same hours came first and is kept.
    """

    wire_name: ClassVar[str] = "availability.add_date_hours"
    summary: ClassVar[str] = "Hours you added on a date"
    instructor_id: Id
    date: Day
    ranges: Annotated[tuple[DayRange, ...], MinLen(1), MaxLen(DAY_RANGES_MAX)]


@dataclass(frozen=True)
class RemoveDateHours(Change):
    """Close these hours of a date (an erase), keeping the rest of the day as the server has it.

    The client saw these hours open; if the server's are partly closed by now (and not all of
    them), another change to the same hours came first and is kept.
    """

    wire_name: ClassVar[str] = "availability.remove_date_hours"
    summary: ClassVar[str] = "Hours you removed on a date"
    instructor_id: Id
    date: Day
    ranges: Annotated[tuple[DayRange, ...], MinLen(1), MaxLen(DAY_RANGES_MAX)]


@dataclass(frozen=True)
class ClearDateHours(Change):
    """Let a date follow the usual week again (an undo back to it, "make this the usual week").

    ``base_ranges`` (version 2) are the date's own hours as the client saw them: when the
    server's hours of the date differ from them (another device changed the date meanwhile) and
    are not already the usual week's, the other change is kept (a clash the person settles), so
    going back to the usual week never drops hours the person has not seen. Without them
    (version 1 clients) the date simply follows the usual week again.
    """

    wire_name: ClassVar[str] = "availability.clear_date"
    version: ClassVar[int] = 2
    summary: ClassVar[str] = "Returning a date to your usual week"
    instructor_id: Id
    date: Day
    base_ranges: Annotated[tuple[DayRange, ...], MaxLen(DAY_RANGES_MAX)] | None = None


@dataclass(frozen=True)
class SetUsualWeek(Change):
    """Replace the usual week (weekdays without ranges are days off)."""

    wire_name: ClassVar[str] = "availability.set_template"
    summary: ClassVar[str] = "Your usual week"
    instructor_id: Id
    ranges: Annotated[tuple[TemplateRange, ...], MaxLen(WEEK_RANGES_MAX)]


@dataclass(frozen=True)
class CompleteLesson(Change):
    wire_name: ClassVar[str] = "booking.complete"
    summary: ClassVar[str] = "Marking a lesson as given"
    booking_id: Id


@dataclass(frozen=True)
class MarkNoShow(Change):
    wire_name: ClassVar[str] = "booking.no_show"
    summary: ClassVar[str] = "Marking a lesson as a no-show"
    booking_id: Id


@dataclass(frozen=True)
class CorrectOutcome(Change):
    """Correct a recorded outcome into the other one (completed <-> no-show)."""

    wire_name: ClassVar[str] = "booking.correct_outcome"
    summary: ClassVar[str] = "Correcting how a lesson went"
    booking_id: Id
    status: Literal["completed", "no_show"]


@dataclass(frozen=True)
class CancelLesson(Change):
    """Cancel a confirmed lesson; the student reads the reason."""

    wire_name: ClassVar[str] = "booking.cancel"
    summary: ClassVar[str] = "Cancelling a lesson"
    booking_id: Id
    reason: ReasonText = ""


@dataclass(frozen=True)
class NoteLesson(Change):
    """Set the instructor's private note of a lesson.

    ``base_note`` (version 2) is the note the client saw: when the server's note differs from it
    and from this one, another change came first and is kept (a clash the person settles).
    Without it (version 1 clients) the later note simply wins.
    """

    wire_name: ClassVar[str] = "booking.note"
    version: ClassVar[int] = 2
    summary: ClassVar[str] = "Your note on a lesson"
    booking_id: Id
    note: NoteText
    base_note: NoteText | None = None


@dataclass(frozen=True)
class RescheduleLesson(Change):
    wire_name: ClassVar[str] = "booking.reschedule"
    summary: ClassVar[str] = "Moving a lesson"
    booking_id: Id
    start: Instant


@dataclass(frozen=True)
class BookLesson(Change):
    """Book a lesson; the client chooses its id, so sending it twice books it once."""

    wire_name: ClassVar[str] = "booking.create"
    summary: ClassVar[str] = "Booking a lesson"
    booking_id: Id
    instructor_id: Id
    lesson_type_id: Id
    start: Instant
    student_id: Id | None = None


@dataclass(frozen=True)
class ReviewBooking(Change):
    """An admin flags (or unflags) a booking, with a note."""

    wire_name: ClassVar[str] = "admin.review"
    summary: ClassVar[str] = "The review flag on a lesson"
    booking_id: Id
    flagged: bool
    note: NoteText = ""


#: The refusal code of a change set aside because another change to the same hours, or the same
#: note, reached the server first (the server keeps that one). For an instructor the server
#: records it as a conflict of one of these kinds, holding both versions and the change itself.
CLASH_CODE = "edit_clash"
HOURS_CLASH = "hours_clash"
NOTE_CLASH = "note_clash"


@dataclass(frozen=True)
class ResolveConflict(Change):
    """Settle a clash the server recorded: keep, cancel the lesson (with a reason), reapply."""

    wire_name: ClassVar[str] = "conflict.resolve"
    summary: ClassVar[str] = "Settling a clash"
    conflict_id: Id
    resolution: Literal["kept", "cancelled", "reapplied"]
    reason: ReasonText | None = None


@dataclass(frozen=True)
class UpdatePolicy(Change):
    """Replace the booking rules (all of them, not a patch)."""

    wire_name: ClassVar[str] = "policy.update"
    summary: ClassVar[str] = "Your booking rules"
    instructor_id: Id
    policy: Policy


@dataclass(frozen=True)
class UpdateProfile(Change):
    """Change the instructor's home time zone."""

    wire_name: ClassVar[str] = "profile.update"
    summary: ClassVar[str] = "Your time zone"
    instructor_id: Id
    time_zone: ZoneName


@dataclass(frozen=True)
class AllowWeeklyBooking(Change):
    """Let students book weekly series themselves, or not (instructors always may, for them)."""

    wire_name: ClassVar[str] = "policy.weekly_series"
    summary: ClassVar[str] = "Whether students may book weekly lessons"
    instructor_id: Id
    allowed: bool


@dataclass(frozen=True)
class BookWeekly(Change):
    """Book a weekly series for a student: every lesson that keeps the rules, the others listed.

    The client chooses the series' id, which names its lessons too (``domain.series``), so
    sending it twice books it once and the lessons shown offline are the ones the server books.
    It ends after ``count`` lessons, on ``until``, or with the term ``term_id``: exactly one.
    """

    wire_name: ClassVar[str] = "series.create"
    summary: ClassVar[str] = "Booking weekly lessons"
    series_id: Id
    instructor_id: Id
    lesson_type_id: Id
    weekdays: Weekdays
    time: Clock
    start_date: Day
    student_id: Id | None = None
    every_weeks: EveryWeeks = 1
    count: LessonCount | None = None
    until: Day | None = None
    term_id: Id | None = None


@dataclass(frozen=True)
class CancelWeekly(Change):
    """Cancel a series' lessons from a date on ("this and all following"), with a reason."""

    wire_name: ClassVar[str] = "series.cancel"
    summary: ClassVar[str] = "Cancelling weekly lessons"
    series_id: Id
    from_date: Day
    reason: ReasonText = ""


@dataclass(frozen=True)
class ChangeWeekly(Change):
    """Give a series another weekday or time from a date on; each lesson is checked again."""

    wire_name: ClassVar[str] = "series.change"
    summary: ClassVar[str] = "Changing weekly lessons"
    series_id: Id
    from_date: Day
    weekdays: Weekdays
    time: Clock
    every_weeks: EveryWeeks = 1


@dataclass(frozen=True)
class SetTerm(Change):
    """Create or replace a term: a named date range with breaks, which series can end with."""

    wire_name: ClassVar[str] = "term.set"
    summary: ClassVar[str] = "A term"
    term_id: Id
    instructor_id: Id
    name: TermName
    first: Day
    last: Day
    breaks: Annotated[tuple[TermBreakRange, ...], MaxLen(TERM_BREAKS_MAX)] = ()


@dataclass(frozen=True)
class DeleteTerm(Change):
    """Remove a term no series ends with."""

    wire_name: ClassVar[str] = "term.delete"
    summary: ClassVar[str] = "Removing a term"
    term_id: Id
    instructor_id: Id


@dataclass(frozen=True)
class SendMessage(Change):
    """Write in a lesson's conversation; the client chooses the id, so sending twice posts once.

    A lesson cancelled meanwhile still takes it: the conversation outlives the lesson.
    """

    wire_name: ClassVar[str] = "message.send"
    summary: ClassVar[str] = "Your message"
    message_id: Id
    booking_id: Id
    body: MessageText


@dataclass(frozen=True)
class MarkRead(Change):
    """Say that ``reader_id`` (the sender themselves) has read a lesson's messages up to
    number ``up_to``; a marker never goes back. The reader is named so that the change says
    which marker it moves, on the client as on the server."""

    wire_name: ClassVar[str] = "message.read"
    summary: ClassVar[str] = "Marking messages as read"
    booking_id: Id
    reader_id: Id
    up_to: MessageNumber


@dataclass(frozen=True)
class EditProfileText(Change):
    """Change what students read about the instructor: the name, the bio, or both.

    A field left ``None`` keeps its value, so a name changed on one device and a bio changed
    on another, both offline, both survive.
    """

    wire_name: ClassVar[str] = "profile.edit_text"
    summary: ClassVar[str] = "Your name and bio"
    instructor_id: Id
    name: PersonName | None = None
    bio: BioText | None = None


@dataclass(frozen=True)
class AddLessonType(Change):
    """Offer a new kind of lesson; the client chooses its id, so it can be edited (and booked,
    once on the server) before the first sync, and sending it twice adds it once."""

    wire_name: ClassVar[str] = "lesson_type.add"
    summary: ClassVar[str] = "A new lesson type"
    lesson_type_id: Id
    instructor_id: Id
    name: LessonName
    duration_minutes: LessonMinutes
    price_cents: PriceCents
    currency: Currency
    color: Colour
    active: bool = True


@dataclass(frozen=True)
class EditLessonType(Change):
    """Rename, re-price, re-colour, change the length of, or stop / start offering a lesson
    type; a field left ``None`` keeps its value. Lessons already booked keep theirs."""

    wire_name: ClassVar[str] = "lesson_type.edit"
    summary: ClassVar[str] = "A change to a lesson type"
    lesson_type_id: Id
    name: LessonName | None = None
    duration_minutes: LessonMinutes | None = None
    price_cents: PriceCents | None = None
    currency: Currency | None = None
    color: Colour | None = None
    active: bool | None = None


#: Every kind of change. A ``match`` over it that misses one is a mypy error (``assert_never``).
AnyChange = (
    SetDateHours
    | AddDateHours
    | RemoveDateHours
    | ClearDateHours
    | SetUsualWeek
    | CompleteLesson
    | MarkNoShow
    | CorrectOutcome
    | CancelLesson
    | NoteLesson
    | RescheduleLesson
    | BookLesson
    | ReviewBooking
    | ResolveConflict
    | UpdatePolicy
    | UpdateProfile
    | AllowWeeklyBooking
    | BookWeekly
    | CancelWeekly
    | ChangeWeekly
    | SetTerm
    | DeleteTerm
    | SendMessage
    | MarkRead
    | EditProfileText
    | AddLessonType
    | EditLessonType
)


def change_types() -> tuple[type[Change], ...]:
    return cast(tuple[type[Change], ...], get_args(AnyChange))


#: Each kind of change by its wire name.
CHANGE_TYPES: Mapping[str, type[Change]] = types.MappingProxyType(
    {kind.wire_name: kind for kind in change_types()}
)


class UnknownChangeError(ValueError):
    """A queued row names a kind of change this version does not know."""


def to_args(change: Change) -> dict[str, Any]:
    """The change's JSON arguments; an argument left at a ``None`` default is not sent."""
    return {
        f.name: _encode(getattr(change, f.name))
        for f in fields(change)
        if not (f.default is None and getattr(change, f.name) is None)
    }


def change_from_args(name: str, args: Mapping[str, Any]) -> AnyChange:
    """The change a stored or sent ``(name, args)`` pair stands for.

    Reads the shape only: limits and formats are the server's to judge, and a queued change
    must replay locally whatever the server will later say about it.
    """
    kind = CHANGE_TYPES.get(name)
    if kind is None:
        raise UnknownChangeError(f"unknown kind of change {name!r}")
    return cast(AnyChange, _decode(kind, args))


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):  # before date: a datetime is a date
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_encode(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    return value


@cache
def _hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind)


def _decode(kind: type, data: Mapping[str, Any]) -> Any:
    hints = _hints(kind)
    values: dict[str, Any] = {}
    for f in fields(kind):
        if f.name in data:
            values[f.name] = _value(hints[f.name], data[f.name])
        elif f.default is MISSING:
            raise ValueError(f"{kind.__name__} needs {f.name!r}")
    return kind(**values)


def _value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        [inner] = [arg for arg in get_args(hint) if arg is not type(None)]
        return _value(inner, value)
    if origin is tuple:
        item = get_args(hint)[0]
        return tuple(_value(item, v) for v in value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and is_dataclass(hint):
        return _decode(hint, value)
    return value
