"""A weekly series created while 20 students and the instructor's other device book into the
same weeks (the students into weeks 0 and 2, the device into week 1; week 3 is the series'
alone), all against the real server at once: no two lessons overlap, and the series' answer
lists exactly the lessons it did not get, each taken by a booking that won the race."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from instainstru_desktop.sync.api import ApiClient, ApiError
from tests.server.helpers import Person, add_user, sign
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import at, iso, local_day

WEEKS = 4
START = 3


def week(n: int) -> Any:
    return local_day(START + 7 * n)


def confirmed(server: ServerHandle, instructor: Person) -> list[tuple[datetime, datetime, str]]:
    rows = server.query(
        "SELECT start_utc, end_utc, series_id FROM bookings"
        " WHERE instructor_id = ? AND status = 'confirmed' ORDER BY start_utc",
        instructor.instructor_id,
    )
    return [
        (
            datetime.fromisoformat(str(s)).replace(tzinfo=UTC),
            datetime.fromisoformat(str(e)).replace(tzinfo=UTC),
            str(series or ""),
        )
        for s, e, series in rows
    ]


def test_a_series_racing_twenty_students_and_another_device_never_double_books(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    students = [
        sign(server.uow, add_user(server.uow, "student", f"Racer {i}"), datetime.now(UTC))
        for i in range(20)
    ]
    regular = server.studio.students[0]
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    server.add_lesson(instructor, regular, started, status="completed")
    phone = make_device("phone")
    phone.sync()
    gate = threading.Barrier(len(students) + 2)
    answers: dict[str, Any] = {}
    failures: list[BaseException] = []
    statuses: list[int] = []  # of the students' refused bookings

    def student_books(i: int, person: Person) -> None:
        start = at(week(2 * (i % 2)), 10, 30 if i % 4 >= 2 else 0)  # weeks 0 and 2
        with ApiClient(server.url, token=person.token, device=f"web-{i}") as api:
            gate.wait()
            try:
                api.request(
                    "POST",
                    "/bookings",
                    json={
                        "instructor_id": instructor.instructor_id,
                        "lesson_type_id": instructor.lesson_type_id,
                        "start": iso(start),
                    },
                    retry=False,
                )
            except ApiError as refused:
                statuses.append(refused.status)

    def series_created() -> None:
        with ApiClient(server.url, token=instructor.token, device="laptop") as api:
            gate.wait()
            answers["series"] = api.request(
                "POST",
                "/series",
                json={
                    "instructor_id": instructor.instructor_id,
                    "lesson_type_id": instructor.lesson_type_id,
                    "student_id": regular.user_id,
                    "weekdays": [week(0).weekday()],
                    "time": "10:00",
                    "start_date": week(0).isoformat(),
                    "count": WEEKS,
                },
                retry=False,
            ).json()

    def phone_books() -> None:
        for start in (at(week(1), 10, 30), at(week(3), 12)):  # week 1 races the series
            phone.lessons.book_for_student(
                phone.instructor_id, regular.user_id, instructor.lesson_type_id or "", start
            )
        gate.wait()
        phone.engine.sync_once(force_push=True)

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as error:  # reported by the test below
                failures.append(error)

        return run

    threads = [
        threading.Thread(target=guarded(lambda i=i, p=p: student_books(i, p)))
        for i, p in enumerate(students)
    ]
    threads += [threading.Thread(target=guarded(series_created))]
    threads += [threading.Thread(target=guarded(phone_books))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert set(statuses) <= {409}

    lessons = confirmed(server, instructor)
    for (_, end, _), (start, _, _) in itertools.pairwise(lessons):
        assert end <= start, f"two lessons overlap at {start}"
    answer = answers["series"]
    series_id = answer["series"]["id"]
    booked = {b["start"] for b in answer["booked"]}
    refused = {r["date"]: r for r in answer["refused"]}
    assert len(booked) + len(refused) == WEEKS
    assert iso(at(week(3), 10)) in booked  # nobody raced it there
    assert {iso(s) for s, _, sid in lessons if sid == series_id} == booked
    for n in range(WEEKS):
        slot = at(week(n), 10)
        if week(n).isoformat() in refused:
            # taken by a lesson that got there first, and refused for the reason it would get
            reason = refused[week(n).isoformat()]
            assert reason["code"] in ("instructor_busy", "student_busy"), reason
            assert any(
                s < slot + timedelta(hours=1) and slot < e and sid != series_id
                for s, e, sid in lessons
            )
        else:
            assert iso(slot) in booked
