"""Two ``instainstru-server`` processes on one PostgreSQL database, as a studio runs them behind a
proxy: what is written through one reaches the listeners of the other, kept answers of the other
give way at once, and a message sent to both is posted once.

Real processes, a real database: ``LISTEN/NOTIFY`` is the only path between them.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.databases import DatabaseFactory
from tests.server.helpers import Person, Studio, iso
from tests.server.processes import ServerProcess, prepared_studio, standalone

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

API = "/api/v1"
#: Long enough for a loaded machine; a missed NOTIFY would take the answer cache's 60 s.
HEARD_WITHIN = 10.0


@dataclass
class Listener:
    """An open event stream on one server, read by a thread: the events it heard, and when."""

    url: str
    headers: dict[str, str]
    heard: list[tuple[float, str]] = field(default_factory=list)
    connected: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    got: threading.Condition = field(default_factory=threading.Condition)

    def run(self) -> None:
        timeout = httpx.Timeout(10, read=HEARD_WITHIN * 3)
        with httpx.Client(timeout=timeout) as client, client.stream(
            "GET", self.url, headers=self.headers
        ) as stream:
            assert stream.status_code == 200
            for line in stream.iter_lines():
                if line.startswith(": connected"):
                    self.connected.set()
                elif line.startswith("event: "):
                    with self.got:
                        self.heard.append((time.perf_counter(), line.removeprefix("event: ")))
                        self.got.notify_all()
                if self.stop.is_set():
                    return

    def wait_for(self, count: int) -> float:
        """When the ``count``-th event arrived (fails after ``HEARD_WITHIN`` seconds)."""
        with self.got:
            arrived = self.got.wait_for(lambda: len(self.heard) >= count, HEARD_WITHIN)
        assert arrived, f"{self.url} heard {len(self.heard)} events, not {count}"
        return self.heard[count - 1][0]


@contextmanager
def listening(server: ServerProcess, path: str, who: Person | None) -> Iterator[Listener]:
    listener = Listener(server.base_url + path, who.headers if who else {})
    thread = threading.Thread(target=listener.run, daemon=True)
    thread.start()
    try:
        assert listener.connected.wait(HEARD_WITHIN), server.text
        yield listener
    finally:
        listener.stop.set()  # seen at the next keep-alive line, within a second
        thread.join(timeout=HEARD_WITHIN)


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, ServerProcess, Studio]]:
    """One database and two processes for the module (starting them takes seconds); each test
    books on a day of its own."""
    databases = DatabaseFactory(tmp_path_factory.mktemp("several"))
    url, studio = prepared_studio(databases)
    keepalive = {"INSTAINSTRU_SERVER_EVENTS_KEEPALIVE_SECONDS": "1"}  # streams notice stop soon
    try:
        with standalone(url, env=keepalive) as a, standalone(url, env=keepalive) as b:
            yield a, b, studio
    finally:
        databases.drop_all()


def a_lesson(server: ServerProcess, studio: Studio, days: int) -> str:
    teacher, student = studio.instructors[0], studio.students[0]
    start = (datetime.now(UTC) + timedelta(days=days)).replace(hour=10, minute=0, microsecond=0)
    answer = httpx.post(
        f"{server.base_url}{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": iso(start.replace(second=0)),
        },
        headers=student.headers,
    )
    assert answer.status_code == 201, answer.text
    booking_id: str = answer.json()["id"]
    return booking_id


def post_message(server: ServerProcess, who: Person, lesson: str, text: str, mid: str = "") -> Any:
    return httpx.post(
        f"{server.base_url}{API}/bookings/{lesson}/messages",
        json={"id": mid or str(uuid.uuid4()), "body": text},
        headers=who.headers,
    )


def test_a_message_posted_on_one_process_reaches_listeners_of_the_other(
    two_servers: tuple[ServerProcess, ServerProcess, Studio],
) -> None:
    a, b, studio = two_servers
    teacher, student = studio.instructors[0], studio.students[0]
    lesson = a_lesson(a, studio, days=3)
    with (
        listening(b, f"{API}/events", teacher) as teachers_app,
        listening(b, f"{API}/events", studio.students[1]) as someone_else,
    ):
        posted = time.perf_counter()
        assert post_message(a, student, lesson, "Running ten minutes late").status_code == 201
        arrived = teachers_app.wait_for(1)
        assert teachers_app.heard[0][1] == "poke"
        unread = httpx.get(f"{b.base_url}{API}/messages/unread", headers=teacher.headers).json()
        assert {"booking_id": lesson, "unread": 1} in unread["bookings"]
        assert someone_else.heard == []  # another student's stream hears nothing of it
    print(f"message on A heard on B after {1000 * (arrived - posted):.1f} ms")


def test_a_booking_made_on_one_process_reaches_the_others_listeners(
    two_servers: tuple[ServerProcess, ServerProcess, Studio],
) -> None:
    a, b, studio = two_servers
    teacher = studio.instructors[0]
    with (
        listening(b, f"{API}/events", teacher) as teachers_app,
        listening(b, f"{API}/events", studio.admin) as admins_app,
        listening(b, f"{API}/instructors/{teacher.instructor_id}/live", None) as free_times,
    ):
        lesson = a_lesson(a, studio, days=4)
        for listener in (teachers_app, admins_app, free_times):
            listener.wait_for(1)
        assert free_times.heard[0][1] == "changed"
    pulled = httpx.get(f"{b.base_url}{API}/sync/pull", headers=teacher.headers).json()
    assert lesson in {row["id"] for row in pulled["bookings"]}


def test_the_others_kept_answers_give_way_when_one_commits(
    two_servers: tuple[ServerProcess, ServerProcess, Studio],
) -> None:
    a, b, studio = two_servers
    teacher = studio.instructors[0]
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=5)
    window = f"from={iso(day)}&to={iso(day + timedelta(days=1))}"
    query = (
        f"{b.base_url}{API}/instructors/{teacher.instructor_id}/slots"
        f"?lesson_type_id={teacher.lesson_type_id}&{window}"
    )

    def starts() -> set[str]:
        answer = httpx.get(query)
        assert answer.status_code == 200, answer.text
        return {slot["start"] for slot in answer.json()["slots"]}

    before = starts()
    assert starts() == before  # kept: the second answer comes from B's memory
    with listening(b, f"{API}/events", teacher) as teachers_app:
        a_lesson(a, studio, days=5)  # 10:00 UTC that day, booked through A
        teachers_app.wait_for(1)  # B's kept answers are dropped before its streams hear
    after = starts()
    booked = iso(day.replace(hour=10))
    assert booked in before
    assert booked not in after
    assert iso(day.replace(hour=10, minute=45)) not in after  # it overlaps the hour too


def test_a_message_sent_to_both_processes_is_posted_once(
    two_servers: tuple[ServerProcess, ServerProcess, Studio],
) -> None:
    a, b, studio = two_servers
    student, teacher = studio.students[0], studio.instructors[0]
    lesson = a_lesson(a, studio, days=6)
    message_id = str(uuid.uuid4())
    answers: list[Any] = []

    def send(server: ServerProcess) -> None:
        answers.append(post_message(server, student, lesson, "Bring the Clementi?", message_id))

    threads = [threading.Thread(target=send, args=(s,)) for s in (a, b, a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in answers] == [201] * 4, [r.text for r in answers]
    assert {r.json()["number"] for r in answers} == {1}
    page = httpx.get(f"{a.base_url}{API}/bookings/{lesson}/messages", headers=teacher.headers)
    assert [m["body"] for m in page.json()["items"]] == ["Bring the Clementi?"]


def test_processes_started_at_once_on_a_new_database_all_start(tmp_path: Path) -> None:
    """Each process upgrades the schema when it starts; started together, one does it while the
    others wait, and none fails on tables another has just made."""
    databases = DatabaseFactory(tmp_path)
    url = databases.new()
    servers = [ServerProcess(url) for _ in range(3)]
    try:
        for server in servers:
            server.wait_started()
        for server in servers:
            answer = httpx.get(f"{server.base_url}{API}/meta")
            assert answer.status_code == 200, server.text
    finally:
        for server in servers:
            server.close()
        databases.drop_all()
