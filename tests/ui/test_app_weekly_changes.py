"""The whole app with weekly lessons: changing the weekly time from a lesson, offline through
the outbox, undone while unsent and made again, the server's answer (a lesson that could not
move) under Needs attention; and a weekly lesson moved on its own, shown as moved, keeping its
time when the weekly time changes later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QTime
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import STUDENT_PASSWORD
from instainstru_desktop.services.views import HoursRange, WeeklyChange, WeeklyRequest
from tests.ui.app_fixtures import LiveServer, RunningApp, read_db
from tests.ui.conftest import SaveShot
from ui.lessons.change_weekly_dialog import ChangeWeeklyDialog
from ui.shell.main_window import MainWindow

LESSONS = 3


def busy(server: LiveServer, student_id: str, start: datetime, end: datetime) -> bool:
    """Whether the student has a lesson (with anyone) overlapping ``start``-``end``."""
    found = server.query(
        "SELECT 1 FROM bookings WHERE student_id = ? AND status = 'confirmed'"
        " AND start_utc < ? AND end_utc > ?",
        student_id,
        end.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )
    return bool(found)


def free_early(server: LiveServer, student_id: str, days: list[date], zone: str) -> bool:
    """Whether the student has no lesson between 05:00 and 09:00 on any of those days."""
    starts = [datetime.combine(day, time(5), ZoneInfo(zone)) for day in days]
    return not any(busy(server, student_id, s, s + timedelta(hours=4)) for s in starts)


def early_hours(
    qtbot: QtBot, window: MainWindow, iid: str, server: LiveServer
) -> tuple[WeeklyRequest, int]:
    """Weekly lessons at 06:00 the instructor opens early hours for (06:00-08:00 on each date,
    their other hours kept: the demo calendar is full), and 07:00, where they could move; for a
    student free then (the demo students have lessons with other instructors on some dates)."""
    services = window.session.services
    zone = window.session.core.identity.time_zone
    first = datetime.now(ZoneInfo(zone)).date() + timedelta(days=4)
    dates = [first + timedelta(weeks=week) for week in range(LESSONS)]
    students = read_db(qtbot, window, services.lessons.students)
    student = next(s for s in students if free_early(server, s.id, dates, zone))
    kind = read_db(qtbot, window, lambda: services.lessons.lesson_types(iid))[0]
    assert kind.duration_minutes <= 60
    for week in range(LESSONS):
        day = first + timedelta(weeks=week)
        monday = day - timedelta(days=day.weekday())
        shown = read_db(qtbot, window, partial(services.availability.week, iid, monday))
        before = shown.days[day.weekday()].ranges
        after = (HoursRange(6 * 60, 8 * 60), *before)
        opened = partial(services.availability.edit_date_hours, iid, day, before, after)
        read_db(qtbot, window, opened)
    request = WeeklyRequest(
        iid, student.id, kind.id, (first.weekday(),), "06:00", first, count=LESSONS
    )
    preview = read_db(qtbot, window, lambda: services.series.preview(request))
    assert [p.outcome for p in preview.lessons] == ["book"] * LESSONS, preview
    return request, 7


def book_series(
    qtbot: QtBot, app: RunningApp, server: LiveServer
) -> tuple[WeeklyRequest, int, list[str]]:
    """Book weekly lessons in the app and wait until the server has them; their ids by date."""
    window, iid = app.window, app.instructor_id
    series = window.session.services.series
    request, later = early_hours(qtbot, window, iid, server)
    series_id = read_db(qtbot, window, lambda: series.book_weekly(request)[0])
    window.sync_now()

    def on_server() -> list[str]:
        rows = server.query(
            "SELECT id FROM bookings WHERE series_id = ? AND status = 'confirmed'"
            " ORDER BY start_utc",
            series_id,
        )
        return [str(r[0]) for r in rows]

    qtbot.waitUntil(lambda: len(on_server()) == LESSONS, timeout=60_000)
    return request, later, on_server()


def local_hours(qtbot: QtBot, window: MainWindow, ids: list[str]) -> list[int]:
    lessons = window.session.services.lessons
    zone = ZoneInfo(window.session.core.identity.time_zone)
    cards = read_db(qtbot, window, lambda: [lessons.card(key) for key in ids])
    return [card.start.astimezone(zone).hour for card in cards]


def server_hours(server: LiveServer, ids: list[str], zone: str) -> list[int]:
    hours = []
    for key in ids:
        [(text,)] = server.query("SELECT start_utc FROM bookings WHERE id = ?", key)
        moment = datetime.fromisoformat(str(text)).replace(tzinfo=UTC)
        hours.append(moment.astimezone(ZoneInfo(zone)).hour)
    return hours


def another_student_takes(server: LiveServer, request: WeeklyRequest, start: datetime) -> str:
    """A student other than the series' (free then) books the instructor at ``start`` on the
    web."""
    students = server.query(
        "SELECT id, email FROM users WHERE role = 'student' AND id != ? ORDER BY email",
        request.student_id,
    )
    email = next(e for i, e in students if not busy(server, i, start, start + timedelta(hours=1)))
    student = server.client(email, STUDENT_PASSWORD)
    answer = student.post(
        "/bookings",
        json={
            "instructor_id": request.instructor_id,
            "lesson_type_id": request.lesson_type_id,
            "start": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def answer_with(
    monkeypatch: pytest.MonkeyPatch, pick: Callable[[ChangeWeeklyDialog], WeeklyChange | None]
) -> list[ChangeWeeklyDialog]:
    """Replace the dialog's ``ask`` by the real dialog, filled in by ``pick``."""
    opened: list[ChangeWeeklyDialog] = []

    def ask(cls: type[ChangeWeeklyDialog], parent: Any, **kwargs: Any) -> WeeklyChange | None:
        dialog = cls(parent, **kwargs)
        opened.append(dialog)
        dialog.show()
        return pick(dialog)

    monkeypatch.setattr(ChangeWeeklyDialog, "ask", classmethod(ask))
    return opened


@pytest.mark.slow
def test_the_weekly_time_changed_offline_is_undone_made_again_and_answered(
    qtbot: QtBot,
    live_server: LiveServer,
    signed_in_app: RunningApp,
    save_shot: SaveShot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = signed_in_app.window
    zone = window.session.core.identity.time_zone
    request, later, ids = book_series(qtbot, signed_in_app, live_server)
    hour = int(request.time[:2])
    last_day = request.start_date + timedelta(weeks=LESSONS - 1)
    taken = datetime(last_day.year, last_day.month, last_day.day, later, tzinfo=ZoneInfo(zone))
    other = another_student_takes(live_server, request, taken)
    window.sync_now()
    lessons = window.session.services.lessons
    upcoming = signed_in_app.instructor_id
    qtbot.waitUntil(
        lambda: (
            other
            in {c.booking_id for c in read_db(qtbot, window, lambda: lessons.upcoming(upcoming))}
        ),
        timeout=60_000,
    )

    def pick(dialog: ChangeWeeklyDialog) -> WeeklyChange | None:
        qtbot.addWidget(dialog)
        qtbot.waitExposed(dialog)
        dialog.time.setTime(QTime(later, 0))
        qtbot.waitUntil(lambda: dialog.previews.preview.count() == LESSONS, timeout=10_000)
        lines = [dialog.previews.preview.item(i).text() for i in range(LESSONS)]
        assert [line[0] for line in lines] == ["→", "→", "✗"]
        assert "cannot move" in lines[2]
        save_shot(dialog, "app_change_weekly")
        return dialog.change()

    opened = answer_with(monkeypatch, pick)
    live_server.stop()
    window.actions_.change_following(ids[0])  # the detail pane's and the menus' entry
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    qtbot.waitUntil(lambda: local_hours(qtbot, window, ids) == [later, later, hour])
    qtbot.waitUntil(lambda: "change to every week on" in window.notice_bar.text())
    assert window.notice_bar.action_text() == "Undo"
    assert window.undo_stack.undoText().startswith("Change ")

    window.undo_stack.undo()  # unsent: taken back, nothing will reach the server
    qtbot.waitUntil(lambda: local_hours(qtbot, window, ids) == [hour] * LESSONS)
    qtbot.waitUntil(lambda: "back at their old time" in window.notice_bar.text())
    status = window.session.services.status
    assert read_db(qtbot, window, status.status).pending_changes == 0

    window.undo_stack.redo()
    qtbot.waitUntil(lambda: local_hours(qtbot, window, ids) == [later, later, hour])
    live_server.start()
    window.sync_now()
    qtbot.waitUntil(
        lambda: server_hours(live_server, ids, zone) == [later, later, hour], timeout=60_000
    )
    attention = window.session.services.attention

    def refused() -> list[str]:
        items = read_db(qtbot, window, lambda: attention.items(signed_in_app.instructor_id))
        return [i.message for i in items if i.kind == "series_refused"]

    qtbot.waitUntil(lambda: bool(refused()), timeout=60_000)
    [message] = refused()
    assert "could not change to every week on" in message
    assert "the instructor has another lesson at that time" in message
    changes = live_server.query("SELECT count(*) FROM audit_log WHERE action = 'series.change'")
    assert changes == [(1,)]  # the undone change never left this computer
    assert signed_in_app.presented.messages == []


@pytest.mark.slow
def test_a_weekly_lesson_moved_in_the_app_is_shown_moved_and_keeps_its_time(
    qtbot: QtBot,
    live_server: LiveServer,
    signed_in_app: RunningApp,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = signed_in_app.window
    zone = window.session.core.identity.time_zone
    request, later, ids = book_series(qtbot, signed_in_app, live_server)
    hour = int(request.time[:2])
    schedule, lessons = window.session.services.schedule, window.session.services.lessons
    day = request.start_date + timedelta(weeks=1)
    options = read_db(qtbot, window, lambda: schedule.move_options(ids[1], day, day))
    target = next(
        s
        for s in options.starts
        if s.astimezone(ZoneInfo(zone)).hour not in (hour, later, later - 1, later + 1)
        and s.astimezone(ZoneInfo(zone)).minute == 0
    )
    moved_hour = target.astimezone(ZoneInfo(zone)).hour

    window.actions_.move_to(ids[1], target)  # what a drop in the week does
    qtbot.waitUntil(  # among the notices on screen: the series' own news may come after it
        lambda: any("is moved to" in n.text() for n in window.notice_bar.notices()),
        timeout=10_000,
    )
    card = read_db(qtbot, window, lambda: lessons.card(ids[1]))
    assert (card.series_id, card.series_moved) == (ids and card.series_id, True)
    assert card.series_id
    detail = read_db(qtbot, window, lambda: lessons.detail(ids[1]))
    window.lessons_view.set_detail(detail)
    assert window.lessons_view.detail.series_line.text().startswith(
        "One of weekly lessons, moved on its own"
    )
    window.sync_now()
    qtbot.waitUntil(
        lambda: (
            live_server.query("SELECT series_moved FROM bookings WHERE id = ?", ids[1]) == [(1,)]
        ),
        timeout=60_000,
    )

    answer_with(
        monkeypatch,
        lambda dialog: WeeklyChange(
            card.series_id, request.start_date, request.weekdays, f"{later:02d}:00"
        ),
    )
    window.actions_.change_following(ids[0])
    qtbot.waitUntil(lambda: local_hours(qtbot, window, ids) == [later, moved_hour, later])
    window.sync_now()
    qtbot.waitUntil(
        lambda: server_hours(live_server, ids, zone) == [later, moved_hour, later],
        timeout=60_000,
    )
    assert signed_in_app.presented.messages == []
