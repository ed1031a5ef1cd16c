"""The custom-painted week: one instructor-local week, hours painting, lessons, keyboard path.

The widget owns interaction only. Drawing is ``WeekPainter``'s, pixel math ``WeekGeometry``'s,
zone conversion ``DisplayWeek``'s, a mouse drag ``HoursDrag``'s, the keyboard path ``keys``'s.
It never writes data: an hour edit becomes an undoable ``EditHoursCommand`` whose apply
callable updates the view and emits ``hoursEdited`` per date; lesson actions are signals. Its
own scrolling (QAbstractScrollArea) keeps the day header and time gutter fixed while the hours
scroll.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QMenu, QToolTip, QWidget

from instainstru_desktop.services.week_views import DayHours, HoursRange, SyncMark, WeekSnapshot
from ui.appearance.theme import LIGHT, Palette
from ui.calendar import consequences, describe, editing, keys
from ui.calendar import ranges as rng
from ui.calendar.commands import DayChange, EditHoursCommand, command_text
from ui.calendar.describe import KEY_HELP as KEY_HELP  # re-exported: the help dialog shows it
from ui.calendar.drag import HoursDrag
from ui.calendar.geometry import Hit, HitKind, WeekGeometry
from ui.calendar.keys import CellCursor
from ui.calendar.lesson_drag import LessonDrag
from ui.calendar.painter import WeekPainter
from ui.calendar.state import CellBlock, EditMode, ViewState
from ui.calendar.timeline import DisplayWeek, LessonSegment

if TYPE_CHECKING:
    from instainstru_desktop.services.views import MoveOptions, Verdict
    from ui.calendar.menus import WeekMenus

Clock = Callable[[], datetime | None]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _announce_description(widget: QWidget) -> None:
    """Tell a running screen reader that ``widget``'s description changed (the cursor moved).

    QAccessible is loaded here, on the first announcement: its enums would otherwise be made
    on the way to the first paint, which has nothing to announce.
    """
    from PySide6.QtGui import QAccessible, QAccessibleEvent

    if QAccessible.isActive():
        QAccessible.updateAccessibility(
            QAccessibleEvent(widget, QAccessible.Event.DescriptionChanged)
        )


class WeekView(QAbstractScrollArea):
    """One week of teaching hours and lessons."""

    # Qt signals keep Qt's camelCase. hoursEdited: (date, tuple[HoursRange, ...]) the new hours
    # of a date; hoursChanged: (date, before, after), the same step with the hours it started
    # from, which is what the cache and outbox are written from; lessonActivated: booking id
    # (double-click, Enter, "Details").
    hoursEdited = Signal(object, object)  # noqa: N815
    hoursChanged = Signal(object, object, object)  # noqa: N815
    usualRestored = Signal(object)  # noqa: N815 - a date follows the usual week again (undo)
    lessonActivated = Signal(str)  # noqa: N815
    completeRequested = Signal(str)  # noqa: N815
    noShowRequested = Signal(str)  # noqa: N815
    cancelRequested = Signal(str)  # noqa: N815
    correctRequested = Signal(str, str)  # noqa: N815 - booking id, the outcome it should have
    moveRequested = Signal(str)  # noqa: N815 - "Move…": pick another time
    changeFollowingRequested = Signal(str)  # noqa: N815 - a weekly lesson's new time from here
    bookRequested = Signal(object)  # noqa: N815 (aware datetime: start of the chosen cell)
    #: (words, command): an hour edit just made opened a day off or left lessons outside the
    #: hours; the window says so with an Undo of that command.
    editCautioned = Signal(str, object)  # noqa: N815
    # dragging a lesson (ui/calendar/lesson_drag.py): the free starts of a lesson between two
    # instructor dates are wanted, the verdict on one start is wanted, a drop where the rules
    # allow it (booking id, aware start), a drop where they do not (the sentence to show)
    movePlanWanted = Signal(str, object, object)  # noqa: N815
    moveCheckWanted = Signal(str, object)  # noqa: N815
    lessonDropped = Signal(str, object)  # noqa: N815
    dropRefused = Signal(str)  # noqa: N815

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        undo_stack: QUndoStack | None = None,
        clock: Clock = _utc_now,
        palette: Palette = LIGHT,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("weekView")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumSize(560, 320)
        # A viewport made here, not Qt's own: the first Python handle on a widget Qt made (its
        # own viewport) makes PySide6 create every widget class it might be, with their enums
        # (some 80 classes, a tenth of the time to the first paint).
        self.setViewport(QWidget())
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.viewport().setMouseTracking(True)
        self.setAccessibleName("Week calendar")
        self.setAccessibleDescription(KEY_HELP)
        self.painter = WeekPainter()
        self.state = ViewState(palette=palette, font=self.font())
        self._undo = undo_stack if undo_stack is not None else QUndoStack(self)
        self._clock = clock
        self._snapshot: WeekSnapshot | None = None
        self._painted = False  # the description changes are announced once it is on screen
        self._zone_name: str | None = None
        self._week: DisplayWeek | None = None
        self._hour_height = 64
        self._geo = WeekGeometry(1, 1)
        self.drag = HoursDrag(self)
        self.lesson_drag = LessonDrag(self)
        self.cell_cursor = CellCursor(self)
        self._scrolled_once = False
        self._now_timer = QTimer(self)
        self._now_timer.setInterval(30_000)
        self._now_timer.timeout.connect(self.refresh_now)
        self._now_timer.start()
        self.verticalScrollBar().setSingleStep(self._hour_height // 4)
        self.refresh_now()
        self._relayout()

    @functools.cached_property
    def menus(self) -> WeekMenus:
        """The context menus, built on first use: the first paint has no menu to show."""
        from ui.calendar.menus import WeekMenus

        return WeekMenus(self)

    # -- public API -------------------------------------------------------------------------

    def set_snapshot(self, snapshot: WeekSnapshot) -> None:
        """Show a week (a new one or a fresher read of the same one)."""
        new_week = self._snapshot is None or snapshot.week_start != self._snapshot.week_start
        self._snapshot = snapshot
        if new_week:
            self.drag.cancel()
            self.lesson_drag.cancel()
            self.cell_cursor.forget_selection()
        self._rebuild()
        self._update_description()

    def snapshot(self) -> WeekSnapshot | None:
        return self._snapshot

    def display_week(self) -> DisplayWeek | None:
        """The week as drawn (in the display zone)."""
        return self._week

    def set_display_zone(self, zone_name: str | None) -> None:
        """Draw the week in another IANA zone (None = the instructor's own zone)."""
        self._zone_name = zone_name
        self._rebuild()
        self.refresh_now()
        if not self.hours_in_view():  # the hours moved out of sight with the clock
            self.scroll_to_working_hours()

    def display_zone(self) -> str:
        if self._zone_name:
            return self._zone_name
        return self._snapshot.time_zone if self._snapshot else "UTC"

    def set_theme(self, palette: Palette) -> None:
        """Follow a theme change (the painter drops its caches through the key change)."""
        self.state.palette = palette
        self.viewport().update()

    def set_undo_stack(self, stack: QUndoStack) -> None:
        """Share the main window's stack (Edit > Undo) instead of the view's own."""
        self._undo = stack

    def undo_stack(self) -> QUndoStack:
        return self._undo

    def set_now(self, now: datetime | None) -> None:
        """Pin the clock (screenshots, tests); None hides the now-line."""
        self._clock = lambda: now
        self.refresh_now()

    def set_clock(self, clock: Clock) -> None:
        """Follow another clock (the services' own, so the view judges time as they do)."""
        self._clock = clock
        self.refresh_now()

    def now(self) -> datetime:
        """The clock's time now (the computer's, when the clock is pinned to none)."""
        return self._clock() or _utc_now()

    def refresh_now(self) -> None:
        """Move the now-line and today's highlight to the clock's time."""
        now = self._clock()
        self.state.now = now
        zone = self._week.zone if self._week else None
        self.state.today = (now.astimezone(zone) if zone else now).date() if now else None
        self.viewport().update()

    def set_hour_height(self, pixels: int) -> None:
        """Zoom the hours (32–160 px per hour: a 15-minute cell stays clickable)."""
        self._hour_height = min(160, max(32, pixels))
        self.verticalScrollBar().setSingleStep(self._hour_height // 4)
        self._relayout()

    def week_geometry(self) -> WeekGeometry:
        """The current pixel layout (tests use it to aim the mouse)."""
        return self._geo

    def hour_height(self) -> int:
        return self._hour_height

    def lesson_rects(self) -> dict[str, list[QRectF]]:
        """Where each booking's card is drawn, by booking id."""
        if self._week is None:
            return {}
        return self.painter.lesson_rects(self._geo, self._week)

    def cursor_cell(self) -> tuple[int, int]:
        return self.state.cursor_day, self.state.cursor_slot

    def set_cursor_cell(self, day: int, slot: int, *, extend: bool = False) -> None:
        """Move the keyboard cursor (with ``extend`` the selection grows, like Shift+arrow)."""
        self.cell_cursor.move(day, slot, extend=extend)
        self._update_description()

    def selection(self) -> CellBlock | None:
        return self.state.selection

    def hours_in_view(self) -> bool:
        """Whether some of the week's hours or lessons show (an empty week: nothing to miss)."""
        week, geo = self._week, self._geo
        if week is None:
            return True
        spans = [(r.start, r.end) for day in week.days for r in day.ranges]
        spans += [(s.start, s.end) for s in week.segments]
        top, bottom = geo.minute_at_y(geo.header_height), geo.minute_at_y(geo.height)
        return not spans or any(start < bottom and end > top for start, end in spans)

    def scroll_to_working_hours(self) -> None:
        """Scroll so the earliest hours or lesson of the week sit near the top (else 08:00)."""
        starts = [r.start for d in (self._week.days if self._week else ()) for r in d.ranges]
        starts += [s.start for s in (self._week.segments if self._week else ())]
        first = min(starts) if starts else 8 * 60
        self.verticalScrollBar().setValue(self._geo.scroll_for_minute(max(0, first - 30)))

    def apply_hours(
        self,
        when: date,
        ranges: tuple[HoursRange, ...],
        usual: bool = False,
        previous: tuple[HoursRange, ...] | None = None,
    ) -> None:
        """Show new hours for a date at once (marked pending) and announce them.

        This is the callable the undo commands use: redo and undo both come through here, so
        the view and whoever listens to ``hoursChanged`` (the service writing the cache) agree.
        ``previous``: the hours the step starts from (the command's other side; the hours shown
        when not given). ``usual`` (an undo back to a date without hours of its own) announces
        ``usualRestored`` instead, so the date follows the usual week again rather than
        keeping a copy of it.
        """
        ranges = rng.normalize(ranges)
        snap = self._snapshot
        if previous is None:
            shown = next((d for d in snap.days if d.date == when), None) if snap else None
            previous = shown.ranges if shown is not None else ()
        previous = rng.normalize(previous)
        if snap is not None and any(d.date == when for d in snap.days):
            own = not usual
            days = tuple(
                DayHours(when, ranges, own, own and not ranges, SyncMark.PENDING)
                if d.date == when
                else d
                for d in snap.days
            )
            self._snapshot = dataclasses.replace(snap, days=days)
            self._rebuild()
        if usual:
            self.usualRestored.emit(when)
        else:
            self.hoursChanged.emit(when, previous, ranges)
            self.hoursEdited.emit(when, ranges)

    def edit_block(self, block: CellBlock, mode: EditMode) -> bool:
        """Paint or clear a block of cells as one undoable step; False when nothing changes."""
        changes = self._changes_for(block, mode)
        if not changes:
            return False
        self._push_edit(
            EditHoursCommand(
                self.apply_hours, changes, command_text(changes, mode is EditMode.ERASE)
            )
        )
        return True

    def _push_edit(self, command: EditHoursCommand) -> None:
        """Do an hour edit undoably, and say what it costs beyond the hours, if anything."""
        snapshot = self._snapshot
        words = consequences.warning(snapshot, command.changes, self._clock()) if snapshot else ""
        self._undo.push(command)
        if words:
            self.editCautioned.emit(words, command)

    def set_time_off(self, day: int) -> None:
        """Make a displayed day time off (no hours), undoably."""
        if self._week is None:
            return
        when = self._week.days[day].date
        src = self._week.source_day(when)
        before = rng.normalize(src.ranges) if src else ()
        change = DayChange(when, before, (), src is not None and not src.from_override)
        self._push_edit(
            EditHoursCommand(
                self.apply_hours, [change], f"Time off on {when.strftime('%a %-d %b')}"
            )
        )

    def set_move_plan(self, options: MoveOptions) -> None:
        """The free starts of the lesson being dragged (see ``movePlanWanted``)."""
        self.lesson_drag.set_plan(options)

    def set_move_verdict(self, booking_id: str, start: datetime, verdict: Verdict) -> None:
        """What the rules say of one spot of the lesson being dragged (``moveCheckWanted``)."""
        self.lesson_drag.set_verdict(booking_id, start, verdict)

    def context_menu_for(self, hit: Hit) -> QMenu | None:
        """The context menu of a place (shown by right-click and the Menu key)."""
        return self.menus.menu_for(hit)

    # -- building ---------------------------------------------------------------------------

    def _rebuild(self) -> None:
        if self._snapshot is None:
            self._week = None
        else:
            self._week = DisplayWeek.build(self._snapshot, self._zone_name)
            ids = {s.card.booking_id for s in self._week.segments}
            if self.state.selected_booking not in ids:
                self.state.selected_booking = None
        self.viewport().update()

    def _relayout(self) -> None:
        vp = self.viewport()
        self._geo = WeekGeometry(
            max(1, vp.width()),
            max(1, vp.height()),
            scroll_y=self.verticalScrollBar().value(),
            hour_height=self._hour_height,
        )
        bar = self.verticalScrollBar()
        bar.setRange(0, self._geo.max_scroll)
        bar.setPageStep(max(1, self._geo.body_height))
        self._geo = dataclasses.replace(self._geo, scroll_y=bar.value())
        vp.update()

    # -- Qt overrides -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._painted = True
        with QPainter(self.viewport()) as p:
            if self._week is None:
                p.fillRect(event.rect(), self.state.palette.color("base"))
                return
            # One clipped pass per exposed rectangle: the painter culls to each of them.
            rects: Iterable[QRect] = event.region()  # type: ignore[assignment]  # iterable in PySide6
            for rect in rects:
                p.setClipRect(rect)
                self.painter.paint(p, self._geo, self._week, self.state)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._relayout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._scrolled_once:
            self._relayout()
            self.scroll_to_working_hours()
            self._scrolled_once = True

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self._geo = dataclasses.replace(self._geo, scroll_y=self.verticalScrollBar().value())
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.state.font = self.font()
            self.viewport().update()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.state.show_cursor = True
        self.viewport().update(self.cell_cursor.dirty_rect())

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.state.show_cursor = False
        self.viewport().update(self.cell_cursor.dirty_rect())

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            hit = self._geo.hit_test(event.pos(), self._week)
            if hit.segment is not None:
                QToolTip.showText(event.globalPos(), self._lesson_text(hit.segment), self)
            elif hit.kind is HitKind.HEADER:
                QToolTip.showText(event.globalPos(), self.day_summary(hit.day), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._week is None:
            return
        hit = self._geo.hit_test(event.position(), self._week)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if hit.kind is HitKind.LESSON:
            self.set_cursor_cell(hit.day, hit.slot)
            self.lesson_drag.press(hit, event.position())
            return
        if hit.kind is not HitKind.CELL:
            return
        self.set_cursor_cell(hit.day, hit.slot)
        self.drag.press(hit, event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self.drag.pressed:
            self.drag.move(pos)
            return
        if self.lesson_drag.pressed:
            self.lesson_drag.move(pos)
            return
        hit = self._geo.hit_test(pos, self._week)
        shape = Qt.CursorShape.PointingHandCursor if hit.segment else Qt.CursorShape.ArrowCursor
        if self.viewport().cursor().shape() != shape:
            self.viewport().setCursor(shape)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self.drag.pressed:
            self.drag.finish(event.position())
        elif self.lesson_drag.pressed:
            self.lesson_drag.finish(event.position())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        # Only lessons react: a click on a cell selects it, and so does a second one.
        hit = self._geo.hit_test(event.position(), self._week)
        if hit.segment is not None and event.button() == Qt.MouseButton.LeftButton:
            self.lessonActivated.emit(hit.segment.card.booking_id)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Ctrl+wheel zooms the hours around the pointer; the plain wheel scrolls."""
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(event)
            return
        step = event.angleDelta().y()
        if not step:
            return
        y = event.position().y()
        minute = self._geo.minute_at_y(y)
        self.set_hour_height(self._hour_height + (8 if step > 0 else -8))
        offset = round(self._geo.content_y(minute) - (y - self._geo.header_height))
        self.verticalScrollBar().setValue(offset)
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            point = event.pos()  # forwarded from the viewport: viewport coordinates
            hit = self._geo.hit_test(point, self._week)
            if hit.kind in (HitKind.CELL, HitKind.LESSON) and not self._in_selection(hit):
                self.set_cursor_cell(hit.day, hit.slot)
            self.menus.popup(hit, point)
        else:
            self.show_cursor_menu()

    def show_cursor_menu(self) -> None:
        """The context menu of the keyboard cursor's cell (Menu key, Shift+F10)."""
        hit = self.cell_cursor.hit()
        self.cell_cursor.ensure_visible(hit.slot)
        rect = self._geo.slot_rect(hit.day, hit.slot)
        self.menus.popup(hit, rect.bottomLeft() + QPoint(8, 0))

    # keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if keys.handle_key(self, event):
            event.accept()
            return
        super().keyPressEvent(event)

    # -- editing helpers --------------------------------------------------------------------

    def _changes_for(self, block: CellBlock, mode: EditMode) -> list[DayChange]:
        return editing.changes_for(self._week, block, mode) if self._week else []

    def keyboard_block(self) -> CellBlock:
        """The selection, or the cursor's cell: what Space and Delete act on."""
        return self.cell_cursor.block()

    def _in_selection(self, hit: Hit) -> bool:
        return editing.in_block(self.state.selection, hit.day, hit.slot)

    # -- lookup and text --------------------------------------------------------------------

    def segment_at(self, day: int, slot: int) -> LessonSegment | None:
        """The lesson drawn over a cell (the topmost), if any."""
        return editing.segment_at(self._week, day, slot) if self._week else None

    def _lesson_text(self, segment: LessonSegment) -> str:
        return describe.lesson_text(self._week, segment) if self._week else ""

    def day_summary(self, day: int) -> str:
        """A day header's tooltip: its hours, where they come from, their sync state."""
        return describe.day_summary(self._week, day) if self._week else ""

    def cursor_summary(self) -> str:
        """The cursor cell in words (the accessible description follows it)."""
        if self._week is None:
            return "No week loaded"
        return describe.cell_summary(self._week, self.state.cursor_day, self.state.cursor_slot)

    def _update_description(self) -> None:
        week = ""
        if self._snapshot is not None:
            start = self._snapshot.week_start
            week = f"Week of {start:%-d %B %Y}, {self.display_zone()}. "
        self.setAccessibleDescription(f"{week}{self.cursor_summary()}. {KEY_HELP}")
        if self._painted:  # a screen reader reads nothing of it before it is on screen
            _announce_description(self)
