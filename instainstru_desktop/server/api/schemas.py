"""Request and response bodies of docs/api.md, as pydantic models (they make the OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from instainstru_desktop.protocol.fields import (
    BIO_MAX_CHARS,
    COLOUR_PATTERN,
    CURRENCY_PATTERN,
    LESSON_MINUTES_MAX,
    LESSON_MINUTES_MIN,
    LESSON_NAME_MAX_CHARS,
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
    pass


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
    kind: Literal["outside_availability", "rejected_mutation", "hours_clash", "note_clash"]
    message: str
    created_at: datetime
    resolved: bool
    resolution: Literal["kept", "cancelled", "reapplied"] | None
    #: A clash of edits (``hours_clash``, ``note_clash``): ``kept`` (what the server has),
    #: ``mine`` (what was set aside) and ``change`` (``name`` and ``args``, to send again).
    details: dict[str, Any] = Field(default_factory=dict)


class TombstoneOut(BaseModel):
    entity: Literal["override", "booking", "lesson_type", "conflict"]
    id: str


class PulledTemplate(BaseModel):
    instructor_id: str
    ranges: list[TemplateRangeOut]
    version: int


class PullOut(BaseModel):
    cursor: str
    has_more: bool
    server_time: datetime
    instructors: list[InstructorOut]
    lesson_types: list[LessonTypeOut]
    students: list[StudentOut]
    templates: list[PulledTemplate]
    overrides: list[OverrideOut]
    bookings: list[BookingOut]
    conflicts: list[ConflictOut]
    audit: list[AuditEntryOut]
    tombstones: list[TombstoneOut]


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
