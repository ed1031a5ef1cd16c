"""Scenarios 2 and 5: a reply lost after the server committed; a mutation refused for good."""

from __future__ import annotations

import pytest

from instainstru_desktop.services.views import SyncMark
from instainstru_desktop.sync.errors import Offline
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.scenarios import LONDON, at, local_day, started_lesson, student_books


@pytest.mark.parametrize("kind", ["lost_reply", "timeout_after", "503_after"])
def test_a_retry_after_a_lost_reply_is_answered_from_the_stored_result(
    device, server, instructor, kind
):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device.sync()
    device.lessons.complete(lesson)
    device.lessons.note(lesson, "worked on scales")
    pushes: list[str] = []
    device.switchboard.hook = lambda request, fault: (
        pushes.append(fault) if request.url.path.endswith("/sync/push") else None
    )
    device.switchboard.inject("/sync/push", kind)  # the client retries once by itself

    report = device.sync()

    assert pushes == [kind, ""]  # sent twice, the server committed the first time
    assert (report.pushed, report.applied, report.rejected) == (2, 2, 0)
    row = booking_row(device, lesson)
    assert row is not None
    assert (row["status"], row["note"]) == ("completed", "worked on scales")
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_reply_lost_for_the_whole_sync_is_replayed_by_the_next_one(device, server, instructor):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device.sync()
    device.lessons.no_show(lesson)
    device.switchboard.inject("/sync/push", "lost_reply", times=2)

    failed = device.engine.sync_once(force_push=True)

    assert isinstance(failed.error, Offline)
    assert "your changes are saved here" in failed.error.message
    with device.store.read() as uow:
        [sent] = uow.outbox.all()
    assert (sent.status, sent.attempts) == ("sent", 1)
    assert server.query("SELECT status FROM bookings WHERE id = ?", lesson) == [("no_show",)]

    device.sync()

    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_refused_mutation_is_shown_with_its_reason_and_the_queue_moves_on(
    device, server, instructor
):
    student = server.studio.students[1]  # known here: the cache mirrors students of my lessons
    other = started_lesson(server, instructor, student)
    device.sync()
    slot = at(local_day(2), 10)
    booked_here = device.lessons.book_for_student(
        device.instructor_id, student.user_id, instructor.lesson_type_id, slot
    )
    [booking_id] = booked_here.booking_ids
    device.lessons.note(other, "after the refused one")
    student_books(server, server.studio.students[2], instructor, slot)  # takes the slot first

    report = device.sync()

    assert (report.applied, report.rejected) == (1, 1)
    assert booking_row(device, booking_id) is None  # the optimistic lesson is gone
    assert booking_row(device, other)["note"] == "after the refused one"
    # shown once: the server's record of the refusal is paired with the refused edit here
    [item] = device.attention.items(device.instructor_id)
    assert item.kind == "rejected_mutation"
    assert item.item_id.startswith("conflict:")
    when = f"{slot.astimezone(LONDON):%a %d %b %H:%M}"
    assert item.message == (
        f"Booking a lesson on {when} was not accepted: "
        "the instructor has another lesson at that time"
    )
    assert item.actions == ("keep", "reapply")
    cards = device.lessons.upcoming(device.instructor_id)
    assert all(c.mark is not SyncMark.PENDING for c in cards)
    status = device.status.status()
    assert (status.pending_changes, status.needs_attention, status.online) == (0, 1, True)

    device.attention.keep(item.item_id)  # the instructor has seen it
    device.sync()

    assert device.attention.items() == []
    assert server.query(
        "SELECT resolved, resolution FROM conflicts WHERE kind = 'rejected_mutation'"
    ) == [(1, "kept")]
    assert_nothing_lost_nothing_duplicated(device, server)
