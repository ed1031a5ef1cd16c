"""Request and response bodies of docs/api.md, as pydantic models (they make the OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from instainstru_desktop.domain.series import SERIES_MAX_EVERY_WEEKS, SERIES_MAX_SLOTS
from instainstru_desktop.domain.terms import TERM_MAX_BREAKS, TERM_NAME_MAX_CHARS
from instainstru_desktop.protocol.fields import (
    BIO_MAX_CHARS,
    COLOUR_PATTERN,
    CURRENCY_PATTERN,
    LESSON_MINUTES_MAX,
    LESSON_MINUTES_MIN,
    LESSON_NAME_MAX_CHARS,
    MESSAGE_MAX_CHARS,
    NOTE_MAX_CHARS,
    PERSON_NAME_MAX_CHARS,
    PRICE_CENTS_MAX,
    REASON_MAX_CHARS,
)
from instainstru_desktop.server.core.wire import (
    WHOLE,
    Clock,
    DayRange,
    EmailText,
    Flag,
    Instant,
    MutationIn,
    PolicyIn,
    SlugText,
    TemplateRange,
    Text,
    TimeZone,
    VisibleText,
    WireDate,
    WireModel,
)

Status = Literal["confirmed", "completed", "no_show", "cancelled"]
RoleName = Literal["student", "instructor", "admin"]


class Problem(BaseModel):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[dict[str, str]] = []


class Meta(BaseModel):
    server_version: str
    protocol_version: int
    min_client_protocol: int
    server_time: datetime
    student_pages: bool


class TokenIn(WireModel):
    email: Text = Field(min_length=1, max_length=254)
    password: Text = Field(min_length=1, max_length=1024)


class SignUpIn(WireModel):
    """The rules of ``auth.sign_up_problems``, stated for the schema."""

    name: VisibleText = Field(min_length=1, max_length=PERSON_NAME_MAX_CHARS)
    email: EmailText = Field(min_length=3, max_length=254)
    password: Text = Field(min_length=8, max_length=1024)
    time_zone: TimeZone


class UserOut(BaseModel):
    id: str
    email: str
    name: str
    role: RoleName
    time_zone: str
    instructor_id: str | None


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"]
    expires_at: datetime
    user: UserOut


class Policy(PolicyIn):
    students_book_weekly: Flag | None = Field(
        default=None,
        description="Students may book weekly series themselves (always given in answers; "
        "left out of a change, it stays as it is)",
    )


class LessonTypeOut(BaseModel):
    id: str
    instructor_id: str
    name: str
    duration_minutes: int
    price_cents: int
    currency: str
    color: str
    active: bool


LessonName = Annotated[Text, Field(min_length=1, max_length=LESSON_NAME_MAX_CHARS)]
Duration = Annotated[int, Field(ge=LESSON_MINUTES_MIN, le=LESSON_MINUTES_MAX), WHOLE]
Price = Annotated[int, Field(ge=0, le=PRICE_CENTS_MAX), WHOLE]
Currency = Annotated[str, Field(pattern=CURRENCY_PATTERN)]
Color = Annotated[str, Field(pattern=COLOUR_PATTERN)]


class LessonTypeIn(WireModel):
    name: LessonName
    duration_minutes: Duration
    price_cents: Price
    currency: Currency
    color: Color
    active: Flag = True


class LessonTypePatch(WireModel):
    name: LessonName | None = None
    duration_minutes: Duration | None = None
    price_cents: Price | None = None
    currency: Currency | None = None
    color: Color | None = None
    active: Flag | None = None


class InstructorOut(BaseModel):
    id: str
    user_id: str
    name: str
    email: str
    time_zone: str
    bio: str
    slug: str
    policy: Policy
    lesson_types: list[LessonTypeOut]
    version: int


class InstructorPatch(WireModel):
    time_zone: TimeZone | None = None
    bio: Text | None = Field(default=None, max_length=BIO_MAX_CHARS)
    name: Text | None = Field(default=None, min_length=1, max_length=PERSON_NAME_MAX_CHARS)
    slug: SlugText | None = Field(default=None, min_length=2, max_length=60)
    students_book_weekly: Flag | None = None


class StudentOut(BaseModel):
    id: str
    name: str
    email: str
    time_zone: str


class InstructorPage(BaseModel):
    items: list[InstructorOut]
    next_cursor: str | None


class StudentPage(BaseModel):
    items: list[StudentOut]
    next_cursor: str | None


class WallRangeOut(BaseModel):
    start: Clock
    end: Clock


class TemplateRangeOut(WallRangeOut):
    weekday: int


class TemplateIn(WireModel):
    ranges: list[TemplateRange] = Field(max_length=700)


class TemplateOut(BaseModel):
    instructor_id: str
    ranges: list[TemplateRangeOut]
    version: int


class OverrideIn(WireModel):
    ranges: list[DayRange] = Field(max_length=96)
    #: The date's hours as the client saw them: changed since by someone else (and not already
    #: ``ranges``), the edit is refused with ``409 edit_clash`` and the other hours kept.
    base_ranges: list[DayRange] | None = Field(default=None, max_length=96)


class OverrideOut(BaseModel):
    instructor_id: str
    date: date
    ranges: list[WallRangeOut]
    version: int


class DayOut(BaseModel):
    date: date
    source: Literal["template", "override"]
    ranges: list[WallRangeOut]


class AvailabilityOut(BaseModel):
    instructor_id: str
    time_zone: str
    days: list[DayOut]


class SlotOut(BaseModel):
    start: datetime
    end: datetime
    local_start: datetime
    local_end: datetime


class SlotsOut(BaseModel):
    instructor_id: str
    lesson_type_id: str
    time_zone: str
    slots: list[SlotOut]


class BookingOut(BaseModel):
    id: str
    instructor_id: str
    student_id: str
    student_name: str
    student_time_zone: str
    lesson_type_id: str
    lesson_type_name: str
    start: datetime
    end: datetime
    status: Status
    cancelled_by: Literal["student", "instructor", "admin", "system"] | None
    cancel_reason: str | None
    note: str | None
    flagged: bool
    review_note: str | None
    price_cents: int
    currency: str
    created_at: datetime
    updated_at: datetime
    version: int
    series_id: str | None = Field(description="The weekly series it belongs to, if any")
    series_slot: str | None = Field(
        description="The series' slot it fills: `<revision>/<date>` (the date it is on by the "
        "series' rule)"
    )
    series_moved: bool = Field(
        description="Moved on its own: it keeps its time when the rule changes"
    )


class BookingPage(BaseModel):
    items: list[BookingOut]
    next_cursor: str | None


class BookingIn(WireModel):
    instructor_id: Text = Field(max_length=36)
    lesson_type_id: Text = Field(max_length=36)
    start: Instant
    student_id: Text | None = Field(default=None, max_length=36)


class CancelIn(WireModel):
    reason: Text = Field(default="", max_length=REASON_MAX_CHARS)


class RescheduleIn(WireModel):
    start: Instant


class CorrectOutcomeIn(WireModel):
    """The outcome a lesson should have had (the other one of the two)."""

    status: Literal["completed", "no_show"]


class NoteIn(WireModel):
    note: Text = Field(max_length=NOTE_MAX_CHARS)
    #: The note as the client saw it: changed since by someone else (and not already ``note``),
    #: the edit is refused with ``409 edit_clash`` and the other note kept.
    base_note: Text | None = Field(default=None, max_length=NOTE_MAX_CHARS)


class ReviewIn(WireModel):
    flagged: Flag
    note: Text = Field(default="", max_length=NOTE_MAX_CHARS)


class AuditEntryOut(BaseModel):
    id: str
    booking_id: str | None
    at: datetime
    actor_id: str | None
    actor_name: str
    actor_role: str
    device: str
    action: str
    details: dict[str, Any]


class MessageIn(WireModel):
    """A message for a lesson's conversation; ``id`` is chosen by the sender (a UUID), so sending
    it again never posts it twice. Text only, no control characters; not only spaces."""

    id: Annotated[
        str,
        Field(
            pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
        ),
    ]
    body: Text = Field(min_length=1, max_length=MESSAGE_MAX_CHARS)


class MessageOut(BaseModel):
    id: str
    booking_id: str
    number: int
    author_id: str
    author_name: str
    author_role: RoleName
    body: str
    created_at: datetime


class ReadMarkerOut(BaseModel):
    booking_id: str
    user_id: str
    name: str
    role: RoleName
    last_read: int
    read_at: datetime


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None
    last_read: int
    unread: int
    read_markers: list[ReadMarkerOut]


class ReadIn(WireModel):
    up_to: Annotated[int, Field(ge=0, le=2**53), WHOLE]


class ReadOut(BaseModel):
    booking_id: str
    last_read: int
    unread: int


class UnreadOfLesson(BaseModel):
    booking_id: str
    unread: int


class UnreadOut(BaseModel):
    total: int
    bookings: list[UnreadOfLesson]


class StatsRow(BaseModel):
    key: str
    label: str
    booked_minutes: int
    lessons: int


class StatsOut(BaseModel):
    group: Literal["week", "instructor"]
    rows: list[StatsRow]


class ConflictOut(BaseModel):
    id: str
    instructor_id: str
    booking_id: str | None
    kind: Literal[
        "outside_availability",
        "rejected_mutation",
        "hours_clash",
        "note_clash",
        "series_refused",
        "series_freed",
    ]
    message: str
    created_at: datetime
    resolved: bool
    resolution: Literal["kept", "cancelled", "reapplied"] | None
    #: A clash of edits (``hours_clash``, ``note_clash``): ``kept`` (what the server has),
    #: ``mine`` (what was set aside) and ``change`` (``name`` and ``args``, to send again).
    details: dict[str, Any] = Field(default_factory=dict)


class TombstoneOut(BaseModel):
    entity: Literal["override", "booking", "lesson_type", "conflict", "term"]
    id: str


# -- weekly series and terms ---------------------------------------------------------------------

Weekdays = Annotated[
    list[Annotated[int, Field(ge=0, le=6), WHOLE]],
    Field(min_length=1, max_length=7, description="0 = Monday ... 6 = Sunday"),
]
EveryWeeks = Annotated[int, Field(ge=1, le=SERIES_MAX_EVERY_WEEKS), WHOLE]


class TermBreakIn(WireModel):
    first: WireDate
    last: WireDate
    name: Text = Field(default="", max_length=TERM_NAME_MAX_CHARS)


class TermIn(WireModel):
    name: Text = Field(min_length=1, max_length=TERM_NAME_MAX_CHARS)
    first: WireDate
    last: WireDate
    breaks: list[TermBreakIn] = Field(default=[], max_length=TERM_MAX_BREAKS)


class TermBreakOut(BaseModel):
    first: date
    last: date
    name: str


class TermOut(BaseModel):
    id: str
    instructor_id: str
    name: str
    first: date
    last: date
    breaks: list[TermBreakOut]
    version: int


class TermSetOut(TermOut):
    freed: list[str]


class TermPage(BaseModel):
    items: list[TermOut]


class SeriesIn(WireModel):
    """A weekly series; it ends after ``count`` lessons, on ``until`` or with ``term_id``."""

    instructor_id: Text = Field(max_length=36)
    lesson_type_id: Text = Field(max_length=36)
    weekdays: Weekdays
    time: Clock
    start_date: WireDate
    student_id: Text | None = Field(default=None, max_length=36)
    every_weeks: EveryWeeks = 1
    count: Annotated[int, Field(ge=1, le=SERIES_MAX_SLOTS), WHOLE] | None = None
    until: WireDate | None = None
    term_id: Text | None = Field(default=None, max_length=36)
    series_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F-]{36}$")] | None = None


class SeriesCancelIn(WireModel):
    from_date: WireDate
    reason: Text = Field(default="", max_length=REASON_MAX_CHARS)


class SeriesChangeIn(WireModel):
    from_date: WireDate
    weekdays: Weekdays
    time: Clock
    every_weeks: EveryWeeks = 1


class RuleOut(BaseModel):
    revision: int
    from_: date = Field(alias="from")
    weekdays: list[int]
    time: str
    every_weeks: int


class SkippedOut(BaseModel):
    slot: str
    date: date
    code: str
    reason: str


class SeriesOut(BaseModel):
    id: str
    instructor_id: str
    student_id: str
    lesson_type_id: str
    time_zone: str
    rules: list[RuleOut]
    start_date: date
    count: int | None
    until: date | None
    term_id: str | None
    cancelled_from: date | None
    booked_through: date | None
    status: Literal["active", "ended"]
    skipped: list[SkippedOut]
    created_at: datetime
    updated_at: datetime
    version: int


class SlotOutcomeOut(BaseModel):
    """One slot of a series and what happened to it (or would, for a preview)."""

    slot: str
    date: date
    start: datetime | None
    outcome: Literal["book", "refused", "later", "break", "move", "stay", "cancel"]
    code: str | None
    reason: str | None
    booking_id: str | None


class SeriesCreatedOut(BaseModel):
    series: SeriesOut
    booked: list[BookingOut]
    refused: list[SlotOutcomeOut]
    later: list[SlotOutcomeOut]
    breaks: list[SlotOutcomeOut]


class SeriesPreviewOut(BaseModel):
    slots: list[SlotOutcomeOut]


class SeriesCancelledOut(BaseModel):
    series: SeriesOut
    cancelled: list[BookingOut]


class SeriesChangedOut(BaseModel):
    series: SeriesOut
    moved: list[BookingOut]
    cancelled: list[BookingOut]
    booked: list[BookingOut]
    kept: list[SlotOutcomeOut]
    refused: list[SlotOutcomeOut]
    later: list[SlotOutcomeOut]


class WaitingOut(BaseModel):
    slot: str
    date: date
    start: datetime


class SeriesDetailOut(SeriesOut):
    lessons: list[BookingOut]
    waiting: list[WaitingOut]


class SeriesPage(BaseModel):
    items: list[SeriesOut]
    next_cursor: str | None


class PulledTemplate(BaseModel):
    instructor_id: str
    ranges: list[TemplateRangeOut]
    version: int


class PulledTable(BaseModel):
    """An entity's rows in a pull page asked for with ``shape=table``: the object form's keys
    once, then each row's values in their order (docs/api.md, "Sync")."""

    columns: list[str]
    rows: list[list[Any]]


class PullOut(BaseModel):
    cursor: str
    has_more: bool
    server_time: datetime
    instructors: list[InstructorOut] | PulledTable
    lesson_types: list[LessonTypeOut] | PulledTable
    students: list[StudentOut] | PulledTable
    templates: list[PulledTemplate] | PulledTable
    overrides: list[OverrideOut] | PulledTable
    bookings: list[BookingOut] | PulledTable
    conflicts: list[ConflictOut] | PulledTable
    audit: list[AuditEntryOut] | PulledTable
    messages: list[MessageOut] | PulledTable
    message_reads: list[ReadMarkerOut] | PulledTable
    tombstones: list[TombstoneOut]
    series: list[SeriesOut] | PulledTable
    terms: list[TermOut] | PulledTable
    #: Asked for with ``counts=1``, on the last page only: rows per entity the caller may see.
    counts: dict[str, int] | None = None


class PushIn(WireModel):
    client_id: str = Field(pattern=r"^[0-9a-fA-F-]{36}$")
    mutations: list[MutationIn] = Field(max_length=500)


class MutationResultOut(BaseModel):
    id: int
    status: Literal["applied", "rejected"]
    code: str | None
    message: str | None
    result: dict[str, Any]


class PushOut(BaseModel):
    last_mutation_id: int
    cursor: str
    results: list[MutationResultOut]


class SyncStateOut(BaseModel):
    client_id: str
    last_mutation_id: int
    cursor: str
