"""Several server processes on one database stay one server to their clients.

Two real ``instainstru-server`` processes (each its own uvicorn, port and working folder) on one
database: a commit through either drops the answers the other keeps, reaches the event streams
open on the other, counts against the same sign-in limits, and two processes racing for one slot
still make one booking. Then the same through one ``--workers 2`` server. On SQLite the other
process hears commits through the file's change counter; on PostgreSQL through LISTEN/NOTIFY,
which arrives a moment after the commit, so there the tests wait for it (a few seconds at most).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from tests.server.databases import DatabaseFactory, on_postgres
from tests.server.helpers import Person, add_user, iso, sign
from tests.server.processes import ServerProcess, prepared_studio, standalone

API = "/api/v1"
#: How long a commit may take to reach another process (PostgreSQL: NOTIFY; SQLite: at once).
HEARD_WITHIN = 5.0 if on_postgres() else 0.0

pytestmark = pytest.mark.slow


@contextmanager
def two_servers(
    url: str, tmp_path: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with ExitStack() as stack:
        servers = []
        for name in ("a", "b"):
            folder = tmp_path / name
            folder.mkdir()
            servers.append(
                stack.enter_context(standalone(url, "--workers", "1", cwd=folder, env=env))
            )
        yield servers[0], servers[1]


def eventually(check: Callable[[], bool], within: float) -> bool:
    """``check()`` now, or (``within`` > 0) true at some point in ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


#: The four weeks whose free times the tests read: one window, so a kept answer can be reused.
WINDOW_START = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0)


def free_starts(server: ServerProcess, teacher: Person) -> list[str]:
    window = {
        "lesson_type_id": str(teacher.lesson_type_id),
        "from": iso(WINDOW_START),
        "to": iso(WINDOW_START + timedelta(days=28)),
    }
    response = httpx.get(
        f"{server.base_url}{API}/instructors/{teacher.instructor_id}/slots",
        params=window,
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return [slot["start"] for slot in response.json()["slots"]]


def book(server: ServerProcess, who: Person, teacher: Person, start: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "start": start,
        },
        headers=who.headers,
        timeout=30,
    )


def admin_booking_ids(server: ServerProcess, admin: Person) -> set[str]:
    response = httpx.get(
        f"{server.base_url}{API}/admin/bookings", headers=admin.headers, timeout=30
    )
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_a_commit_in_one_process_drops_what_the_other_keeps(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url, studio = prepared_studio(databases)
    teacher, student, admin = studio.instructors[0], studio.students[0], studio.admin
    with two_servers(url, tmp_path) as (a, b):
        before = free_starts(b, teacher)
        assert free_starts(b, teacher) == before  # now kept by b
        listed = admin_booking_ids(b, admin)
        assert admin_booking_ids(b, admin) == listed
        booked = book(a, student, teacher, before[0])
        assert booked.status_code == 201, booked.text
        booking_id = booked.json()["id"]

        assert eventually(lambda: before[0] not in free_starts(b, teacher), HEARD_WITHIN)
        assert eventually(lambda: booking_id in admin_booking_ids(b, admin), HEARD_WITHIN)
        # and the other way round
        again = book(b, student, teacher, before[4])
        assert again.status_code == 201, again.text
        assert eventually(lambda: before[4] not in free_starts(a, teacher), HEARD_WITHIN)


@pytest.mark.skipif(on_postgres(), reason="SQLite's own way of hearing other processes")
def test_without_the_commit_watch_the_other_process_would_serve_a_stale_answer(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    """The control for the test above: the answers really are kept, and the watch is what
    drops them (with it off, the booked slot is still offered by the other process)."""
    url, studio = prepared_studio(databases)
    teacher, student = studio.instructors[0], studio.students[0]
    off = {"INSTAINSTRU_SERVER_WATCH_OTHER_WRITERS": "false"}
    with two_servers(url, tmp_path, env=off) as (a, b):
        before = free_starts(b, teacher)
        assert book(a, student, teacher, before[0]).status_code == 201
        assert before[0] in free_starts(b, teacher)


def test_a_commit_in_one_process_pokes_streams_open_on_the_other(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url, studio = prepared_studio(databases)
    teacher, student = studio.instructors[0], studio.students[0]
    with two_servers(url, tmp_path) as (a, b):
        start = free_starts(a, teacher)[0]
        timeout = httpx.Timeout(10, read=15)
        with (
            httpx.Client(base_url=b.base_url, timeout=timeout) as client,
            client.stream("GET", f"{API}/events", headers=teacher.headers) as stream,
        ):
            assert stream.status_code == 200
            lines = stream.iter_lines()
            assert ": connected" in [next(lines), next(lines)]
            assert book(a, student, teacher, start).status_code == 201
            heard = next(line for line in lines if line.startswith("event:"))
            assert heard == "event: poke"
            data = next(lines)
        assert data.startswith("data: {")


def test_sign_in_limits_hold_across_processes(databases: DatabaseFactory, tmp_path: Path) -> None:
    url, studio = prepared_studio(databases)
    teacher = studio.instructors[0]
    limits = {"INSTAINSTRU_SERVER_LOGIN_FAILURES_PER_EMAIL": "3"}
    with two_servers(url, tmp_path, env=limits) as (a, b):

        def wrong(server: ServerProcess) -> int:
            body = {"email": teacher.email, "password": "not the password"}
            return httpx.post(
                f"{server.base_url}{API}/auth/token", json=body, timeout=30
            ).status_code

        assert [wrong(a), wrong(b), wrong(a)] == [401, 401, 401]
        # each process saw fewer than three failures, together they saw three
        assert [wrong(b), wrong(a)] == [429, 429]


def test_two_processes_racing_for_one_slot_make_one_booking(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url, studio = prepared_studio(databases)
    teacher = studio.instructors[0]
    app = create_app(Settings(database_url=url))
    uow = app.state.context.uow
    racers = [
        sign(uow, add_user(uow, "student", f"Racer {n}"), datetime.now(UTC)) for n in range(16)
    ]
    uow.database.dispose()
    with two_servers(url, tmp_path) as (a, b):
        start = free_starts(a, teacher)[0]
        ready = threading.Barrier(len(racers))

        def attempt(index: int) -> int:
            server = (a, b)[index % 2]
            with httpx.Client(base_url=server.base_url, timeout=30) as client:
                client.get(f"{API}/meta")  # connected before the race
                ready.wait()
                return client.post(
                    f"{API}/bookings",
                    json={
                        "instructor_id": teacher.instructor_id,
                        "lesson_type_id": teacher.lesson_type_id,
                        "start": start,
                    },
                    headers=racers[index].headers,
                ).status_code

        with ThreadPoolExecutor(len(racers)) as pool:
            statuses = Counter(pool.map(attempt, range(len(racers))))
        assert statuses == Counter({201: 1, 409: len(racers) - 1})
        assert eventually(lambda: start not in free_starts(b, teacher), HEARD_WITHIN)


def test_a_server_with_two_workers_serves_as_one(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    url, studio = prepared_studio(databases)
    teacher, student = studio.instructors[0], studio.students[0]
    with standalone(url, "--workers", "2", cwd=tmp_path) as server:
        offered = free_starts(server, teacher)
        for start in offered[:24:8]:  # an hour apart; each request a new connection: any worker
            assert book(server, student, teacher, start).status_code == 201
            assert eventually(lambda s=start: s not in free_starts(server, teacher), HEARD_WITHIN)
        workers = _worker_pids(server)
    assert len(workers) == 2, server.text


def _worker_pids(server: ServerProcess) -> set[str]:
    found: set[str] = set()
    for line in server.log:
        if "Started server process" in line:
            found.add(line.rsplit("[", 1)[-1].rstrip("]"))
    return found
