"""An admin's actions, offline through the outbox, against a real server and other devices.

Flag / clear / cancel / move queue outbox rows and reach the server; bulk actions on 500
bookings; undo while nothing was sent withdraws, after sending restores a flag and refuses a
cancel; and an admin's cancel beats an instructor's offline "completed", which the instructor
then finds under Needs attention.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from instainstru_desktop.services.errors import ActionNotAllowedError, InvalidInputError
from instainstru_desktop.services.reschedule import RescheduleService
from instainstru_desktop.services.views import SyncMark
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import at, local_day, started_lesson, student_books


@pytest.fixture
def admin(make_device, server: ServerHandle) -> Device:
    return make_device("admin-desk", server.studio.admin)


def outbox(device: Device) -> list[tuple[str, str]]:
    with device.store.read() as uow:
        return [(m.name, m.status) for m in uow.outbox.all()]


def future_lessons(server: ServerHandle, count: int) -> list[str]:
    """``count`` confirmed lessons of the studio's instructors, a few days ahead."""
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    students = server.studio.students
    ids = []
    for i in range(count):
        instructor = server.studio.instructors[i % 2]
        student = students[i % len(students)]
        ids.append(server.add_lesson(instructor, student, start + timedelta(hours=i)))
    return ids


def test_flag_clear_and_cancel_queue_outbox_rows_and_reach_the_server(
    admin: Device, server: ServerHandle, instructor
) -> None:
    lesson = student_books(server, server.studio.students[0], instructor, at(local_day(3), 10))
    admin.sync()
    admin.switchboard.down = True  # offline: everything waits in the outbox
    admin.admin.review_many([lesson], True, "Paid twice?")
    admin.admin.review_many([lesson], False)
    admin.admin.cancel_many([lesson], "Studio closed for repairs")
    assert outbox(admin) == [
        ("admin.review", "pending"),
        ("admin.review", "pending"),
        ("booking.cancel", "pending"),
    ]
    row = booking_row(admin, lesson)
    assert row is not None
    assert (row["status"], row["cancelled_by"], row["flagged"]) == ("cancelled", "admin", False)
    admin.switchboard.down = False

    report = admin.sync()

    assert (report.applied, report.rejected) == (3, 0)
    [(status, by, reason, flagged, note)] = server.query(
        "SELECT status, cancelled_by, cancel_reason, flagged, review_note FROM bookings"
        " WHERE id = ?",
        lesson,
    )
    assert (status, by, reason) == ("cancelled", "admin", "Studio closed for repairs")
    assert (bool(flagged), note) == (False, "Paid twice?")  # clearing keeps the note
    devices = {
        d for (d,) in server.query("SELECT device FROM audit_log WHERE booking_id = ?", lesson)
    }
    assert "admin-desk" in devices
    assert_nothing_lost_nothing_duplicated(admin, server)


def test_an_admins_cancel_beats_an_instructors_offline_completion_seen_under_needs_attention(
    admin: Device, make_device, server: ServerHandle, instructor
) -> None:
    laptop = make_device("laptop", instructor)
    lesson = started_lesson(server, instructor, server.studio.students[0])
    laptop.sync()
    admin.sync()
    laptop.switchboard.down = True
    laptop.lessons.complete(lesson)  # offline: the instructor marks it given

    admin.admin.cancel_many([lesson], "Refunded: the room was double-booked")
    admin.sync()  # the admin's cancel reaches the server first
    laptop.switchboard.down = False
    report = laptop.sync()

    assert (report.applied, report.rejected) == (0, 1)
    row = booking_row(laptop, lesson)
    assert row is not None
    assert (row["status"], row["cancelled_by"]) == ("cancelled", "admin")
    [item] = laptop.attention.items(laptop.instructor_id)
    assert item.booking_id == lesson
    assert " as given was not accepted: " in item.message
    assert item.lesson is not None
    assert item.lesson.mark is SyncMark.REJECTED
    admin.sync()  # the refusal the server recorded reaches the admin too
    for device in (laptop, admin):
        assert_nothing_lost_nothing_duplicated(device, server)


def test_bulk_flag_and_cancel_of_500_bookings(admin: Device, server: ServerHandle) -> None:
    lessons = future_lessons(server, 500)
    admin.sync()
    preview = admin.admin.preview(lessons, "cancel")
    assert (len(preview.booking_ids), preview.skipped, preview.students) == (500, 0, 3)
    assert len(preview.instructors) == 2

    flagged = admin.admin.review_many(lessons, True, "Check the invoices")
    assert len(flagged.undo.mutation_ids) == 500
    admin.sync()
    [(count,)] = server.query(
        "SELECT count(*) FROM bookings WHERE flagged AND review_note = ?", "Check the invoices"
    )
    assert count == 500

    half = lessons[:250]
    admin.admin.cancel_many(half + lessons[:10], "Term moved")  # repeats count once
    admin.sync()
    [(cancelled,)] = server.query(
        "SELECT count(*) FROM bookings WHERE status = 'cancelled' AND cancelled_by = 'admin'"
    )
    assert cancelled == 250
    assert admin.admin.preview(lessons, "cancel").skipped == 250
    assert_nothing_lost_nothing_duplicated(admin, server)


def test_undo_withdraws_what_was_never_sent(admin: Device, server: ServerHandle) -> None:
    lessons = future_lessons(server, 3)
    admin.sync()
    admin.switchboard.down = True
    flag = admin.admin.review_many(lessons, True, "look")
    cancel = admin.admin.cancel_many(lessons[:2], "Closed")
    assert admin.open_count() == 5

    admin.admin.undo(cancel.undo)  # newest first: withdrawn, as if never made
    assert admin.open_count() == 3
    assert all(booking_row(admin, b)["status"] == "confirmed" for b in lessons)  # type: ignore[index]
    admin.admin.undo(flag.undo)
    assert admin.open_count() == 0
    assert not any(booking_row(admin, b)["flagged"] for b in lessons)  # type: ignore[index]
    admin.switchboard.down = False

    report = admin.sync()
    assert report.pushed == 0
    assert server.query(
        "SELECT count(*) FROM bookings WHERE flagged OR status != 'confirmed' AND id IN (?, ?, ?)",
        *lessons,
    ) == [(0,)]
    # the ids given back are used again without a gap: the server takes the next edit
    admin.admin.review_many(lessons[:1], True, "again")
    assert admin.sync().applied == 1
    assert_nothing_lost_nothing_duplicated(admin, server)


def test_undo_after_sending_restores_a_flag_and_refuses_a_cancel(
    admin: Device, server: ServerHandle
) -> None:
    [lesson] = future_lessons(server, 1)
    admin.sync()
    flag = admin.admin.review_many([lesson], True, "Odd price")
    cancel = admin.admin.cancel_many([lesson], "Closed")
    admin.sync()

    with pytest.raises(ActionNotAllowedError, match="cannot be taken back"):
        admin.admin.undo(cancel.undo)
    admin.admin.undo(flag.undo)  # sent: a new edit puts the old flag back
    admin.sync()
    assert server.query("SELECT flagged, status FROM bookings WHERE id = ?", lesson) == [
        (0, "cancelled")
    ]
    assert_nothing_lost_nothing_duplicated(admin, server)


def test_moving_a_lesson_to_a_free_time_of_its_instructor(
    admin: Device, server: ServerHandle, instructor
) -> None:
    day = local_day(4)
    lesson = student_books(server, server.studio.students[0], instructor, at(day, 10))
    taken = student_books(server, server.studio.students[1], instructor, at(day, 12))
    admin.sync()
    moves = RescheduleService(admin.store, on_change=admin.scheduler.poke)

    free = moves.free_times(lesson, day, 1)

    assert at(day, 12) not in free  # another student's lesson
    assert at(day, 10) in free  # where it is now is free for itself
    assert all(at(day, 9) <= start < at(day, 17) for start in free)  # the instructor's hours
    with pytest.raises(InvalidInputError):  # the other student's lesson is there
        moves.reschedule(lesson, at(day, 12))
    moves.reschedule(lesson, at(day, 14))
    assert admin.open_count() == 1
    admin.sync()
    assert server.query("SELECT start_utc FROM bookings WHERE id = ?", lesson)[0][0].startswith(
        at(day, 14).strftime("%Y-%m-%d %H:%M")
    )
    assert booking_row(admin, taken)["status"] == "confirmed"  # type: ignore[index]
    assert_nothing_lost_nothing_duplicated(admin, server)
