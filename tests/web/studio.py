"""A small studio for the page tests: instructors with slugs, lesson types and hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from instainstru_desktop.server.core.models import Booking
from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import Person, add_instructor, add_user, new_id, sign


@dataclass
class PageStudio:
    teacher: Person  # "Ines Teacher", Europe/London, 09:00-17:00 every day, 60-minute lessons
    student: Person


def build(uow: UnitOfWork, now: datetime, **policy: int) -> PageStudio:
    teacher = sign(uow, add_instructor(uow, "Ines Teacher", "Europe/London", **policy), now)
    student = sign(uow, add_user(uow, "student", "Sam Student", "America/New_York"), now)
    return PageStudio(teacher, student)


def book_directly(uow: UnitOfWork, teacher: Person, student: Person, start: datetime) -> str:
    """A confirmed lesson written straight into the database (as if booked elsewhere)."""
    booking_id = new_id()
    with uow.write() as tx:
        tx.bookings.insert(
            Booking(
                id=booking_id,
                instructor_id=teacher.instructor_id,
                student_id=student.user_id,
                lesson_type_id=teacher.lesson_type_id,
                start_utc=start,
                end_utc=start + timedelta(hours=1),
                status="confirmed",
                cancelled_by=None,
                cancel_reason=None,
                note="Private: forgets homework",
                flagged=False,
                review_note="",
                price_cents=4000,
                currency="EUR",
                created_at=datetime.now(UTC),
                updated_at=datetime.now(UTC),
                version=1,
            )
        )
        tx.commit()
    return booking_id
