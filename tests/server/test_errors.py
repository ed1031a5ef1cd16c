"""Bad input is a clear 4xx problem document, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.server.helpers import FakeClock, Studio, iso

API = "/api/v1"


def assert_problem(response: Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["code"] == code
    assert body["type"] == f"urn:instainstru:problem:{code}"
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["errors"], list)
    return body


def test_malformed_json(client: TestClient, studio: Studio) -> None:
    response = client.post(
        f"{API}/bookings",
        content=b"{not json",
        headers={**studio.students[0].headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 400, "malformed_json")


def test_wrong_types_list_the_fields(client: TestClient, studio: Studio) -> None:
    response = client.post(
        f"{API}/bookings",
        json={"instructor_id": 5, "start": "soon"},
        headers=studio.students[0].headers,
    )
    body = assert_problem(response, 422, "validation_error")
    fields = {e["field"] for e in body["errors"]}  # type: ignore[attr-defined]
    assert {"instructor_id", "start", "lesson_type_id"} <= fields


@pytest.mark.parametrize(
    "path",
    [
        "/bookings/00000000-0000-4000-8000-000000000000",
        "/instructors/00000000-0000-4000-8000-000000000000",
        "/bookings/not-even-a-uuid/history",
        "/no/such/route",
    ],
)
def test_unknown_ids_and_routes(client: TestClient, studio: Studio, path: str) -> None:
    assert_problem(client.get(API + path, headers=studio.admin.headers), 404, "not_found")


def test_unknown_lesson_type_is_not_found(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    response = client.post(
        f"{API}/bookings",
        headers=studio.students[0].headers,
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": studio.instructors[1].lesson_type_id,
            "start": "2026-03-05T10:00:00Z",
        },
    )
    assert_problem(response, 404, "not_found")


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01&to=0001-01-02",
        "from=2026-13-01&to=2026-13-02",
        "from=2026-01-01&to=2027-06-01",
        "from=2026-02-01&to=2026-01-01",
    ],
)
def test_out_of_range_dates(client: TestClient, studio: Studio, query: str) -> None:
    teacher = studio.instructors[0]
    response = client.get(
        f"{API}/instructors/{teacher.instructor_id}/availability?{query}", headers=teacher.headers
    )
    assert response.status_code == 422
    assert response.json()["code"] in {"validation_error", "invalid_time_range"}
    assert_problem(response, 422, response.json()["code"])


def test_far_instants_are_refused_not_overflowed(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    response = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots?lesson_type_id={teacher.lesson_type_id}"
        "&from=9999-12-31T00:00:00Z&to=9999-12-31T23:00:00Z"
    )
    assert_problem(response, 422, "validation_error")


def test_unknown_time_zone(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    response = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots?lesson_type_id={teacher.lesson_type_id}"
        "&from=2026-03-03T00:00:00Z&to=2026-03-04T00:00:00Z&tz=Mars/Olympus_Mons"
    )
    assert_problem(response, 422, "unknown_time_zone")
    patch = client.patch(
        f"{API}/instructors/{teacher.instructor_id}",
        json={"time_zone": "Not/AZone"},
        headers=teacher.headers,
    )
    assert_problem(patch, 422, "unknown_time_zone")


def test_start_off_the_slot_step(client: TestClient, studio: Studio, clock: FakeClock) -> None:
    teacher = studio.instructors[0]
    start = (clock.now + timedelta(days=2)).replace(hour=10, minute=7)
    response = client.post(
        f"{API}/bookings",
        headers=studio.students[0].headers,
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso(start),
        },
    )
    body = assert_problem(response, 422, "off_step")
    assert body["errors"] == [{"field": "start", "message": body["detail"]}]


def test_oversize_body(client: TestClient, studio: Studio) -> None:
    response = client.put(
        f"{API}/bookings/x/note",
        content=b"{" + b" " * (1024 * 1024 + 10) + b"}",
        headers={**studio.instructors[0].headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 413, "payload_too_large")


def test_oversize_chunked_body(client: TestClient, studio: Studio) -> None:
    def chunks():  # no Content-Length: counted as it streams in
        for _ in range(20):
            yield b" " * 100_000

    response = client.put(
        f"{API}/bookings/x/note",
        content=chunks(),
        headers={**studio.instructors[0].headers, "Content-Type": "application/json"},
    )
    assert_problem(response, 413, "payload_too_large")


def test_old_client_protocol(client: TestClient, studio: Studio) -> None:
    response = client.get(f"{API}/me", headers={**studio.admin.headers, "X-Client-Protocol": "0"})
    assert_problem(response, 426, "update_required")
    ok = client.get(f"{API}/me", headers={**studio.admin.headers, "X-Client-Protocol": "1"})
    assert ok.status_code == 200
    meta = client.get(f"{API}/meta", headers={"X-Client-Protocol": "0"})
    assert meta.status_code == 200


def test_method_not_allowed(client: TestClient, studio: Studio) -> None:
    assert_problem(
        client.delete(f"{API}/me", headers=studio.admin.headers), 405, "method_not_allowed"
    )


def test_bad_page_cursor(client: TestClient, studio: Studio) -> None:
    response = client.get(f"{API}/bookings?cursor=%%%garbage", headers=studio.admin.headers)
    assert_problem(response, 422, "validation_error")


def test_booking_rule_codes(client: TestClient, studio: Studio, clock: FakeClock) -> None:
    teacher, student = studio.instructors[0], studio.students[0]

    def book(start) -> Response:
        return client.post(
            f"{API}/bookings",
            headers=student.headers,
            json={
                "instructor_id": teacher.instructor_id,
                "lesson_type_id": teacher.lesson_type_id,
                "start": iso(start),
            },
        )

    assert_problem(book(clock.now + timedelta(minutes=60)), 409, "too_soon")
    assert_problem(book(clock.now + timedelta(days=40)), 409, "too_far")
    assert_problem(
        book((clock.now + timedelta(days=1)).replace(hour=20)), 409, "outside_availability"
    )
    first = book((clock.now + timedelta(days=1)).replace(hour=10))
    assert first.status_code == 201
    assert_problem(
        book((clock.now + timedelta(days=1)).replace(hour=10, minute=30)), 409, "instructor_busy"
    )
