"""Messages written in the app: offline, sent exactly once and in order, whatever happened to
the lesson meanwhile; read markers and unread counts follow on both sides."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from instainstru_desktop.services.errors import InvalidInputError
from instainstru_desktop.services.views import MessageState
from instainstru_desktop.sync.api import ApiClient
from tests.sync.harness import Device, ServerHandle, wait_until


def lessons_of(server: ServerHandle, count: int) -> list[str]:
    teacher = server.studio.instructors[0]
    students = server.studio.students
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    return [
        server.add_lesson(teacher, students[i % 3], start + timedelta(hours=2 * i))
        for i in range(count)
    ]


def server_messages(server: ServerHandle, booking_id: str) -> list[tuple[int, str]]:
    return [
        (int(n), str(b))
        for n, b in server.query(
            "SELECT number, body FROM messages WHERE booking_id = ? ORDER BY number", booking_id
        )
    ]


def test_fifty_messages_written_offline_arrive_once_each_in_order(
    server: ServerHandle, device: Device
) -> None:
    lessons = lessons_of(server, 10)
    device.sync()
    server.stop()  # offline: connections are refused
    for i in range(50):
        device.messages.send(lessons[i % 10], f"message {i} for lesson {i % 10}")
    assert device.open_count() == 50
    shown = device.messages.conversation(lessons[3])
    assert [m.state for m in shown.messages] == [MessageState.WAITING] * 5
    assert [m.body for m in shown.messages] == [
        f"message {i} for lesson 3" for i in (3, 13, 23, 33, 43)
    ]
    assert device.engine.sync_once(force_push=True).error is not None  # still offline

    # Meanwhile the student cancels lesson 7 on the server (through the API, as the pages do).
    server.start()
    with server.api(server.studio.students[7 % 3]) as student:
        student.request("POST", f"/bookings/{lessons[7]}/cancel", json={"reason": "ill"})

    device.switchboard.inject("/sync/push", "lost_reply")  # the first answer is lost: resent
    device.sync()
    device.sync()
    assert device.open_count() == 0
    for index, lesson in enumerate(lessons):
        expected = [f"message {i} for lesson {index}" for i in range(index, 50, 10)]
        assert server_messages(server, lesson) == list(enumerate(expected, start=1))
        pulled = device.messages.conversation(lesson)
        assert [m.body for m in pulled.messages] == expected
        assert {m.state for m in pulled.messages} == {MessageState.SENT}
    assert server.query("SELECT count(*) FROM messages") == [(50,)]
    cancelled = server.query("SELECT status FROM bookings WHERE id = ?", lessons[7])
    assert cancelled == [("cancelled",)]  # and its conversation is still there, readable
    assert len(device.messages.conversation(lessons[7]).messages) == 5


@pytest.fixture
def student_api(server: ServerHandle) -> Iterator[ApiClient]:
    """The first student of the studio, on the API (students use the API or the pages)."""
    with server.api(server.studio.students[0]) as api:
        yield api


def test_a_students_message_is_unread_until_the_instructor_reads_it(
    server: ServerHandle, device: Device, student_api: ApiClient
) -> None:
    [lesson] = lessons_of(server, 1)
    api = student_api
    for text in ("Running 10 minutes late", "Bring the sheet music?"):
        body = {"id": str(uuid.uuid4()), "body": text}
        api.request("POST", f"/bookings/{lesson}/messages", json=body)
    device.sync()
    assert device.messages.unread_total() == 2
    [card] = device.lessons.listed(device.instructor_id, [lesson])[0:1]
    assert card.card is not None
    assert card.card.unread == 2
    notices = device.messages.unread_notices()
    assert [n.body for n in notices] == ["Bring the sheet music?", "Running 10 minutes late"]
    assert notices[0].author_name == server.studio.students[0].name

    changed = device.messages.mark_read(lesson)
    assert changed.mutation_ids
    assert lesson in changed.booking_ids
    assert device.messages.unread_total() == 0  # at once, before the server knows
    assert device.messages.mark_read(lesson).mutation_ids == ()  # nothing new: nothing queued
    device.sync()
    page = api.request("GET", f"/bookings/{lesson}/messages").json()
    teacher = server.studio.instructors[0]
    assert {m["user_id"]: m["last_read"] for m in page["read_markers"]}[teacher.user_id] == 2

    device.messages.send(lesson, "Yes please, and the scales")
    device.sync()
    mine = device.messages.conversation(lesson).messages[-1]
    assert (mine.mine, mine.seen) == (True, False)
    api.request("PUT", f"/bookings/{lesson}/messages/read", json={"up_to": 3})
    device.sync()
    assert device.messages.conversation(lesson).messages[-1].seen


def test_a_message_over_a_limit_is_refused_before_it_is_queued(
    server: ServerHandle, device: Device
) -> None:
    [lesson] = lessons_of(server, 1)
    device.sync()
    with pytest.raises(InvalidInputError, match="empty"):
        device.messages.send(lesson, "  \n\t ")
    with pytest.raises(InvalidInputError, match="4,000 characters"):
        device.messages.send(lesson, "x" * 4001)
    with pytest.raises(InvalidInputError, match="control character"):
        device.messages.send(lesson, "bell \x07")
    assert device.open_count() == 0


def test_messages_over_the_pace_wait_and_still_arrive_once(tmp_path) -> None:
    server = ServerHandle(tmp_path, messages_per_window=3, message_window_seconds=1)
    device = Device(tmp_path, "laptop", server, server.studio.instructors[0])
    try:
        [lesson] = lessons_of(server, 1)
        device.sync()
        for i in range(7):
            device.messages.send(lesson, f"quick {i}")
        first = device.engine.sync_once(force_push=True)
        assert first.error is not None
        assert first.error.code == "rate_limited"
        device.scheduler.start()
        wait_until(lambda: device.open_count() == 0, timeout=30, what="the paced messages")
        bodies = [b for _n, b in server_messages(server, lesson)]
        assert bodies == [f"quick {i}" for i in range(7)]
    finally:
        device.close()
        server.stop()
