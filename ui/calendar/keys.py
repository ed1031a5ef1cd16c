"""The week view's keyboard path: everything the mouse does, from the keys ``KEY_HELP`` names.

A cell cursor moves with the arrows (Shift grows a selection from where it started), Space
paints or clears the selection the way a drag from its first cell would, Delete clears, Enter
opens the lesson under the cursor, Menu or Shift+F10 shows the context menu, Escape ends a drag
or the selection. The cursor keeps itself in sight and repaints only the cells it leaves and
enters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

from ui.calendar import editing
from ui.calendar.geometry import DAYS, Hit, HitKind
from ui.calendar.state import CellBlock, EditMode
from ui.calendar.timeline import SLOT_MINUTES, SLOTS_PER_DAY

if TYPE_CHECKING:
    from ui.calendar.week_view import WeekView


def handle_key(view: WeekView, event: QKeyEvent) -> bool:
    """Act on a key press; False when the key is not the week's (the widget passes it on)."""
    if event.matches(QKeySequence.StandardKey.Undo):
        view.undo_stack().undo()
        return True
    if event.matches(QKeySequence.StandardKey.Redo):
        view.undo_stack().redo()
        return True
    key = event.key()
    shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
    target = _move(view, key, ctrl=bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier))
    if target is not None:
        view.set_cursor_cell(*target, extend=shift)
        return True
    day, slot = view.cursor_cell()
    if key == Qt.Key.Key_Space:
        block, week = view.keyboard_block(), view.display_week()
        if week is not None:  # the selection's first cell decides, like a drag's
            view.edit_block(block, editing.mode_at(week, block.day_a, block.slot_a))
        return True
    if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
        view.edit_block(view.keyboard_block(), EditMode.ERASE)
        return True
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        segment = view.segment_at(day, slot)
        if segment is not None:
            view.lessonActivated.emit(segment.card.booking_id)
        return True
    if key == Qt.Key.Key_Menu or (key == Qt.Key.Key_F10 and shift):
        view.show_cursor_menu()
        return True
    if key == Qt.Key.Key_Escape:
        if view.lesson_drag.pressed:
            view.lesson_drag.cancel()
        elif view.drag.pressed:
            view.drag.cancel()
        else:
            view.set_cursor_cell(day, slot)
        return True
    return False


def _move(view: WeekView, key: int, *, ctrl: bool) -> tuple[int, int] | None:
    """Where a cursor key takes the cursor (Ctrl: by hours, to the day's ends), else None."""
    day, slot = view.cursor_cell()
    geo = view.week_geometry()
    page = max(1, int(geo.body_height // geo.slot_height) - 1)
    moves = {
        Qt.Key.Key_Left: (day - 1, slot),
        Qt.Key.Key_Right: (day + 1, slot),
        Qt.Key.Key_Up: (day, slot - (4 if ctrl else 1)),
        Qt.Key.Key_Down: (day, slot + (4 if ctrl else 1)),
        Qt.Key.Key_Home: (day, 0) if ctrl else (0, slot),
        Qt.Key.Key_End: (day, SLOTS_PER_DAY - 1) if ctrl else (DAYS - 1, slot),
        Qt.Key.Key_PageUp: (day, slot - page),
        Qt.Key.Key_PageDown: (day, slot + page),
    }
    return moves.get(Qt.Key(key)) if key in moves else None


class CellCursor:
    """The keyboard's cell cursor of one week view, and the selection it grows."""

    def __init__(self, view: WeekView) -> None:
        self._view = view
        self._anchor: tuple[int, int] | None = None  # where a Shift+arrow selection started

    def move(self, day: int, slot: int, *, extend: bool = False) -> None:
        """Go to a cell (clamped to the week); ``extend``: select from the anchor to it."""
        state = self._view.state
        old = self.dirty_rect()
        day = min(DAYS - 1, max(0, day))
        slot = min(SLOTS_PER_DAY - 1, max(0, slot))
        if extend:
            if self._anchor is None:
                self._anchor = (state.cursor_day, state.cursor_slot)
            state.selection = CellBlock(*self._anchor, day, slot)
        else:
            self.forget_selection()
        state.cursor_day, state.cursor_slot = day, slot
        segment = self._view.segment_at(day, slot)
        state.selected_booking = segment.card.booking_id if segment else None
        self.ensure_visible(slot)
        self._view.viewport().update(old.united(self.dirty_rect()))

    def forget_selection(self) -> None:
        self._anchor = None
        self._view.state.selection = None

    def block(self) -> CellBlock:
        """The selection, or the cursor's cell."""
        state = self._view.state
        day, slot = state.cursor_day, state.cursor_slot
        return state.selection or CellBlock(day, slot, day, slot)

    def hit(self) -> Hit:
        """The cursor's cell as a hit test would see it (the lesson over it, if any)."""
        state = self._view.state
        day, slot = state.cursor_day, state.cursor_slot
        segment = self._view.segment_at(day, slot)
        if segment is not None:
            return Hit(HitKind.LESSON, day, slot, segment)
        return Hit(HitKind.CELL, day, slot)

    def ensure_visible(self, slot: int) -> None:
        """Scroll just enough to show a slot."""
        geo = self._view.week_geometry()
        top = geo.content_y(slot * SLOT_MINUTES)
        bottom = geo.content_y((slot + 1) * SLOT_MINUTES)
        bar = self._view.verticalScrollBar()
        if top < bar.value():
            bar.setValue(int(top))
        elif bottom > bar.value() + geo.body_height:
            bar.setValue(int(bottom - geo.body_height) + 1)

    def dirty_rect(self) -> QRect:
        """What the cursor, the selection and the lessons they mark cover on screen."""
        state, geo, week = self._view.state, self._view.week_geometry(), self._view.display_week()
        rect = geo.slot_rect(state.cursor_day, state.cursor_slot)
        block = state.selection
        if block is not None:
            rect = rect.united(geo.cells_rect(block.day_a, block.day_b, block.slot_a, block.slot_b))
        segment = self._view.segment_at(state.cursor_day, state.cursor_slot)
        if segment is not None:
            rect = rect.united(geo.lesson_rect(segment).toAlignedRect())
        if state.selected_booking and week is not None:
            for seg in week.segments:
                if seg.card.booking_id == state.selected_booking:
                    rect = rect.united(geo.lesson_rect(seg).toAlignedRect())
        return rect.adjusted(-3, -3, 3, 3)
