"""Optimistic edits over server truth: shown at once, rebased on pulls, rolled back on refusal."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from instainstru_desktop.protocol import (
    BookLesson,
    CompleteLesson,
    DayRange,
    NoteLesson,
    SetDateHours,
)
from tests.store import factories as f

LESSON = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def lesson(store):
    booked = f.booking(LESSON, note="first")
    f.seed(store, bookings=[booked])
    return booked


def record(store, change, **kwargs):
    with store.uow() as uow:
        mutation_id = uow.changes.record(change, **kwargs)
        uow.commit()
    return mutation_id


def booked(booking_id):
    start = datetime(2026, 3, 10, 9, tzinfo=UTC)
    return BookLesson(booking_id, f.INSTRUCTOR_ID, f.LESSON_TYPE_ID, start, f.STUDENT_ID)


def shown(store, booking_id):
    with store.read() as uow:
        return uow.bookings.get(booking_id)


def answer(store, mutation_id, *, applied, seq, code=None, message=None):
    with store.uow() as uow:
        uow.outbox.record_result(
            mutation_id, applied=applied, code=code, message=message, result={}, applied_seq=seq
        )
        uow.changes.rebase_all()
        uow.commit()


def pull(store, cursor, **lists):
    with store.uow() as uow:
        summary = uow.pull.apply(f.page(cursor, **lists), now="2026-03-04T12:00:00Z")
        uow.commit()
    return summary


def dirty(store, entity):
    with store.read() as uow:
        return uow.changes.dirty_keys(entity)


def test_an_edit_shows_at_once_and_is_queued_with_a_sequential_id(store, lesson):
    first = record(store, CompleteLesson(lesson["id"]), base_version=1)
    second = record(store, NoteLesson(lesson["id"], "good"))

    assert (first, second) == (1, 2)
    row = shown(store, lesson["id"])
    assert (row.status, row.note) == ("completed", "good")
    assert dirty(store, "booking") == {lesson["id"]}
    with store.read() as uow:
        queued = uow.outbox.due(10, "2026-03-04T12:00:00Z")
        assert [m.wire() for m in queued] == [
            {
                "id": 1,
                "name": "booking.complete",
                "args": {"booking_id": lesson["id"]},
                "base_version": 1,
            },
            {
                "id": 2,
                "name": "booking.note",
                "args": {"booking_id": lesson["id"], "note": "good"},
                "base_version": None,
            },
        ]


def test_a_rejected_edit_falls_back_to_the_servers_truth_and_later_edits_stay(store, lesson):
    complete = record(store, CompleteLesson(lesson["id"]))
    record(store, NoteLesson(lesson["id"], "mine"))

    answer(store, complete, applied=False, seq=0, code="invalid_transition", message="cancelled")

    row = shown(store, lesson["id"])
    assert (row.status, row.note) == ("confirmed", "mine")
    with store.read() as uow:
        assert uow.refusals.rejected_keys("booking") == {lesson["id"]: "cancelled"}


def test_a_pull_rebases_unsynced_edits_on_the_new_truth(store, lesson):
    record(store, NoteLesson(lesson["id"], "mine"))

    admin_flagged = {**lesson, "flagged": True, "review_note": "check", "version": 2}
    pull(store, "2.b", bookings=[admin_flagged])

    row = shown(store, lesson["id"])
    assert (row.note, row.flagged, row.version) == ("mine", True, 2)
    assert dirty(store, "booking") == {lesson["id"]}


def test_an_applied_edit_stays_shown_until_the_pull_that_holds_it(store, lesson):
    note = record(store, NoteLesson(lesson["id"], "mine"))
    answer(store, note, applied=True, seq=5)
    assert shown(store, lesson["id"]).note == "mine"  # no flicker back to "first"

    pull(store, "4.x")  # a page that ends before the mutation's commit
    assert shown(store, lesson["id"]).note == "mine"
    assert dirty(store, "booking") == {lesson["id"]}

    pull(store, "5.y", bookings=[{**lesson, "note": "mine", "version": 2}])
    assert shown(store, lesson["id"]).version == 2
    assert dirty(store, "booking") == set()


def test_deleting_a_dirty_row_on_the_server_keeps_the_local_edit_shown(store):
    f.seed(store, overrides=[f.override("2026-03-05", [("10:00", "12:00")])])
    change = SetDateHours(f.INSTRUCTOR_ID, date(2026, 3, 5), (DayRange("09:00", "10:00"),))
    mutation_id = record(store, change)
    key = f"{f.INSTRUCTOR_ID}/2026-03-05"

    pull(store, "2.b", tombstones=[{"entity": "override", "id": key}])
    with store.read() as uow:
        assert uow.availability.overrides(f.INSTRUCTOR_ID, "2026-03-05", "2026-03-05") == {
            "2026-03-05": [{"start": "09:00", "end": "10:00"}]
        }

    answer(store, mutation_id, applied=False, seq=0, message="no")
    with store.read() as uow:
        assert uow.availability.overrides(f.INSTRUCTOR_ID, "2026-03-05", "2026-03-05") == {}


def test_a_booking_created_offline_is_shown_then_replaced_by_the_servers_copy(store):
    f.seed(store)
    created = record(store, booked("new-1"))

    row = shown(store, "new-1")
    assert (row.start_utc, row.end_utc, row.student_name, row.version) == (
        "2026-03-10T09:00:00Z",
        "2026-03-10T10:00:00Z",
        "Ana Student",
        0,
    )

    answer(store, created, applied=True, seq=3)
    server_copy = f.booking(datetime(2026, 3, 10, 9, tzinfo=UTC), booking_id="new-1", version=1)
    pull(store, "3.c", bookings=[server_copy])
    assert shown(store, "new-1").version == 1
    assert dirty(store, "booking") == set()


def test_a_refused_create_disappears(store):
    f.seed(store)
    created = record(store, booked("new-2"))
    answer(store, created, applied=False, seq=0, code="slot_taken", message="taken")
    assert shown(store, "new-2") is None


def test_starting_over_keeps_the_outbox_and_reapplies_its_edits_on_the_new_download(store, lesson):
    record(store, NoteLesson(lesson["id"], "mine"))
    with store.uow() as uow:
        uow.pull.start_over()
        assert uow.mirror.count("booking") == 0
        uow.pull.apply(f.page("1.n", bookings=[lesson], instructors=[f.instructor()]), now="x")
        uow.commit()
    row = shown(store, lesson["id"])
    assert row.note == "mine"
    with store.read() as uow:
        assert len(uow.outbox.all()) == 1
        assert uow.sync_state.get().cursor == "1.n"
