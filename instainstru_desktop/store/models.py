"""SQLAlchemy models of the local cache: a mirror of the server plus the outbox and sync state.

Storage choices, and why:

- The mirror tables hold what the server sent, in the server's own spelling: ids as text,
  instants as RFC 3339 UTC text (``2026-11-26T14:00:00Z``, which sorts like the instant it
  names), dates as ``YYYY-MM-DD`` and hour ranges as the wire's JSON. A pull page is then written
  with next to no conversion, which is what keeps bulk sync near raw SQLite speed.
- The mirror has no foreign keys to other mirrored rows: the server owns that integrity, and a
  cache that refused a row the server sent would stop syncing for good.
- Mirror tables show the *optimistic* state (server truth plus the user's unsynced edits). For a
  row with unsynced edits, :class:`Shadow` keeps the server's truth so a rejected edit can be
  rolled back without asking the network (see :mod:`instainstru_desktop.store.local_changes`).

The schema is created and upgraded by :mod:`instainstru_desktop.store.migrations`, never by
``create_all``; a test checks that the migrated schema and these models agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, Index, Integer, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from instainstru_desktop.store.migrations.steps import LENGTH_SECONDS, REVIEW_FILTER_COLUMNS


class Base(DeclarativeBase):
    """Declarative base of the local cache."""


#: ``Index.info`` key marking an index that only serves the admin table's sort orders by a
#: column other than time or instructor. Nothing else reads it and every plan asks for it only
#: when the file holds it, so a first download builds it after the sync has reported, while the
#: data is already on screen (:meth:`instainstru_desktop.store.uow.Store.after_sync`).
SORT_ONLY = "sort_only"


def _sort_only(name: str, *columns: Any) -> Index:
    return Index(name, *columns, info={SORT_ONLY: True})


class Instructor(Base):
    __tablename__ = "instructors"
    __table_args__ = (
        Index("ix_instructors_name_id", text("name COLLATE NOCASE"), "id", unique=True),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(Text)
    bio: Mapped[str] = mapped_column(Text)
    policy: Mapped[str] = mapped_column(Text)  # the wire's Policy object as JSON
    version: Mapped[int] = mapped_column(Integer)


class LessonType(Base):
    __tablename__ = "lesson_types"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    instructor_id: Mapped[str] = mapped_column(Text, index=True)
    name: Mapped[str] = mapped_column(Text)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(Text)
    color: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)


class Student(Base):
    __tablename__ = "students"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(Text)


class WeeklyTemplateRow(Base):
    __tablename__ = "weekly_templates"

    instructor_id: Mapped[str] = mapped_column(Text, primary_key=True)
    ranges: Mapped[str] = mapped_column(Text)  # JSON [{"weekday", "start", "end"}]
    version: Mapped[int] = mapped_column(Integer)


class DateOverride(Base):
    __tablename__ = "date_overrides"

    instructor_id: Mapped[str] = mapped_column(Text, primary_key=True)
    date: Mapped[str] = mapped_column(Text, primary_key=True)  # YYYY-MM-DD
    ranges: Mapped[str] = mapped_column(Text)  # JSON [{"start", "end"}]; [] = time off
    version: Mapped[int] = mapped_column(Integer)


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_instructor_start", "instructor_id", "start_utc"),
        # schema 6: the admin's table sorts on every column, ties in time order
        _sort_only("ix_bookings_student_start", text("student_name COLLATE NOCASE"), "start_utc"),
        _sort_only("ix_bookings_type_start", text("lesson_type_name COLLATE NOCASE"), "start_utc"),
        _sort_only("ix_bookings_status_start", "status", "start_utc"),
        _sort_only("ix_bookings_price_start", "price_cents", "start_utc"),
        _sort_only("ix_bookings_length_start", text(LENGTH_SECONDS), "start_utc"),
        _sort_only("ix_bookings_flagged_start", "flagged", "start_utc"),
        Index("ix_bookings_student_id_start", "student_id", "start_utc"),
        # schema 8: the admin's exact filters checked on an index walked in time order; from
        # schema 9 also the time order itself (a plain start index would be its prefix)
        Index("ix_bookings_review_start", *REVIEW_FILTER_COLUMNS),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    instructor_id: Mapped[str] = mapped_column(Text)
    student_id: Mapped[str] = mapped_column(Text)
    student_name: Mapped[str] = mapped_column(Text)
    student_time_zone: Mapped[str] = mapped_column(Text)
    lesson_type_id: Mapped[str] = mapped_column(Text)
    lesson_type_name: Mapped[str] = mapped_column(Text)
    start_utc: Mapped[str] = mapped_column(Text)
    end_utc: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    cancelled_by: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)  # schema 2
    review_note: Mapped[str | None] = mapped_column(Text)  # schema 2
    series_id: Mapped[str | None] = mapped_column(Text, index=True)  # schema 5
    series_slot: Mapped[str | None] = mapped_column(Text)  # schema 5: "<revision>/<date>"
    series_moved: Mapped[bool] = mapped_column(Boolean, default=False)  # schema 5


class Term(Base):
    """An instructor's term (schema 5): dates ``YYYY-MM-DD``, breaks as the wire's JSON."""

    __tablename__ = "terms"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    instructor_id: Mapped[str] = mapped_column(Text, index=True)
    name: Mapped[str] = mapped_column(Text)
    first: Mapped[str] = mapped_column(Text)
    last: Mapped[str] = mapped_column(Text)
    breaks: Mapped[str] = mapped_column(Text)  # JSON [{"first", "last", "name"}]
    version: Mapped[int] = mapped_column(Integer)


class Series(Base):
    """A weekly series (schema 5), as the server describes it; its lessons are bookings."""

    __tablename__ = "series"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    instructor_id: Mapped[str] = mapped_column(Text, index=True)
    student_id: Mapped[str] = mapped_column(Text)
    lesson_type_id: Mapped[str] = mapped_column(Text)
    time_zone: Mapped[str] = mapped_column(Text)
    rules: Mapped[str] = mapped_column(Text)  # JSON [{"revision", "from", "weekdays", ...}]
    start_date: Mapped[str] = mapped_column(Text)
    end_count: Mapped[int | None] = mapped_column(Integer)
    until: Mapped[str | None] = mapped_column(Text)
    term_id: Mapped[str | None] = mapped_column(Text)
    cancelled_from: Mapped[str | None] = mapped_column(Text)
    booked_through: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    skipped: Mapped[str] = mapped_column(Text)  # JSON [{"slot", "date", "code", "reason"}]
    version: Mapped[int] = mapped_column(Integer)


class Conflict(Base):
    __tablename__ = "conflicts"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    instructor_id: Mapped[str] = mapped_column(Text, index=True)
    booking_id: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean)
    resolution: Mapped[str | None] = mapped_column(Text)
    #: What a clash kept and what it set aside, and the change to send again for "Use mine"
    #: (the wire's JSON object; schema 4).
    details: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_booking_at", "booking_id", "at"),)

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    booking_id: Mapped[str | None] = mapped_column(Text)
    at: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(Text)
    actor_name: Mapped[str] = mapped_column(Text)
    actor_role: Mapped[str] = mapped_column(Text)
    device: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)  # JSON object


class Message(Base):
    """A message of a lesson's conversation (schema 7). ``number`` is the server's order within
    the lesson; a message written here and not yet on the server has none."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_booking_number", "booking_id", "number"),)

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    booking_id: Mapped[str] = mapped_column(Text)
    number: Mapped[int | None] = mapped_column(Integer)
    author_id: Mapped[str] = mapped_column(Text)
    author_name: Mapped[str] = mapped_column(Text)
    author_role: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(Text)


class MessageRead(Base):
    """How far one person has read a lesson's conversation (schema 7)."""

    __tablename__ = "message_reads"

    booking_id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    last_read: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[str] = mapped_column(Text)


OUTBOX_STATUSES = ("pending", "sent", "applied", "rejected")


class OutboxRow(Base):
    """One local edit waiting for, or already answered by, the server.

    Applied and rejected rows are kept for a while: after the server is restored from an older
    copy they are sent again (the server numbers mutations per client and needs them all).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'sent', 'applied', 'rejected')", name="ck_outbox_status"
        ),
        Index("ix_outbox_status", "status", "mutation_id"),
    )

    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    client_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    name_version: Mapped[int] = mapped_column(Integer)
    args: Mapped[str] = mapped_column(Text)  # JSON object as sent
    base_version: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    error_code: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(Text)  # JSON as answered
    created_at: Mapped[str] = mapped_column(Text)
    applied_seq: Mapped[int | None] = mapped_column(Integer)  # server sequence that holds it
    dismissed: Mapped[bool] = mapped_column(Boolean)  # a rejection the user has seen


class OutboxSubject(Base):
    """Which mirrored rows a mutation changes locally (one mutation may touch two)."""

    __tablename__ = "outbox_subjects"

    entity: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    mutation_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class Shadow(Base):
    """The server's truth of a mirrored row that has unsynced local edits (NULL = absent)."""

    __tablename__ = "shadows"

    entity: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    payload: Mapped[str | None] = mapped_column(Text)


class SyncStateRow(Base):
    """The single row (id = 1) saying where this client stands with its server."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    client_id: Mapped[str] = mapped_column(Text)
    cursor: Mapped[str] = mapped_column(Text)
    last_pull_at: Mapped[str | None] = mapped_column(Text)
    last_acked_mutation_id: Mapped[int] = mapped_column(Integer)
    next_mutation_id: Mapped[int] = mapped_column(Integer)
    server_identity: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[str | None] = mapped_column(Text)  # schema 2
    role: Mapped[str | None] = mapped_column(Text)  # schema 2
    instructor_id: Mapped[str | None] = mapped_column(Text)  # schema 2
    online: Mapped[bool] = mapped_column(Boolean, default=False)  # schema 2
    last_error: Mapped[str | None] = mapped_column(Text)  # schema 2
    last_push_at: Mapped[str | None] = mapped_column(Text)  # schema 2
    #: Set when the cache was rebuilt from a damaged one: ids from here on may already be used
    #: on the server, until it says how far it got (schema 3).
    ids_unconfirmed_from: Mapped[int | None] = mapped_column(Integer)
    #: This computer's clock minus the server's, as last measured (schema 4): lesson times are
    #: judged by the server's clock, offline and after a restart too.
    clock_skew_seconds: Mapped[float | None] = mapped_column(Float)


class Notice(Base):
    """Something the person must hear about that sync settled without them (schema 3): changes
    that could not be recovered, a damaged cache that was rebuilt."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(Text)
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
