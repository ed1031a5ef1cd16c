"""Instructors, their lesson types, and students: the reference data other rows point to."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from instainstru_desktop.store import models
from instainstru_desktop.store.records import (
    InstructorRecord,
    LessonTypeRecord,
    StudentRecord,
    columns_of,
    table_of,
)

_INSTRUCTORS = table_of(models.Instructor)
_LESSON_TYPES = table_of(models.LessonType)
_STUDENTS = table_of(models.Student)
_INSTRUCTOR_COLUMNS = columns_of(InstructorRecord, _INSTRUCTORS)
_LESSON_TYPE_COLUMNS = columns_of(LessonTypeRecord, _LESSON_TYPES)
_STUDENT_COLUMNS = columns_of(StudentRecord, _STUDENTS)
_INSTRUCTOR_SQL = (
    f"SELECT {', '.join(c.name for c in _INSTRUCTOR_COLUMNS)} FROM instructors WHERE id = ?"
)


class CatalogRepository:
    """Reads of instructors, lesson types and students."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def instructor(self, instructor_id: str) -> InstructorRecord | None:
        row = (
            self._session.connection()
            .exec_driver_sql(_INSTRUCTOR_SQL, (instructor_id,))  # on every week read: plain SQL
            .first()
        )
        return None if row is None else InstructorRecord(*row)

    def instructors(self) -> list[InstructorRecord]:
        rows = self._session.connection().execute(
            select(*_INSTRUCTOR_COLUMNS).order_by(_INSTRUCTORS.c.name)
        )
        return [InstructorRecord(*r) for r in rows]

    def lesson_type(self, lesson_type_id: str) -> LessonTypeRecord | None:
        row = (
            self._session.connection()
            .execute(select(*_LESSON_TYPE_COLUMNS).where(_LESSON_TYPES.c.id == lesson_type_id))
            .first()
        )
        return None if row is None else LessonTypeRecord(*row)

    def lesson_types(self, instructor_id: str) -> list[LessonTypeRecord]:
        rows = self._session.connection().execute(
            select(*_LESSON_TYPE_COLUMNS)
            .where(_LESSON_TYPES.c.instructor_id == instructor_id)
            .order_by(_LESSON_TYPES.c.name)
        )
        return [LessonTypeRecord(*r) for r in rows]

    def student(self, student_id: str) -> StudentRecord | None:
        row = (
            self._session.connection()
            .execute(select(*_STUDENT_COLUMNS).where(_STUDENTS.c.id == student_id))
            .first()
        )
        return None if row is None else StudentRecord(*row)

    def students(self, text: str = "") -> list[StudentRecord]:
        query = select(*_STUDENT_COLUMNS).order_by(_STUDENTS.c.name)
        if text:
            pattern = f"%{text}%"
            query = query.where(
                or_(_STUDENTS.c.name.ilike(pattern), _STUDENTS.c.email.ilike(pattern))
            )
        return [StudentRecord(*r) for r in self._session.connection().execute(query)]
