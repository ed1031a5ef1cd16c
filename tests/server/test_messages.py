"""A lesson's conversation on the API: posted once however often it is sent, refused in words
(blank, too long, too fast), hidden from outsiders exactly like a lesson that does not exist,
read markers and unread counts, paging, and a cancelled lesson's conversation kept open."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.repositories.uow import UnitOfWork
from tests.server.helpers import FakeClock, Person, Studio, new_id
from tests.server.test_rbac import Target, World

API = "/api/v1"


@pytest.fixture
def lesson(uow: UnitOfWork, studio: Studio, clock: FakeClock) -> str:
    """A lesson of the first instructor with the first student."""
    return World(uow, studio, clock).booking(
        Target(studio.instructors[0], studio.students[0]), past=False
    )


def post(client: TestClient, who: Person, lesson: str, body: str, message_id: str = "") -> Any:
    return client.post(
        f"{API}/bookings/{lesson}/messages",
        json={"id": message_id or new_id(), "body": body},
        headers=who.headers,
    )


def bodies(client: TestClient, who: Person, lesson: str) -> list[str]:
    answer = client.get(f"{API}/bookings/{lesson}/messages", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return [m["body"] for m in answer.json()["items"]]


def assert_problem(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = answer.json()
    assert problem["code"] == code, problem
    return problem


def test_the_same_id_sent_again_posts_once(client: TestClient, studio: Studio, lesson: str) -> None:
    student = studio.students[0]
    message_id = new_id()
    first = post(client, student, lesson, "Running ten minutes late", message_id)
    again = post(client, student, lesson, "Running ten minutes late", message_id.upper())
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert first.json()["number"] == 1
    assert bodies(client, studio.instructors[0], lesson) == ["Running ten minutes late"]
    other_text = post(client, student, lesson, "Something else", message_id)
    assert_problem(other_text, 409, "message_id_taken")
    assert bodies(client, student, lesson) == ["Running ten minutes late"]


def test_blank_too_long_and_control_characters_are_refused_in_words(
    client: TestClient, studio: Studio, lesson: str
) -> None:
    student = studio.students[0]
    for body in ("", "   ", " \n\t ", "x" * 4001, "a\x00b"):
        problem = assert_problem(post(client, student, lesson, body), 422, "validation_error")
        assert [e["field"] for e in problem["errors"]] == ["body"], problem
    blank = assert_problem(post(client, student, lesson, " \n "), 422, "validation_error")
    assert blank["detail"] == "The message is empty: write something first."
    too_long = assert_problem(post(client, student, lesson, "x" * 4001), 422, "validation_error")
    assert "4000 characters" in too_long["errors"][0]["message"]
    assert post(client, student, lesson, "x" * 4000).status_code == 201
    assert bodies(client, student, lesson) == ["x" * 4000]


def test_a_writer_over_the_pace_is_told_when_to_try_again(
    app: FastAPI, client: TestClient, studio: Studio, lesson: str
) -> None:
    limit = app.state.context.settings.messages_per_window
    student, teacher = studio.students[0], studio.instructors[0]
    for i in range(limit):
        assert post(client, student, lesson, f"message {i}").status_code == 201
    refused = post(client, student, lesson, "one too many")
    problem = assert_problem(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) > 0
    assert "what you wrote is kept" in problem["detail"]
    assert post(client, teacher, lesson, "the instructor still writes").status_code == 201
    assert len(bodies(client, teacher, lesson)) == limit + 1


def test_the_pace_is_one_count_for_every_server_process_on_the_database(
    app: FastAPI, settings: Settings, client: TestClient, clock: FakeClock, studio: Studio,
    lesson: str,
) -> None:
    """A second server on the same database sees the messages written through the first: the
    limit is per person, not per process; a retry of a posted message is still answered."""
    limit = settings.messages_per_window
    student = studio.students[0]
    first_id = new_id()
    assert post(client, student, lesson, "message 0", first_id).status_code == 201
    for i in range(1, limit):
        assert post(client, student, lesson, f"message {i}").status_code == 201
    other = create_app(settings, clock=clock)
    try:
        with TestClient(other) as second:
            assert_problem(post(second, student, lesson, "through the other process"), 429,
                           "rate_limited")
            assert post(second, student, lesson, "message 0", first_id).status_code == 201
            clock.advance(seconds=settings.message_window_seconds + 1)
            assert post(second, student, lesson, "a minute later").status_code == 201
    finally:
        other.state.context.uow.database.dispose()
    assert len(bodies(client, student, lesson)) == limit + 1


def test_outsiders_are_answered_as_for_a_lesson_that_does_not_exist(
    client: TestClient, studio: Studio, lesson: str
) -> None:
    other_student, other_teacher = studio.students[1], studio.instructors[1]
    missing = new_id()
    for who in (other_student, other_teacher):
        calls = [
            ("GET", "/messages", None),
            ("POST", "/messages", {"id": new_id(), "body": "hello"}),
            ("PUT", "/messages/read", {"up_to": 1}),
        ]
        for method, tail, body in calls:
            real = client.request(method, f"{API}/bookings/{lesson}{tail}", json=body,
                                  headers=who.headers)
            ghost = client.request(method, f"{API}/bookings/{missing}{tail}", json=body,
                                   headers=who.headers)
            assert real.status_code == ghost.status_code == 404, (who.name, method, tail)
            strip = {"instance", "trace_id"}
            assert {k: v for k, v in real.json().items() if k not in strip} == {
                k: v for k, v in ghost.json().items() if k not in strip
            }
        unread = client.get(f"{API}/messages/unread", headers=who.headers).json()
        assert unread == {"total": 0, "bookings": []}
    assert bodies(client, studio.students[0], lesson) == []


def test_read_markers_and_unread_counts_per_lesson_and_in_total(
    client: TestClient, uow: UnitOfWork, studio: Studio, clock: FakeClock, lesson: str
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    second = World(uow, studio, clock).booking(Target(teacher, student), past=True)
    for text in ("one", "two", "three"):
        assert post(client, student, lesson, text).status_code == 201
    assert post(client, student, second, "four").status_code == 201
    unread = client.get(f"{API}/messages/unread", headers=teacher.headers).json()
    assert unread["total"] == 4
    assert sorted((b["booking_id"], b["unread"]) for b in unread["bookings"]) == sorted(
        [(lesson, 3), (second, 1)]
    )
    assert client.get(f"{API}/messages/unread", headers=student.headers).json()["total"] == 0

    marked = client.put(
        f"{API}/bookings/{lesson}/messages/read", json={"up_to": 2}, headers=teacher.headers
    )
    assert marked.json() == {"booking_id": lesson, "last_read": 2, "unread": 1}
    back = client.put(
        f"{API}/bookings/{lesson}/messages/read", json={"up_to": 1}, headers=teacher.headers
    )
    assert back.json()["last_read"] == 2  # a marker never moves back
    beyond = client.put(
        f"{API}/bookings/{lesson}/messages/read", json={"up_to": 99}, headers=teacher.headers
    )
    assert beyond.json() == {"booking_id": lesson, "last_read": 3, "unread": 0}
    assert client.get(f"{API}/messages/unread", headers=teacher.headers).json()["total"] == 1
    page = client.get(f"{API}/bookings/{lesson}/messages", headers=student.headers).json()
    markers = {m["user_id"]: m["last_read"] for m in page["read_markers"]}
    assert markers == {student.user_id: 3, teacher.user_id: 3}  # writing is reading

    assert post(client, teacher, lesson, "see you").status_code == 201
    assert client.get(f"{API}/messages/unread", headers=student.headers).json() == {
        "total": 1,
        "bookings": [{"booking_id": lesson, "unread": 1}],
    }


def test_a_long_conversation_comes_a_page_at_a_time_in_order(
    app: FastAPI, client: TestClient, studio: Studio, lesson: str
) -> None:
    context = app.state.context
    context.settings = context.settings.model_copy(update={"messages_per_window": 1000})
    student = studio.students[0]
    for i in range(25):
        assert post(client, student, lesson, f"m{i}").status_code == 201
    seen: list[str] = []
    cursor = ""
    while True:
        query = f"?limit=10{'&cursor=' + cursor if cursor else ''}"
        page = client.get(f"{API}/bookings/{lesson}/messages{query}", headers=student.headers)
        seen.extend(m["body"] for m in page.json()["items"])
        cursor = page.json()["next_cursor"] or ""
        if not cursor:
            break
    assert seen == [f"m{i}" for i in range(25)]
    after = client.get(f"{API}/bookings/{lesson}/messages?after=23", headers=student.headers)
    assert [m["body"] for m in after.json()["items"]] == ["m23", "m24"]


def test_a_cancelled_lesson_keeps_its_conversation_open(
    client: TestClient, studio: Studio, clock: FakeClock, lesson: str
) -> None:
    student, teacher = studio.students[0], studio.instructors[0]
    assert post(client, student, lesson, "I am ill, sorry").status_code == 201
    cancelled = client.post(
        f"{API}/bookings/{lesson}/cancel", json={"reason": "ill"}, headers=student.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    clock.advance(days=27)  # after the lesson's time too
    assert post(client, teacher, lesson, "Get well soon!").status_code == 201
    assert bodies(client, student, lesson) == ["I am ill, sorry", "Get well soon!"]


def test_an_admin_reads_and_writes_as_the_studio(
    client: TestClient, studio: Studio, lesson: str
) -> None:
    assert post(client, studio.students[0], lesson, "Is the room free?").status_code == 201
    answer = post(client, studio.admin, lesson, "Yes, room 2.")
    assert answer.status_code == 201
    assert answer.json()["author_role"] == "admin"
    page = client.get(
        f"{API}/bookings/{lesson}/messages", headers=studio.instructors[0].headers
    ).json()
    assert [(m["author_name"], m["body"]) for m in page["items"]] == [
        (studio.students[0].name, "Is the room free?"),
        (studio.admin.name, "Yes, room 2."),
    ]
    assert page["unread"] == 2
