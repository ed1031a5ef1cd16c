"""Shared steps of the sync scenarios: times in the instructor's zone, a student booking."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from instainstru_desktop.server.seed.demo import add_past_lessons
from instainstru_desktop.store.models import Booking
from instainstru_desktop.store.repositories.mirror import BULK_FILL_ROWS, sort_only
from instainstru_desktop.sync.api import ApiClient
from tests.server.helpers import Person, add_instructor
from tests.sync.harness import ServerHandle

LONDON = ZoneInfo("Europe/London")  # the studio instructor's zone (hours 09:00-17:00 daily)


class Calendar:
    """A device's clock, ``days_behind`` the real one, moved forward by hand."""

    def __init__(self, days_behind: int = 0) -> None:
        self.behind = timedelta(days=days_behind)

    def __call__(self) -> datetime:
        return datetime.now(UTC) - self.behind

    def advance(self, days: int) -> None:
        self.behind -= timedelta(days=days)


def local_day(days_ahead: int) -> date:
    return datetime.now(LONDON).date() + timedelta(days=days_ahead)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware UTC instant of a London wall time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def student_books(
    server: ServerHandle, student: Person, instructor: Person, start: datetime
) -> str:
    """A student books a lesson through the public API (as the web site would)."""
    with ApiClient(server.url, token=student.token, device="student-web") as api:
        response = api.request(
            "POST",
            "/bookings",
            json={
                "instructor_id": instructor.instructor_id,
                "lesson_type_id": instructor.lesson_type_id,
                "start": iso(start),
            },
            retry=False,
        )
    return str(response.json()["id"])


def admin_cancels(server: ServerHandle, booking_id: str, reason: str) -> None:
    with ApiClient(server.url, token=server.studio.admin.token, device="admin-desk") as api:
        api.request("POST", f"/bookings/{booking_id}/cancel", json={"reason": reason}, retry=False)


def started_lesson(server: ServerHandle, instructor: Person, student: Person) -> str:
    """A confirmed lesson that began an hour ago (so it can be marked done)."""
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    return server.add_lesson(instructor, student, start)


#: The pull page size of the first-download scenarios: the studio's rows and one big commit of
#: lessons fit a page, two do not.
BULK_PAGE_ROWS = BULK_FILL_ROWS + 500


def pile_of_past_lessons(server: ServerHandle) -> None:
    """Three commits of past lessons, each of another instructor: an admin's first download of
    them with pages of :data:`BULK_PAGE_ROWS` is three pages, the first two big enough to go in
    as a bulk load."""
    third = add_instructor(server.uow, "Tao Third", "Europe/London")
    teachers = [*server.studio.instructors, third]
    today = datetime.now(UTC).date()
    for teacher, count in zip(teachers, (BULK_FILL_ROWS, BULK_FILL_ROWS, 600), strict=True):
        assert teacher.instructor_id is not None
        add_past_lessons(server.uow, teacher.instructor_id, count, today, per_day=12)


#: The bookings' indexes that only the admin table's sorts by other columns read: a first
#: download builds them after the sync (``SyncEngine.after_sync``).
SORT_INDEXES = frozenset(str(i.name) for i in Booking.__table__.indexes if sort_only(i))


def declared_indexes(path: Path) -> set[str]:
    """The indexes a cache file holds that its schema declares (not SQLite's own)."""
    conn = sqlite3.connect(path)
    try:
        found = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql NOT NULL")
        return {str(name) for (name,) in found}
    finally:
        conn.close()
