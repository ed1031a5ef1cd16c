"""Against the real server: an outcome taken back before it was sent never reaches it and leaves
no hole in the numbering; one that was sent is corrected instead, and the server audits that."""

from __future__ import annotations

from instainstru_desktop.protocol import CompleteLesson, MarkNoShow
from instainstru_desktop.services import AlreadySentError
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.scenarios import started_lesson


def test_an_outcome_taken_back_offline_never_reaches_the_server(device, server, instructor):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device.sync()
    device.switchboard.down = True
    device.lessons.complete(lesson)
    device.lessons.note(lesson, "Worked on the scales")  # a later change stays queued
    device.lessons.withdraw(lesson, CompleteLesson)
    device.switchboard.down = False

    report = device.sync()

    assert (report.pushed, report.applied, report.rejected) == (1, 1, 0)
    [(status, note)] = server.query("SELECT status, note FROM bookings WHERE id = ?", lesson)
    assert (status, note) == ("confirmed", "Worked on the scales")
    assert booking_row(device, lesson)["status"] == "confirmed"
    assert server.query(
        "SELECT count(*) FROM audit_log WHERE booking_id = ? AND action = 'booking.complete'",
        lesson,
    ) == [(0,)]
    assert_nothing_lost_nothing_duplicated(device, server)  # the ids still run without a hole


def test_a_sent_outcome_is_corrected_and_the_server_audits_it(device, server, instructor):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device.sync()
    device.lessons.no_show(lesson)
    device.sync()
    try:
        device.lessons.withdraw(lesson, MarkNoShow)
    except AlreadySentError:
        pass
    else:
        raise AssertionError("a sent outcome was taken back")

    device.lessons.correct_outcome(lesson, "completed")
    assert booking_row(device, lesson)["status"] == "completed"  # shown at once
    report = device.sync()

    assert (report.applied, report.rejected) == (1, 0)
    assert server.query("SELECT status FROM bookings WHERE id = ?", lesson) == [("completed",)]
    detail = device.lessons.detail(lesson)
    [corrected] = [h for h in detail.history if h.action == "booking.correct_outcome"]
    assert corrected.summary == "Was: no-show; Now: completed"
    assert corrected.actor_role == "instructor"
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_push_that_never_connected_leaves_the_change_unsent(device, server, instructor):
    """Offline, the app tries to send at once; a connection that was never made carried
    nothing, so the change can still be taken back."""
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device.sync()
    device.switchboard.down = True
    device.lessons.complete(lesson)
    failed = device.engine.sync_once(force_push=True)
    assert failed.error is not None
    with device.store.read() as uow:
        [queued] = uow.outbox.all()
    assert (queued.status, queued.attempts) == ("pending", 1)  # tried, and backing off

    device.lessons.withdraw(lesson, CompleteLesson)
    device.switchboard.down = False
    device.sync()
    assert server.query("SELECT status FROM bookings WHERE id = ?", lesson) == [("confirmed",)]
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_push_that_may_have_arrived_keeps_the_change_sent(device, server, instructor):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device.sync()
    device.lessons.complete(lesson)
    device.switchboard.inject("/sync/push", "timeout", times=5)  # no answer: who knows
    failed = device.engine.sync_once(force_push=True)
    assert failed.error is not None
    try:
        device.lessons.withdraw(lesson, CompleteLesson)
    except AlreadySentError:
        pass
    else:
        raise AssertionError("a change that may have reached the server was taken back")
    device.switchboard.faults.clear()
    device.sync()
    assert server.query("SELECT status FROM bookings WHERE id = ?", lesson) == [("completed",)]
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_change_sent_once_stays_sent_when_a_later_try_cannot_connect(
    device, server, instructor
):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device.sync()
    device.lessons.complete(lesson)
    device.switchboard.inject("/sync/push", "lost_reply", times=2)  # the server has it
    assert device.engine.sync_once(force_push=True).error is not None
    device.switchboard.down = True  # the retry never connects: it is still "may have arrived"
    assert device.engine.sync_once(force_push=True).error is not None
    try:
        device.lessons.withdraw(lesson, CompleteLesson)
    except AlreadySentError:
        pass
    else:
        raise AssertionError("a change the server applied was taken back")
    device.switchboard.down = False
    device.switchboard.faults.clear()
    device.sync()
    assert_nothing_lost_nothing_duplicated(device, server)
