"""No double booking under concurrency, against a real server on loopback.

The guarantee comes from the database transaction (instructor lock, rules, insert), so these
tests hammer a real uvicorn with threads and then look at the database itself.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.server.embedded_helpers import running_studio
from tests.server.helpers import add_user, iso, sign

OVERLAPS = """
SELECT count(*) FROM bookings a JOIN bookings b
  ON a.{who} = b.{who} AND a.id < b.id
 AND a.start_utc < b.end_utc AND b.start_utc < a.end_utc
WHERE a.status != 'cancelled' AND b.status != 'cancelled'
"""


def overlaps(url: str, who: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(OVERLAPS.format(who=who))).scalar_one())
    finally:
        engine.dispose()


def next_weekday_10am(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


@pytest.mark.slow
def test_fifty_simultaneous_requests_for_one_slot_make_one_booking(database_url: str) -> None:
    with running_studio(database_url) as (server, studio, uow):
        teacher = studio.instructors[0]
        now = datetime.now(UTC)
        students = [sign(uow, add_user(uow, "student", f"Racer {n}"), now) for n in range(50)]
        start = iso(next_weekday_10am(3))
        ready = threading.Barrier(50)

        def attempt(token: str) -> int:
            with httpx.Client(
                base_url=server.base_url, timeout=30, headers={"Authorization": f"Bearer {token}"}
            ) as client:
                client.get("/api/v1/meta")  # connect before the race
                ready.wait()
                return client.post(
                    "/api/v1/bookings",
                    json={
                        "instructor_id": teacher.instructor_id,
                        "lesson_type_id": teacher.lesson_type_id,
                        "start": start,
                    },
                ).status_code

        with ThreadPoolExecutor(50) as pool:
            statuses = Counter(pool.map(attempt, [s.token for s in students]))
    assert statuses[201] == 1, statuses
    assert statuses[409] == 49, statuses
    assert overlaps(database_url, "instructor_id") == 0


@pytest.mark.slow
@pytest.mark.sequential
def test_two_thousand_random_concurrent_requests_leave_no_overlap(database_url: str) -> None:
    with running_studio(database_url, students=20) as (server, studio, _uow):
        rng = random.Random(7)
        base = next_weekday_10am(1).replace(hour=0)
        plans = []
        for _ in range(2000):
            teacher = rng.choice(studio.instructors)
            student = rng.choice(studio.students)
            start = base + timedelta(minutes=15 * rng.randrange(4 * 24 * 3))
            plans.append((student.token, teacher.instructor_id, teacher.lesson_type_id, iso(start)))
        chunks = [plans[i::8] for i in range(8)]

        def run(chunk: list[tuple[str, str | None, str | None, str]]) -> Counter[int]:
            seen: Counter[int] = Counter()
            with httpx.Client(base_url=server.base_url, timeout=30) as client:
                for token, instructor, lesson_type, start in chunk:
                    response = client.post(
                        "/api/v1/bookings",
                        headers={"Authorization": f"Bearer {token}"},
                        json={
                            "instructor_id": instructor,
                            "lesson_type_id": lesson_type,
                            "start": start,
                        },
                    )
                    seen[response.status_code] += 1
            return seen

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            statuses = sum(pool.map(run, chunks), Counter())
        elapsed = time.perf_counter() - started
    assert sum(statuses.values()) == 2000
    assert statuses[500] == 0
    assert statuses[201] > 20, statuses
    assert elapsed < 120, elapsed
    assert overlaps(database_url, "instructor_id") == 0
    assert overlaps(database_url, "student_id") == 0


@pytest.mark.slow
def test_a_mutation_pushed_twice_at_once_applies_once(database_url: str) -> None:
    with running_studio(database_url) as (server, studio, _uow):
        teacher = studio.instructors[0]
        device = "5b2c6d0e-8a7f-4c55-9d1e-000000000001"
        day = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
        body = {
            "client_id": device,
            "mutations": [
                {
                    "id": 1,
                    "name": "availability.set_date",
                    "base_version": None,
                    "args": {
                        "instructor_id": teacher.instructor_id,
                        "date": day,
                        "ranges": [{"start": "09:00", "end": "10:00"}],
                    },
                }
            ],
        }
        ready = threading.Barrier(8)

        def push(_: int) -> dict:
            with httpx.Client(
                base_url=server.base_url, headers=teacher.headers, timeout=30
            ) as client:
                client.get("/api/v1/meta")
                ready.wait()
                return client.post("/api/v1/sync/push", json=body).json()

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(push, range(8)))
        with httpx.Client(base_url=server.base_url, headers=teacher.headers) as client:
            history = client.get("/api/v1/sync/pull").json()["audit"]
    assert {a["last_mutation_id"] for a in answers} == {1}
    assert len({str(a["results"]) for a in answers}) == 1  # replays answer the stored result
    assert [e["action"] for e in history].count("availability.set_date") == 1
