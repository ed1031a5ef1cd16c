"""Taking back a change the server has not seen: only an unsent one, never a sent or answered
one, and the ids left behind still run without a hole (the server needs them contiguous)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from instainstru_desktop.protocol import CompleteLesson, NoteLesson
from tests.store import factories as f
from tests.store.test_local_changes import answer, record, shown

LESSON = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def lesson(store):
    booked = f.booking(LESSON, note="first")
    f.seed(store, bookings=[booked])
    return booked


def withdraw(store, mutation_id):
    with store.uow() as uow:
        taken = uow.changes.withdraw(mutation_id)
        uow.commit()
    return taken


def queued(store):
    with store.read() as uow:
        return [(m.mutation_id, m.name, m.status) for m in uow.outbox.all()]


def next_id(store):
    with store.read() as uow:
        return uow.sync_state.get().next_mutation_id


def test_an_unsent_change_is_taken_back_and_the_row_shows_the_truth_again(store, lesson):
    completed = record(store, CompleteLesson(lesson["id"]), base_version=1)
    assert shown(store, lesson["id"]).status == "completed"

    assert withdraw(store, completed)

    assert shown(store, lesson["id"]).status == "confirmed"
    assert queued(store) == []
    assert next_id(store) == 1  # the id is free again: the server never saw it
    with store.read() as uow:
        assert uow.changes.dirty_keys("booking") == set()


def test_later_unsent_changes_stay_and_move_down_one_id(store, lesson):
    completed = record(store, CompleteLesson(lesson["id"]), base_version=1)
    record(store, NoteLesson(lesson["id"], "good"))
    record(store, NoteLesson(lesson["id"], "better"))

    assert withdraw(store, completed)

    assert queued(store) == [(1, "booking.note", "pending"), (2, "booking.note", "pending")]
    assert next_id(store) == 3
    row = shown(store, lesson["id"])
    assert (row.status, row.note) == ("confirmed", "better")
    with store.read() as uow:
        assert uow.outbox.subjects_of(1) == [("booking", lesson["id"])]
        assert uow.outbox.subjects_of(3) == []


def test_a_change_that_went_out_is_never_taken_back(store, lesson):
    completed = record(store, CompleteLesson(lesson["id"]), base_version=1)
    with store.uow() as uow:
        uow.outbox.mark_sent([completed])  # in flight: the server may be applying it now
        uow.commit()

    assert not withdraw(store, completed)

    assert queued(store) == [(1, "booking.complete", "sent")]
    assert shown(store, lesson["id"]).status == "completed"


def test_an_answered_change_is_never_taken_back(store, lesson):
    completed = record(store, CompleteLesson(lesson["id"]), base_version=1)
    answer(store, completed, applied=True, seq=2)
    assert not withdraw(store, completed)
    assert queued(store) == [(1, "booking.complete", "applied")]


def test_an_unsent_change_behind_one_in_flight_can_go(store, lesson):
    first = record(store, NoteLesson(lesson["id"], "good"))
    completed = record(store, CompleteLesson(lesson["id"]), base_version=1)
    with store.uow() as uow:
        uow.outbox.mark_sent([first])
        uow.commit()

    assert withdraw(store, completed)
    assert queued(store) == [(1, "booking.note", "sent")]
    assert next_id(store) == 2


def test_nothing_is_taken_back_while_the_ids_wait_for_the_servers_word(store, lesson):
    """After a damaged cache was rebuilt the server may already hold these ids: hands off."""
    completed = record(store, CompleteLesson(lesson["id"]), base_version=1)
    with store.uow() as uow:
        uow.sync_state.update(ids_unconfirmed_from=1)
        uow.commit()
    assert not withdraw(store, completed)
    assert queued(store) == [(1, "booking.complete", "pending")]


def test_an_unknown_id_is_not_taken_back(store, lesson):
    assert not withdraw(store, 41)
