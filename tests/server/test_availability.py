"""Weekly templates, date overrides, and the conflicts an edit leaves (it never cancels)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.server.helpers import FakeClock, Studio, iso

API = "/api/v1"


def book(client: TestClient, teacher: Any, student: Any, start: datetime) -> dict[str, Any]:
    """A student books the teacher's first lesson type at ``start``."""
    response = client.post(
        f"{API}/bookings",
        headers=student.headers,
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso(start),
        },
    )
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking


def test_template_and_overrides(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    base = f"{API}/instructors/{teacher.instructor_id}"
    put = client.put(
        f"{base}/weekly-template",
        headers=teacher.headers,
        json={
            "ranges": [
                {"weekday": 0, "start": "13:00", "end": "17:00"},
                {"weekday": 0, "start": "09:00", "end": "12:00"},
                {"weekday": 0, "start": "11:00", "end": "12:30"},  # overlapping input merges
                {"weekday": 5, "start": "20:00", "end": "24:00"},
            ]
        },
    )
    assert put.status_code == 200, put.text
    assert put.json()["ranges"] == [
        {"weekday": 0, "start": "09:00", "end": "12:30"},
        {"weekday": 0, "start": "13:00", "end": "17:00"},
        {"weekday": 5, "start": "20:00", "end": "24:00"},
    ]
    assert (
        client.put(
            f"{base}/availability/2026-03-09", json={"ranges": []}, headers=teacher.headers
        ).status_code
        == 200
    )
    days = client.get(
        f"{base}/availability?from=2026-03-07&to=2026-03-09", headers=studio.students[0].headers
    ).json()["days"]
    assert days == [
        {
            "date": "2026-03-07",
            "source": "template",
            "ranges": [{"start": "20:00", "end": "24:00"}],
        },
        {"date": "2026-03-08", "source": "template", "ranges": []},
        {"date": "2026-03-09", "source": "override", "ranges": []},
    ]
    assert (
        client.delete(f"{base}/availability/2026-03-09", headers=teacher.headers).status_code == 204
    )
    again = client.get(
        f"{base}/availability?from=2026-03-09&to=2026-03-09", headers=teacher.headers
    ).json()["days"]
    assert again[0]["source"] == "template"


def test_invalid_ranges_are_422(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    response = client.put(
        f"{API}/instructors/{teacher.instructor_id}/availability/2026-03-09",
        json={"ranges": [{"start": "12:00", "end": "09:00"}]},
        headers=teacher.headers,
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid_time_range")


def test_time_off_over_a_lesson_records_a_conflict_and_keeps_the_lesson(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    start = (clock.now + timedelta(days=2)).replace(hour=15)
    booking = book(client, teacher, student, start)
    day = start.date().isoformat()
    url = f"{API}/instructors/{teacher.instructor_id}/availability/{day}"
    assert (
        client.put(
            url, json={"ranges": [{"start": "09:00", "end": "12:00"}]}, headers=teacher.headers
        ).status_code
        == 200
    )
    pulled = client.get(f"{API}/sync/pull", headers=teacher.headers).json()
    conflicts = [c for c in pulled["conflicts"] if c["booking_id"] == booking["id"]]
    assert len(conflicts) == 1
    assert conflicts[0]["kind"] == "outside_availability"
    assert "15:00" in conflicts[0]["message"]
    still = client.get(f"{API}/bookings/{booking['id']}", headers=teacher.headers).json()
    assert still["status"] == "confirmed"
    # hours back: the conflict is withdrawn, and the withdrawal syncs as a tombstone
    assert client.delete(url, headers=teacher.headers).status_code == 204
    later = client.get(
        f"{API}/sync/pull", params={"cursor": pulled["cursor"]}, headers=teacher.headers
    ).json()
    assert {"entity": "conflict", "id": conflicts[0]["id"]} in later["tombstones"]
    assert {"entity": "override", "id": f"{teacher.instructor_id}/{day}"} in later["tombstones"]


def test_moving_time_zone_records_conflicts_for_lessons_now_outside(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]  # London, hours 09-17
    start = (clock.now + timedelta(days=2)).replace(hour=9)
    booking = book(client, teacher, student, start)
    moved = client.patch(
        f"{API}/instructors/{teacher.instructor_id}",
        json={"time_zone": "America/New_York"},
        headers=teacher.headers,
    )
    assert moved.json()["time_zone"] == "America/New_York"
    conflicts = client.get(f"{API}/sync/pull", headers=teacher.headers).json()["conflicts"]
    assert [c["booking_id"] for c in conflicts] == [booking["id"]]  # 09:00 UTC is 04:00 there


def test_an_edit_of_one_date_leaves_clashes_on_other_dates_alone(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    start = (clock.now + timedelta(days=2)).replace(hour=15)
    booking = book(client, teacher, student, start)
    base = f"{API}/instructors/{teacher.instructor_id}/availability"
    lesson_day, other_day = start.date(), start.date() + timedelta(days=1)
    # the lesson's day loses its afternoon: one clash, about that lesson
    morning = {"ranges": [{"start": "09:00", "end": "12:00"}]}
    client.put(f"{base}/{lesson_day.isoformat()}", json=morning, headers=teacher.headers)
    first = client.get(f"{API}/sync/pull", headers=teacher.headers).json()
    clash = [c for c in first["conflicts"] if c["booking_id"] == booking["id"]]
    assert len(clash) == 1
    assert f" {start.day} " in clash[0]["message"]  # "Tue 3 Dec", not "Tue 03 Dec"
    # an edit of the next day neither repeats nor withdraws it
    client.put(f"{base}/{other_day.isoformat()}", json=morning, headers=teacher.headers)
    later = client.get(
        f"{API}/sync/pull", params={"cursor": first["cursor"]}, headers=teacher.headers
    ).json()
    assert later["conflicts"] == []
    assert {"entity": "conflict", "id": clash[0]["id"]} not in later["tombstones"]
