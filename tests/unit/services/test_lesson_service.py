"""LessonService: the lists, the detail pane, and the lesson actions with their rules."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from instainstru_desktop.services import (
    ActionNotAllowedError,
    InvalidInputError,
    LessonService,
    UnknownItemError,
)
from instainstru_desktop.services.views import SyncMark
from tests.store import factories as f
from tests.unit.services.conftest import NOW


@pytest.fixture
def service(store, pokes):
    return LessonService(store, on_change=lambda: pokes.append("poke"))


@pytest.fixture
def lessons(store):
    """Yesterday's lesson (to mark), two upcoming, one cancelled, one completed last week."""
    found = {
        "yesterday": f.booking(NOW - timedelta(days=1)),
        "tomorrow": f.booking(NOW + timedelta(days=1)),
        "next_week": f.booking(NOW + timedelta(days=7)),
        "cancelled": f.booking(NOW + timedelta(days=2), status="cancelled"),
        "completed": f.booking(NOW - timedelta(days=7), status="completed"),
    }
    f.seed(store, bookings=list(found.values()))
    return {name: b["id"] for name, b in found.items()}


def ids(cards):
    return [c.booking_id for c in cards]


def test_the_three_lists(service, lessons):
    assert ids(service.upcoming(f.INSTRUCTOR_ID)) == [lessons["tomorrow"], lessons["next_week"]]
    assert ids(service.past(f.INSTRUCTOR_ID)) == [lessons["yesterday"], lessons["completed"]]
    assert ids(service.cancelled(f.INSTRUCTOR_ID)) == [lessons["cancelled"]]
    assert ids(service.upcoming(f.INSTRUCTOR_ID, limit=1)) == [lessons["tomorrow"]]


def test_completing_a_lesson_that_started_shows_at_once_and_is_queued(
    store, service, lessons, pokes
):
    changed = service.complete(lessons["yesterday"])

    assert changed.booking_ids == {lessons["yesterday"]}
    assert changed.dates == {date(2026, 3, 3)}
    assert pokes == ["poke"]
    [card, _] = service.past(f.INSTRUCTOR_ID)
    assert (card.status, card.mark) == ("completed", SyncMark.PENDING)
    with store.read() as uow:
        [queued] = uow.outbox.all()
    assert (queued.name, queued.args, queued.base_version) == (
        "booking.complete",
        {"booking_id": lessons["yesterday"]},
        1,
    )


def test_outcomes_wait_for_the_lesson_to_start(service, lessons):
    with pytest.raises(ActionNotAllowedError, match="once it has started"):
        service.complete(lessons["tomorrow"])
    with pytest.raises(ActionNotAllowedError, match="once it has started"):
        service.no_show(lessons["tomorrow"])


def test_terminal_lessons_cannot_change(service, lessons):
    with pytest.raises(ActionNotAllowedError, match="already cancelled"):
        service.cancel(lessons["cancelled"], "again")
    with pytest.raises(ActionNotAllowedError, match="already completed"):
        service.no_show(lessons["completed"])


def test_no_show(service, lessons):
    service.no_show(lessons["yesterday"])
    assert service.past(f.INSTRUCTOR_ID)[0].status == "no_show"


def test_cancelling_needs_a_reason_and_moves_the_lesson_to_the_cancelled_list(service, lessons):
    with pytest.raises(InvalidInputError, match="Say why"):
        service.cancel(lessons["tomorrow"], "   ")

    service.cancel(lessons["tomorrow"], " ill ")

    cancelled = service.cancelled(f.INSTRUCTOR_ID)
    assert ids(cancelled) == [lessons["cancelled"], lessons["tomorrow"]]
    card = cancelled[1]
    assert (card.cancel_reason, card.cancelled_by, card.mark) == (
        "ill",
        "instructor",
        SyncMark.PENDING,
    )


def test_a_note_can_be_written_on_any_lesson(service, lessons):
    service.note(lessons["completed"], "played the scales")
    assert service.past(f.INSTRUCTOR_ID)[1].note == "played the scales"


def test_unknown_lessons_are_a_readable_error(service, lessons):
    with pytest.raises(UnknownItemError, match="not in your local data"):
        service.complete("no-such-lesson")


def test_booking_for_a_student_queues_a_create_with_an_id_chosen_here(store, service):
    f.seed(store)
    start = datetime(2026, 3, 6, 10, tzinfo=UTC)

    changed = service.book_for_student(f.INSTRUCTOR_ID, f.STUDENT_ID, f.LESSON_TYPE_ID, start)

    [booking_id] = changed.booking_ids
    uuid.UUID(booking_id)
    assert changed.dates == {date(2026, 3, 6)}
    [card] = service.upcoming(f.INSTRUCTOR_ID)
    assert (card.booking_id, card.start, card.end, card.mark, card.version) == (
        booking_id,
        start,
        start + timedelta(hours=1),
        SyncMark.PENDING,
        0,
    )
    with store.read() as uow:
        [queued] = uow.outbox.all()
    assert queued.name == "booking.create"
    assert queued.args == {
        "booking_id": booking_id,
        "instructor_id": f.INSTRUCTOR_ID,
        "lesson_type_id": f.LESSON_TYPE_ID,
        "student_id": f.STUDENT_ID,
        "start": "2026-03-06T10:00:00Z",
    }


@pytest.mark.parametrize(
    ("student_id", "lesson_type_id", "start", "error"),
    [
        ("nobody", f.LESSON_TYPE_ID, NOW + timedelta(days=1), UnknownItemError),
        (f.STUDENT_ID, "no-type", NOW + timedelta(days=1), UnknownItemError),
        (f.STUDENT_ID, f.LESSON_TYPE_ID, NOW - timedelta(days=1), InvalidInputError),
        (f.STUDENT_ID, f.LESSON_TYPE_ID, datetime(2026, 3, 6, 10), InvalidInputError),
    ],
)
def test_booking_checks_what_it_can_locally(
    store, service, student_id, lesson_type_id, start, error
):
    f.seed(store)
    with pytest.raises(error):
        service.book_for_student(f.INSTRUCTOR_ID, student_id, lesson_type_id, start)
    with store.read() as uow:
        assert uow.outbox.all() == []


def test_the_detail_has_the_history_the_allowed_actions_and_the_students_lessons(
    store, service, lessons
):
    booking_id = lessons["yesterday"]
    f.seed(
        store,
        audit=[
            {
                "id": "a2",
                "booking_id": booking_id,
                "at": "2026-03-02T10:00:00.250Z",
                "actor_id": "u1",
                "actor_name": "Ana Student",
                "actor_role": "student",
                "device": "web",
                "action": "note",
                "details": {"note": "hi"},
            },
            {
                "id": "a1",
                "booking_id": booking_id,
                "at": "2026-03-01T10:00:00Z",
                "actor_id": "u1",
                "actor_name": "Ana Student",
                "actor_role": "student",
                "device": "web",
                "action": "created",
                "details": {},
            },
        ],
    )

    detail = service.detail(booking_id)

    assert detail.lesson.booking_id == booking_id
    assert [(h.action, h.summary) for h in detail.history] == [
        ("created", ""),
        ("note", "Note: hi"),  # sync bookkeeping (client id, mutation number) is not shown
    ]
    assert detail.history[1].at == datetime(2026, 3, 2, 10, 0, 0, 250000, tzinfo=UTC)
    assert (detail.can_complete, detail.can_no_show, detail.can_cancel) == (True, True, True)
    assert set(ids(detail.student_lessons)) == set(lessons.values()) - {booking_id}

    upcoming = service.detail(lessons["tomorrow"])
    assert (upcoming.can_complete, upcoming.can_cancel) == (False, True)


def test_lesson_types_and_students_for_the_booking_dialog(store, service):
    f.seed(store, students=[f.student(), f.student("s2", "Bo Other")])
    assert [t.name for t in service.lesson_types(f.INSTRUCTOR_ID)] == ["Piano 60"]
    assert [s.name for s in service.students()] == ["Ana Student", "Bo Other"]
    assert [s.id for s in service.students("bo")] == ["s2"]


def test_conflicts_and_refusals_mark_the_lessons(store, service, lessons):
    f.seed(store, conflicts=[f.conflict(lessons["tomorrow"])])
    changed = service.complete(lessons["yesterday"])
    with store.uow() as uow:
        uow.outbox.record_result(
            changed.mutation_ids[0],
            applied=False,
            code="invalid_transition",
            message="An admin cancelled this lesson.",
            result=None,
            applied_seq=0,
        )
        uow.changes.rebase_all()
        uow.commit()

    by_id = {
        c.booking_id: c for c in service.upcoming(f.INSTRUCTOR_ID) + service.past(f.INSTRUCTOR_ID)
    }
    assert by_id[lessons["tomorrow"]].mark is SyncMark.CONFLICT
    assert "outside your hours" in by_id[lessons["tomorrow"]].mark_message
    refused = by_id[lessons["yesterday"]]
    assert (refused.status, refused.mark, refused.mark_message) == (
        "confirmed",
        SyncMark.REJECTED,
        "An admin cancelled this lesson.",
    )


# -- lessons to mark ------------------------------------------------------------------------------


def test_lessons_that_ended_unmarked_are_to_mark_oldest_first(store, service):
    ended = [f.booking(NOW - timedelta(days=d)) for d in (3, 1)]
    running = f.booking(NOW - timedelta(minutes=30), minutes=60)  # ends at 12:30
    later = f.booking(NOW + timedelta(hours=2))
    marked = f.booking(NOW - timedelta(days=2), status="completed")
    other = f.booking(NOW - timedelta(days=1), instructor_id="someone-else")
    f.seed(store, bookings=[*ended, running, later, marked, other])

    found = service.to_mark(f.INSTRUCTOR_ID)

    assert ids(found.lessons) == [ended[0]["id"], ended[1]["id"]]
    assert found.next_end == NOW + timedelta(minutes=30)  # when the running one joins them


def test_nothing_to_mark_and_nothing_ahead(store, service):
    f.seed(store, bookings=[f.booking(NOW - timedelta(days=1), status="no_show")])
    found = service.to_mark(f.INSTRUCTOR_ID)
    assert found.lessons == ()
    assert found.next_end is None


def test_marking_all_completed_queues_one_change_each(store, service, pokes):
    ended = [f.booking(NOW - timedelta(days=d)) for d in (3, 2, 1)]
    cancelled = f.booking(NOW - timedelta(days=4), status="cancelled")  # by an admin meanwhile
    f.seed(store, bookings=[*ended, cancelled])
    wanted = [b["id"] for b in ended] + [cancelled["id"]]

    changed = service.complete_all(wanted)

    assert changed.booking_ids == {b["id"] for b in ended}  # the cancelled one is left alone
    assert len(changed.mutation_ids) == 3
    assert pokes == ["poke"]  # one sync for all of them
    with store.read() as uow:
        queued = uow.outbox.all()
    assert [(m.name, m.args["booking_id"]) for m in queued] == [
        ("booking.complete", b["id"]) for b in ended
    ]
    assert service.to_mark(f.INSTRUCTOR_ID).lessons == ()
    past = {c.booking_id: c for c in service.past(f.INSTRUCTOR_ID)}
    assert {(past[b["id"]].status, past[b["id"]].mark) for b in ended} == {
        ("completed", SyncMark.PENDING)
    }


def test_marking_all_refuses_a_lesson_not_started(store, service):
    ahead = f.booking(NOW + timedelta(days=1))
    f.seed(store, bookings=[ahead])
    with pytest.raises(ActionNotAllowedError, match="once it has started"):
        service.complete_all([ahead["id"]])
    with store.read() as uow:
        assert uow.outbox.all() == []
