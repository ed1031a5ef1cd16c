"""The admin's window on the demo studio, driven as a person would: filters chosen in the bar
count what the cache holds, column choices outlive the window, the detail pane tells everything
about a booking, a bulk cancel asks first naming how many lessons and whom it tells, a flag is
undone, a lesson arriving through sync leaves the selection and the place alone, and an
instructor's week is theirs."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from instainstru_desktop.config import load_settings
from instainstru_desktop.services.review_views import PAGE_ROWS, BulkPreview, ReviewRow, SortKey
from tests.ui.admin_fixtures import AdminApp, admin_app, wait_for_table  # noqa: F401
from tests.ui.app_fixtures import READY_MS
from ui.admin.bookings_page import BookingsPage
from ui.admin.cells import Column
from ui.admin.dialogs import CancelDialog, FlagDialog
from ui.admin.table_view import FILE_NAME
from ui.admin.window import AdminWindow
from ui.settings.preferences import Preferences

pytestmark = pytest.mark.slow


def cache(window: AdminWindow, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """The admin's cache read directly (the independent answer)."""
    path = window.session.core.store.database.path
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _row(page: BookingsPage, row: int) -> ReviewRow:
    booking = page.model.row_at(row)
    assert booking is not None, f"row {row} is not read yet"
    return booking


def test_filters_chosen_in_the_bar_count_what_the_cache_holds_and_columns_are_kept(
    qtbot: QtBot,
    admin_app: AdminApp,  # noqa: F811
) -> None:
    window = admin_app.window
    page, model = window.bookings, window.bookings.model
    [(total,)] = cache(window, "SELECT count(*) FROM bookings")
    assert model.rowCount() == total
    [(instructor,)] = cache(window, "SELECT id FROM instructors ORDER BY name LIMIT 1")
    page.filters.choose_instructor(instructor)
    page.filters.choose_statuses(("cancelled", "no_show"))
    qtbot.waitUntil(lambda: page.query.statuses == ("no_show", "cancelled"), timeout=READY_MS)
    wait_for_table(qtbot, window)
    [(matching,)] = cache(
        window,
        "SELECT count(*) FROM bookings WHERE instructor_id = ? AND status IN (?, ?)",
        instructor,
        "cancelled",
        "no_show",
    )
    assert 0 < model.rowCount() == matching
    assert page.filters.count.text() == f"{matching:,} of {total:,} lessons"

    # a query of more than a page: its first rows are drawn, and only then is it counted
    events: list[str] = []
    model.modelReset.connect(lambda: events.append("first rows"))
    page.table.painted.connect(lambda: events.append("drawn") if events == ["first rows"] else None)
    model.countChanged.connect(lambda n: events.append("counted") if n is not None else None)
    page.filters.reset()
    wait_for_table(qtbot, window)
    assert events == ["first rows", "drawn", "counted"]
    assert model.rowCount() == total > PAGE_ROWS

    table, header = page.table, page.table.horizontalHeader()
    header.setSectionHidden(Column.LENGTH, True)
    header.moveSection(header.visualIndex(Column.STUDENT), 0)
    table.setColumnWidth(Column.PRICE, 151)
    header.sectionClicked.emit(int(Column.STUDENT))  # a click on the header
    header.sectionClicked.emit(int(Column.STUDENT))  # and again: the other way
    assert page.sort == (SortKey.STUDENT, True)
    window.close()

    again = AdminWindow(admin_app.settings, window.preferences)
    qtbot.addWidget(again)
    try:
        kept = again.bookings.table.horizontalHeader()
        assert kept.isSectionHidden(Column.LENGTH)
        assert kept.visualIndex(Column.STUDENT) == 0
        assert kept.sectionSize(Column.PRICE) == 151
        assert again.bookings.sort == (SortKey.STUDENT, True)
        assert kept.sortIndicatorSection() == Column.STUDENT
    finally:
        again.shutdown()


def test_the_detail_pane_tells_everything_about_a_booking(
    qtbot: QtBot,
    admin_app: AdminApp,  # noqa: F811
) -> None:
    window = admin_app.window
    [(booking, note, student_zone, instructor_zone, events)] = cache(
        window,
        "SELECT b.id, b.note, b.student_time_zone, i.time_zone,"
        " (SELECT count(*) FROM audit_entries AS a WHERE a.booking_id = b.id)"
        " FROM bookings AS b JOIN instructors AS i ON i.id = b.instructor_id"
        " WHERE b.note != '' AND b.student_time_zone != i.time_zone LIMIT 1",
    )
    window.show_booking(booking)
    pane = window.bookings.detail
    qtbot.waitUntil(lambda: pane.booking_id == booking, timeout=READY_MS)

    detail = pane.detail
    assert detail is not None
    assert f"({instructor_zone})" in pane.instructor_time.text()
    assert f"({student_zone})" in pane.student_time.text()
    start = detail.lesson.start
    for label, zone in ((pane.instructor_time, instructor_zone), (pane.student_time, student_zone)):
        assert f"{start.astimezone(ZoneInfo(zone)):%H:%M}" in label.text()
    assert pane.private_note.text() == note  # admins read the instructor's private note
    money = f"{detail.lesson.price_cents // 100:,}"
    assert money in pane.price.text()
    assert pane.history.count() == events > 0
    lines = [pane.history.item(i).text() for i in range(pane.history.count())]
    assert all(" — " in line and line.endswith(".") for line in lines)
    assert any(detail.lesson.student_name in line for line in lines)  # who booked it
    assert admin_app.presented.messages == []


def test_a_bulk_cancel_names_how_many_and_whom_and_a_flag_is_undone(
    qtbot: QtBot,
    admin_app: AdminApp,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = admin_app.window
    page = window.bookings
    page.filters.choose_statuses(("confirmed",))
    wait_for_table(qtbot, window)
    # the demo studio flags a few lessons, which ones depends on today's date
    shown = range(min(page.model.rowCount(), PAGE_ROWS))
    unflagged = [r for r in shown if not _row(page, r).flagged][:6]
    assert len(unflagged) == 6
    page.select_rows(unflagged)
    asked: list[tuple[str, str]] = []

    def look_and_keep(parent: Any, preview: BulkPreview) -> None:
        dialog = CancelDialog(parent, preview)
        consequence = dialog.findChild(QLabel, "consequence")
        assert consequence is not None
        asked.append((dialog.windowTitle(), consequence.text()))
        dialog.deleteLater()
        return None  # "Keep them"

    monkeypatch.setattr(CancelDialog, "ask", staticmethod(look_and_keep))
    page.with_selection(window.admin_actions.cancel)
    qtbot.waitUntil(lambda: bool(asked), timeout=READY_MS)
    title, sentence = asked[0]
    ids = [_row(page, r).booking_id for r in unflagged]
    marks = ", ".join("?" * len(ids))
    [(students, instructors)] = cache(
        window,
        f"SELECT count(DISTINCT student_id), count(DISTINCT instructor_id) FROM bookings"
        f" WHERE id IN ({marks})",
        *ids,
    )
    assert title == "Cancel 6 lessons?"
    teachers = "1 instructor" if instructors == 1 else f"{instructors} instructors"
    assert sentence.startswith(f"This tells {students} student")
    assert teachers in sentence
    assert cache(window, "SELECT count(*) FROM outbox") == [(0,)]  # kept: nothing queued

    flagged = f"SELECT count(*) FROM bookings WHERE flagged AND id IN ({marks})"
    assert cache(window, flagged, *ids) == [(0,)]
    monkeypatch.setattr(FlagDialog, "ask", staticmethod(lambda *_a, **_k: "Check the invoice"))
    page.with_selection(window.admin_actions.flag)
    qtbot.waitUntil(lambda: cache(window, flagged, *ids) == [(6,)], timeout=READY_MS)
    # the answer reaches the window after the cache has the change
    qtbot.waitUntil(lambda: window.admin_actions.undo_text == "Flag 6 lessons", timeout=READY_MS)
    undo = window.menu_actions.undo
    qtbot.waitUntil(undo.isEnabled, timeout=READY_MS)
    undo.trigger()
    qtbot.waitUntil(lambda: cache(window, flagged, *ids) == [(0,)], timeout=READY_MS)
    assert window.admin_actions.undo_text is None
    assert admin_app.presented.messages == []


def test_a_lesson_arriving_through_sync_keeps_the_selection_and_the_place(
    qtbot: QtBot,
    admin_app: AdminApp,  # noqa: F811
) -> None:
    window = admin_app.window
    page, model = window.bookings, window.bookings.model
    bar = page.table.verticalScrollBar()
    bar.setValue(300)
    qtbot.waitUntil(lambda: model.row_at(300) is not None, timeout=READY_MS)
    page.table.selectRow(305)
    chosen = model.row_at(305).booking_id  # type: ignore[union-attr]
    top = model.rowid_at(bar.value())
    rows = model.rowCount()

    [(instructor,)] = cache(window, "SELECT id FROM instructors ORDER BY name LIMIT 1")
    arrived = admin_app.server.add_started_lesson(instructor, datetime(2020, 1, 6, 9, tzinfo=UTC))
    window.sync_now()
    qtbot.waitUntil(lambda: model.rowCount() == rows + 1, timeout=READY_MS)
    qtbot.waitUntil(lambda: model.row_at(306) is not None, timeout=READY_MS)

    [(rowid,)] = cache(window, "SELECT rowid FROM bookings WHERE id = ?", arrived)
    assert model.rowid_at(0) == rowid  # the oldest lesson: first in start order
    selected = page.table.selectionModel().selectedRows()
    assert [model.row_at(i.row()).booking_id for i in selected] == [chosen]  # type: ignore[union-attr]
    assert selected[0].row() == 306
    assert model.rowid_at(bar.value()) == top  # the same booking at the top of the view
    assert page.detail.booking_id == chosen


def test_an_instructors_week_is_their_lessons_in_their_zone_or_mine(
    qtbot: QtBot,
    admin_app: AdminApp,  # noqa: F811
) -> None:
    window = admin_app.window
    admin_zone = window.session.core.identity.time_zone
    [(instructor, zone)] = cache(
        window,
        "SELECT id, time_zone FROM instructors WHERE time_zone != ? ORDER BY name LIMIT 1",
        admin_zone,
    )
    [(first,)] = cache(
        window,
        "SELECT min(start_utc) FROM bookings WHERE instructor_id = ? AND status != 'cancelled'",
        instructor,
    )
    moment = datetime.fromisoformat(first.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    wait_for_table(qtbot, window)
    window.bookings.select_rows([0])
    on_bookings = window.menu_actions.of_selection
    qtbot.waitUntil(lambda: all(a.isEnabled() for a in on_bookings), timeout=READY_MS)
    window.show_week_of(instructor, moment)
    assert window.tabs.currentWidget() is window.week
    # the booking actions act on the table's selection: not while the week is shown
    assert not any(a.isEnabled() for a in on_bookings)
    view = window.week.view

    def shown() -> bool:
        snapshot = view.snapshot()
        return snapshot is not None and snapshot.instructor_id == instructor

    qtbot.waitUntil(shown, timeout=READY_MS)
    snapshot = view.snapshot()
    assert snapshot is not None
    monday = snapshot.week_start
    begins = datetime(monday.year, monday.month, monday.day, tzinfo=ZoneInfo(zone))
    ends = begins + timedelta(days=7)
    wanted = {
        b
        for (b, start) in cache(
            window,
            "SELECT id, start_utc FROM bookings WHERE instructor_id = ? AND status != 'cancelled'",
            instructor,
        )
        if begins <= datetime.fromisoformat(start.replace("Z", "+00:00")).replace(tzinfo=UTC) < ends
    }
    assert wanted
    assert {card.booking_id for card in snapshot.lessons} == wanted
    zones = [window.week.zone.itemText(i) for i in range(window.week.zone.count())]
    assert zones == [f"Instructor's zone ({zone})", f"My zone ({admin_zone})"]
    window.tabs.setCurrentWidget(window.bookings)
    assert all(a.isEnabled() for a in on_bookings)


def test_a_damaged_column_file_is_ignored(qtbot: QtBot, tmp_path: Path) -> None:
    """Hand-edited or half-written choices: what is usable is used, the rest left out."""
    settings = load_settings(profile=tmp_path / "profile", environ={})
    settings.config_dir.mkdir(parents=True, exist_ok=True)
    (settings.config_dir / FILE_NAME).write_text(
        '{"columns": [{"name": "price", "position": "first", "width": 140},'
        ' {"name": "student", "position": 0, "hidden": true}, {"name": 3}, "when"],'
        ' "sort": ["no such column", true]}'
    )
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style_sheet, palette = app.styleSheet(), QPalette(app.palette())
    window = AdminWindow(settings, Preferences.load(settings.config_dir))
    qtbot.addWidget(window)
    try:
        header = window.bookings.table.horizontalHeader()
        assert header.sectionSize(Column.PRICE) == 140
        assert header.visualIndex(Column.PRICE) == Column.PRICE
        assert header.visualIndex(Column.STUDENT) == 0
        assert header.isSectionHidden(Column.STUDENT)
        assert window.bookings.sort == (SortKey.START, False)
    finally:
        window.shutdown()
        app.setStyleSheet(style_sheet)
        app.setPalette(palette)
