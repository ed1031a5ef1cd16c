"""Taking an outcome back while it is unsent, and correcting it once it has gone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from instainstru_desktop.protocol import CompleteLesson, CorrectOutcome, MarkNoShow
from instainstru_desktop.services import (
    ActionNotAllowedError,
    AlreadySentError,
    InFlightError,
    LessonService,
)
from instainstru_desktop.services.views import SyncMark
from tests.store import factories as f
from tests.unit.services.conftest import NOW


@pytest.fixture
def service(store, pokes):
    return LessonService(store, on_change=lambda: pokes.append("poke"))


@pytest.fixture
def lesson(store) -> str:
    booked = f.booking(NOW - timedelta(hours=3))
    f.seed(store, bookings=[booked])
    return str(booked["id"])


def outbox(store):
    with store.read() as uow:
        return [(m.mutation_id, m.name, m.status) for m in uow.outbox.all()]


def test_an_unsent_outcome_is_taken_back(store, service, lesson):
    service.complete(lesson)
    assert service.card(lesson).status == "completed"

    changed = service.withdraw(lesson, CompleteLesson)

    assert changed.booking_ids == {lesson}
    assert changed.withdrawn  # the count of changes waiting went down: the status bar re-reads
    card = service.card(lesson)
    assert (card.status, card.mark) == ("confirmed", SyncMark.SYNCED)
    assert outbox(store) == []


def test_an_outcome_that_went_out_is_not_taken_back(store, service, lesson):
    service.no_show(lesson)
    store.sending([1])  # what the sync engine does as it takes the change
    with store.uow() as uow:
        uow.outbox.mark_sent([1])
        uow.commit()
    with pytest.raises(InFlightError, match="on its way to the server"):
        service.withdraw(lesson, MarkNoShow)  # whether it arrives is not known yet
    assert service.card(lesson).status == "no_show"
    assert outbox(store) == [(1, "booking.no_show", "sent")]
    store.sending([])  # the attempt ended, and it may have arrived: it stays sent
    with pytest.raises(AlreadySentError, match="already reached the server"):
        service.withdraw(lesson, MarkNoShow)
    with store.uow() as uow:
        uow.outbox.record_result(
            1, applied=True, code=None, message=None, result={}, applied_seq=2
        )
        uow.commit()
    with pytest.raises(AlreadySentError, match="already reached the server"):
        service.withdraw(lesson, MarkNoShow)


def test_a_correction_is_queued_and_shown_and_taken_back_before_the_outcome(
    store, service, lesson
):
    service.complete(lesson)
    changed = service.correct_outcome(lesson, "no_show")
    assert changed.mutation_ids == (2,)
    assert service.card(lesson).status == "no_show"
    with pytest.raises(ActionNotAllowedError, match="take that back first"):
        service.withdraw(lesson, CompleteLesson)  # the correction depends on it
    service.withdraw(lesson, CorrectOutcome)
    assert service.card(lesson).status == "completed"
    service.withdraw(lesson, CompleteLesson)
    assert service.card(lesson).status == "confirmed"
    assert outbox(store) == []


def test_only_a_recorded_outcome_is_corrected(service, lesson):
    with pytest.raises(ActionNotAllowedError, match="marked completed or no-show"):
        service.correct_outcome(lesson, "no_show")
    service.no_show(lesson)
    with pytest.raises(ActionNotAllowedError):
        service.correct_outcome(lesson, "no_show")  # it is one already
    with pytest.raises(ActionNotAllowedError):
        service.correct_outcome(lesson, "cancelled")


def test_nothing_to_take_back_is_said_as_already_sent(service, lesson):
    with pytest.raises(AlreadySentError):
        service.withdraw(lesson, CompleteLesson)
