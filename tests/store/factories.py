"""Wire-shaped test data (as the server's pull sends it) and helpers to load it into a store."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from instainstru_desktop.store import Store

INSTRUCTOR_ID = "11111111-1111-4111-8111-111111111111"
LESSON_TYPE_ID = "22222222-2222-4222-8222-222222222222"
STUDENT_ID = "33333333-3333-4333-8333-333333333333"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def instructor(
    instructor_id: str = INSTRUCTOR_ID, time_zone: str = "Europe/London"
) -> dict[str, Any]:
    return {
        "id": instructor_id,
        "user_id": str(uuid.uuid5(uuid.NAMESPACE_URL, instructor_id)),
        "name": "Iris Instructor",
        "email": "iris@example.com",
        "time_zone": time_zone,
        "bio": "",
        "policy": {
            "min_notice_minutes": 120,
            "booking_horizon_days": 28,
            "buffer_minutes": 0,
            "slot_step_minutes": 15,
            "daily_limit": None,
            "weekly_limit": None,
        },
        "lesson_types": [],
        "version": 1,
    }


def lesson_type(
    lesson_type_id: str = LESSON_TYPE_ID, instructor_id: str = INSTRUCTOR_ID
) -> dict[str, Any]:
    return {
        "id": lesson_type_id,
        "instructor_id": instructor_id,
        "name": "Piano 60",
        "duration_minutes": 60,
        "price_cents": 4500,
        "currency": "EUR",
        "color": "#3366CC",
        "active": True,
    }


def student(student_id: str = STUDENT_ID, name: str = "Ana Student") -> dict[str, Any]:
    return {"id": student_id, "name": name, "email": "ana@example.com", "time_zone": "UTC"}


def template(
    instructor_id: str = INSTRUCTOR_ID, ranges: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    if ranges is None:
        ranges = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    return {"instructor_id": instructor_id, "ranges": ranges, "version": 1}


def override(day: str, ranges: list[tuple[str, str]], instructor_id: str = INSTRUCTOR_ID) -> dict:
    return {
        "instructor_id": instructor_id,
        "date": day,
        "ranges": [{"start": s, "end": e} for s, e in ranges],
        "version": 1,
    }


def booking(
    start: datetime,
    *,
    booking_id: str | None = None,
    status: str = "confirmed",
    minutes: int = 60,
    instructor_id: str = INSTRUCTOR_ID,
    student_id: str = STUDENT_ID,
    version: int = 1,
    note: str | None = None,
) -> dict[str, Any]:
    return {
        "id": booking_id or str(uuid.uuid4()),
        "instructor_id": instructor_id,
        "student_id": student_id,
        "student_name": "Ana Student",
        "student_time_zone": "UTC",
        "lesson_type_id": LESSON_TYPE_ID,
        "lesson_type_name": "Piano 60",
        "start": iso(start),
        "end": iso(start + timedelta(minutes=minutes)),
        "status": status,
        "cancelled_by": None,
        "cancel_reason": None,
        "note": note,
        "flagged": False,
        "review_note": None,
        "price_cents": 4500,
        "currency": "EUR",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "version": version,
    }


def conflict(booking_id: str, conflict_id: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": conflict_id or str(uuid.uuid4()),
        "instructor_id": INSTRUCTOR_ID,
        "booking_id": booking_id,
        "kind": "outside_availability",
        "message": "Lesson Tue 15:00 with Ana is now outside your hours",
        "created_at": "2026-01-02T00:00:00Z",
        "resolved": False,
        "resolution": None,
        **extra,
    }


def page(cursor: str, **lists: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cursor": cursor,
        "has_more": False,
        "server_time": "2026-01-01T00:00:00Z",
    }
    body.update(lists)
    return body


def seed(store: Store, cursor: str = "1.a", **lists: Any) -> None:
    """Apply one pull page holding ``lists`` (defaults: one instructor, lesson type, student)."""
    lists.setdefault("instructors", [instructor()])
    lists.setdefault("lesson_types", [lesson_type()])
    lists.setdefault("students", [student()])
    lists.setdefault("templates", [template()])
    with store.uow() as uow:
        uow.pull.apply(page(cursor, **lists), now="2026-01-01T00:00:00Z")
        uow.sync_state.update(role="instructor", instructor_id=INSTRUCTOR_ID)
        uow.commit()


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
