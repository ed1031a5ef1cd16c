"""Writers of different instructors side by side, and a pull running beside them.

Bookings of eight instructors are made at the same time by eight clients while an admin pulls
again and again from the cursor it was last given, and a reader checks, as fast as it can, the
rule pulls rest on: a snapshot that sees commit N sees every commit before it (the committed
numbers it sees are exactly 1..N, as a rolled back transaction's number is rolled back too).
Every booking is written once, so it is stamped once: a pull that skipped a row (a commit
becoming visible after a later-numbered one was already pulled) would leave that booking out of
what the admin collected, and no later pull would bring it. On PostgreSQL
(``scripts/test-postgres``) the writers really run side by side and take the change sequence in
one statement just before they commit.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.server.embedded_helpers import running_studio
from tests.server.helpers import Person, add_instructor, add_user, iso, sign

API = "/api/v1"
WRITERS = 8
BOOKINGS_EACH = 12

pytestmark = pytest.mark.slow


def test_pulls_beside_concurrent_writers_never_skip_a_row(database_url: str) -> None:
    with running_studio(database_url, students=0) as (server, studio, uow):
        now = datetime.now(UTC)
        pairs = [
            (
                sign(uow, add_instructor(uow, f"Writer {n}", "UTC", hours=(0, 24 * 60)), now),
                sign(uow, add_user(uow, "student", f"Booker {n}"), now),
            )
            for n in range(WRITERS)
        ]
        first_day = (now + timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
        writing = threading.Event()
        writing.set()

        def write(pair: tuple[Person, Person]) -> list[str]:
            teacher, student = pair
            made = []
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                for day in range(BOOKINGS_EACH):
                    response = client.post(
                        f"{API}/bookings",
                        headers=student.headers,
                        json={
                            "instructor_id": teacher.instructor_id,
                            "lesson_type_id": teacher.lesson_type_id,
                            "start": iso(first_day + timedelta(days=day)),
                        },
                    )
                    assert response.status_code == 201, response.text
                    made.append(response.json()["id"])
            return made

        def pull_until_done() -> tuple[set[str], int]:
            seen: set[str] = set()
            cursor, pulls = "0", 0
            with httpx.Client(base_url=server.base_url, timeout=60) as client:
                while True:
                    last_round = not writing.is_set()  # read before the pull: then one more
                    while True:
                        page = client.get(
                            f"{API}/sync/pull",
                            params={"cursor": cursor},
                            headers=studio.admin.headers,
                        ).json()
                        pulls += 1
                        seen.update(b["id"] for b in page["bookings"])
                        cursor = page["cursor"]
                        if not page["has_more"]:
                            break
                    if last_round:
                        return seen, pulls

        def check_prefixes() -> tuple[list[tuple[int, int]], int]:
            gaps: list[tuple[int, int]] = []
            checks = 0
            # one snapshot per statement is enough: the statement reads both numbers
            engine = create_engine(database_url)
            try:
                with engine.connect() as connection:
                    while writing.is_set():
                        head, count = connection.execute(
                            text("SELECT coalesce(max(seq), 0), count(*) FROM commits")
                        ).one()
                        connection.rollback()
                        checks += 1
                        if head != count:
                            gaps.append((head, count))
            finally:
                engine.dispose()
            return gaps, checks

        with ThreadPoolExecutor(WRITERS + 2) as pool:
            puller = pool.submit(pull_until_done)
            checker = pool.submit(check_prefixes)
            made = [b for batch in pool.map(write, pairs) for b in batch]
            writing.clear()
            seen, pulls = puller.result()
            gaps, checks = checker.result()
    assert not gaps, f"snapshots saw a commit without an earlier one: {gaps[:5]} of {checks}"
    assert len(made) == WRITERS * BOOKINGS_EACH
    missed = set(made) - seen
    assert not missed, f"{len(missed)} bookings never reached a pull ({pulls} pulls)"
    assert pulls > 2  # the pulls really ran beside the writers
