"""Detached, typed copies of mirror rows that repositories hand to the services.

Services never see a SQLAlchemy object (the layer rule). They are named tuples, built straight
from result rows: a week's read makes dozens of them and a frozen dataclass costs four times as
much to create.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Table

from instainstru_desktop.store import models


class InstructorRecord(NamedTuple):
    id: str
    user_id: str
    name: str
    email: str
    time_zone: str
    bio: str
    policy: str
    version: int


class LessonTypeRecord(NamedTuple):
    id: str
    instructor_id: str
    name: str
    duration_minutes: int
    price_cents: int
    currency: str
    color: str
    active: bool


class StudentRecord(NamedTuple):
    id: str
    name: str
    email: str
    time_zone: str


class BookingRecord(NamedTuple):
    id: str
    instructor_id: str
    student_id: str
    student_name: str
    student_time_zone: str
    lesson_type_id: str
    lesson_type_name: str
    start_utc: str
    end_utc: str
    status: str
    cancelled_by: str | None
    cancel_reason: str | None
    note: str | None
    price_cents: int
    currency: str
    created_at: str
    updated_at: str
    version: int
    flagged: bool
    review_note: str | None
    color: str | None  # of the lesson type, joined


class ConflictRecord(NamedTuple):
    id: str
    instructor_id: str
    booking_id: str | None
    kind: str
    message: str
    created_at: str
    resolved: bool
    resolution: str | None
    details: str | None  # JSON object: what a clash kept and set aside


class AuditRecord(NamedTuple):
    id: str
    booking_id: str | None
    at: str
    actor_id: str | None
    actor_name: str
    actor_role: str
    device: str
    action: str
    details: str


def columns_of(record: type[NamedTuple], table: Table) -> list[ColumnElement[Any]]:
    """The table's columns in the record's field order (fields the table lacks are skipped)."""
    return [table.c[name] for name in record._fields if name in table.c]


def table_of(model: type[models.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table
