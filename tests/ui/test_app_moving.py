"""The whole app: moving a lesson with "Move…" or by dragging its card, offline through the
outbox, undoable while unsent, and a refusal by the server arriving under Needs attention."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import STUDENT_PASSWORD
from instainstru_desktop.services.views import LessonCard, MoveOptions, SyncMark
from tests.ui.app_fixtures import LiveServer, RunningApp, local_day, read_db, shown_card
from tests.ui.conftest import SaveShot
from ui.calendar.timeline import SLOT_MINUTES
from ui.lessons.move_dialog import MoveLessonDialog


def lesson_to_move(qtbot: QtBot, app: RunningApp) -> LessonCard:
    """A confirmed lesson a day or more ahead, shown in the week view."""
    window, iid = app.window, app.instructor_id
    lessons = window.session.services.lessons
    upcoming = read_db(qtbot, window, lambda: lessons.upcoming(iid))
    soon = datetime.now(UTC) + timedelta(days=1)
    lesson = next(c for c in upcoming if c.start > soon)
    window.week_page.go_to(local_day(lesson, window.session.core.identity.time_zone))
    qtbot.waitUntil(lambda: shown_card(window, lesson.booking_id) is not None, timeout=10_000)
    return lesson


def free_times(qtbot: QtBot, app: RunningApp, lesson: LessonCard) -> MoveOptions:
    window = app.window
    schedule = window.session.services.schedule
    day = local_day(lesson, window.session.core.identity.time_zone)
    return read_db(
        qtbot, window, lambda: schedule.move_options(lesson.booking_id, day, day + timedelta(1))
    )


def server_start(server: LiveServer, booking_id: str) -> datetime:
    [(text,)] = server.query("SELECT start_utc FROM bookings WHERE id = ?", booking_id)
    moment = datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.mark.slow
def test_a_lesson_moved_offline_with_the_picker_is_undone_and_moved_again(
    qtbot: QtBot,
    live_server: LiveServer,
    signed_in_app: RunningApp,
    save_shot: SaveShot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = signed_in_app.window
    lesson = lesson_to_move(qtbot, signed_in_app)
    live_server.stop()
    offered: list[MoveOptions] = []

    def pick(cls, parent, *, lesson: LessonCard, options: MoveOptions):
        offered.append(options)
        dialog = MoveLessonDialog(parent, lesson=lesson, options=options)
        qtbot.addWidget(dialog)
        dialog.show()
        first_day = options.starts[0].astimezone(ZoneInfo(options.time_zone)).date()
        assert dialog.choose_day(first_day)
        assert dialog.free_times()
        assert dialog.choose_time(dialog.free_times()[-1])
        save_shot(dialog, "move_dialog")
        return dialog.chosen()

    monkeypatch.setattr(MoveLessonDialog, "ask", classmethod(pick))
    window.actions_.ask_move(lesson.booking_id)  # the menus' and the detail pane's "Move…"
    qtbot.waitUntil(lambda: bool(offered), timeout=10_000)
    [options] = offered
    assert lesson.start not in options.starts
    chosen = [
        s
        for s in options.starts
        if s.astimezone(ZoneInfo(options.time_zone)).date()
        == options.starts[0].astimezone(ZoneInfo(options.time_zone)).date()
    ][-1]

    def at(start: datetime) -> bool:
        card = shown_card(window, lesson.booking_id)
        if card is None:
            window.week_page.go_to(local_day(lesson, window.session.core.identity.time_zone))
        return card is not None and card.start == start

    window.week_page.go_to(chosen.date())
    qtbot.waitUntil(lambda: at(chosen), timeout=10_000)
    qtbot.waitUntil(lambda: "is moved to" in window.notice_bar.text(), timeout=5_000)
    assert window.notice_bar.action_text() == "Undo"
    assert window.undo_stack.undoText().startswith(f"Move {lesson.student_name}'s lesson to ")
    card = shown_card(window, lesson.booking_id)
    assert card is not None
    assert card.mark is SyncMark.PENDING

    window.undo_stack.undo()  # unsent: the move is taken back, nothing will reach the server
    window.week_page.go_to(local_day(lesson, window.session.core.identity.time_zone))
    qtbot.waitUntil(lambda: at(lesson.start), timeout=10_000)
    qtbot.waitUntil(lambda: "is back at" in window.notice_bar.text(), timeout=10_000)
    status = window.session.services.status
    assert read_db(qtbot, window, status.status).pending_changes == 0

    window.undo_stack.redo()
    window.week_page.go_to(chosen.date())
    qtbot.waitUntil(lambda: at(chosen), timeout=10_000)
    live_server.start()
    window.sync_now()
    qtbot.waitUntil(lambda: server_start(live_server, lesson.booking_id) == chosen, timeout=60_000)
    moves = live_server.query(
        "SELECT count(*) FROM audit_log WHERE booking_id = ? AND action = 'booking.reschedule'",
        lesson.booking_id,
    )
    assert moves == [(1,)]  # moved once: the undone move never left this computer
    assert signed_in_app.presented.messages == []


def book_elsewhere_at_a_free_time(server: LiveServer, lesson: LessonCard, free: MoveOptions):
    """The lesson's student books another instructor at one of the lesson's free times, and
    the start of that booking. The app sees only its own instructor's lessons, so by its local
    data the time stays free; the server knows better."""
    [(email,)] = server.query(
        "SELECT u.email FROM users u JOIN bookings b ON b.student_id = u.id WHERE b.id = ?",
        lesson.booking_id,
    )
    student = server.client(email, STUDENT_PASSWORD)
    others = server.query(
        "SELECT instructor_id, id FROM lesson_types WHERE instructor_id != ? AND active",
        lesson.instructor_id,
    )
    starts = set(free.starts)
    window = {"from": min(starts).isoformat(), "to": max(starts).isoformat()}
    for instructor_id, type_id in others:
        answer = student.get(
            f"/instructors/{instructor_id}/slots", params={"lesson_type_id": type_id, **window}
        )
        assert answer.status_code == 200, answer.text
        for slot in answer.json()["slots"]:
            start = datetime.fromisoformat(slot["start"])
            if start not in starts:
                continue
            body = {
                "instructor_id": instructor_id,
                "lesson_type_id": type_id,
                "start": slot["start"],
            }
            if student.post("/bookings", json=body).status_code == 201:
                return start
    raise AssertionError("no other instructor is free at any free time of the lesson")


@pytest.mark.slow
def test_a_move_the_server_refuses_shows_under_needs_attention(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp
) -> None:
    window = signed_in_app.window
    lesson = lesson_to_move(qtbot, signed_in_app)
    schedule = window.session.services.schedule
    first = local_day(lesson, window.session.core.identity.time_zone)
    options = read_db(
        qtbot,
        window,
        lambda: schedule.move_options(lesson.booking_id, first, first + timedelta(days=7)),
    )
    target = book_elsewhere_at_a_free_time(live_server, lesson, options)
    verdict = read_db(qtbot, window, lambda: schedule.check_move(lesson.booking_id, target))
    assert verdict.allowed  # by what this computer knows

    live_server.stop()
    window.actions_.move_to(lesson.booking_id, target)  # what a drop in the week does
    qtbot.waitUntil(lambda: "is moved to" in window.notice_bar.text(), timeout=10_000)
    live_server.start()
    window.sync_now()
    attention = window.session.services.attention

    def refused() -> list[str]:
        items = read_db(qtbot, window, attention.items)
        return [i.message for i in items if i.booking_id == lesson.booking_id]

    qtbot.waitUntil(lambda: bool(refused()), timeout=60_000)
    [message] = refused()
    assert message.startswith(f"Moving the lesson with {lesson.student_name} on ")
    assert "not accepted" in message
    assert server_start(live_server, lesson.booking_id) == lesson.start  # it stayed
    window.week_page.go_to(first)
    qtbot.waitUntil(
        lambda: (
            (card := shown_card(window, lesson.booking_id)) is not None
            and card.start == lesson.start
        ),
        timeout=10_000,
    )
    assert signed_in_app.presented.messages == []


@pytest.mark.slow
def test_dragging_a_card_uses_the_rules_from_local_data_and_moves_it(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    window = signed_in_app.window
    lesson = lesson_to_move(qtbot, signed_in_app)
    options = free_times(qtbot, signed_in_app, lesson)
    view = window.week_page.view
    zone = ZoneInfo(window.session.core.identity.time_zone)
    was = lesson.start.astimezone(zone)
    was_minute = was.hour * 60 + was.minute
    week = [window.week_page.week_start + timedelta(days=d) for d in range(7)]

    def minute_of(moment: datetime) -> int:
        local = moment.astimezone(zone)
        return local.hour * 60 + local.minute

    # a free start of the shown week, on the screen together with the card
    target_utc = next(
        s
        for s in reversed(options.starts)
        if s.astimezone(zone).date() in week and abs(minute_of(s) - was_minute) <= 150
    )
    target = target_utc.astimezone(zone)
    day = week.index(target.date())
    minute = minute_of(target)
    top = min(minute, was_minute) - 30
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(top))
    qtbot.waitUntil(lambda: lesson.booking_id in view.lesson_rects())
    rect = view.lesson_rects()[lesson.booking_id][0]
    grip = QPoint(int(rect.center().x()), int(rect.top()) + 2)
    geo = view.week_geometry()
    drop = QPoint(
        geo.column_left(day) + geo.column_width(day) // 2,
        int(geo.y_for_minute(minute)) + 2,
    )
    assert view.viewport().rect().contains(grip)
    assert view.viewport().rect().contains(drop)
    assert minute % SLOT_MINUTES == 0
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=grip)
    qtbot.mouseMove(vp, pos=(grip + drop) / 2)
    qtbot.mouseMove(vp, pos=drop)
    qtbot.waitUntil(
        lambda: view.state.move is not None and view.state.move.allowed is True, timeout=10_000
    )
    save_shot(window, "app_lesson_drag")
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=drop)
    qtbot.waitUntil(
        lambda: (
            (card := shown_card(window, lesson.booking_id)) is not None and card.start == target_utc
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(
        lambda: server_start(live_server, lesson.booking_id) == target_utc,
        timeout=30_000,
    )
    assert signed_in_app.presented.messages == []


@pytest.mark.slow
def test_undo_of_a_move_the_server_has_moves_the_lesson_back(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp
) -> None:
    window = signed_in_app.window
    lesson = lesson_to_move(qtbot, signed_in_app)
    target = free_times(qtbot, signed_in_app, lesson).starts[0]
    window.actions_.move_to(lesson.booking_id, target)
    qtbot.waitUntil(lambda: server_start(live_server, lesson.booking_id) == target, timeout=30_000)
    qtbot.waitUntil(lambda: window.undo_stack.canUndo(), timeout=5_000)

    window.undo_stack.undo()  # sent already: it cannot be taken back, so it is moved back
    qtbot.waitUntil(lambda: "is back at" in window.notice_bar.text(), timeout=30_000)
    qtbot.waitUntil(
        lambda: server_start(live_server, lesson.booking_id) == lesson.start, timeout=30_000
    )
    moves = live_server.query(
        "SELECT count(*) FROM audit_log WHERE booking_id = ? AND action = 'booking.reschedule'",
        lesson.booking_id,
    )
    assert moves == [(2,)]
    assert window.undo_stack.canRedo()  # and Redo moves it there again
    assert signed_in_app.presented.messages == []


@pytest.mark.slow
def test_a_move_the_rules_refuse_is_said_in_plain_words_and_nothing_is_queued(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp
) -> None:
    window = signed_in_app.window
    lesson = lesson_to_move(qtbot, signed_in_app)
    zone = ZoneInfo(window.session.core.identity.time_zone)
    night = datetime.combine(local_day(lesson, str(zone)), time(3), tzinfo=zone)
    window.actions_.move_to(lesson.booking_id, night.astimezone(UTC))
    qtbot.waitUntil(lambda: window.notice_bar.text().startswith("Not moved: "), timeout=10_000)
    assert "outside your teaching hours" in window.notice_bar.text()
    assert not window.undo_stack.canUndo()
    status = window.session.services.status
    assert read_db(qtbot, window, status.status).pending_changes == 0
    assert server_start(live_server, lesson.booking_id) == lesson.start
    assert signed_in_app.presented.messages == []
