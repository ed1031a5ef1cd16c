"""The server's tables as typed SQLAlchemy 2.0 models.

Rows that clients sync carry ``seq``: the change sequence of the commit that last touched them
(see :mod:`instainstru_desktop.server.repositories.uow`). The schema itself is owned by the
Alembic revisions in ``migrations/versions``; a test checks that these models and the migrated
database agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: The statuses that occupy an instructor's and a student's time (everything but cancelled).
#: Spelled here for the database safety net; the rules themselves live in the domain.
CANCELLED = "cancelled"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every database.

    SQLite has no time zone type: values are stored as naive UTC text, which sorts correctly.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy's documented class attribute
        datetime: UTCDateTime,
        date: Date,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Stamped:
    """A synced row: stamped with the sequence number of the commit that last changed it."""

    seq: Mapped[int] = mapped_column(BigInteger, default=0, index=True)

    @property
    def scope_instructor_id(self) -> str | None:
        """The instructor whose clients must hear about a change to this row (None: nobody's)."""
        return getattr(self, "instructor_id", None)

    @property
    def scope_student_id(self) -> str | None:
        """The student whose own pages must hear about a change to this row (their lesson, a
        message in it), or None."""
        return getattr(self, "student_id", None)


class User(Stamped, Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Instructor(Stamped, Base):
    __tablename__ = "instructors"
    __table_args__ = (Index("uq_instructors_slug", "slug", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), unique=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    #: The page address (``/maria-lopez``): made from the name at creation, then kept (see
    #: ``core.slugs``); ``InstructorRepository.add`` fills it in when it is left empty.
    slug: Mapped[str] = mapped_column(String(64), server_default=text("''"))
    min_notice_minutes: Mapped[int] = mapped_column(Integer, default=120)
    booking_horizon_days: Mapped[int] = mapped_column(Integer, default=28)
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=0)
    slot_step_minutes: Mapped[int] = mapped_column(Integer, default=15)
    daily_limit: Mapped[int | None] = mapped_column(Integer)
    weekly_limit: Mapped[int | None] = mapped_column(Integer)
    #: Students may book weekly series with this instructor (the instructor always may).
    students_book_weekly: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def scope_instructor_id(self) -> str | None:
        return self.id


class LessonType(Stamped, Base):
    __tablename__ = "lesson_types"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    color: Mapped[str] = mapped_column(String(7))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class WeeklyTemplate(Stamped, Base):
    """An instructor's usual week: ``ranges`` is a list of ``[weekday, start_min, end_min]``."""

    __tablename__ = "weekly_templates"

    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"), primary_key=True)
    ranges: Mapped[list[Any]]
    version: Mapped[int] = mapped_column(Integer, default=1)


class AvailabilityOverride(Stamped, Base):
    """A date's own hours: ``ranges`` is a list of ``[start_min, end_min]``; empty = time off."""

    __tablename__ = "availability_overrides"

    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    ranges: Mapped[list[Any]]
    version: Mapped[int] = mapped_column(Integer, default=1)


class Booking(Stamped, Base):
    __tablename__ = "bookings"
    __table_args__ = (
        # Slots and the booking rules read an instructor's bookings by time: keep that an index
        # range scan however many bookings pile up.
        # Pages of bookings are ordered by (start, id): each index ends in the id, so a page
        # is read in the index's order instead of sorted (revision 0010).
        Index("ix_bookings_instructor_start_id", "instructor_id", "start_utc", "id"),
        Index("ix_bookings_student_start_id", "student_id", "start_utc", "id"),
        Index("ix_bookings_start_id", "start_utc", "id"),
        # Safety net under the transactional check: two active lessons of one instructor can
        # never start at the same instant, whatever the code above does.
        Index(
            "uq_bookings_active_instructor_start",
            "instructor_id",
            "start_utc",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"))
    student_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    lesson_type_id: Mapped[str] = mapped_column(ForeignKey("lesson_types.id"))
    start_utc: Mapped[datetime]
    end_utc: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    cancelled_by: Mapped[str | None] = mapped_column(String(16))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    review_note: Mapped[str] = mapped_column(Text, default="")
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: The weekly series this lesson belongs to, and the slot (``"<revision>/<date>"``) it
    #: fills; see ``domain.series``. No foreign key: a series row is never deleted, and the
    #: lock a key check takes would tie every booking to its series row.
    series_id: Mapped[str | None] = mapped_column(String(36), index=True)
    series_slot: Mapped[str | None] = mapped_column(String(24))
    #: Rescheduled on its own: it keeps its time when the series' rule changes.
    series_moved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class Term(Stamped, Base):
    """A named date range an instructor teaches in; ``breaks``: ``[first, last, name]`` lists."""

    __tablename__ = "terms"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    first_day: Mapped[date]
    last_day: Mapped[date]
    breaks: Mapped[list[Any]]
    version: Mapped[int] = mapped_column(Integer, default=1)


class Series(Stamped, Base):
    """A weekly series; its lessons are bookings naming it (see ``domain.series``).

    ``rules``: ``[revision, starts, weekdays, minute, every_weeks]`` lists, every rule it has had.
    ``booked_through``: the last date whose slot was dealt with (booked, refused or skipped);
    ``next_start_utc``: when the next slot starts, so the slots the booking window reaches are
    found by an index scan. ``skipped``: the slots refused, with why.
    """

    __tablename__ = "series"
    __table_args__ = (Index("ix_series_due", "status", "next_start_utc"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"), index=True)
    student_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_type_id: Mapped[str] = mapped_column(ForeignKey("lesson_types.id"))
    time_zone: Mapped[str] = mapped_column(String(64))
    rules: Mapped[list[Any]]
    start_day: Mapped[date]
    end_count: Mapped[int | None] = mapped_column(Integer)
    end_day: Mapped[date | None]
    term_id: Mapped[str | None] = mapped_column(ForeignKey("terms.id"))
    cancelled_from: Mapped[date | None]
    booked_through: Mapped[date | None]
    next_start_utc: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16))
    skipped: Mapped[list[Any]]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)


class AuditEntry(Stamped, Base):
    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instructor_id: Mapped[str | None] = mapped_column(ForeignKey("instructors.id"), index=True)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(16))
    device: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]]


class Token(Base):
    """A bearer token, stored as the SHA-256 of the secret: a leaked table grants nothing."""

    __tablename__ = "tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Conflict(Stamped, Base):
    __tablename__ = "conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"), index=True)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution: Mapped[str | None] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: A clash of edits: what was kept, what was set aside and the change to send again.
    details: Mapped[dict[str, Any] | None]


class Message(Stamped, Base):
    """One message in a lesson's conversation, numbered 1, 2, ... within the lesson.

    The id is chosen by the client that wrote it (so a retry finds the message it already
    posted); the instructor and the student are the lesson's, copied here so a pull and a
    student's stream find a lesson's messages without a join.
    """

    __tablename__ = "messages"
    __table_args__ = (
        Index("uq_messages_booking_number", "booking_id", "number", unique=True),
        Index("ix_messages_instructor", "instructor_id"),
        Index("ix_messages_student", "student_id"),
        Index("ix_messages_author_created", "author_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"))
    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"))
    student_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class MessageRead(Stamped, Base):
    """How far one person has read a lesson's conversation (the number of the last message)."""

    __tablename__ = "message_reads"
    __table_args__ = (Index("ix_message_reads_instructor", "instructor_id"),)

    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    instructor_id: Mapped[str] = mapped_column(ForeignKey("instructors.id"))
    student_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    last_read: Mapped[int] = mapped_column(Integer, default=0)
    read_at: Mapped[datetime]


class ChangeSequence(Base):
    """The single row whose lock orders all commits (see :mod:`..uow`)."""

    __tablename__ = "change_sequence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class Commit(Base):
    """One committed change: its sequence number and a random nonce that names this history."""

    __tablename__ = "commits"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    nonce: Mapped[str] = mapped_column(String(16))
    committed_at: Mapped[datetime]


class Tombstone(Stamped, Base):
    """A deleted synced row, until its key is written again (then the new row supersedes it)."""

    __tablename__ = "tombstones"
    __table_args__ = (Index("ix_tombstones_entity_key", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[str] = mapped_column(String(80))
    instructor_id: Mapped[str | None] = mapped_column(ForeignKey("instructors.id"))


class SyncClient(Base):
    """A device of a user that pushes mutations: the last mutation id it has had applied."""

    __tablename__ = "sync_clients"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime]


class MutationResult(Base):
    """The stored answer to one pushed mutation, so a replay is answered without re-applying."""

    __tablename__ = "mutation_results"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    mutation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    code: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any]]
    applied_at: Mapped[datetime]


class SignInAttempt(Base):
    """One sign-in or sign-up attempt, counted by every server process (see ``throttle``)."""

    __tablename__ = "sign_in_attempts"
    __table_args__ = (Index("ix_sign_in_attempts_key", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(320))
    at: Mapped[float] = mapped_column(Float)
