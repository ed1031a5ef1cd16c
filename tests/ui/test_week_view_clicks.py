"""A click selects, a drag paints: no hours change without a drag, Space or a menu entry."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication

from instainstru_desktop.services.views import DayHours
from tests.ui.sample_data import WEEK, empty_week, hours
from tests.ui.test_week_view_editing import drag, record, slot
from ui.calendar.week_view import WeekView


def time_off_on(view: WeekView, day: int) -> None:
    """The shown week with one whole day of time off."""
    snap = empty_week(WEEK)
    days = tuple(
        DayHours(d.date, (), True, True) if i == day else d for i, d in enumerate(snap.days)
    )
    view.set_snapshot(snap.__class__(snap.instructor_id, snap.time_zone, WEEK, days, ()))


def test_a_plain_click_on_an_empty_cell_selects_it_and_changes_nothing(qtbot, week_view):
    seen = record(week_view)
    point = week_view.week_geometry().cell_center(2, slot("10:00"))
    qtbot.mouseClick(week_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert seen == []
    assert week_view.undo_stack().count() == 0
    assert week_view.display_week().days[2].ranges == ()
    assert week_view.cursor_cell() == (2, slot("10:00"))  # the click selected the cell


def test_a_click_on_a_day_of_time_off_keeps_it_time_off(qtbot, week_view):
    time_off_on(week_view, 3)
    seen = record(week_view)
    point = week_view.week_geometry().cell_center(3, slot("11:00"))
    qtbot.mouseClick(week_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert seen == []
    assert week_view.display_week().days[3].time_off
    assert week_view.undo_stack().count() == 0


def test_a_click_on_painted_hours_does_not_clear_them(qtbot, week_view):
    snap = empty_week(WEEK)
    days = tuple(
        DayHours(d.date, hours(("09:00", "17:00")), True, False) if i == 1 else d
        for i, d in enumerate(snap.days)
    )
    week_view.set_snapshot(snap.__class__(snap.instructor_id, snap.time_zone, WEEK, days, ()))
    seen = record(week_view)
    point = week_view.week_geometry().cell_center(1, slot("12:00"))
    qtbot.mouseClick(week_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert seen == []
    assert week_view.display_week().days[1].ranges == hours(("09:00", "17:00"))


def test_a_press_that_jitters_inside_its_cell_is_still_a_click(qtbot, week_view):
    seen = record(week_view)
    vp = week_view.viewport()
    center = week_view.week_geometry().cell_center(0, slot("09:00"))
    jitter = QPointF(center) + QPointF(2, 1)
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseMove(vp, pos=jitter.toPoint())
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=jitter.toPoint())
    assert seen == []
    assert week_view.state.preview == {}  # no preview flashed under a click either


def test_a_short_drag_within_one_cell_paints_that_cell(qtbot, week_view):
    """Past the platform's drag distance a press is a drag, even inside one cell: a single
    quarter hour can still be painted with the mouse."""
    seen = record(week_view)
    vp = week_view.viewport()
    geo = week_view.week_geometry()
    center = geo.cell_center(0, slot("09:00"))
    far = QApplication.startDragDistance() + 2
    side = center + QPointF(far, 0).toPoint()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseMove(vp, pos=side)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=side)
    assert seen == [(WEEK, hours(("09:00", "09:15")))]


def test_space_and_the_menu_still_paint_a_single_cell(qtbot, week_view):
    seen = record(week_view)
    week_view.setFocus()
    point = week_view.week_geometry().cell_center(4, slot("08:00"))
    qtbot.mouseClick(week_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.keyClick(week_view, Qt.Key.Key_Space)
    assert seen == [(WEEK + timedelta(days=4), hours(("08:00", "08:15")))]


def test_a_double_click_on_a_cell_changes_nothing(qtbot, week_view):
    seen = record(week_view)
    point = week_view.week_geometry().cell_center(6, slot("10:00"))
    qtbot.mouseClick(week_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(week_view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert seen == []


# -- an edit that opens a day off or leaves lessons outside the hours says so -------------------


def cautions(view: WeekView) -> list[tuple[str, object]]:
    said: list[tuple[str, object]] = []
    view.editCautioned.connect(lambda text, command: said.append((text, command)))
    return said


def test_painting_a_day_off_says_it_was_a_day_off(qtbot, week_view):
    time_off_on(week_view, 3)
    said = cautions(week_view)
    drag(qtbot, week_view, (3, "10:00"), (3, "10:45"))
    [(text, command)] = said
    assert text == (
        "Thursday 13 March was a day off; students can now book 10:00–11:00 there."
    )
    assert command is week_view.undo_stack().command(0)  # the Undo offered is that very edit


def test_painting_an_ordinary_day_says_nothing(qtbot, week_view):
    said = cautions(week_view)
    drag(qtbot, week_view, (2, "10:00"), (2, "10:45"))
    assert said == []


def test_clearing_hours_under_a_booked_lesson_names_it(qtbot, week_view):
    from tests.ui.sample_data import lesson

    snap = empty_week(WEEK)
    friday = WEEK + timedelta(days=4)
    days = tuple(
        DayHours(d.date, hours(("09:00", "17:00")), True, False) if d.date == friday else d
        for d in snap.days
    )
    booked = (
        lesson("b1", friday, "14:00", "ana", "piano"),
        lesson("b2", friday, "09:00", "ben", "guitar", status="completed"),
    )
    week_view.set_snapshot(snap.__class__(snap.instructor_id, snap.time_zone, WEEK, days, booked))
    said = cautions(week_view)
    drag(qtbot, week_view, (4, "13:00"), (4, "16:45"))
    [(text, _)] = said
    assert text == (
        "Ana García's lesson on Fri 14 Mar at 14:00 is now outside your hours. It stays booked "
        "and is listed under Needs attention."
    )
    said.clear()
    week_view.set_time_off(4)  # the menu's "Time off this day": Ana's lesson is already out
    assert said == []


def test_a_lesson_that_already_began_is_not_mentioned(qtbot, week_view):
    from tests.ui.sample_data import lesson

    snap = empty_week(WEEK)
    monday = WEEK
    days = tuple(
        DayHours(d.date, hours(("09:00", "17:00")), True, False) if d.date == monday else d
        for d in snap.days
    )
    booked = (lesson("b1", monday, "10:00", "ana", "piano"),)  # "now" is Wednesday
    week_view.set_snapshot(snap.__class__(snap.instructor_id, snap.time_zone, WEEK, days, booked))
    said = cautions(week_view)
    week_view.set_time_off(0)
    assert said == []
