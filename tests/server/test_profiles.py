"""Instructor profiles through the API: page addresses (slugs), name, bio and lesson types, each
editable by the instructor themselves and by admins only; student sign-up; the change deadline."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import FakeClock, Studio, add_instructor, iso, sign

API = "/api/v1"


def test_slugs_come_from_names_unique_and_stay_when_renamed(
    client: TestClient, uow: UnitOfWork, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    twin = add_instructor(uow, "Ines Teacher")
    accented = add_instructor(uow, "José Núñez")
    got = client.get(f"{API}/instructors", headers=studio.admin.headers).json()["items"]
    slugs = {i["id"]: i["slug"] for i in got}
    assert slugs[teacher.instructor_id] == "ines-teacher"
    assert slugs[twin.instructor_id] == "ines-teacher-2"
    assert slugs[accented.instructor_id] == "jose-nunez"
    renamed = client.patch(
        f"{API}/instructors/{teacher.instructor_id}",
        json={"name": "Ines Maestra", "bio": "Piano.\n\nAll levels."},
        headers=teacher.headers,
    ).json()
    assert renamed["name"] == "Ines Maestra"
    assert renamed["slug"] == "ines-teacher"


def test_slug_edits_own_or_admin_free_and_well_formed(client: TestClient, studio: Studio) -> None:
    teacher, other = studio.instructors
    path = f"{API}/instructors/{teacher.instructor_id}"
    mine = client.patch(path, json={"slug": "ines-piano"}, headers=teacher.headers)
    assert mine.status_code == 200
    assert mine.json()["slug"] == "ines-piano"
    assert client.patch(path, json={"slug": "x-y"}, headers=other.headers).status_code == 403
    assert client.patch(path, json={"slug": "by-admin"}, headers=studio.admin.headers).is_success
    taken = client.patch(
        f"{API}/instructors/{other.instructor_id}", json={"slug": "by-admin"}, headers=other.headers
    )
    assert taken.status_code == 409
    assert taken.json()["code"] == "slug_taken"
    for bad in ("lessons", "Has Spaces", "a--b", "-x"):
        refused = client.patch(path, json={"slug": bad}, headers=teacher.headers)
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["field"] == "slug"


def test_lesson_types_added_and_changed_by_their_instructor_or_an_admin(
    client: TestClient, studio: Studio
) -> None:
    teacher, other = studio.instructors
    added = client.post(
        f"{API}/instructors/{teacher.instructor_id}/lesson-types",
        json={
            "name": "Taster",
            "duration_minutes": 30,
            "price_cents": 1500,
            "currency": "GBP",
            "color": "#aa3366",
        },
        headers=teacher.headers,
    )
    assert added.status_code == 201
    kind = added.json()
    assert kind["color"] == "#AA3366"
    assert kind["active"] is True
    path = f"{API}/lesson-types/{kind['id']}"
    changed = client.patch(
        path,
        json={"name": "First lesson", "duration_minutes": 45, "price_cents": 0, "active": False},
        headers=teacher.headers,
    ).json()
    assert (changed["name"], changed["duration_minutes"], changed["active"]) == (
        "First lesson",
        45,
        False,
    )
    assert client.patch(path, json={"name": "Mine"}, headers=other.headers).status_code == 403
    assert client.patch(path, json={"currency": "USD"}, headers=studio.admin.headers).is_success
    assert client.patch(path, json={"color": "red"}, headers=teacher.headers).status_code == 422
    history = client.get(f"{API}/sync/pull?cursor=0", headers=teacher.headers).json()["audit"]
    actions = [a["action"] for a in history if a["details"].get("lesson_type_id") == kind["id"]]
    assert actions == ["lesson_type.add", "lesson_type.update", "lesson_type.update"]


def test_student_sign_up_through_the_api(client: TestClient, studio: Studio) -> None:
    body = {
        "name": "Ana New",
        "email": "Ana.New@Example.com",
        "password": "long enough",
        "time_zone": "Asia/Tokyo",
    }
    made = client.post(f"{API}/auth/sign-up", json=body)
    assert made.status_code == 201
    assert made.json()["user"]["role"] == "student"
    token = made.json()["access_token"]
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["email"] == "ana.new@example.com"
    again = client.post(f"{API}/auth/sign-up", json=body)
    assert again.status_code == 409
    assert again.json()["code"] == "email_taken"
    zone = client.post(
        f"{API}/auth/sign-up", json={**body, "email": "b@example.com", "time_zone": "Mars/Base"}
    )
    assert zone.status_code == 422
    assert zone.json()["errors"][0]["field"] == "time_zone"


def test_students_cancel_or_move_only_until_the_instructors_notice(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    start = clock.now + timedelta(days=1, hours=2)  # Tue 10:00 London
    booked = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso(start),
        },
        headers=student.headers,
    ).json()
    clock.now = start - timedelta(minutes=119)  # within the 2 hours' notice
    path = f"{API}/bookings/{booked['id']}"
    late = client.post(f"{path}/cancel", json={"reason": "late"}, headers=student.headers)
    assert late.status_code == 409
    assert "2 hours before" in late.json()["detail"]
    moved = client.post(
        f"{path}/reschedule",
        json={"start": iso(start + timedelta(days=1))},
        headers=student.headers,
    )
    assert moved.status_code == 409
    instructor = client.post(f"{path}/cancel", json={"reason": "ill"}, headers=teacher.headers)
    assert instructor.status_code == 200


def test_the_public_live_stream_says_only_that_something_changed(
    client: TestClient, uow: UnitOfWork, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    sign(uow, student, clock.now)
    path = f"{API}/instructors/{teacher.instructor_id}/live"
    with client.stream("GET", path) as stream:
        assert stream.status_code == 200
        lines = stream.iter_lines()
        assert next(lines) == "retry: 5000"
        booked = client.post(
            f"{API}/bookings",
            json={
                "instructor_id": teacher.instructor_id,
                "lesson_type_id": teacher.lesson_type_id,
                "start": iso(clock.now + timedelta(days=1, hours=2)),
            },
            headers=student.headers,
        )
        assert booked.status_code == 201
        heard = []
        for line in lines:
            heard.append(line)
            if line.startswith("data:"):
                break
    assert heard[-2:] == ["event: changed", "data: {}"]
    assert client.get(f"{API}/instructors/nope/live").status_code == 404
