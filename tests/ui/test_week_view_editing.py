"""Painting and erasing hours with the mouse and the keyboard, and undo/redo of both."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from instainstru_desktop.services.views import DayHours, HoursRange, SyncMark
from tests.ui.sample_data import WEEK, empty_week, hours
from ui.calendar import ranges as rng
from ui.calendar.commands import DayChange, EditHoursCommand
from ui.calendar.state import CellBlock, EditMode
from ui.calendar.week_view import WeekView

MON, TUE, WED = WEEK, WEEK + timedelta(days=1), WEEK + timedelta(days=2)


def slot(clock: str) -> int:
    h, m = clock.split(":")
    return (int(h) * 60 + int(m)) // 15


def record(view: WeekView) -> list[tuple[date, tuple[HoursRange, ...] | None]]:
    """What the view announced: (date, new hours); a date handed back to the usual week by an
    undo is recorded as (date, None)."""
    seen: list[tuple[date, tuple[HoursRange, ...] | None]] = []
    view.hoursEdited.connect(lambda when, ranges: seen.append((when, ranges)))
    view.usualRestored.connect(lambda when: seen.append((when, None)))
    return seen


def drag(qtbot, view: WeekView, start: tuple[int, str], end: tuple[int, str]) -> None:
    """Press on a cell, move through the middle to another, release (as a person would)."""
    geo = view.week_geometry()
    a = geo.cell_center(start[0], slot(start[1]))
    b = geo.cell_center(end[0], slot(end[1]))
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=a)
    qtbot.mouseMove(vp, pos=(a + b) / 2)
    qtbot.mouseMove(vp, pos=b)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=b)


def with_hours(view: WeekView, day: date, ranges: tuple[HoursRange, ...]) -> None:
    snap = empty_week(WEEK)
    days = tuple(DayHours(d.date, ranges, True, False) if d.date == day else d for d in snap.days)
    view.set_snapshot(snap.__class__(snap.instructor_id, snap.time_zone, WEEK, days, ()))


def test_drag_over_empty_cells_paints_the_same_hours_on_each_day(qtbot, week_view):
    seen = record(week_view)
    drag(qtbot, week_view, (0, "10:00"), (1, "11:45"))
    assert seen == [(MON, hours(("10:00", "12:00"))), (TUE, hours(("10:00", "12:00")))]
    days = week_view.display_week().days
    assert days[0].ranges == hours(("10:00", "12:00"))
    assert days[0].mark is SyncMark.PENDING  # shown at once, marked as not yet synced
    assert days[2].ranges == ()


def test_dragging_upwards_paints_too(qtbot, week_view):
    seen = record(week_view)
    drag(qtbot, week_view, (2, "12:45"), (2, "11:00"))
    assert seen == [(WED, hours(("11:00", "13:00")))]


def test_drag_shows_a_live_preview_before_release(qtbot, week_view):
    geo = week_view.week_geometry()
    vp = week_view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=geo.cell_center(0, slot("09:00")))
    qtbot.mouseMove(vp, pos=geo.cell_center(0, slot("09:30")))
    assert week_view.state.preview == {0: hours(("09:00", "09:45"))}
    assert week_view.display_week().days[0].ranges == ()  # nothing applied yet
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=geo.cell_center(0, slot("09:30")))
    assert week_view.state.preview == {}
    assert week_view.display_week().days[0].ranges == hours(("09:00", "09:45"))


def test_escape_cancels_a_drag(qtbot, week_view):
    seen = record(week_view)
    geo = week_view.week_geometry()
    vp = week_view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=geo.cell_center(0, slot("09:00")))
    qtbot.mouseMove(vp, pos=geo.cell_center(0, slot("10:00")))
    qtbot.keyClick(week_view, Qt.Key.Key_Escape)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=geo.cell_center(0, slot("10:00")))
    assert seen == []
    assert week_view.state.drag is None


def test_drag_starting_on_hours_erases(qtbot, week_view):
    with_hours(week_view, TUE, hours(("09:00", "17:00")))
    seen = record(week_view)
    drag(qtbot, week_view, (1, "12:00"), (1, "13:45"))
    assert seen == [(TUE, hours(("09:00", "12:00"), ("14:00", "17:00")))]


def test_erase_keeps_unaligned_edges(qtbot, week_view):
    with_hours(week_view, MON, (HoursRange(9 * 60 + 10, 11 * 60 + 50),))
    seen = record(week_view)
    drag(qtbot, week_view, (0, "10:00"), (0, "10:15"))
    assert seen == [(MON, (HoursRange(550, 600), HoursRange(630, 710)))]


def test_paint_joins_neighbouring_hours(qtbot, week_view):
    with_hours(week_view, MON, hours(("09:00", "10:00"), ("11:00", "12:00")))
    seen = record(week_view)
    drag(qtbot, week_view, (0, "10:00"), (0, "10:45"))
    assert seen == [(MON, hours(("09:00", "12:00")))]


def test_an_edit_that_changes_nothing_emits_nothing_and_is_not_undoable(qtbot, week_view):
    with_hours(week_view, MON, hours(("09:00", "12:00")))
    seen = record(week_view)
    stack = week_view.undo_stack()
    block = CellBlock(0, slot("10:00"), 0, slot("10:45"))
    assert not week_view.edit_block(block, EditMode.PAINT)  # already teaching then
    assert not week_view.edit_block(CellBlock(5, 12, 6, 20), EditMode.ERASE)  # nothing to clear
    assert seen == []
    assert stack.count() == 0


def test_undo_and_redo_restore_the_view_and_announce_the_hours(qtbot, week_view):
    with_hours(week_view, TUE, hours(("09:00", "17:00")))
    seen = record(week_view)
    stack = week_view.undo_stack()
    drag(qtbot, week_view, (1, "12:00"), (1, "12:45"))  # erase
    drag(qtbot, week_view, (3, "14:00"), (4, "15:45"))  # paint two days
    assert stack.count() == 2
    assert stack.undoText() == "Paint hours on 2 days"

    stack.undo()
    # Thursday and Friday had no hours of their own: undo gives them back to the usual week
    assert seen[-2:] == [(WEEK + timedelta(days=4), None), (WEEK + timedelta(days=3), None)]
    assert week_view.display_week().days[3].ranges == ()
    stack.undo()
    assert seen[-1] == (TUE, hours(("09:00", "17:00")))
    assert week_view.display_week().days[1].ranges == hours(("09:00", "17:00"))

    stack.redo()
    assert seen[-1] == (TUE, hours(("09:00", "12:00"), ("13:00", "17:00")))
    assert week_view.display_week().days[1].ranges == hours(("09:00", "12:00"), ("13:00", "17:00"))
    stack.redo()
    assert week_view.display_week().days[4].ranges == hours(("14:00", "16:00"))


def test_ctrl_z_in_the_view_undoes(qtbot, week_view):
    drag(qtbot, week_view, (0, "10:00"), (0, "10:45"))
    week_view.setFocus()
    qtbot.keyClick(week_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert week_view.display_week().days[0].ranges == ()
    qtbot.keyClick(
        week_view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert week_view.display_week().days[0].ranges == hours(("10:00", "11:00"))


Calls = list[tuple[date, tuple[HoursRange, ...], bool, tuple[HoursRange, ...]]]


def test_the_command_calls_the_injected_callable_with_before_and_after():
    calls: Calls = []
    before, after = hours(("09:00", "12:00")), hours(("09:00", "10:00"))
    stack = QUndoStack()
    stack.push(
        EditHoursCommand(
            lambda d, r, usual, was: calls.append((d, r, usual, was)),
            [DayChange(MON, before, after)],
            "Clear hours",
        )
    )
    stack.undo()
    stack.redo()
    assert calls == [
        (MON, after, False, before),
        (MON, before, False, after),
        (MON, after, False, before),
    ]


def test_undo_gives_a_date_that_followed_the_usual_week_back_to_it():
    calls: Calls = []
    before, after = hours(("09:00", "12:00")), hours(("09:00", "10:00"))
    stack = QUndoStack()
    change = DayChange(MON, before, after, before_usual=True)
    stack.push(
        EditHoursCommand(
            lambda d, r, usual, was: calls.append((d, r, usual, was)), [change], "Clear"
        )
    )
    stack.undo()
    assert calls == [(MON, after, False, before), (MON, before, True, after)]


def test_a_step_is_announced_with_the_hours_it_starts_from_even_after_a_newer_read(
    qtbot, week_view
):
    """Undo sends exactly what the paint added, though the date has changed since (another
    device's hours arrived with a sync): those hours are not the paint's to take away."""
    with_hours(week_view, MON, hours(("09:00", "10:00")))  # hours of its own: undo keeps them
    seen: list[tuple[date, tuple[HoursRange, ...], tuple[HoursRange, ...]]] = []
    week_view.hoursChanged.connect(lambda d, was, now: seen.append((d, was, now)))
    start = week_view.display_week().days[0].ranges
    drag(qtbot, week_view, (0, "10:00"), (0, "10:45"))
    painted = rng.normalize([*start, HoursRange(10 * 60, 11 * 60)])
    assert seen == [(MON, start, painted)]
    synced = week_view.snapshot()
    later = replace(
        synced,
        days=tuple(
            replace(d, ranges=rng.normalize([*d.ranges, HoursRange(20 * 60, 21 * 60)]))
            if d.date == MON
            else d
            for d in synced.days
        ),
    )
    week_view.set_snapshot(later)  # the phone's 20:00-21:00 arrived
    week_view.undo_stack().undo()
    assert seen[-1] == (MON, painted, start)


def test_a_shared_undo_stack_is_used(qtbot, week_view):
    shared = QUndoStack()
    week_view.set_undo_stack(shared)
    drag(qtbot, week_view, (0, "10:00"), (0, "10:15"))
    assert shared.count() == 1


# -- keyboard only ------------------------------------------------------------------------------


def keys(qtbot, view, *presses):
    for press in presses:
        key, mods = press if isinstance(press, tuple) else (press, Qt.KeyboardModifier.NoModifier)
        qtbot.keyClick(view, key, mods)


def test_keyboard_paints_the_same_as_a_drag(qtbot, week_view):
    seen = record(week_view)
    week_view.setFocus()
    week_view.set_cursor_cell(0, slot("10:00"))
    shift = Qt.KeyboardModifier.ShiftModifier
    keys(qtbot, week_view, *[(Qt.Key.Key_Down, shift)] * 7, (Qt.Key.Key_Right, shift))
    assert week_view.selection() is not None
    keys(qtbot, week_view, Qt.Key.Key_Space)
    assert seen == [(MON, hours(("10:00", "12:00"))), (TUE, hours(("10:00", "12:00")))]
    # Space on the same (now painted) selection clears it again.
    keys(qtbot, week_view, Qt.Key.Key_Space)
    assert seen[-2:] == [(MON, ()), (TUE, ())]


def test_keyboard_erases_with_delete_and_moves_with_arrows(qtbot, week_view):
    with_hours(week_view, WED, hours(("09:00", "17:00")))
    seen = record(week_view)
    week_view.setFocus()
    week_view.set_cursor_cell(0, slot("12:00"))
    keys(qtbot, week_view, Qt.Key.Key_Right, Qt.Key.Key_Right)
    assert week_view.cursor_cell() == (2, slot("12:00"))
    keys(qtbot, week_view, (Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier), Qt.Key.Key_Delete)
    assert seen == [(WED, hours(("09:00", "12:00"), ("12:30", "17:00")))]
    keys(qtbot, week_view, (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    assert seen[-1] == (WED, hours(("09:00", "17:00")))


def test_home_end_and_paging_move_the_cursor_and_scroll(qtbot, week_view):
    week_view.setFocus()
    week_view.set_cursor_cell(3, slot("09:00"))
    keys(qtbot, week_view, Qt.Key.Key_End)
    assert week_view.cursor_cell() == (6, slot("09:00"))
    keys(qtbot, week_view, Qt.Key.Key_Home)
    assert week_view.cursor_cell() == (0, slot("09:00"))
    before = week_view.verticalScrollBar().value()
    keys(qtbot, week_view, Qt.Key.Key_PageDown, Qt.Key.Key_PageDown)
    assert week_view.cursor_cell()[1] > slot("15:00")
    assert week_view.verticalScrollBar().value() > before
    keys(qtbot, week_view, (Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier))
    assert week_view.cursor_cell() == (0, 95)
    assert week_view.verticalScrollBar().value() == week_view.verticalScrollBar().maximum()
    keys(qtbot, week_view, (Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier))
    assert week_view.cursor_cell() == (0, 0)
    assert week_view.verticalScrollBar().value() == 0


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_opens_the_lesson_under_the_cursor(qtbot, key):
    from tests.ui.sample_data import realistic_week

    view = WeekView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.set_snapshot(realistic_week())
    view.show()
    view.setFocus()
    view.set_cursor_cell(4, slot("10:30"))  # Friday, inside Farah's 10:00–11:00 theory lesson
    with qtbot.waitSignal(view.lessonActivated) as blocker:
        qtbot.keyClick(view, key)
    assert blocker.args == ["b19"]
    assert "Farah Haddad" in view.accessibleDescription()


def test_the_cursor_only_shows_with_focus(qtbot, week_view):
    week_view.setFocus()
    qtbot.waitUntil(lambda: week_view.hasFocus())
    assert week_view.state.show_cursor
    week_view.clearFocus()
    qtbot.waitUntil(lambda: not week_view.state.show_cursor)
