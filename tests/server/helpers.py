"""Builders for server tests: a small studio written straight through the unit of work.

Passwords are hashed once per process (argon2 is slow on purpose) and most tests get their bearer
tokens minted directly, so only the sign-in tests pay for password checks.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from instainstru_desktop.server.core.models import (
    Booking,
    Instructor,
    LessonType,
    User,
    WeeklyTemplate,
)
from instainstru_desktop.server.core.security import hash_password
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services.auth import issue_token

PASSWORD = "correct horse battery"
#: A Monday morning: lessons later that week are bookable, earlier ones can be marked done.
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@functools.cache
def password_hash() -> str:
    return hash_password(PASSWORD)


class FakeClock:
    """A settable clock for the app (``create_app(settings, clock=...)``)."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Person:
    user_id: str
    email: str
    name: str
    role: str
    token: str = ""
    instructor_id: str | None = None
    lesson_type_id: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "X-Client-Device": f"{self.role}-device"}


@dataclass
class Studio:
    admin: Person
    instructors: list[Person] = field(default_factory=list)
    students: list[Person] = field(default_factory=list)


def new_id() -> str:
    return str(uuid.uuid4())


def add_user(uow: UnitOfWork, role: str, name: str, tz: str = "Europe/London") -> Person:
    user_id = new_id()
    email = f"{name.lower().replace(' ', '.')}.{user_id[:6]}@test.example"
    with uow.write() as tx:
        tx.users.add(
            User(
                id=user_id,
                email=email,
                name=name,
                role=role,
                password_hash=password_hash(),
                time_zone=tz,
                created_at=T0,
            )
        )
        tx.commit()
    return Person(user_id=user_id, email=email, name=name, role=role)


def add_instructor(
    uow: UnitOfWork,
    name: str,
    tz: str = "Europe/London",
    *,
    hours: tuple[int, int] = (9 * 60, 17 * 60),
    duration: int = 60,
    **policy: Any,
) -> Person:
    person = add_user(uow, "instructor", name, tz)
    person.instructor_id, person.lesson_type_id = new_id(), new_id()
    with uow.write() as tx:
        tx.instructors.add(
            Instructor(
                id=person.instructor_id,
                user_id=person.user_id,
                bio="",
                version=1,
                min_notice_minutes=policy.get("min_notice_minutes", 120),
                booking_horizon_days=policy.get("booking_horizon_days", 28),
                buffer_minutes=policy.get("buffer_minutes", 0),
                slot_step_minutes=policy.get("slot_step_minutes", 15),
                daily_limit=policy.get("daily_limit"),
                weekly_limit=policy.get("weekly_limit"),
            )
        )
        tx.lesson_types.add(
            LessonType(
                id=person.lesson_type_id,
                instructor_id=person.instructor_id,
                name="Lesson",
                duration_minutes=duration,
                price_cents=4000,
                currency="EUR",
                color="#336699",
                active=True,
                version=1,
            )
        )
        tx.availability.add_template(
            WeeklyTemplate(
                instructor_id=person.instructor_id,
                version=1,
                ranges=[[d, hours[0], hours[1]] for d in range(7)],
            )
        )
        tx.commit()
    return person


def sign(uow: UnitOfWork, person: Person, now: datetime = T0) -> Person:
    person.token = issue_token(uow, person.user_id, now=now, ttl=timedelta(days=30))
    return person


def build_studio(uow: UnitOfWork, *, students: int = 3, now: datetime = T0) -> Studio:
    studio = Studio(admin=sign(uow, add_user(uow, "admin", "Ada Admin"), now))
    studio.instructors = [
        sign(uow, add_instructor(uow, "Ines Teacher", "Europe/London"), now),
        sign(uow, add_instructor(uow, "Ravi Tutor", "Asia/Kolkata"), now),
    ]
    studio.students = [
        sign(uow, add_user(uow, "student", f"Sam Student{i}", "America/New_York"), now)
        for i in range(students)
    ]
    return studio


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


#: Notes a reader must carry as they are: quotes and backslashes, non-ASCII, empty, none.
AWKWARD_NOTES: tuple[str | None, ...] = (
    "plain",
    'with "quotes" and \\ back',
    "ünïcödé ✓",
    "",
    "line\nbreak",
    None,
)
_STATUSES = ("confirmed", "completed", "cancelled", "no_show")


def varied_booking(
    studio: Studio,
    n: int,
    start: datetime,
    *,
    notes: tuple[str | None, ...] = AWKWARD_NOTES,
    booking_id: str | None = None,
) -> Booking:
    """The ``n``-th of a run of lessons that differ in all a reader has to get right: both
    instructors, three students, every status, flags both ways, notes that need escaping (and
    none), creation times with microseconds, versions."""
    teacher = studio.instructors[n % 2]
    assert teacher.instructor_id is not None
    assert teacher.lesson_type_id is not None
    status = _STATUSES[n % 4]
    return Booking(
        id=booking_id or new_id(),
        instructor_id=teacher.instructor_id,
        student_id=studio.students[n % 3].user_id,
        lesson_type_id=teacher.lesson_type_id,
        start_utc=start,
        end_utc=start + timedelta(minutes=45),
        status=status,
        cancelled_by="student" if status == "cancelled" else None,
        cancel_reason=notes[n % len(notes)] if status == "cancelled" else None,
        note=notes[(n + 1) % len(notes)],
        flagged=n % 3 == 0,
        review_note=notes[(n + 2) % len(notes)],
        price_cents=4000 + n,
        currency="EUR",
        created_at=start - timedelta(days=3, microseconds=123_457 * n),
        updated_at=start - timedelta(days=1, seconds=n),
        version=1 + n % 3,
    )
