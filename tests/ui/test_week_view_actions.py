"""Lesson actions, context menus, accessibility and the painter's caches."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QImage, QPainter
from PySide6.QtWidgets import QApplication, QMenu

from tests.ui.sample_data import WEEK, ZONE, hours, now_in_week, realistic_week
from ui.appearance.theme import DARK
from ui.calendar.geometry import Hit, HitKind, WeekGeometry
from ui.calendar.header import hours_label
from ui.calendar.painter import WeekPainter
from ui.calendar.state import ViewState
from ui.calendar.timeline import DisplayWeek
from ui.calendar.week_view import WeekView


@pytest.fixture
def view(qtbot) -> WeekView:
    v = WeekView()
    qtbot.addWidget(v)
    v.resize(1100, 760)
    v.set_snapshot(realistic_week())
    v.set_now(now_in_week())
    v.show()
    qtbot.waitExposed(v)
    return v


def actions(menu: QMenu) -> dict[str, bool]:
    return {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}


def trigger(menu: QMenu, text: str) -> None:
    [action] = [a for a in menu.actions() if a.text() == text]
    action.trigger()


def lesson_hit(view: WeekView, booking_id: str) -> Hit:
    rect = view.lesson_rects()[booking_id][0]
    view.verticalScrollBar().setValue(
        view.week_geometry().scroll_for_minute(view.week_geometry().minute_at_y(rect.top()) - 60)
    )
    rect = view.lesson_rects()[booking_id][0]
    hit = view.week_geometry().hit_test(rect.center(), view.display_week())
    assert hit.kind is HitKind.LESSON
    return hit


def test_double_click_on_a_lesson_activates_it(qtbot, view):
    hit = lesson_hit(view, "b14")
    center = view.lesson_rects()["b14"][0].center().toPoint()
    with qtbot.waitSignal(view.lessonActivated) as blocker:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert blocker.args == ["b14"]
    assert hit.segment is not None


def test_free_cell_menu_books_marks_and_clears(qtbot, view):
    monday_8 = Hit(HitKind.CELL, 0, 8 * 4)
    menu = view.context_menu_for(monday_8)
    assert actions(menu) == {
        "Book for a student…": True,
        "Mark hours": True,
        "Clear hours": False,
        "Time off this day": True,
    }
    with qtbot.waitSignal(view.bookRequested) as blocker:
        trigger(menu, "Book for a student…")
    assert blocker.args == [datetime(2025, 3, 10, 8, 0, tzinfo=ZoneInfo(ZONE))]
    with qtbot.waitSignal(view.hoursEdited) as blocker:
        trigger(menu, "Mark hours")  # the clicked hour
    assert blocker.args == [WEEK, hours(("08:00", "12:00"), ("14:00", "19:00"))]
    # Clear hours on a painted cell clears its whole block.
    menu = view.context_menu_for(Hit(HitKind.CELL, 0, 15 * 4))
    with qtbot.waitSignal(view.hoursEdited) as blocker:
        trigger(menu, "Clear hours")
    assert blocker.args == [WEEK, hours(("08:00", "12:00"))]


def test_time_off_from_the_day_header_is_undoable(qtbot, view):
    menu = view.context_menu_for(Hit(HitKind.HEADER, 1))
    assert actions(menu) == {"Time off this day": True}
    with qtbot.waitSignal(view.hoursEdited) as blocker:
        trigger(menu, "Time off this day")
    assert blocker.args == [WEEK + timedelta(days=1), ()]
    assert view.display_week().days[1].time_off
    assert not actions(view.context_menu_for(Hit(HitKind.HEADER, 1)))["Time off this day"]
    view.undo_stack().undo()
    assert view.display_week().days[1].ranges == hours(("10:00", "18:00"))


def test_no_menu_over_the_gutter(view):
    assert view.context_menu_for(Hit(HitKind.GUTTER, slot=10)) is None


def visible_menu(view: WeekView) -> QMenu | None:
    return next((w for w in view.findChildren(QMenu) if w.isVisible()), None)


@pytest.mark.parametrize(
    "press",
    [
        (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier),
    ],
)
def test_the_menu_key_pops_the_cursor_cells_menu(qtbot, view, press):
    view.setFocus()
    view.set_cursor_cell(6, 40)
    qtbot.keyClick(view, *press)
    qtbot.waitUntil(lambda: visible_menu(view) is not None)
    menu = visible_menu(view)
    assert "Book for a student…" in actions(menu)
    menu.close()


def test_right_click_on_a_lesson_pops_its_menu(qtbot, view):
    center = view.lesson_rects()["b21"][0].center().toPoint()
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, center, view.viewport().mapToGlobal(center)
    )
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: visible_menu(view) is not None)
    menu = visible_menu(view)
    assert menu.defaultAction().text() == "Details"
    assert view.state.selected_booking == "b21"
    menu.close()


def test_tooltip_and_accessible_text_name_the_lesson(qtbot, view):
    view.setFocus()
    view.set_cursor_cell(2, 19 * 4)  # George's lesson, in conflict
    text = view.accessibleDescription()
    assert "Wednesday 12 March, 19:00" in text
    assert "George Whitfield-Brown" in text
    assert view.accessibleName() == "Week calendar"
    segment = lesson_hit(view, "b17").segment
    tip = view._lesson_text(segment)
    assert "Now outside your hours" in tip
    assert "Music theory" in tip


def test_now_line_today_and_the_week_header(view):
    assert view.state.today == now_in_week().astimezone(ZoneInfo(ZONE)).date()
    view.set_now(None)
    assert view.state.now is None


def test_the_view_scrolls_to_working_hours_on_show(view):
    top = view.week_geometry().minute_at_y(view.week_geometry().header_height)
    assert 8 * 60 <= top <= 9 * 60  # earliest hours start at 09:00


def test_cards_are_laid_out_once_and_reused_on_scroll(view):
    week = view.display_week()
    painter = WeekPainter()
    image = QImage(1100, 760, QImage.Format.Format_ARGB32_Premultiplied)
    state = ViewState()
    geo = WeekGeometry(1100, 760, scroll_y=500)
    with QPainter(image) as p:
        painter.paint(p, geo, week, state)
    first = painter.card_layouts
    assert first > 0
    with QPainter(image) as p:
        painter.paint(p, WeekGeometry(1100, 760, scroll_y=520), week, state)
    assert painter.card_layouts - first <= 3  # only cards that scrolled into view
    state.palette = DARK
    with QPainter(image) as p:
        painter.paint(p, geo, week, state)
    assert painter.card_layouts >= 2 * first  # a theme change lays out again


def test_clipped_paint_touches_only_the_exposed_cards(view):
    week = view.display_week()
    painter = WeekPainter()
    image = QImage(1100, 760, QImage.Format.Format_ARGB32_Premultiplied)
    geo = WeekGeometry(1100, 760, scroll_y=500)
    with QPainter(image) as p:
        p.setClipRect(geo.slot_rect(4, 40))  # one cell
        painter.paint(p, geo, week, ViewState())
    assert painter.card_layouts <= 1


def test_painting_a_dst_week_and_a_foreign_zone_does_not_fail(qtbot, view):
    from tests.ui.sample_data import DST_WEEK, FALL_WEEK

    for start in (DST_WEEK, FALL_WEEK):
        view.set_snapshot(realistic_week(start))
        for zone in (None, "America/New_York", "Asia/Kolkata"):
            view.set_display_zone(zone)
            view.viewport().repaint()
    assert DisplayWeek.build(realistic_week(FALL_WEEK)).days[6].length_minutes == 1500


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, ""), (45, "45 min"), (60, "1 h"), (450, "7½ h"), (495, "8¼ h"), (500, "8.3 h")],
)
def test_hours_label(minutes, text):
    assert hours_label(minutes) == text


def test_geometry_round_trips():
    geo = WeekGeometry(1064, 800, scroll_y=300)
    for day in range(7):
        left = geo.column_left(day)
        assert geo.day_at_x(left) == day
        assert geo.day_at_x(left + geo.column_width(day) - 1) == day
    assert geo.day_at_x(10) is None
    for slot in (0, 37, 95):
        assert geo.slot_at_y(geo.cell_center(2, slot).y()) == slot
    assert geo.hit_test(QPoint(10, 10)).kind is HitKind.CORNER
    assert geo.hit_test(QPoint(200, 10)).kind is HitKind.HEADER
    assert geo.hit_test(QPoint(10, 200)).kind is HitKind.GUTTER
    assert geo.hit_test(QPoint(-1, 200)).kind is HitKind.NONE
    assert geo.scroll_for_minute(24 * 60) == geo.max_scroll


def test_ctrl_wheel_zooms_around_the_pointer(qtbot, view):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent

    geo = view.week_geometry()
    pos = QPointF(geo.cell_center(2, 48))  # Wednesday 12:00
    before = geo.minute_at_y(pos.y())
    event = QWheelEvent(
        pos,
        view.viewport().mapToGlobal(pos),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view.viewport(), event)
    geo = view.week_geometry()
    assert geo.hour_height == 72
    assert abs(geo.minute_at_y(pos.y()) - before) < 1  # the hour under the pointer stays put


def test_day_header_summary(view):
    text = view.day_summary(2)
    assert text.splitlines() == [
        "Wednesday 12 March",
        "Teaching hours: 09:00–13:00, 15:00–20:00",
        "Hours set for this date",
        "Waiting to sync",
    ]
    assert "Time off" in view.day_summary(3)


@pytest.mark.parametrize("dpr", [1.0, 1.5, 2.0])
def test_painting_at_fractional_and_high_dpr(view, dpr):
    from PySide6.QtGui import QColor

    from ui.appearance.theme import LIGHT

    geo = WeekGeometry(900, 600, scroll_y=WeekGeometry(900, 600).scroll_for_minute(8 * 60))
    image = QImage(round(900 * dpr), round(600 * dpr), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    with QPainter(image) as p:
        WeekPainter().paint(p, geo, view.display_week(), ViewState())
    # Sunday has no hours: at 08:00 the hour line is drawn there in the hour-line colour.
    x = round((geo.column_left(6) + 20) * dpr)
    y = round(geo.y_for_minute(8 * 60) * dpr)
    found = {image.pixelColor(x, y + dy).name() for dy in range(-2, 3)}
    assert QColor(LIGHT.base).name() in found
    assert len(found) > 1  # a line, not a blank
