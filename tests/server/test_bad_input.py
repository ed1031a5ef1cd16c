"""Input refused at the door: control characters, zone names that are not IANA zones, and values
of the wrong JSON type are a 422 problem on every database -- and, pushed as a mutation, a
rejection the queue moves past.

Run these on PostgreSQL too (``scripts/test-postgres tests/server/test_bad_input.py``): it is
where a NUL character used to end in a 500 and a device's queue blocked for good.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from instainstru_desktop.server.core.wire import CONTROL_MESSAGE as ANY_CONTROL_MESSAGE
from tests.server.helpers import PASSWORD, FakeClock, Person, Studio, iso, new_id
from tests.server.test_errors import assert_problem

API = "/api/v1"
#: Characters no text may hold: C0 controls but tab, LF and CR; DEL; C1 controls.
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]
NOT_IANA = ["localtime", "right/UTC", "posixrules", "posix/Europe/London", "Factory "]


@pytest.fixture
def booking(client: TestClient, studio: Studio, clock: FakeClock) -> dict[str, Any]:
    teacher = studio.instructors[0]
    response = client.post(
        f"{API}/bookings",
        headers=studio.students[0].headers,
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso((clock.now + timedelta(days=1)).replace(hour=10)),
        },
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def push(client: TestClient, who: Person, *mutations: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        f"{API}/sync/push",
        json={"client_id": new_id(), "mutations": list(mutations)},
        headers=who.headers,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def mutation(n: int, name: str, **args: Any) -> dict[str, Any]:
    return {"id": n, "name": name, "args": args, "base_version": None}


# -- control characters ------------------------------------------------------------------------


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_in_a_json_field(
    client: TestClient, studio: Studio, booking: dict[str, Any], char: str
) -> None:
    teacher = studio.instructors[0]
    response = client.put(
        f"{API}/bookings/{booking['id']}/note", json={"note": f"a{char}b"}, headers=teacher.headers
    )
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "note"  # type: ignore[index]
    assert "control character" in body["errors"][0]["message"]  # type: ignore[index]
    assert client.get(f"{API}/bookings/{booking['id']}", headers=teacher.headers).json()[
        "note"
    ] in ("", None)


def test_tabs_and_line_breaks_are_text(
    client: TestClient, studio: Studio, booking: dict[str, Any]
) -> None:
    note = "first line\r\nsecond\tline\n"
    response = client.put(
        f"{API}/bookings/{booking['id']}/note",
        json={"note": note},
        headers=studio.instructors[0].headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["note"] == note


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/auth/token", {"email": "ana\x00@test.example", "password": PASSWORD}),
        ("POST", "/auth/token", {"email": "ana@test.example", "password": "pass\x00word"}),
        ("PATCH", "/instructors/{instructor}", {"bio": "Hello\x00"}),
        ("PATCH", "/instructors/{instructor}", {"name": "Ines\x1b[31m"}),
        ("POST", "/instructors/{instructor}/lesson-types", {
            "name": "Piano\x00", "duration_minutes": 60, "price_cents": 100,
            "currency": "EUR", "color": "#112233",
        }),
        ("PATCH", "/lesson-types/{lesson_type}", {"name": "Piano\x00"}),
        ("POST", "/bookings/{booking}/cancel", {"reason": "ill\x00"}),
        ("POST", "/admin/bookings/{booking}/review", {"flagged": True, "note": "look\x00"}),
        ("POST", "/bookings", {
            "instructor_id": "{instructor}\x00", "lesson_type_id": "{lesson_type}",
            "start": "2026-03-03T10:00:00Z", "student_id": "{student}",
        }),
    ],
)  # fmt: skip
def test_control_characters_in_any_body(
    client: TestClient,
    studio: Studio,
    booking: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    teacher = studio.instructors[0]
    names = {
        "instructor": teacher.instructor_id,
        "lesson_type": teacher.lesson_type_id,
        "booking": booking["id"],
        "student": studio.students[1].user_id,
    }
    filled = {k: v.format(**names) if isinstance(v, str) else v for k, v in body.items()}
    response = client.request(
        method, API + path.format(**names), json=filled, headers=studio.admin.headers
    )
    assert_problem(response, 422, "validation_error")


@pytest.mark.parametrize(
    "path",
    [
        "/students?q=a%00b",
        "/students?q=a%01b",
        "/students?q=a%C2%85b",
        "/students?cursor=%00",
        "/admin/bookings?q=%00",
        "/admin/bookings?instructor_id=%00",
        "/bookings?cursor=a%00",
        "/sync/pull?cursor=1.%00",
        "/bookings/%00",
        "/bookings/a%00b/history",
        "/instructors/%00",
        "/instructors/%1F/weekly-template",
    ],
)
def test_control_characters_in_queries_and_paths(
    client: TestClient, studio: Studio, path: str
) -> None:
    response = client.get(API + path, headers=studio.admin.headers)
    body = assert_problem(response, 422, "validation_error")
    assert "control character" in body["detail"]  # type: ignore[operator]


def test_control_characters_in_an_anonymous_query(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    response = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots",
        params={
            "lesson_type_id": f"{teacher.lesson_type_id}\x00",
            "from": "2026-03-03T00:00:00Z",
            "to": "2026-03-04T00:00:00Z",
        },
    )
    assert_problem(response, 422, "validation_error")


def test_a_pushed_control_character_is_rejected_and_the_queue_moves_on(
    client: TestClient, studio: Studio, booking: dict[str, Any]
) -> None:
    teacher = studio.instructors[0]
    answer = push(
        client,
        teacher,
        mutation(1, "booking.note", booking_id=booking["id"], note="a\x00b"),
        mutation(2, "booking.cancel", booking_id=booking["id"], reason="sick\x07"),
        mutation(3, "booking.note", booking_id=f"{booking['id']}\x00", note="x"),
        mutation(4, "booking.note", booking_id=booking["id"], note="kept"),
    )
    assert [r["status"] for r in answer["results"]] == ["rejected"] * 3 + ["applied"]
    assert answer["last_mutation_id"] == 4
    first, second, third = answer["results"][:3]
    assert first["code"] == second["code"] == "validation_error"
    assert "note" in first["message"]
    assert "control character" in first["message"]
    assert "reason" in second["message"]
    assert third["code"] == "validation_error"
    assert not [r for r in answer["results"] if r["message"] and "\x00" in r["message"]]
    lesson = client.get(f"{API}/bookings/{booking['id']}", headers=teacher.headers).json()
    assert (lesson["note"], lesson["status"]) == ("kept", "confirmed")
    conflicts = client.get(f"{API}/sync/pull", headers=teacher.headers).json()["conflicts"]
    assert len([c for c in conflicts if c["kind"] == "rejected_mutation"]) == 3


def test_a_control_character_in_a_mutation_name_refuses_the_push(
    client: TestClient, studio: Studio
) -> None:
    """Names come from the app's own code, never from what a person typed: such a push is
    malformed as a whole (and nothing of it is stored)."""
    teacher = studio.instructors[0]
    device = new_id()
    response = client.post(
        f"{API}/sync/push",
        json={"client_id": device, "mutations": [mutation(1, "booking.note\x00")]},
        headers=teacher.headers,
    )
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "mutations.0.name"  # type: ignore[index]
    state = client.get(f"{API}/sync/state", params={"client_id": device}, headers=teacher.headers)
    assert state.json()["last_mutation_id"] == 0


# -- time zones ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOT_IANA)
def test_zone_names_outside_the_iana_list_are_refused(
    client: TestClient, studio: Studio, name: str
) -> None:
    teacher = studio.instructors[0]
    slots = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots",
        params={
            "lesson_type_id": teacher.lesson_type_id,
            "from": "2026-03-03T00:00:00Z",
            "to": "2026-03-04T00:00:00Z",
            "tz": name,
        },
    )
    assert_problem(slots, 422, "unknown_time_zone")
    patch = client.patch(
        f"{API}/instructors/{teacher.instructor_id}",
        json={"time_zone": name},
        headers=teacher.headers,
    )
    assert_problem(patch, 422, "unknown_time_zone")
    answer = push(
        client,
        teacher,
        mutation(1, "profile.update", instructor_id=teacher.instructor_id, time_zone=name),
    )
    assert (answer["results"][0]["status"], answer["results"][0]["code"]) == (
        "rejected",
        "unknown_time_zone",
    )
    profile = client.get(f"{API}/instructors/{teacher.instructor_id}", headers=teacher.headers)
    assert profile.json()["time_zone"] == "Europe/London"


def test_iana_zones_are_accepted(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    for name in ("America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC"):
        patch = client.patch(
            f"{API}/instructors/{teacher.instructor_id}",
            json={"time_zone": name},
            headers=teacher.headers,
        )
        assert patch.status_code == 200, patch.text
        assert patch.json()["time_zone"] == name


# -- strict JSON types -------------------------------------------------------------------------


@pytest.mark.parametrize("start", [1772532000, 1772532000.0, "1772532000", "2026-03-03 10:00"])
def test_a_booking_start_is_an_rfc3339_string(
    client: TestClient, studio: Studio, start: object
) -> None:
    teacher = studio.instructors[0]
    response = client.post(
        f"{API}/bookings",
        headers=studio.students[0].headers,
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": start,
        },
    )
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"][0]["field"] == "start"  # type: ignore[index]


POLICY = {
    "min_notice_minutes": 60,
    "booking_horizon_days": 28,
    "buffer_minutes": 0,
    "slot_step_minutes": 15,
    "daily_limit": None,
    "weekly_limit": None,
}


@pytest.mark.parametrize(
    "change",
    [
        {"buffer_minutes": False},
        {"slot_step_minutes": True},
        {"min_notice_minutes": "60"},
        {"booking_horizon_days": 7.5},
        {"daily_limit": True},
    ],
)
def test_policy_numbers_are_json_numbers(
    client: TestClient, studio: Studio, change: dict[str, Any]
) -> None:
    teacher = studio.instructors[0]
    path = f"{API}/instructors/{teacher.instructor_id}/policy"
    response = client.put(path, json={**POLICY, **change}, headers=teacher.headers)
    assert_problem(response, 422, "validation_error")
    policy = client.get(f"{API}/instructors/{teacher.instructor_id}", headers=teacher.headers)
    assert policy.json()["policy"]["min_notice_minutes"] == 120  # unchanged


def test_whole_numbers_written_with_a_fraction_are_numbers(
    client: TestClient, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    path = f"{API}/instructors/{teacher.instructor_id}/policy"
    response = client.put(path, json={**POLICY, "buffer_minutes": 10.0}, headers=teacher.headers)
    assert response.status_code == 200, response.text  # JSON Schema: 10.0 is an integer
    assert response.json()["buffer_minutes"] == 10


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/instructors/{instructor}/lesson-types", {
            "name": "Piano", "duration_minutes": 60, "price_cents": 100, "currency": "EUR",
            "color": "#112233", "active": 0,
        }),
        ("PATCH", "/lesson-types/{lesson_type}", {"active": 1}),
        ("PATCH", "/lesson-types/{lesson_type}", {"duration_minutes": "45"}),
        ("POST", "/admin/bookings/{booking}/review", {"flagged": 1}),
        ("POST", "/admin/bookings/{booking}/review", {"flagged": "true"}),
        ("POST", "/bookings/{booking}/reschedule", {"start": 1772532000}),
    ],
)  # fmt: skip
def test_booleans_numbers_and_instants_are_not_coerced(
    client: TestClient,
    studio: Studio,
    booking: dict[str, Any],
    method: str,
    path: str,
    body: dict[str, Any],
) -> None:
    teacher = studio.instructors[0]
    names = {
        "instructor": teacher.instructor_id,
        "lesson_type": teacher.lesson_type_id,
        "booking": booking["id"],
    }
    response = client.request(
        method, API + path.format(**names), json=body, headers=studio.admin.headers
    )
    assert_problem(response, 422, "validation_error")


@pytest.mark.parametrize("day", ["0", "86400", "20260303", "2026-3-3", "2026-03-03T00:00:00Z"])
def test_a_date_in_a_path_is_yyyy_mm_dd(client: TestClient, studio: Studio, day: str) -> None:
    teacher = studio.instructors[0]
    path = f"{API}/instructors/{teacher.instructor_id}/availability/{day}"
    assert_problem(
        client.put(path, json={"ranges": []}, headers=teacher.headers), 422, "validation_error"
    )
    assert_problem(client.delete(path, headers=teacher.headers), 422, "validation_error")
    stats = client.get(f"{API}/admin/stats", params={"from": day}, headers=studio.admin.headers)
    assert_problem(stats, 422, "validation_error")


@pytest.mark.parametrize(
    "query",
    ["flagged=1", "flagged=yes", "from=1772532000", "to=2026-03-03", "limit=1.0"],
)
def test_query_values_are_not_coerced(client: TestClient, studio: Studio, query: str) -> None:
    response = client.get(f"{API}/admin/bookings?{query}", headers=studio.admin.headers)
    assert_problem(response, 422, "validation_error")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("booking.reschedule", {"start": 1772532000}),
        ("admin.review", {"flagged": 0, "note": ""}),
        ("booking.cancel", {"reason": 5}),
    ],
)
def test_pushed_arguments_are_not_coerced(
    client: TestClient, studio: Studio, booking: dict[str, Any], name: str, args: dict[str, Any]
) -> None:
    answer = push(client, studio.admin, mutation(1, name, booking_id=booking["id"], **args))
    assert (answer["results"][0]["status"], answer["results"][0]["code"]) == (
        "rejected",
        "validation_error",
    )


def test_pushed_policy_and_dates_are_not_coerced(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    answer = push(
        client,
        teacher,
        mutation(
            1,
            "policy.update",
            instructor_id=teacher.instructor_id,
            policy={**POLICY, "buffer_minutes": True},
        ),
        mutation(2, "availability.set_date", instructor_id=teacher.instructor_id, date=86400,
                 ranges=[]),
        mutation(3, "availability.clear_date", instructor_id=teacher.instructor_id, date="0"),
    )  # fmt: skip
    assert [r["status"] for r in answer["results"]] == ["rejected"] * 3


@pytest.mark.parametrize(
    "field", [{"id": True}, {"base_version": False}, {"id": "1"}, {"base_version": "3"}]
)
def test_a_push_envelope_is_not_coerced(
    client: TestClient, studio: Studio, field: dict[str, Any]
) -> None:
    teacher = studio.instructors[0]
    response = client.post(
        f"{API}/sync/push",
        json={"client_id": new_id(), "mutations": [{**mutation(1, "booking.note"), **field}]},
        headers=teacher.headers,
    )
    assert_problem(response, 422, "validation_error")


@pytest.mark.parametrize("device", [b"laptop\x01", b"laptop\x1b[2J", b"laptop\x85"])
def test_control_characters_in_the_device_name(
    client: TestClient, studio: Studio, device: bytes
) -> None:
    headers: dict[str, Any] = {**studio.admin.headers, "X-Client-Device": device}
    response = client.get(f"{API}/me", headers=headers)
    body = assert_problem(response, 422, "validation_error")
    assert body["errors"] == [{"field": "X-Client-Device", "message": ANY_CONTROL_MESSAGE}]
