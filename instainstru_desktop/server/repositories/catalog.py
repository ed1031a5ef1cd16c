"""Instructors (profile and policy) and their lesson types."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from instainstru_desktop.server.core import slugs
from instainstru_desktop.server.core.models import (
    Instructor,
    LessonType,
    Series,
    User,
    WeeklyTemplate,
)
from instainstru_desktop.server.repositories._locks import locking
from instainstru_desktop.server.repositories._types import AnyRow
from instainstru_desktop.server.repositories.compiled import Prepared
from instainstru_desktop.server.repositories.series import ACTIVE as SERIES_ACTIVE

#: Read-only: what a slot listing needs of the instructor and the lesson type, in one statement.
_FOR_SLOTS = (
    select(
        Instructor.min_notice_minutes,
        Instructor.booking_horizon_days,
        Instructor.buffer_minutes,
        Instructor.slot_step_minutes,
        Instructor.daily_limit,
        Instructor.weekly_limit,
        User.time_zone,
        WeeklyTemplate.ranges.label("template"),
        LessonType.id.label("lesson_type_id"),
        LessonType.instructor_id.label("lesson_type_instructor_id"),
        LessonType.duration_minutes,
        LessonType.active,
    )
    .select_from(Instructor)
    .outerjoin(User, User.id == Instructor.user_id)
    .outerjoin(WeeklyTemplate, WeeklyTemplate.instructor_id == Instructor.id)
    .outerjoin(LessonType, LessonType.id == bindparam("lesson_type_id"))
    .where(Instructor.id == bindparam("instructor_id"))
)
#: When the instructor's next series lesson still to book starts (None: none waits), so that a
#: booking loads the series only when the booking window has reached one.
_NEXT_SERIES_START = (
    select(Series.next_start_utc)
    .where(
        Series.instructor_id == Instructor.id,
        Series.status == SERIES_ACTIVE,
        Series.next_start_utc.is_not(None),
    )
    .order_by(Series.next_start_utc)
    .limit(1)
    .correlate(Instructor)
    .scalar_subquery()
)
#: Read-only: the same, plus what a new booking copies from its lesson type, and when the
#: instructor's next series lesson starts.
_FOR_BOOKING = _FOR_SLOTS.add_columns(
    LessonType.name.label("lesson_type_name"),
    LessonType.price_cents,
    LessonType.currency,
    _NEXT_SERIES_START.label("next_series_start"),
)
_FOR_BOOKING_PREPARED = Prepared(_FOR_BOOKING)
#: The per-instructor lock, reading nothing else (see :meth:`InstructorRepository.claim`).
_CLAIM = locking(select(Instructor.id).where(Instructor.id == bindparam("instructor_id")))


class InstructorRepository:
    def __init__(self, session: Session, *, runs_alone: bool = False) -> None:
        self._s = session
        #: The transaction holds the database's write lock from its start (SQLite).
        self._runs_alone = runs_alone

    def get(self, instructor_id: str) -> Instructor | None:
        return self._s.get(Instructor, instructor_id)

    def by_user(self, user_id: str) -> Instructor | None:
        return self._s.scalars(select(Instructor).where(Instructor.user_id == user_id)).first()

    def with_user(self, instructor_id: str) -> tuple[Instructor, User] | None:
        stmt = (
            select(Instructor, User)
            .join(User, User.id == Instructor.user_id)
            .where(Instructor.id == instructor_id)
        )
        row = self._s.execute(stmt).first()
        return None if row is None else (row[0], row[1])

    def for_slots(self, instructor_id: str, lesson_type_id: str) -> AnyRow | None:
        """Read-only: the instructor's policy columns, ``time_zone``, ``template`` ranges and the
        lesson type's columns (``lesson_type_id`` None: no such lesson type); None: no such
        instructor."""
        params = {"instructor_id": instructor_id, "lesson_type_id": lesson_type_id}
        return self._s.connection().execute(_FOR_SLOTS, params).first()

    def for_booking(self, instructor_id: str, lesson_type_id: str) -> AnyRow | None:
        """Read-only: :meth:`for_slots` plus the lesson type's ``lesson_type_name``,
        ``price_cents`` and ``currency``, and ``next_series_start`` (when the earliest lesson
        still to book of the instructor's active series starts; None: none), in one statement.

        Pending changes are written first, so a write transaction reads its own edits.
        """
        self._s.flush()
        params = {"instructor_id": instructor_id, "lesson_type_id": lesson_type_id}
        found: AnyRow | None = _FOR_BOOKING_PREPARED.first(self._s.connection(), params)
        return found

    def claim_for_booking(self, instructor_id: str, lesson_type_id: str) -> AnyRow | None:
        """:meth:`claim`, then :meth:`for_booking`; None: there is no such instructor.

        A transaction that runs alone (SQLite's ``BEGIN IMMEDIATE``) holds the only lock there
        is already, so it sends only the read, which answers whether the instructor exists too.
        """
        if not self._runs_alone and not self.claim(instructor_id):
            return None
        return self.for_booking(instructor_id, lesson_type_id)

    def claim(self, instructor_id: str) -> bool:
        """Take the per-instructor lock, as :meth:`lock`; False: there is no such instructor.

        Nothing else is read with the lock, on purpose: on PostgreSQL a statement that waited
        for the lock would see the other rows as they were before the holder committed, so what
        the booking rules need is read by the statements after this one.
        """
        found = self._s.connection().execute(_CLAIM, {"instructor_id": instructor_id}).first()
        return found is not None

    def lock(self, instructor_id: str) -> Instructor | None:
        """Take the per-instructor lock for the rest of the transaction.

        ``SELECT ... FOR NO KEY UPDATE`` on PostgreSQL (see :mod:`._locks`); on SQLite the clause
        is not rendered and the write transaction's ``BEGIN IMMEDIATE`` already holds the
        database's write lock.
        """
        stmt = locking(select(Instructor).where(Instructor.id == instructor_id))
        return self._s.scalars(stmt).first()

    def page(self, after: str | None, limit: int) -> Sequence[tuple[Instructor, User]]:
        """Instructors ordered by id, after ``after``."""
        stmt = select(Instructor, User).join(User, User.id == Instructor.user_id)
        if after is not None:
            stmt = stmt.where(Instructor.id > after)
        rows = self._s.execute(stmt.order_by(Instructor.id).limit(limit)).all()
        return [(i, u) for i, u in rows]

    def all_with_users(self, ids: set[str] | None = None) -> Sequence[tuple[Instructor, User]]:
        stmt = select(Instructor, User).join(User, User.id == Instructor.user_id)
        if ids is not None:
            stmt = stmt.where(Instructor.id.in_(ids))
        return [(i, u) for i, u in self._s.execute(stmt.order_by(Instructor.id))]

    def by_slug(self, slug: str) -> tuple[Instructor, User] | None:
        stmt = (
            select(Instructor, User)
            .join(User, User.id == Instructor.user_id)
            .where(Instructor.slug == slug)
        )
        row = self._s.execute(stmt).first()
        return None if row is None else (row[0], row[1])

    def slugs_like(self, base: str) -> set[str]:
        """Slugs in use that start with ``base`` (the candidates :func:`slugs.first_free` tries)."""
        stmt = select(Instructor.slug).where(Instructor.slug.startswith(base, autoescape=True))
        return set(self._s.scalars(stmt))

    def directory(self) -> Sequence[tuple[Instructor, User]]:
        """Every instructor with their user, by name (the public directory)."""
        stmt = select(Instructor, User).join(User, User.id == Instructor.user_id)
        return [(i, u) for i, u in self._s.execute(stmt.order_by(User.name, Instructor.id))]

    def add(self, instructor: Instructor) -> None:
        """Add an instructor; one without a slug gets the first free one their name suggests
        (the user row must exist)."""
        if not instructor.slug:
            user = self._s.get(User, instructor.user_id)
            base = slugs.from_name(user.name if user is not None else "")
            self._s.flush()
            instructor.slug = slugs.first_free(base, self.slugs_like(base))
        self._s.add(instructor)


class LessonTypeRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, lesson_type_id: str) -> LessonType | None:
        return self._s.get(LessonType, lesson_type_id)

    def of_instructors(self, instructor_ids: Sequence[str]) -> dict[str, list[LessonType]]:
        """Lesson types per instructor, ordered by name."""
        result: dict[str, list[LessonType]] = {i: [] for i in instructor_ids}
        if not instructor_ids:
            return result
        stmt = (
            select(LessonType)
            .where(LessonType.instructor_id.in_(instructor_ids))
            .order_by(LessonType.name, LessonType.id)
        )
        for lesson_type in self._s.scalars(stmt):
            result[lesson_type.instructor_id].append(lesson_type)
        return result

    def add(self, lesson_type: LessonType) -> None:
        self._s.add(lesson_type)
