"""Painting or clearing hours with the mouse: one drag, its live preview, scrolling at the edges.

A press on a cell is only a click until the pointer travels the platform's drag distance: a
click selects the cell and changes nothing (one stray click once turned a day of time off into
a bookable quarter hour). From then on the week view hands its mouse events here while the drag
lasts. The first cell decides the mode (on painted hours the drag clears, elsewhere it paints);
each move recomputes the preview and repaints only the dragged cells and their day headers;
release turns the block into one undoable edit through the view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QTimer
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QApplication

from ui.calendar import editing
from ui.calendar import ranges as rng
from ui.calendar.geometry import Hit
from ui.calendar.state import CellBlock, EditMode

if TYPE_CHECKING:
    from ui.calendar.week_view import WeekView

#: How close to the top or bottom edge (pixels) a drag starts scrolling, and how often.
EDGE = 16
SCROLL_MS = 40


class HoursDrag(QObject):
    """The drag in progress, if any, of one week view."""

    def __init__(self, view: WeekView) -> None:
        super().__init__(view)
        self._view = view
        self._start: tuple[int, int] | None = None
        self._pressed: tuple[Hit, QPointF] | None = None  # a press that may become a drag
        self._scroll = QTimer(self)
        self._scroll.setInterval(SCROLL_MS)
        self._scroll.timeout.connect(self._scroll_on)
        self._scroll_step = 0

    @property
    def active(self) -> bool:
        return self._start is not None

    @property
    def pressed(self) -> bool:
        """A button is down on a cell: moves decide whether it becomes a drag."""
        return self._pressed is not None or self._start is not None

    def press(self, hit: Hit, pos: QPointF) -> None:
        """A press on a cell: nothing changes until the pointer travels (a click selects)."""
        self._pressed = (hit, QPointF(pos))

    def begin(self, hit: Hit) -> None:
        """Start on a cell: clearing if it is inside painted hours, painting otherwise."""
        week = self._view.display_week()
        if week is None:
            return
        inside = rng.contains(week.days[hit.day].ranges, hit.minute)
        self._view.state.mode = EditMode.ERASE if inside else EditMode.PAINT
        self._start = (hit.day, hit.slot)
        self._update(hit.day, hit.slot)

    def move(self, pos: QPointF) -> None:
        """Follow the pointer; near the top or bottom edge, keep scrolling while it stays."""
        if self._start is None:
            if self._pressed is None:
                return
            hit, origin = self._pressed
            if (pos - origin).manhattanLength() < QApplication.startDragDistance():
                return
            self._pressed = None
            self.begin(hit)
        self._to(pos)
        body = self._view.week_geometry().body_rect()
        step = self._view.hour_height() // 4
        if pos.y() < body.top() + EDGE:
            self._scroll_step = -step
        elif pos.y() > body.bottom() - EDGE:
            self._scroll_step = step
        else:
            self._scroll_step = 0
        if self._scroll_step and not self._scroll.isActive():
            self._scroll.start()
        elif not self._scroll_step:
            self._scroll.stop()

    def finish(self, pos: QPointF) -> None:
        """Release: the dragged block becomes one undoable edit (when it changes anything).

        A release that ends a click (the pointer never travelled) changes nothing."""
        if self._start is None:
            self._pressed = None
            return
        self._to(pos)
        state = self._view.state
        block, mode = state.drag, state.mode
        self.cancel()
        if block is not None and mode is not None:
            self._view.edit_block(block, mode)

    def cancel(self) -> None:
        """End the drag without an edit (Escape, another week shown)."""
        dirty = self._dirty()
        self._start = None
        self._pressed = None
        self._scroll.stop()
        state = self._view.state
        state.drag = None
        state.mode = None
        state.preview = {}
        self._view.viewport().update(dirty)

    def _to(self, pos: QPointF) -> None:
        geo = self._view.week_geometry()
        self._update(geo.clamp_day(pos.x()), geo.slot_at_y(pos.y()))

    def _update(self, day: int, slot: int) -> None:
        state, week = self._view.state, self._view.display_week()
        if self._start is None or state.mode is None or week is None:
            return
        block = CellBlock(*self._start, day, slot)
        if block == state.drag:
            return
        old = self._dirty()
        state.drag = block
        changes = editing.changes_for(week, block, state.mode)
        state.preview = week.preview_ranges({c.date: c.after for c in changes})
        if week.same_zone:
            self._view.viewport().update(old.united(self._dirty()))
        else:  # a day's hours spread over two columns: repaint them all
            self._view.viewport().update(self._view.week_geometry().body_rect())

    def _scroll_on(self) -> None:
        if self._start is None or not self._scroll_step:
            self._scroll.stop()
            return
        bar = self._view.verticalScrollBar()
        bar.setValue(bar.value() + self._scroll_step)
        viewport = self._view.viewport()
        self._to(QPointF(viewport.mapFromGlobal(viewport.cursor().pos())))

    def _dirty(self) -> QRegion:
        """The dragged cells and their day headers (whose hour totals follow the preview).

        A region, not one rectangle: their bounding box would span every lesson in between.
        """
        block = self._view.state.drag
        if block is None:
            return QRegion()
        geo = self._view.week_geometry()
        cells = geo.cells_rect(block.day_a, block.day_b, block.slot_a, block.slot_b)
        header = geo.header_rect(block.days[0]).united(geo.header_rect(block.days[-1]))
        return QRegion(cells.adjusted(-2, -2, 2, 2)).united(QRegion(header))
