"""Pushed profile changes: name and bio, lesson types added with the app's id and edited.

Each is applied by the services the REST routes use (the owner or an admin only, recorded in the
audit log), refused in plain words when it breaks a limit of the vocabulary, and pulled by every
device in the instructor's scope.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.server.helpers import Studio, new_id
from tests.server.test_sync import pull, push

API = "/api/v1"


def _mutation(n: int, name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"id": n, "name": name, "args": args, "base_version": None}


def _add(lesson_type_id: str, instructor_id: str | None, **values: Any) -> dict[str, Any]:
    return {
        "lesson_type_id": lesson_type_id,
        "instructor_id": instructor_id,
        "name": "Jazz improvisation",
        "duration_minutes": 50,
        "price_cents": 5550,
        "currency": "EUR",
        "color": "#d9534f",
        **values,
    }


def test_a_lesson_type_keeps_the_apps_id_and_its_edits_and_texts_are_pulled(
    client: TestClient, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    kind = new_id()
    results = push(
        client,
        teacher,
        new_id(),
        _mutation(1, "lesson_type.add", _add(kind, teacher.instructor_id)),
        _mutation(2, "lesson_type.edit", {"lesson_type_id": kind, "price_cents": 6000}),
        _mutation(
            3,
            "profile.edit_text",
            {"instructor_id": teacher.instructor_id, "bio": "One.\n\nTwo."},
        ),
    ).json()["results"]

    assert [r["status"] for r in results] == ["applied"] * 3
    body = pull(client, teacher)
    [pulled] = [t for t in body["lesson_types"] if t["id"] == kind]
    assert (pulled["name"], pulled["price_cents"], pulled["color"], pulled["active"]) == (
        "Jazz improvisation", 6000, "#D9534F", True,
    )
    [me] = [i for i in body["instructors"] if i["id"] == teacher.instructor_id]
    assert (me["name"], me["bio"]) == (teacher.name, "One.\n\nTwo.")
    actions = {entry["action"] for entry in body["audit"]}
    assert {"lesson_type.add", "lesson_type.update", "instructor.update"} <= actions
    # bookable at once: the slots of the new lesson type are listed
    slots = client.get(
        f"{API}/instructors/{teacher.instructor_id}/slots",
        params={
            "lesson_type_id": kind,
            "from": "2026-03-03T00:00:00Z",
            "to": "2026-03-04T00:00:00Z",
        },
    )
    assert slots.status_code == 200, slots.text
    assert slots.json()["slots"]


def test_an_instructor_cannot_change_another_instructors_profile_or_lesson_types(
    client: TestClient, studio: Studio
) -> None:
    teacher, other = studio.instructors
    results = push(
        client,
        teacher,
        new_id(),
        _mutation(1, "lesson_type.add", _add(new_id(), other.instructor_id)),
        _mutation(2, "lesson_type.edit", {"lesson_type_id": other.lesson_type_id, "name": "X"}),
        _mutation(3, "profile.edit_text", {"instructor_id": other.instructor_id, "name": "X"}),
    ).json()["results"]

    assert [(r["status"], r["code"]) for r in results] == [("rejected", "forbidden")] * 3


def test_an_id_already_taken_is_refused_not_overwritten(
    client: TestClient, studio: Studio
) -> None:
    teacher = studio.instructors[0]
    taken = teacher.lesson_type_id
    assert taken is not None

    add = _mutation(1, "lesson_type.add", _add(taken, teacher.instructor_id))
    [result] = push(client, teacher, new_id(), add).json()["results"]

    assert (result["status"], result["message"]) == ("rejected", "This lesson type exists already.")
    [kept] = [t for t in pull(client, teacher)["lesson_types"] if t["id"] == taken]
    assert kept["name"] == "Lesson"


@pytest.mark.parametrize(
    ("name", "values", "message"),
    [
        ("lesson_type.add", {"name": "   "}, "The name cannot be empty."),
        ("lesson_type.add", {"currency": "eur"}, "The currency is not valid."),
        ("lesson_type.add", {"color": "red"}, "The colour is not valid."),
        (
            "lesson_type.add",
            {"duration_minutes": 721},
            "The length of a lesson must be at most 720.",
        ),
        ("lesson_type.edit", {"price_cents": -1}, "The price (in cents) must be at least 0."),
        ("profile.edit_text", {"name": ""}, "The name cannot be empty."),
        (
            "profile.edit_text",
            {"bio": "b" * 5_001},
            "The bio can be at most 5,000 characters long; this one has 5,001.",
        ),
    ],
)
def test_a_profile_change_over_a_limit_is_refused_in_plain_words(
    client: TestClient, studio: Studio, name: str, values: dict[str, Any], message: str
) -> None:
    teacher = studio.instructors[0]
    base: dict[str, Any] = {
        "lesson_type.add": _add(new_id(), teacher.instructor_id),
        "lesson_type.edit": {"lesson_type_id": teacher.lesson_type_id},
        "profile.edit_text": {"instructor_id": teacher.instructor_id},
    }[name]

    [result] = push(
        client, teacher, new_id(), _mutation(1, name, {**base, **values})
    ).json()["results"]

    assert (result["status"], result["code"], result["message"]) == (
        "rejected", "validation_error", message,
    )
