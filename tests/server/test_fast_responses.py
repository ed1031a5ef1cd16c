"""Endpoints that write their bodies with orjson (no response model pass) answer exactly what
their documented response model would have written, and stay documented in OpenAPI."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from pydantic import BaseModel

from instainstru_desktop.server.api.schemas import (
    AvailabilityOut,
    BookingOut,
    BookingPage,
    SlotsOut,
)
from tests.server.helpers import FakeClock, Studio, iso

API = "/api/v1"


def _as_the_model_writes(model: type[BaseModel], text: str) -> Any:
    return json.loads(model.model_validate_json(text).model_dump_json())


def test_bodies_match_their_response_models(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student, admin = studio.instructors[1], studio.students[0], studio.admin
    clock.advance(microseconds=123_456)  # created_at / updated_at carry a fraction of a second
    slots = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots",
        params={
            "lesson_type_id": teacher.lesson_type_id,
            "from": iso(clock.now),
            "to": iso(clock.now + timedelta(days=3)),
            "tz": "America/New_York",
        },
    )
    assert slots.json()["slots"]
    assert slots.json() == _as_the_model_writes(SlotsOut, slots.text)
    created = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": slots.json()["slots"][0]["start"],
        },
        headers=student.headers,
    )
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == "application/json"
    assert created.json() == _as_the_model_writes(BookingOut, created.text)
    assert created.json()["created_at"].endswith(".123456Z")
    booking_id = created.json()["id"]
    for who in (student, teacher, admin):  # the note and review are blanked per audience
        got = client.get(f"{API}/bookings/{booking_id}", headers=who.headers)
        assert got.status_code == 200
        assert got.json() == _as_the_model_writes(BookingOut, got.text)
        assert got.json()["start"] == created.json()["start"]
        if who is student:  # the answer to the booking is the lesson as it reads back
            assert got.json() == created.json()
    week = client.get(
        f"{API}/instructors/{teacher.instructor_id}/availability",
        params={
            "from": clock.now.date().isoformat(),
            "to": (clock.now.date() + timedelta(days=6)).isoformat(),
        },
        headers=teacher.headers,
    )
    assert week.status_code == 200
    assert len(week.json()["days"]) == 7
    assert week.json() == _as_the_model_writes(AvailabilityOut, week.text)
    by_admin = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": slots.json()["slots"][-1]["start"],
            "student_id": studio.students[1].user_id,
        },
        headers=admin.headers,
    )
    assert by_admin.status_code == 201, by_admin.text
    read_back = client.get(f"{API}/bookings/{by_admin.json()['id']}", headers=admin.headers)
    assert read_back.json() == by_admin.json()
    page = client.get(f"{API}/admin/bookings", params={"limit": 5}, headers=admin.headers)
    assert page.json() == _as_the_model_writes(BookingPage, page.text)


def test_fast_endpoints_keep_their_documented_bodies(client: TestClient) -> None:
    paths = client.get(f"{API}/openapi.json").json()["paths"]

    def body_ref(path: str, method: str, status: str) -> str:
        content = paths[f"{API}{path}"][method]["responses"][status]["content"]
        return str(content["application/json"]["schema"]["$ref"])

    assert body_ref("/bookings", "post", "201").endswith("/BookingOut")
    assert body_ref("/bookings/{booking_id}", "get", "200").endswith("/BookingOut")
    assert body_ref("/instructors/{instructor_id}/availability", "get", "200").endswith(
        "/AvailabilityOut"
    )
    assert body_ref("/instructors/{instructor_id}/slots", "get", "200").endswith("/SlotsOut")
