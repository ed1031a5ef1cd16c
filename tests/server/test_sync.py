"""The sync protocol: push exactly once and in order, pull everything that changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import FakeClock, Person, Studio, iso, new_id

API = "/api/v1"


def push(client: TestClient, who: Person, client_id: str, *mutations: dict[str, Any]):
    return client.post(
        f"{API}/sync/push",
        json={"client_id": client_id, "mutations": list(mutations)},
        headers=who.headers,
    )


def set_date(n: int, who: Person, day: str, start: str = "09:00", end: str = "12:00"):
    return {
        "id": n,
        "name": "availability.set_date",
        "base_version": None,
        "args": {
            "instructor_id": who.instructor_id,
            "date": day,
            "ranges": [{"start": start, "end": end}],
        },
    }


def pull(client: TestClient, who: Person, cursor: str = "0", **params: Any) -> dict[str, Any]:
    response = client.get(
        f"{API}/sync/pull", params={"cursor": cursor, **params}, headers=who.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_replayed_push_applies_once(client: TestClient, studio: Studio, uow: UnitOfWork) -> None:
    teacher = studio.instructors[0]
    device = new_id()
    first = push(
        client,
        teacher,
        device,
        set_date(1, teacher, "2026-03-10"),
        set_date(2, teacher, "2026-03-11"),
    ).json()
    assert [r["status"] for r in first["results"]] == ["applied", "applied"]
    assert first["last_mutation_id"] == 2
    cursor = first["cursor"]
    replay = push(
        client,
        teacher,
        device,
        set_date(1, teacher, "2026-03-10", "10:00", "11:00"),
        set_date(2, teacher, "2026-03-11"),
    ).json()
    assert replay["results"] == first["results"]
    assert replay["cursor"] == cursor  # nothing was written
    days = client.get(
        f"{API}/instructors/{teacher.instructor_id}/availability",
        params={"from": "2026-03-10", "to": "2026-03-10"},
        headers=teacher.headers,
    ).json()["days"]
    assert days[0]["ranges"] == [{"start": "09:00", "end": "12:00"}]
    state = client.get(
        f"{API}/sync/state", params={"client_id": device}, headers=teacher.headers
    ).json()
    assert (state["last_mutation_id"], state["cursor"]) == (2, cursor)


@pytest.mark.parametrize("ids", [[2], [1, 3], [1, 1, 3]])
def test_gaps_and_out_of_order_are_refused_without_effect(
    client: TestClient, studio: Studio, ids: list[int]
) -> None:
    teacher = studio.instructors[0]
    device = new_id()
    before = pull(client, teacher)["cursor"]
    response = push(
        client,
        teacher,
        device,
        *[set_date(n, teacher, f"2026-03-{20 + i}") for i, n in enumerate(ids)],
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "mutation_gap"
    applied = 1 if ids[0] == 1 else 0
    assert body["expected_mutation_id"] == applied + 1
    changes = pull(client, teacher, before)
    assert len(changes["overrides"]) == applied
    state = client.get(
        f"{API}/sync/state", params={"client_id": device}, headers=teacher.headers
    ).json()
    assert state["last_mutation_id"] == applied


def test_business_rejection_is_processed_and_the_queue_moves_on(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    booking = client.post(
        f"{API}/bookings",
        headers=student.headers,
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso((clock.now + timedelta(days=1)).replace(hour=10)),
        },
    ).json()
    # the admin cancels online; the instructor's offline "complete" arrives later
    client.post(
        f"{API}/bookings/{booking['id']}/cancel",
        json={"reason": "closed"},
        headers=studio.admin.headers,
    )
    clock.advance(days=2)
    result = push(
        client,
        teacher,
        new_id(),
        {
            "id": 1,
            "name": "booking.complete",
            "args": {"booking_id": booking["id"]},
            "base_version": 1,
        },
        {
            "id": 2,
            "name": "booking.note",
            "args": {"booking_id": booking["id"], "note": "did scales"},
        },
        {"id": 3, "name": "no.such.thing", "args": {}},
    ).json()
    assert [(r["status"], r["code"]) for r in result["results"]] == [
        ("rejected", "invalid_transition"),
        ("applied", None),
        ("rejected", "validation_error"),
    ]
    assert result["last_mutation_id"] == 3
    final = client.get(f"{API}/bookings/{booking['id']}", headers=teacher.headers).json()
    assert (final["status"], final["note"]) == ("cancelled", "did scales")
    attention = pull(client, teacher)["conflicts"]
    assert any(
        c["kind"] == "rejected_mutation" and c["booking_id"] == booking["id"] for c in attention
    )


def test_pull_returns_every_kind_of_change(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    full = pull(client, teacher)
    assert [i["id"] for i in full["instructors"]] == [teacher.instructor_id]
    assert len(full["templates"]) == 1
    cursor = full["cursor"]
    steps: list[tuple[str, Any]] = [
        (
            "instructors",
            lambda: client.patch(
                f"{API}/instructors/{teacher.instructor_id}",
                json={"bio": "new"},
                headers=teacher.headers,
            ),
        ),
        (
            "lesson_types",
            lambda: client.post(
                f"{API}/instructors/{teacher.instructor_id}/lesson-types",
                json={
                    "name": "Long",
                    "duration_minutes": 90,
                    "price_cents": 1,
                    "currency": "EUR",
                    "color": "#000000",
                },
                headers=teacher.headers,
            ),
        ),
        (
            "templates",
            lambda: client.put(
                f"{API}/instructors/{teacher.instructor_id}/weekly-template",
                json={
                    "ranges": [{"weekday": d, "start": "08:00", "end": "18:00"} for d in range(7)]
                },
                headers=teacher.headers,
            ),
        ),
        (
            "overrides",
            lambda: client.put(
                f"{API}/instructors/{teacher.instructor_id}/availability/2026-03-20",
                json={"ranges": []},
                headers=teacher.headers,
            ),
        ),
        (
            "bookings",
            lambda: client.post(
                f"{API}/bookings",
                headers=student.headers,
                json={
                    "instructor_id": teacher.instructor_id,
                    "lesson_type_id": teacher.lesson_type_id,
                    "start": iso((clock.now + timedelta(days=1)).replace(hour=9)),
                },
            ),
        ),
        (
            "policy",
            lambda: client.put(
                f"{API}/instructors/{teacher.instructor_id}/policy",
                json={
                    "min_notice_minutes": 60,
                    "booking_horizon_days": 14,
                    "buffer_minutes": 10,
                    "slot_step_minutes": 30,
                    "daily_limit": 5,
                    "weekly_limit": None,
                },
                headers=teacher.headers,
            ),
        ),
        (
            "tombstones",
            lambda: client.delete(
                f"{API}/instructors/{teacher.instructor_id}/availability/2026-03-20",
                headers=teacher.headers,
            ),
        ),
    ]
    for key, change in steps:
        assert change().status_code < 300
        page = pull(client, teacher, cursor)
        section = "instructors" if key == "policy" else key
        assert page[section], f"{key} did not come down"
        assert page["audit"] or key in ("instructors", "lesson_types")
        cursor = page["cursor"]
        assert pull(client, teacher, cursor)["bookings"] == []
    assert page["tombstones"] == [
        {"entity": "override", "id": f"{teacher.instructor_id}/2026-03-20"}
    ]
    booked = pull(client, teacher)
    assert booked["students"] == [
        {
            "id": student.user_id,
            "name": student.name,
            "email": student.email,
            "time_zone": "America/New_York",
        }
    ]
    # another instructor's pull sees none of it
    other = pull(client, studio.instructors[1], full["cursor"])
    assert other["bookings"] == other["templates"] == other["instructors"] == []


def test_pages_end_on_commit_boundaries(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    teacher = studio.instructors[0]
    for n in range(5):
        client.put(
            f"{API}/instructors/{teacher.instructor_id}/availability/2026-03-{10 + n}",
            json={"ranges": []},
            headers=teacher.headers,
        )
    cursor, overrides, pages = "0", [], 0
    while True:
        page = pull(client, teacher, cursor, limit=3)
        overrides += page["overrides"]
        pages += 1
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert len(overrides) == 5
    assert pages >= 3


def test_reset_required_for_unknown_cursors(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    head = pull(client, teacher)["cursor"]
    seq = head.split(".")[0]
    for cursor in (f"{seq}.forged", f"{int(seq) + 50}.abc", "garbage"):
        response = client.get(
            f"{API}/sync/pull", params={"cursor": cursor}, headers=teacher.headers
        )
        assert response.status_code == 409
        assert response.json()["code"] == "reset_required"


def test_cursor_from_a_restored_database_is_refused(databases, clock: FakeClock) -> None:
    """Two databases with the same sequence numbers still differ by nonce."""
    from instainstru_desktop.server.app import create_app
    from instainstru_desktop.server.core.settings import Settings
    from tests.server.helpers import build_studio

    apps = [
        create_app(Settings(database_url=databases.new(f"db{n}")), clock=clock) for n in range(2)
    ]
    studios = [build_studio(a.state.context.uow) for a in apps]
    with TestClient(apps[0]) as first, TestClient(apps[1]) as second:
        cursor = pull(first, studios[0].admin)["cursor"]
        assert pull(second, studios[1].admin)["cursor"].split(".")[0] == cursor.split(".")[0]
        response = second.get(
            f"{API}/sync/pull", params={"cursor": cursor}, headers=studios[1].admin.headers
        )
        assert response.json()["code"] == "reset_required"


def test_writing_a_date_again_supersedes_its_tombstone(client: TestClient, studio: Studio) -> None:
    """Set, clear, set: a pull from before all three must not carry a tombstone that a client
    could apply after the new row (the date would lose its hours there)."""
    teacher = studio.instructors[0]
    cursor = pull(client, teacher)["cursor"]
    device = new_id()
    clear = {
        "id": 2,
        "name": "availability.clear_date",
        "base_version": None,
        "args": {"instructor_id": teacher.instructor_id, "date": "2026-03-12"},
    }
    results = push(
        client,
        teacher,
        device,
        set_date(1, teacher, "2026-03-12"),
        clear,
        set_date(3, teacher, "2026-03-12", "10:00", "11:00"),
    ).json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3

    page = pull(client, teacher, cursor)
    key = f"{teacher.instructor_id}/2026-03-12"
    assert [(o["date"], o["ranges"]) for o in page["overrides"]] == [
        ("2026-03-12", [{"start": "10:00", "end": "11:00"}])
    ]
    assert {"entity": "override", "id": key} not in page["tombstones"]
    assert {"entity": "override", "id": key} not in pull(client, teacher)["tombstones"]
    # clearing it again leaves a tombstone once more
    clear_again = {**clear, "id": 4}
    push(client, teacher, device, clear_again)
    assert {"entity": "override", "id": key} in pull(client, teacher, cursor)["tombstones"]
