"""Correcting a recorded outcome: completed <-> no-show only, by the lesson's instructor or an
admin, through the API and through sync, audited in words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.server.helpers import FakeClock, Person, Studio, new_id
from tests.server.test_bookings import API, book
from tests.server.test_sync import push


@pytest.fixture
def marked(client: TestClient, studio: Studio, clock: FakeClock) -> str:
    """A lesson of the first instructor that took place and was marked completed."""
    teacher, student = studio.instructors[0], studio.students[0]
    start = (clock.now + timedelta(days=1)).replace(hour=10, minute=0)
    booking = book(client, student, teacher, start).json()
    clock.now = start + timedelta(minutes=70)
    done = client.post(f"{API}/bookings/{booking['id']}/complete", headers=teacher.headers)
    assert done.json()["status"] == "completed"
    return str(booking["id"])


def correct(client: TestClient, who: Person, booking_id: str, status: str):
    return client.post(
        f"{API}/bookings/{booking_id}/correct-outcome", json={"status": status}, headers=who.headers
    )


def history(client: TestClient, who: Person, booking_id: str) -> list[dict]:
    answer = client.get(f"{API}/bookings/{booking_id}/history", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def corrections_of(client: TestClient, who: Person, booking_id: str) -> list[dict]:
    return [e for e in history(client, who, booking_id) if e["action"] == "booking.correct_outcome"]


def test_the_instructor_corrects_completed_to_no_show_and_back(client, studio, marked):
    teacher = studio.instructors[0]
    missed = correct(client, teacher, marked, "no_show")
    assert missed.status_code == 200, missed.text
    assert missed.json()["status"] == "no_show"
    again = correct(client, teacher, marked, "completed")
    assert again.json()["status"] == "completed"
    corrections = corrections_of(client, teacher, marked)
    assert [(e["details"]["from_status"], e["details"]["to_status"]) for e in corrections] == [
        ("completed", "no-show"),
        ("no-show", "completed"),
    ]
    assert {e["actor_role"] for e in corrections} == {"instructor"}


def test_an_admin_may_correct_any_lesson(client, studio, marked):
    answer = correct(client, studio.admin, marked, "no_show")
    assert answer.json()["status"] == "no_show"
    [entry] = [
        e for e in history(client, studio.admin, marked) if e["action"] == "booking.correct_outcome"
    ]
    assert entry["actor_role"] == "admin"


def test_another_instructor_and_the_student_may_not(client, studio, marked):
    stranger = correct(client, studio.instructors[1], marked, "no_show")
    assert stranger.status_code == 404  # another instructor's lesson is not even visible
    student = correct(client, studio.students[0], marked, "no_show")
    assert student.status_code == 403
    final = client.get(f"{API}/bookings/{marked}", headers=studio.admin.headers).json()
    assert final["status"] == "completed"


def test_only_a_recorded_outcome_is_corrected(client, studio, clock):
    teacher, student = studio.instructors[0], studio.students[0]
    start = (clock.now + timedelta(days=2)).replace(hour=12, minute=0)
    booking = book(client, student, teacher, start).json()
    early = correct(client, teacher, booking["id"], "completed")
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    assert "this lesson is confirmed" in early.json()["detail"]
    client.post(
        f"{API}/bookings/{booking['id']}/cancel", json={"reason": "ill"}, headers=teacher.headers
    )
    late = correct(client, teacher, booking["id"], "no_show")
    assert (late.status_code, late.json()["code"]) == (409, "invalid_transition")
    wrong = correct(client, teacher, booking["id"], "cancelled")
    assert wrong.status_code == 422


def test_a_correction_to_the_status_it_has_is_done_once(client, studio, marked):
    teacher = studio.instructors[0]
    correct(client, teacher, marked, "no_show")
    same = correct(client, teacher, marked, "no_show")
    assert same.status_code == 200
    assert len(corrections_of(client, teacher, marked)) == 1


def test_a_pushed_correction_is_applied_and_a_refused_one_is_explained(client, studio, marked):
    teacher = studio.instructors[0]
    client_id = new_id()
    answer = push(
        client,
        teacher,
        client_id,
        {
            "id": 1,
            "name": "booking.correct_outcome",
            "args": {"booking_id": marked, "status": "no_show"},
            "base_version": None,
        },
        {
            "id": 2,
            "name": "booking.correct_outcome",
            "args": {"booking_id": marked, "status": "maybe"},
            "base_version": None,
        },
    )
    assert answer.status_code == 200, answer.text
    first, second = answer.json()["results"]
    assert first["status"] == "applied"
    assert first["result"]["status"] == "no_show"
    assert (second["status"], second["code"]) == ("rejected", "validation_error")
    final = client.get(f"{API}/bookings/{marked}", headers=teacher.headers).json()
    assert final["status"] == "no_show"
