"""Writers that lock the same rows in different orders must not deadlock (PostgreSQL).

Every write inserts an audit entry, whose foreign keys make PostgreSQL take ``FOR KEY SHARE`` on
the rows it names (the instructor, the acting user, the booking); an availability edit's conflict
names the booking too. Booking, rescheduling, availability edits and status changes lock the
instructor first, then the student, then the lesson; notes and reviews lock only the lesson. The
locks are ``FOR NO KEY UPDATE``, which serialize those writers but, unlike ``FOR UPDATE``, do not
block a foreign-key check. Each test pauses one real use case where a deadlock used to close,
lets the other run until it waits, and checks that both end with a business answer (a deadlock
is PostgreSQL's ``deadlock detected`` error, after one second).

SQLite has no row locks (a write transaction holds the database's write lock from its first
statement), so the deterministic tests run on PostgreSQL only; the HTTP race runs on both.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from instainstru_desktop.domain.bookings import BookingAction
from instainstru_desktop.domain.errors import InvalidTransition
from instainstru_desktop.server.core.permissions import Principal, Role
from instainstru_desktop.server.repositories import BookingRepository
from instainstru_desktop.server.repositories.uow import Tx, UnitOfWork
from instainstru_desktop.server.services import availability, bookings
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.context import Caller
from tests.server.databases import on_postgres
from tests.server.embedded_helpers import running_studio
from tests.server.helpers import FakeClock, Person, Studio, iso

postgres_only = pytest.mark.skipif(
    not on_postgres(), reason="row locks and foreign-key locks exist on PostgreSQL only"
)

_WAITING = """
SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND wait_event_type = 'Lock'
"""


def _caller(person: Person, role: Role, now: datetime) -> Caller:
    principal = Principal(
        person.user_id, role, person.name, person.email, "UTC", person.instructor_id
    )
    return Caller(principal=principal, device="test", now=now)


def _wait_until_blocked_or_done(url: str, writer: threading.Thread, timeout: float = 10.0) -> None:
    """Return once ``writer`` has finished or some transaction waits for a row lock."""
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not writer.is_alive():
                return
            with engine.connect() as connection:
                if connection.execute(text(_WAITING)).scalar_one():
                    return
            time.sleep(0.02)
        raise AssertionError("the second writer neither finished nor waited for a lock")
    finally:
        engine.dispose()


def _book(uow: UnitOfWork, studio: Studio, now: datetime) -> str:
    teacher, student = studio.instructors[0], studio.students[0]
    view = run_use_case(
        uow,
        _caller(student, Role.STUDENT, now),
        bookings.create_in,
        instructor_id=teacher.instructor_id,
        lesson_type_id=teacher.lesson_type_id,
        start=now + timedelta(days=2, hours=2),
        student_id=None,
    )
    return str(view["id"])


Work = Callable[[Tx], Any]


def _race(
    monkeypatch: pytest.MonkeyPatch,
    uow: UnitOfWork,
    url: str,
    first: Work,
    pause_after: tuple[type, str],
    second: Work,
) -> tuple[Any, Any]:
    """Run ``first`` and ``second`` in write transactions of their own, interleaved.

    ``first`` is paused right after it returns from the repository method ``pause_after``;
    ``second`` then runs until it waits for a lock or is done, and only then does ``first`` go
    on. Each one's return value or exception is returned. A deadlock shows as PostgreSQL's
    ``deadlock detected`` error from one of them (after its one-second ``deadlock_timeout``).
    """
    reached, resume = threading.Event(), threading.Event()
    owner, name = pause_after
    original = getattr(owner, name)
    threads: dict[str, threading.Thread] = {}

    def pausing(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        if threading.current_thread() is threads["first"] and not reached.is_set():
            reached.set()
            assert resume.wait(30)
        return result

    monkeypatch.setattr(owner, name, pausing)
    outcome: dict[str, Any] = {}

    def runner(key: str, work: Work) -> threading.Thread:
        def target() -> None:
            try:
                with uow.write() as tx:
                    outcome[key] = work(tx)
                    tx.commit()
            except Exception as exc:  # handed to the test thread to assert on
                outcome[key] = exc

        threads[key] = threading.Thread(target=target, name=key)
        return threads[key]

    runner("first", first)
    runner("second", second)
    threads["first"].start()
    try:
        assert reached.wait(10), "the first writer never reached its pause"
        threads["second"].start()
        _wait_until_blocked_or_done(url, threads["second"])
    finally:
        resume.set()
        for thread in threads.values():
            if thread.ident is not None:
                thread.join(30)
    assert not any(thread.is_alive() for thread in threads.values())
    return outcome["first"], outcome["second"]


def _open_conflicts(uow: UnitOfWork, instructor_id: str, booking_id: str) -> list[Any]:
    with uow.read() as tx:
        return [
            c
            for c in tx.conflicts.of_instructor(instructor_id, availability.OUTSIDE)
            if c.booking_id == booking_id and not c.resolved
        ]


@postgres_only
def test_a_cancel_beside_a_reschedule_of_the_same_lesson_does_not_deadlock(
    uow: UnitOfWork,
    studio: Studio,
    clock: FakeClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The student cancels while the instructor moves the lesson. Both lock the instructor and
    then the lesson; before they did, the cancel held the lesson while the reschedule held the
    instructor and the student, which the cancel's audit entry names."""
    teacher, student = studio.instructors[0], studio.students[0]
    booking_id = _book(uow, studio, clock.now)
    canceller = _caller(student, Role.STUDENT, clock.now)
    mover = _caller(teacher, Role.INSTRUCTOR, clock.now)
    later = clock.now + timedelta(days=3, hours=2)

    cancelled, moved = _race(
        monkeypatch,
        uow,
        database_url,
        lambda tx: bookings.transition_in(tx, canceller, booking_id, BookingAction.CANCEL, "ill"),
        (BookingRepository, "for_update"),
        lambda tx: bookings.reschedule_in(tx, mover, booking_id, later),
    )

    assert isinstance(cancelled, dict), repr(cancelled)
    assert cancelled["status"] == "cancelled"
    # The reschedule waited for the cancel and then saw a cancelled lesson: a 409, not a 500.
    assert isinstance(moved, InvalidTransition), repr(moved)


@postgres_only
def test_a_note_beside_a_reschedule_of_the_same_lesson_does_not_deadlock(
    uow: UnitOfWork,
    studio: Studio,
    clock: FakeClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A note locks only the lesson, which a reschedule holding the instructor waits for; the
    note's audit entry names the instructor, whose lock must not block that foreign-key check."""
    teacher = studio.instructors[0]
    booking_id = _book(uow, studio, clock.now)
    instructor = _caller(teacher, Role.INSTRUCTOR, clock.now)
    later = clock.now + timedelta(days=3, hours=2)

    noted, moved = _race(
        monkeypatch,
        uow,
        database_url,
        lambda tx: bookings.note_in(tx, instructor, booking_id, "scales"),
        (BookingRepository, "for_update"),
        lambda tx: bookings.reschedule_in(tx, instructor, booking_id, later),
    )

    assert isinstance(noted, dict), repr(noted)
    assert isinstance(moved, dict), repr(moved)
    assert (moved["note"], moved["start"]) == ("scales", later)


@postgres_only
def test_a_cancel_beside_an_availability_edit_does_not_deadlock(
    uow: UnitOfWork,
    studio: Studio,
    clock: FakeClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The student cancels while the instructor takes the lesson's day off: the edit holds the
    instructor and would record a conflict naming the lesson, which the cancel holds."""
    teacher, student = studio.instructors[0], studio.students[0]
    booking_id = _book(uow, studio, clock.now)
    canceller = _caller(student, Role.STUDENT, clock.now)
    editor = _caller(teacher, Role.INSTRUCTOR, clock.now)
    day = (clock.now + timedelta(days=2, hours=2)).date()

    cancelled, edited = _race(
        monkeypatch,
        uow,
        database_url,
        lambda tx: bookings.transition_in(tx, canceller, booking_id, BookingAction.CANCEL, "ill"),
        (BookingRepository, "for_update"),
        lambda tx: availability.set_date_in(tx, editor, str(teacher.instructor_id), day, []),
    )

    assert isinstance(cancelled, dict), repr(cancelled)
    assert isinstance(edited, dict), repr(edited)
    assert edited["ranges"] == []
    # The edit ran after the cancel: a cancelled lesson is nobody's concern.
    assert _open_conflicts(uow, str(teacher.instructor_id), booking_id) == []


@postgres_only
def test_a_cancel_during_an_availability_edit_settles_the_conflict_it_records(
    uow: UnitOfWork,
    studio: Studio,
    clock: FakeClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The edit has read the lesson as confirmed when the student cancels it. The cancel must
    wait for the edit (the instructor's lock), then settle the conflict the edit recorded --
    not leave an open "outside your hours" conflict for a cancelled lesson."""
    teacher, student = studio.instructors[0], studio.students[0]
    booking_id = _book(uow, studio, clock.now)
    canceller = _caller(student, Role.STUDENT, clock.now)
    editor = _caller(teacher, Role.INSTRUCTOR, clock.now)
    day = (clock.now + timedelta(days=2, hours=2)).date()

    edited, cancelled = _race(
        monkeypatch,
        uow,
        database_url,
        lambda tx: availability.set_date_in(tx, editor, str(teacher.instructor_id), day, []),
        (BookingRepository, "future_active"),
        lambda tx: bookings.transition_in(tx, canceller, booking_id, BookingAction.CANCEL, "ill"),
    )

    assert isinstance(edited, dict), repr(edited)
    assert isinstance(cancelled, dict), repr(cancelled)
    assert _open_conflicts(uow, str(teacher.instructor_id), booking_id) == []
    with uow.read() as tx:
        (conflict,) = tx.conflicts.of_instructor(str(teacher.instructor_id), availability.OUTSIDE)
        assert (conflict.resolved, conflict.resolution) == (True, "cancelled")


def _next_days_at(hour: int, count: int) -> list[datetime]:
    today = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return [today + timedelta(days=2 + n) for n in range(count)]


@pytest.mark.slow
def test_cancels_racing_reschedules_over_http_answer_200_or_409(database_url: str) -> None:
    """Each lesson is cancelled by its student and moved by its instructor at the same moment:
    whichever comes second sees the other's result; nothing is a 5xx."""
    with running_studio(database_url) as (server, studio, _uow):
        teacher = studio.instructors[0]
        starts = _next_days_at(10, 12)
        ids: list[tuple[str, Person, datetime]] = []
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            for n, start in enumerate(starts):
                student = studio.students[n % len(studio.students)]
                created = client.post(
                    "/api/v1/bookings",
                    headers=student.headers,
                    json={
                        "instructor_id": teacher.instructor_id,
                        "lesson_type_id": teacher.lesson_type_id,
                        "start": iso(start),
                    },
                )
                assert created.status_code == 201, created.text
                ids.append((created.json()["id"], student, start))

        jobs: list[tuple[str, dict[str, str], dict[str, str]]] = []
        for booking_id, student, start in ids:
            jobs.append((f"/api/v1/bookings/{booking_id}/cancel", student.headers, {"reason": "x"}))
            jobs.append(
                (
                    f"/api/v1/bookings/{booking_id}/reschedule",
                    teacher.headers,
                    {"start": iso(start + timedelta(hours=3))},
                )
            )
        ready = threading.Barrier(len(jobs))

        def send(job: tuple[str, dict[str, str], dict[str, str]]) -> tuple[int, str]:
            path, headers, body = job
            with httpx.Client(base_url=server.base_url, timeout=60, headers=headers) as client:
                client.get("/api/v1/meta")  # connect before the race
                ready.wait()
                response = client.post(path, json=body)
                return response.status_code, response.text

        with ThreadPoolExecutor(len(jobs)) as pool:
            answers = list(pool.map(send, jobs))
    statuses = Counter(status for status, _ in answers)
    assert set(statuses) <= {200, 409}, [a for a in answers if a[0] not in (200, 409)]
    # Every cancel succeeds: a lesson moved first is still confirmed when the cancel runs.
    assert [status for status, _ in answers[0::2]] == [200] * len(ids)
