"""Weekly series on the server: create (every rule, every lesson), the rolling window, DST,
cancel one / this and following, move one, change the rule, terms and time off, students."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from instainstru_desktop.domain.series import occurrence_id
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.models import AuditEntry, Booking, Series
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services import series_booking
from tests.server.helpers import FakeClock, Person, Studio, build_studio, iso, new_id

API = "/api/v1"


def weekly(teacher: Person, student: Person | None, **values: Any) -> dict[str, Any]:
    body = {
        "instructor_id": teacher.instructor_id,
        "lesson_type_id": teacher.lesson_type_id,
        "weekdays": [1],
        "time": "10:00",
        "start_date": "2026-03-03",
        "count": 8,
        **values,
    }
    if student is not None:
        body["student_id"] = student.user_id
    return body


def create(client: TestClient, who: Person, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(f"{API}/series", json=body, headers=who.headers)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def lessons_of(uow: UnitOfWork, series_id: str) -> list[Booking]:
    with uow.read() as tx:
        return list(tx.series.lessons(series_id))


def audit_actions(uow: UnitOfWork, booking_id: str) -> list[str]:
    with uow.read() as tx:
        return [e.action for e in tx.audit.of_booking(booking_id)]


def test_a_series_books_what_the_window_reaches_and_lists_the_rest(
    client: TestClient, studio: Studio, uow: UnitOfWork
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    answer = create(client, teacher, weekly(teacher, student))
    booked = [b["start"] for b in answer["booked"]]
    # London, 10:00 on Tuesdays; the 28-day window from Mon 2 Mar 08:00 UTC ends 30 Mar.
    assert booked == [
        "2026-03-03T10:00:00Z",
        "2026-03-10T10:00:00Z",
        "2026-03-17T10:00:00Z",
        "2026-03-24T10:00:00Z",
    ]
    later = [(w["date"], w["start"]) for w in answer["later"]]
    assert later[0] == ("2026-03-31", "2026-03-31T09:00:00Z")  # 10:00 BST after the change
    assert len(later) == 4
    assert answer["refused"] == []
    series_id = answer["series"]["id"]
    assert {b["id"] for b in answer["booked"]} == {
        occurrence_id(series_id, f"1/{d}")
        for d in ("2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24")
    }
    assert all(b["series_id"] == series_id for b in answer["booked"])
    detail = client.get(f"{API}/series/{series_id}", headers=teacher.headers).json()
    assert len(detail["lessons"]) == 4
    assert [w["date"] for w in detail["waiting"]] == [
        "2026-03-31",
        "2026-04-07",
        "2026-04-14",
        "2026-04-21",
    ]
    first = answer["booked"][0]["id"]
    assert audit_actions(uow, first) == ["booking.create"]
    for lesson in answer["booked"]:  # each as the lesson's own page reads it back
        read = client.get(f"{API}/bookings/{lesson['id']}", headers=teacher.headers)
        assert {k: v for k, v in read.json().items() if k != "seq"} == {
            k: v for k, v in lesson.items() if k != "seq"
        }


def test_a_refused_lesson_gets_the_reason_a_single_booking_would(
    client: TestClient, studio: Studio
) -> None:
    teacher, student, other = studio.instructors[0], studio.students[0], studio.students[1]
    single = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "student_id": other.user_id,
            "start": "2026-03-10T10:30:00Z",
        },
        headers=teacher.headers,
    )
    assert single.status_code == 201
    answer = create(client, teacher, weekly(teacher, student, count=3))
    assert [b["start"][:10] for b in answer["booked"]] == ["2026-03-03", "2026-03-17"]
    [refused] = answer["refused"]
    assert (refused["date"], refused["code"]) == ("2026-03-10", "instructor_busy")
    again = client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "student_id": student.user_id,
            "start": refused["start"],
        },
        headers=teacher.headers,
    )
    assert again.json()["code"] == refused["code"]
    series = client.get(f"{API}/series/{answer['series']['id']}", headers=teacher.headers).json()
    assert [s["code"] for s in series["skipped"]] == ["instructor_busy"]


def test_the_window_rolls_forward_with_the_clock(
    client: TestClient, studio: Studio, uow: UnitOfWork, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    series_id = create(client, teacher, weekly(teacher, student))["series"]["id"]
    assert len(lessons_of(uow, series_id)) == 4
    clock.advance(days=14)
    assert series_booking.roll_due(uow, clock.now) == 2
    assert series_booking.roll_due(uow, clock.now) == 0  # each slot is dealt with once
    starts = [b.start_utc for b in lessons_of(uow, series_id)]
    assert starts[-2:] == [
        datetime(2026, 3, 31, 9, tzinfo=UTC),  # 10:00 local on both sides of the change
        datetime(2026, 4, 7, 9, tzinfo=UTC),
    ]
    # A single booking of the instructor books the due series lessons first, under its lock:
    # the series' own time that week is taken before the booking is judged ...
    clock.advance(days=7)

    def book(start: str) -> Any:
        return client.post(
            f"{API}/bookings",
            json={
                "instructor_id": teacher.instructor_id,
                "lesson_type_id": teacher.lesson_type_id,
                "student_id": studio.students[1].user_id,
                "start": start,
            },
            headers=teacher.headers,
        )

    assert book("2026-04-14T09:00:00Z").json()["code"] == "instructor_busy"
    # ... and kept with the first booking that goes through (a refused one keeps nothing).
    assert book("2026-04-14T12:00:00Z").status_code == 201
    assert len(lessons_of(uow, series_id)) == 7


def test_the_server_books_due_lessons_on_its_own(tmp_path: Any, databases: Any) -> None:
    clock = FakeClock()
    settings = Settings(database_url=databases.new("passes"), series_pass_seconds=0.05)
    app: FastAPI = create_app(settings, clock=clock)
    uow = app.state.context.uow
    studio = build_studio(uow, now=clock.now)
    teacher, student = studio.instructors[0], studio.students[0]
    with TestClient(app) as client:
        series_id = create(client, teacher, weekly(teacher, student))["series"]["id"]
        assert len(lessons_of(uow, series_id)) == 4
        clock.advance(days=27)  # the window now reaches the last lesson, on 21 April
        deadline = time.monotonic() + 10
        while len(lessons_of(uow, series_id)) < 8 and time.monotonic() < deadline:
            time.sleep(0.02)
    assert len(lessons_of(uow, series_id)) == 8
    with uow.read() as tx:
        series = tx.series.get(series_id)
        assert series is not None
        assert (series.status, series.next_start_utc) == ("ended", None)
    uow.database.dispose()


def test_cancel_one_then_this_and_following(
    client: TestClient, studio: Studio, uow: UnitOfWork, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    answer = create(client, teacher, weekly(teacher, student))
    series_id = answer["series"]["id"]
    one = answer["booked"][1]["id"]
    cancelled = client.post(
        f"{API}/bookings/{one}/cancel", json={"reason": "away"}, headers=teacher.headers
    )
    assert cancelled.status_code == 200
    following = client.post(
        f"{API}/series/{series_id}/cancel",
        json={"from_date": "2026-03-17", "reason": "moving away"},
        headers=teacher.headers,
    )
    assert following.status_code == 200, following.text
    assert [b["start"][:10] for b in following.json()["cancelled"]] == ["2026-03-17", "2026-03-24"]
    assert following.json()["series"]["status"] == "ended"
    clock.advance(days=30)
    series_booking.roll_due(uow, clock.now)
    statuses = [(b.start_utc.date().isoformat(), b.status) for b in lessons_of(uow, series_id)]
    assert statuses == [
        ("2026-03-03", "confirmed"),
        ("2026-03-10", "cancelled"),
        ("2026-03-17", "cancelled"),
        ("2026-03-24", "cancelled"),
    ]
    assert audit_actions(uow, answer["booked"][3]["id"]) == ["booking.create", "booking.cancel"]


def test_a_moved_lesson_stays_in_the_series_and_keeps_its_time_when_the_rule_changes(
    client: TestClient, studio: Studio, uow: UnitOfWork
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    answer = create(client, teacher, weekly(teacher, student, count=4))
    series_id = answer["series"]["id"]
    moved_id = answer["booked"][1]["id"]
    moved = client.post(
        f"{API}/bookings/{moved_id}/reschedule",
        json={"start": "2026-03-11T14:00:00Z"},
        headers=teacher.headers,
    ).json()
    assert (moved["series_id"], moved["series_moved"]) == (series_id, True)
    changed = client.post(
        f"{API}/series/{series_id}/change",
        json={"from_date": "2026-03-03", "weekdays": [3], "time": "11:00"},
        headers=teacher.headers,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert sorted(b["start"] for b in body["moved"]) == [
        "2026-03-05T11:00:00Z",
        "2026-03-19T11:00:00Z",
        "2026-03-26T11:00:00Z",
    ]
    assert body["cancelled"] == []
    assert body["booked"] == []
    starts = {b.id: b.start_utc for b in lessons_of(uow, series_id)}
    assert starts[moved_id] == datetime(2026, 3, 11, 14, tzinfo=UTC)  # kept its own time
    first = answer["booked"][0]["id"]
    assert audit_actions(uow, first) == ["booking.create", "booking.reschedule"]


def test_a_change_that_cannot_move_a_lesson_says_why_and_keeps_it(
    client: TestClient, studio: Studio, uow: UnitOfWork
) -> None:
    teacher, student, other = studio.instructors[0], studio.students[0], studio.students[1]
    answer = create(client, teacher, weekly(teacher, student, count=3))
    client.post(
        f"{API}/bookings",
        json={
            "instructor_id": teacher.instructor_id,
            "lesson_type_id": teacher.lesson_type_id,
            "student_id": other.user_id,
            "start": "2026-03-10T15:00:00Z",
        },
        headers=teacher.headers,
    )
    body = client.post(
        f"{API}/series/{answer['series']['id']}/change",
        json={"from_date": "2026-03-03", "weekdays": [1], "time": "15:00"},
        headers=teacher.headers,
    ).json()
    assert [k["date"] for k in body["kept"]] == ["2026-03-10"]
    assert body["kept"][0]["code"] == "instructor_busy"
    assert len(body["moved"]) == 2
    kept = next(
        b for b in lessons_of(uow, answer["series"]["id"]) if b.id == body["kept"][0]["booking_id"]
    )
    assert kept.start_utc == datetime(2026, 3, 10, 10, tzinfo=UTC)
    pulled = client.get(f"{API}/sync/pull", headers=teacher.headers).json()
    [note] = [c for c in pulled["conflicts"] if c["kind"] == "series_refused"]
    assert "could not change" in note["message"]
    assert "Tue 10 Mar 15:00" in note["message"]


def test_a_break_added_later_frees_its_lessons_and_says_so(
    client: TestClient, studio: Studio, uow: UnitOfWork
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    term_id = new_id()
    term_url = f"{API}/instructors/{teacher.instructor_id}/terms/{term_id}"
    term = {"name": "Spring term", "first": "2026-03-02", "last": "2026-03-27", "breaks": []}
    assert client.put(term_url, json=term, headers=teacher.headers).status_code == 200
    body = weekly(teacher, student, count=None, term_id=term_id, weekdays=[1, 3])
    answer = create(client, teacher, body)
    assert len(answer["booked"]) == 8  # Tue and Thu, 3 to 26 March
    term["breaks"] = [{"first": "2026-03-16", "last": "2026-03-20", "name": "Half term"}]
    response = client.put(term_url, json=term, headers=teacher.headers)
    assert response.status_code == 200, response.text
    assert len(response.json()["freed"]) == 2
    lessons = lessons_of(uow, answer["series"]["id"])
    cancelled = [b for b in lessons if b.status == "cancelled"]
    assert [b.start_utc.date().isoformat() for b in cancelled] == ["2026-03-17", "2026-03-19"]
    assert cancelled[0].cancel_reason == "No lesson: Half term (a break of Spring term)."
    # the break removed again: the slots are booked again, as new lessons of the series
    term["breaks"] = []
    client.put(term_url, json=term, headers=teacher.headers)
    confirmed = [b for b in lessons_of(uow, answer["series"]["id"]) if b.status == "confirmed"]
    assert len(confirmed) == 6  # the two freed slots hold their cancelled lessons: left alone
    notes = client.get(f"{API}/sync/pull", headers=teacher.headers).json()["conflicts"]
    [freed] = [c for c in notes if c["kind"] == "series_freed"]
    assert "Half term" in freed["message"]


def test_time_off_frees_the_series_lessons_on_that_date(
    client: TestClient, studio: Studio, uow: UnitOfWork
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    answer = create(client, teacher, weekly(teacher, student, count=3))
    response = client.put(
        f"{API}/instructors/{teacher.instructor_id}/availability/2026-03-10",
        json={"ranges": []},
        headers=teacher.headers,
    )
    assert response.status_code == 200
    statuses = [b.status for b in lessons_of(uow, answer["series"]["id"])]
    assert statuses == ["confirmed", "cancelled", "confirmed"]
    notes = client.get(f"{API}/sync/pull", headers=teacher.headers).json()["conflicts"]
    assert [c["kind"] for c in notes] == ["series_freed"]


def test_wall_time_holds_for_a_student_in_another_zone(client: TestClient, studio: Studio) -> None:
    teacher, student = studio.instructors[0], studio.students[0]  # London; New York
    answer = create(
        client, teacher, weekly(teacher, student, start_date="2026-03-17", count=2, time="14:00")
    )
    assert [b["start"] for b in answer["booked"]] == [
        "2026-03-17T14:00:00Z",
        "2026-03-24T14:00:00Z",
    ]
    # New York changed on 8 March, London on 29 March: the student sees 10:00 then 10:00 EDT.
    later = create(
        client,
        teacher,
        weekly(teacher, studio.students[1], start_date="2026-03-31", count=1, time="14:00"),
    )
    assert later["later"][0]["start"] == "2026-03-31T13:00:00Z"


def test_students_book_weekly_only_where_the_instructor_allows_it(
    client: TestClient, studio: Studio, uow: UnitOfWork, clock: FakeClock
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    refused = client.post(f"{API}/series", json=weekly(teacher, None), headers=student.headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    unseen = client.post(
        f"{API}/series-preview", json=weekly(teacher, None), headers=student.headers
    )
    assert (unseen.status_code, unseen.json()["code"]) == (403, "forbidden")
    allow = client.patch(
        f"{API}/instructors/{teacher.instructor_id}",
        json={"students_book_weekly": True},
        headers=teacher.headers,
    )
    assert allow.json()["policy"]["students_book_weekly"] is True
    answer = create(client, student, weekly(teacher, None, count=3))
    assert len(answer["booked"]) == 3
    series_id = answer["series"]["id"]
    other = studio.students[1]
    hidden = client.post(
        f"{API}/series/{series_id}/cancel", json={"from_date": "2026-03-03"}, headers=other.headers
    )
    assert hidden.status_code == 404
    clock.now = datetime(2026, 3, 3, 9, tzinfo=UTC)  # an hour before the first: too late
    late = client.post(
        f"{API}/series/{series_id}/cancel",
        json={"from_date": "2026-03-03"},
        headers=student.headers,
    )
    assert late.json()["code"] == "invalid_transition"
    fine = client.post(
        f"{API}/series/{series_id}/cancel",
        json={"from_date": "2026-03-10"},
        headers=student.headers,
    )
    assert [b["cancelled_by"] for b in fine.json()["cancelled"]] == ["student", "student"]
    change = client.post(
        f"{API}/series/{series_id}/change",
        json={"from_date": "2026-03-10", "weekdays": [2], "time": "10:00"},
        headers=student.headers,
    )
    assert change.status_code == 403


@pytest.mark.expect_log("instainstru_desktop.server.api.problems", "ERROR", match="unhandled error")
def test_a_fault_half_way_leaves_no_series(
    app: FastAPI, studio: Studio, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    written: list[str] = []  # lessons written and audited before the fault
    real = series_booking.record_each

    def failing(tx: Any, caller: Any, action: str, *, entries: Any, **kwargs: Any) -> None:
        def counted() -> Iterator[Any]:
            for booking_id, details in entries:
                if action == "booking.create" and len(written) == 2:
                    raise RuntimeError("disk on fire")
                yield booking_id, details
                written.append(booking_id)

        real(tx, caller, action, entries=counted(), **kwargs)

    monkeypatch.setattr(series_booking, "record_each", failing)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(
            f"{API}/series", json=weekly(teacher, student), headers=teacher.headers
        )
    assert response.status_code == 500
    assert len(written) == 2
    with uow.read() as tx:
        session: Any = tx.bookings._s
        assert session.scalar(select(func.count()).select_from(Series)) == 0
        assert session.scalar(select(func.count()).select_from(Booking)) == 0
        actions = session.scalars(select(AuditEntry.action)).all()
        assert "series.create" not in actions


def test_the_preview_says_what_creating_would_do(client: TestClient, studio: Studio) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    body = weekly(teacher, student, count=3)
    client.put(
        f"{API}/instructors/{teacher.instructor_id}/availability/2026-03-10",
        json={"ranges": []},
        headers=teacher.headers,
    )
    preview = client.post(f"{API}/series-preview", json=body, headers=teacher.headers).json()
    outcomes = [(s["date"], s["outcome"], s["code"]) for s in preview["slots"]]
    assert outcomes == [
        ("2026-03-03", "book", None),
        ("2026-03-10", "refused", "outside_availability"),
        ("2026-03-17", "book", None),
    ]
    answer = create(client, teacher, body)
    assert [r["date"] for r in answer["refused"]] == ["2026-03-10"]


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"weekdays": []}, "validation_error"),
        ({"count": None}, "invalid_series"),
        ({"until": "2026-04-01"}, "invalid_series"),
        ({"every_weeks": 5}, "validation_error"),
        ({"time": "24:00"}, "invalid_series"),
        ({"start_date": "2026-03-01"}, "validation_error"),
        ({"term_id": "00000000-0000-4000-8000-000000000000", "count": None}, "not_found"),
    ],
)
def test_a_series_that_cannot_be_is_refused_clearly(
    client: TestClient, studio: Studio, values: dict[str, Any], code: str
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    response = client.post(
        f"{API}/series", json=weekly(teacher, student, **values), headers=teacher.headers
    )
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code, response.text


def test_a_series_through_sync_lands_its_refusals_under_needs_attention(
    client: TestClient, studio: Studio
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    client.put(
        f"{API}/instructors/{teacher.instructor_id}/availability/2026-03-17",
        json={"ranges": []},
        headers=teacher.headers,
    )
    series_id = new_id()
    mutation = {
        "id": 1,
        "name": "series.create",
        "base_version": None,
        "args": {**weekly(teacher, student, count=3), "series_id": series_id},
    }
    pushed = client.post(
        f"{API}/sync/push",
        json={"client_id": new_id(), "mutations": [mutation]},
        headers=teacher.headers,
    ).json()
    assert pushed["results"][0]["status"] == "applied"
    pulled = client.get(f"{API}/sync/pull", headers=teacher.headers).json()
    assert [s["id"] for s in pulled["series"]] == [series_id]
    assert sorted(b["series_slot"] for b in pulled["bookings"]) == ["1/2026-03-03", "1/2026-03-10"]
    [note] = [c for c in pulled["conflicts"] if c["kind"] == "series_refused"]
    assert "Tue 17 Mar 10:00" in note["message"]
    assert "outside the instructor's available hours" in note["message"]
    assert iso(datetime(2026, 3, 3, 10, tzinfo=UTC)) in {b["start"] for b in pulled["bookings"]}
    assert date(2026, 3, 17).isoformat() not in {b["start"][:10] for b in pulled["bookings"]}


def test_a_break_removed_gives_its_slots_back(
    client: TestClient, studio: Studio, uow: UnitOfWork
) -> None:
    teacher, student = studio.instructors[0], studio.students[0]
    term_id = new_id()
    term_url = f"{API}/instructors/{teacher.instructor_id}/terms/{term_id}"
    term = {
        "name": "Spring term",
        "first": "2026-03-02",
        "last": "2026-03-27",
        "breaks": [{"first": "2026-03-16", "last": "2026-03-20", "name": "Half term"}],
    }
    client.put(term_url, json=term, headers=teacher.headers)
    answer = create(client, teacher, weekly(teacher, student, count=None, term_id=term_id))
    assert [b["start"][:10] for b in answer["booked"]] == ["2026-03-03", "2026-03-10", "2026-03-24"]
    assert [(b["date"], b["reason"]) for b in answer["breaks"]] == [("2026-03-17", "Half term")]
    term["breaks"] = []
    assert client.put(term_url, json=term, headers=teacher.headers).status_code == 200
    days = [b.start_utc.date().isoformat() for b in lessons_of(uow, answer["series"]["id"])]
    assert days == ["2026-03-03", "2026-03-10", "2026-03-17", "2026-03-24"]
    history = audit_actions(uow, occurrence_id(answer["series"]["id"], "1/2026-03-17"))
    assert history == ["booking.create"]
