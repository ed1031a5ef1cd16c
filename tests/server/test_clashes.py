"""Edits of one date's hours as hours added or removed, and clashes of two devices' edits.

The studio's instructors teach 09:00-17:00 every day (their usual week).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.server.helpers import FakeClock, Person, Studio, new_id
from tests.server.test_rbac import Target, World
from tests.server.test_sync import API, pull, push

DAY = "2026-03-05"


def mutation(n: int, name: str, base_version: int | None = None, **args: Any) -> dict[str, Any]:
    return {"id": n, "name": name, "args": args, "base_version": base_version}


def hours(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"start": start, "end": end} for start, end in pairs]


def edit(n: int, who: Person, name: str, *pairs: tuple[str, str], **extra: Any) -> dict[str, Any]:
    args = {"instructor_id": who.instructor_id, "date": DAY, "ranges": hours(*pairs), **extra}
    return mutation(n, name, **args)


def day_hours(client: TestClient, who: Person) -> list[dict[str, str]]:
    answer = client.get(
        f"{API}/instructors/{who.instructor_id}/availability",
        params={"from": DAY, "to": DAY},
        headers=who.headers,
    )
    assert answer.status_code == 200, answer.text
    [day] = answer.json()["days"]
    return list(day["ranges"])


def test_hours_added_and_removed_on_two_devices_merge(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    laptop, phone = new_id(), new_id()
    first = push(
        client,
        teacher,
        phone,
        edit(1, teacher, "availability.remove_date_hours", ("09:00", "10:00")),
    )
    second = push(
        client, teacher, laptop, edit(1, teacher, "availability.add_date_hours", ("17:00", "18:00"))
    )
    assert [r["status"] for r in (*first.json()["results"], *second.json()["results"])] == [
        "applied",
        "applied",
    ]
    assert day_hours(client, teacher) == hours(("10:00", "18:00"))
    assert pull(client, teacher)["conflicts"] == []


def test_hours_already_as_asked_are_no_clash(client: TestClient, studio: Studio) -> None:
    teacher = studio.instructors[0]
    push(
        client,
        teacher,
        new_id(),
        edit(1, teacher, "availability.add_date_hours", ("17:00", "18:00")),
    )
    again = push(
        client,
        teacher,
        new_id(),
        edit(1, teacher, "availability.add_date_hours", ("17:00", "18:00")),
    )
    assert again.json()["results"][0]["status"] == "applied"
    assert day_hours(client, teacher) == hours(("09:00", "18:00"))
    assert pull(client, teacher)["conflicts"] == []


def test_the_same_hours_changed_first_elsewhere_are_kept_and_the_clash_recorded(
    client: TestClient, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    phone, laptop = new_id(), new_id()
    push(
        client, teacher, phone, edit(1, teacher, "availability.add_date_hours", ("18:00", "20:00"))
    )
    answer = push(
        client, teacher, laptop, edit(1, teacher, "availability.add_date_hours", ("17:00", "19:00"))
    )

    [result] = answer.json()["results"]
    assert (result["status"], result["code"]) == ("rejected", "edit_clash")
    assert result["message"].startswith("Your hours for Thu 5 Mar: another change")
    assert day_hours(client, teacher) == hours(("09:00", "17:00"), ("18:00", "20:00"))
    [conflict] = pull(client, teacher)["conflicts"]
    assert (conflict["kind"], conflict["booking_id"], conflict["resolved"]) == (
        "hours_clash",
        None,
        False,
    )
    details = conflict["details"]
    assert details["kept"] == hours(("09:00", "17:00"), ("18:00", "20:00"))
    assert (details["how"], details["mine"]) == ("add", hours(("17:00", "19:00")))
    assert (details["client_id"], details["mutation_id"]) == (laptop, 1)
    assert details["change"]["name"] == "availability.add_date_hours"
    assert details["change"]["args"]["ranges"] == hours(("17:00", "19:00"))


def test_a_whole_day_made_on_hours_changed_since_is_a_clash(
    client: TestClient, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    push(
        client,
        teacher,
        new_id(),
        edit(1, teacher, "availability.remove_date_hours", ("12:00", "13:00")),
    )
    copied = edit(
        1,
        teacher,
        "availability.set_date",
        ("10:00", "11:00"),
        base_ranges=hours(("09:00", "17:00")),
    )
    [result] = push(client, teacher, new_id(), copied).json()["results"]
    assert result["code"] == "edit_clash"
    assert day_hours(client, teacher) == hours(("09:00", "12:00"), ("13:00", "17:00"))
    [conflict] = pull(client, teacher)["conflicts"]
    assert (conflict["details"]["how"], conflict["details"]["mine"]) == (
        "set",
        hours(("10:00", "11:00")),
    )


def test_changes_of_older_clients_without_a_base_still_replace(
    client: TestClient, studio: Studio, clock: FakeClock
) -> None:
    """Protocol 1 clients send the whole day and the note without what they saw: the later
    change wins, as it always did."""
    teacher, student = studio.instructors[0], studio.students[0]
    push(
        client,
        teacher,
        new_id(),
        edit(1, teacher, "availability.add_date_hours", ("18:00", "20:00")),
    )
    old = push(
        client, teacher, new_id(), edit(1, teacher, "availability.set_date", ("10:00", "11:00"))
    )
    assert old.json()["results"][0]["status"] == "applied"
    assert day_hours(client, teacher) == hours(("10:00", "11:00"))

    booking = client.post(
        f"{API}/bookings",
        headers=student.headers,
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": (clock.now + timedelta(days=2))
            .replace(hour=10)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    ).json()
    notes = [
        mutation(1, "booking.note", booking_id=booking["id"], note="first", base_note=""),
        mutation(2, "booking.note", booking_id=booking["id"], note="second"),
    ]
    other = push(
        client,
        teacher,
        new_id(),
        mutation(1, "booking.note", booking_id=booking["id"], note="elsewhere"),
    )
    assert other.json()["results"][0]["status"] == "applied"
    results = push(client, teacher, new_id(), *notes).json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "edit_clash"),  # made on an empty note, which is "elsewhere" by now
        ("applied", None),  # no base: the later note wins
    ]
    assert (
        client.get(f"{API}/bookings/{booking['id']}", headers=teacher.headers).json()["note"]
        == "second"
    )
    [conflict] = pull(client, teacher)["conflicts"]
    assert (conflict["kind"], conflict["booking_id"]) == ("note_clash", booking["id"])
    assert (conflict["details"]["kept"], conflict["details"]["mine"]) == ("elsewhere", "first")


def test_a_clash_is_settled_by_keeping_a_version_never_by_cancelling(
    client: TestClient, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    push(
        client,
        teacher,
        new_id(),
        edit(1, teacher, "availability.add_date_hours", ("18:00", "20:00")),
    )
    push(
        client,
        teacher,
        new_id(),
        edit(1, teacher, "availability.add_date_hours", ("17:00", "19:00")),
    )
    [conflict] = pull(client, teacher)["conflicts"]
    settle = mutation(
        1, "conflict.resolve", conflict_id=conflict["id"], resolution="cancelled", reason="no"
    )
    [refused] = push(client, teacher, new_id(), settle).json()["results"]
    assert (refused["status"], refused["code"]) == ("rejected", "validation_error")
    keep = mutation(1, "conflict.resolve", conflict_id=conflict["id"], resolution="kept")
    [kept] = push(client, teacher, new_id(), keep).json()["results"]
    assert kept["status"] == "applied"


def test_the_rest_routes_keep_what_another_client_changed_since_it_was_seen(
    client: TestClient, studio: Studio, uow: Any, clock: FakeClock
) -> None:
    """A REST client saying what it saw gets ``409 edit_clash`` over a change made meanwhile,
    and the other version stays; without it, the later write still replaces."""
    teacher = studio.instructors[0]
    path = f"{API}/instructors/{teacher.instructor_id}/availability/{DAY}"
    first = client.put(path, json={"ranges": hours(("10:00", "12:00"))}, headers=teacher.headers)
    assert first.status_code == 200, first.text
    stale = client.put(
        path,
        json={"ranges": hours(("13:00", "15:00")), "base_ranges": hours(("09:00", "17:00"))},
        headers=teacher.headers,
    )
    assert stale.status_code == 409, stale.text
    assert stale.json()["code"] == "edit_clash"
    assert day_hours(client, teacher) == hours(("10:00", "12:00"))
    fresh = client.put(
        path,
        json={"ranges": hours(("13:00", "15:00")), "base_ranges": hours(("10:00", "12:00"))},
        headers=teacher.headers,
    )
    assert fresh.status_code == 200, fresh.text
    assert day_hours(client, teacher) == hours(("13:00", "15:00"))

    lesson = World(uow, studio, clock).booking(Target(teacher, studio.students[0]), past=False)
    note = f"{API}/bookings/{lesson}/note"
    assert client.put(note, json={"note": "scales"}, headers=teacher.headers).status_code == 200
    clash = client.put(note, json={"note": "arpeggios", "base_note": ""}, headers=teacher.headers)
    assert clash.status_code == 409, clash.text
    assert clash.json()["code"] == "edit_clash"
    again = client.put(
        note, json={"note": "arpeggios", "base_note": "scales"}, headers=teacher.headers
    )
    assert again.status_code == 200, again.text
    assert again.json()["note"] == "arpeggios"
