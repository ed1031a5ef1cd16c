"""Booking use cases through the API: create, outcomes, cancel, reschedule, notes, history."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import FakeClock, Person, Studio, add_instructor, add_user, iso, sign

API = "/api/v1"


def book(client: TestClient, who: Person, teacher: Person, start, student: Person | None = None):
    body = {
        "instructor_id": teacher.instructor_id,
        "lesson_type_id": teacher.lesson_type_id,
        "start": iso(start),
    }
    if student is not None:
        body["student_id"] = student.user_id
    return client.post(f"{API}/bookings", json=body, headers=who.headers)


def test_student_books_a_listed_slot(client: TestClient, studio: Studio, clock: FakeClock) -> None:
    teacher, student = studio.instructors[1], studio.students[0]  # Asia/Kolkata: +05:30
    slots = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots",
        params={
            "lesson_type_id": teacher.lesson_type_id,
            "from": iso(clock.now),
            "to": iso(clock.now + timedelta(days=2)),
            "tz": "Asia/Kolkata",
        },
    ).json()["slots"]
    assert slots
    assert slots[0]["local_start"].endswith("+05:30")
    assert slots[0]["start"].endswith("Z")
    created = book(client, student, teacher, _parse(slots[0]["start"]))
    assert created.status_code == 201, created.text
    booking = created.json()
    assert (booking["status"], booking["student_id"], booking["price_cents"]) == (
        "confirmed",
        student.user_id,
        4000,
    )
    after = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots",
        params={
            "lesson_type_id": teacher.lesson_type_id,
            "from": iso(clock.now),
            "to": iso(clock.now + timedelta(days=2)),
        },
    ).json()["slots"]
    assert slots[0]["start"] not in {s["start"] for s in after}


def _parse(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_outcomes_only_after_start_and_terminal_stays_terminal(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    start = (clock.now + timedelta(days=1)).replace(hour=10)
    booking = book(client, student, teacher, start).json()
    early = client.post(f"{API}/bookings/{booking['id']}/complete", headers=teacher.headers)
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    clock.now = start + timedelta(minutes=5)
    done = client.post(f"{API}/bookings/{booking['id']}/complete", headers=teacher.headers)
    assert done.json()["status"] == "completed"
    again = client.post(
        f"{API}/bookings/{booking['id']}/cancel", json={"reason": "x"}, headers=studio.admin.headers
    )
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")


def test_admin_cancel_beats_a_later_complete(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    start = (clock.now + timedelta(days=1)).replace(hour=11)
    booking = book(client, student, teacher, start).json()
    cancelled = client.post(
        f"{API}/bookings/{booking['id']}/cancel",
        json={"reason": "Instructor ill"},
        headers=studio.admin.headers,
    )
    assert cancelled.json()["cancelled_by"] == "admin"
    clock.now = start + timedelta(minutes=50)
    late = client.post(f"{API}/bookings/{booking['id']}/complete", headers=teacher.headers)
    assert late.json()["code"] == "invalid_transition"
    final = client.get(f"{API}/bookings/{booking['id']}", headers=teacher.headers).json()
    assert final["status"] == "cancelled"


def test_reschedule_runs_the_booking_rules(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    day = clock.now + timedelta(days=2)
    first = book(client, student, teacher, day.replace(hour=10)).json()
    second = book(client, studio.students[1], teacher, day.replace(hour=12)).json()
    clash = client.post(
        f"{API}/bookings/{first['id']}/reschedule",
        json={"start": iso(day.replace(hour=12, minute=30))},
        headers=student.headers,
    )
    assert clash.json()["code"] == "instructor_busy"
    # moving onto its own current time overlaps only itself: allowed
    same = client.post(
        f"{API}/bookings/{first['id']}/reschedule",
        json={"start": iso(day.replace(hour=10, minute=30))},
        headers=student.headers,
    )
    assert same.status_code == 200, same.text
    assert same.json()["start"] == iso(day.replace(hour=10, minute=30))
    assert same.json()["version"] == 2
    assert second["status"] == "confirmed"


def test_reschedule_into_its_own_time_passes_buffer_and_daily_limit(
    client: TestClient, uow: UnitOfWork, clock: FakeClock
) -> None:
    """A 15-minute buffer and a limit of one lesson a day: moving the day's only lesson 15
    minutes later overlaps nothing but itself, so the move is allowed; the same move of another
    lesson onto that day is still refused."""
    teacher = sign(uow, add_instructor(uow, "Bea Buffer", buffer_minutes=15, daily_limit=1))
    student = sign(uow, add_user(uow, "student", "Sol Student"))
    day = clock.now + timedelta(days=2)
    lesson = book(client, student, teacher, day.replace(hour=10)).json()
    moved = client.post(
        f"{API}/bookings/{lesson['id']}/reschedule",
        json={"start": iso(day.replace(hour=10, minute=15))},
        headers=student.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["start"] == iso(day.replace(hour=10, minute=15))
    other = book(client, student, teacher, (day + timedelta(days=1)).replace(hour=10)).json()
    onto_full_day = client.post(
        f"{API}/bookings/{other['id']}/reschedule",
        json={"start": iso(day.replace(hour=14))},
        headers=student.headers,
    )
    assert onto_full_day.json()["code"] == "daily_limit"


def test_history_records_who_what_when_and_device(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    booking = book(
        client, teacher, teacher, (clock.now + timedelta(days=1)).replace(hour=14), student
    ).json()
    client.put(
        f"{API}/bookings/{booking['id']}/note", json={"note": "scales"}, headers=teacher.headers
    )
    client.post(
        f"{API}/bookings/{booking['id']}/cancel",
        json={"reason": "moved"},
        headers={**student.headers, "X-Client-Device": "phone-7"},
    )
    history = client.get(
        f"{API}/bookings/{booking['id']}/history", headers=studio.admin.headers
    ).json()
    assert [(e["action"], e["actor_role"], e["device"]) for e in history] == [
        ("booking.create", "instructor", "instructor-device"),
        ("booking.note", "instructor", "instructor-device"),
        ("booking.cancel", "student", "phone-7"),
    ]
    assert history[-1]["details"] == {"reason": "moved"}


def test_instructor_must_name_the_student(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher = studio.instructors[0]
    response = book(client, teacher, teacher, (clock.now + timedelta(days=1)).replace(hour=9))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "student_id"


def test_student_cannot_double_book_themselves(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    london, kolkata = studio.instructors  # Kolkata's 09:00-17:00 is 03:30-11:30 UTC
    student = studio.students[0]
    start = (clock.now + timedelta(days=1)).replace(hour=10)
    assert book(client, student, london, start).status_code == 201
    clash = book(client, student, kolkata, start - timedelta(minutes=30))
    assert clash.json()["code"] == "student_busy"
    assert (
        book(client, studio.students[1], kolkata, start - timedelta(minutes=30)).status_code == 201
    )


def test_admin_filters_and_stats(client: TestClient, studio: Studio, clock: FakeClock) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    booking = book(client, student, teacher, (clock.now + timedelta(days=1)).replace(hour=9))
    assert booking.status_code == 201
    review = client.post(
        f"{API}/admin/bookings/{booking.json()['id']}/review",
        json={"flagged": True, "note": "odd price"},
        headers=studio.admin.headers,
    )
    assert review.json()["flagged"] is True
    flagged = client.get(
        f"{API}/admin/bookings", params={"flagged": "true"}, headers=studio.admin.headers
    ).json()["items"]
    assert [b["id"] for b in flagged] == [booking.json()["id"]]
    found = client.get(
        f"{API}/admin/bookings", params={"q": student.name[:6]}, headers=studio.admin.headers
    ).json()["items"]
    assert len(found) == 1
    stats = client.get(
        f"{API}/admin/stats", params={"group": "instructor"}, headers=studio.admin.headers
    ).json()
    assert stats["rows"] == [
        {"key": teacher.instructor_id, "label": teacher.name, "booked_minutes": 60, "lessons": 1}
    ]
    weekly = client.get(f"{API}/admin/stats", headers=studio.admin.headers).json()
    assert weekly["rows"][0]["label"] == "2026-W10"


def test_pages_follow_the_cursor(client: TestClient, studio: Studio, clock: FakeClock) -> None:
    teacher = studio.instructors[0]
    for hour in (9, 11, 13):
        for n, student in enumerate(studio.students):
            day = clock.now + timedelta(days=1 + n)
            assert book(client, student, teacher, day.replace(hour=hour)).status_code == 201
    seen, cursor = [], None
    while True:
        page = client.get(
            f"{API}/bookings",
            params={"limit": 4, **({"cursor": cursor} if cursor else {})},
            headers=teacher.headers,
        ).json()
        seen += [b["start"] for b in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 9
    assert seen == sorted(seen)


def test_booking_follows_the_days_own_hours(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    """A date's own hours replace the usual week's for that date, in both directions: a day
    closed refuses a lesson the usual week allows, and evening hours given to a day take one
    (the hours and the lessons in the way are read in one statement)."""
    teacher, student = studio.instructors[0], studio.students[0]  # Europe/London, 09:00-17:00
    base = f"{API}/instructors/{teacher.instructor_id}/availability"
    closed, longer = clock.now + timedelta(days=2), clock.now + timedelta(days=3)
    for day, ranges in ((closed, []), (longer, [{"start": "18:00", "end": "21:00"}])):
        put = client.put(
            f"{base}/{day.date().isoformat()}", json={"ranges": ranges}, headers=teacher.headers
        )
        assert put.status_code == 200, put.text

    refused = book(client, student, teacher, closed.replace(hour=10))
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "outside_availability"
    assert book(client, student, teacher, longer.replace(hour=10)).status_code == 409
    evening = book(client, student, teacher, longer.replace(hour=19))  # UTC = London in March
    assert evening.status_code == 201, evening.text
    usual = book(client, student, teacher, (clock.now + timedelta(days=4)).replace(hour=10))
    assert usual.status_code == 201, usual.text
