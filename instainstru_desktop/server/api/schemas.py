"""Request and response bodies of docs/api.md, as pydantic models (they make the OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from instainstru_desktop.server.core.wire import (
    Clock,
    DayRange,
    Instant,
    PolicyIn,
    TemplateRange,
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
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class SignUpIn(WireModel):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=8, max_length=1024)
    time_zone: str = Field(min_length=1, max_length=64)


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


class LessonTypeIn(WireModel):
    name: str = Field(min_length=1, max_length=120)
    duration_minutes: int = Field(ge=5, le=720)
    price_cents: int = Field(ge=0, le=100_000_000)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    color: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$")
    active: bool = True


class LessonTypePatch(WireModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    duration_minutes: int | None = Field(default=None, ge=5, le=720)
    price_cents: int | None = Field(default=None, ge=0, le=100_000_000)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    active: bool | None = None


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
    time_zone: str | None = Field(default=None, min_length=1, max_length=64)
    bio: str | None = Field(default=None, max_length=5000)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    slug: str | None = Field(default=None, min_length=2, max_length=60)


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
    instructor_id: str = Field(max_length=36)
    lesson_type_id: str = Field(max_length=36)
    start: Instant
    student_id: str | None = Field(default=None, max_length=36)


class CancelIn(WireModel):
    reason: str = Field(default="", max_length=2000)


class RescheduleIn(WireModel):
    start: Instant


class NoteIn(WireModel):
    note: str = Field(max_length=10_000)


class ReviewIn(WireModel):
    flagged: bool
    note: str = Field(default="", max_length=10_000)


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
    kind: Literal["outside_availability", "rejected_mutation"]
    message: str
    created_at: datetime
    resolved: bool
    resolution: Literal["kept", "cancelled", "reapplied"] | None


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


class MutationIn(BaseModel):
    id: int = Field(ge=1, le=2**53)
    name: str = Field(min_length=1, max_length=64)
    args: dict[str, Any]
    base_version: int | None = Field(default=None, ge=0, le=2**53)


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
