"""Context menus of the week view, built from a hit test so tests can inspect them.

The menu only says what can be done; each action calls back into the view, which turns it into a
signal (lesson actions) or an undoable hour edit. A lesson's entries are the ones every lesson
menu offers (:mod:`ui.lessons.lesson_menu`): only what its state and the time allow. The hour
entries of a cell keep their shape instead, disabled where they would change nothing, so
people learn where things are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QWidget

from ui.appearance.icons import icon
from ui.appearance.theme import Palette
from ui.calendar import editing
from ui.calendar.geometry import Hit, HitKind
from ui.calendar.state import CellBlock, EditMode
from ui.calendar.timeline import SLOT_MINUTES
from ui.lessons.lesson_menu import LessonHandlers, add_lesson_actions

if TYPE_CHECKING:
    from ui.calendar.week_view import WeekView


@dataclass(frozen=True, slots=True)
class MenuHandlers:
    """What each menu entry does; the view supplies these."""

    lesson: LessonHandlers
    book: Callable[[int, int], None]  # day, slot
    mark_hours: Callable[[Hit], None]
    clear_hours: Callable[[Hit], None]
    time_off: Callable[[int], None]  # day


@dataclass(frozen=True, slots=True)
class MenuState:
    """Facts about the place that decide which entries are enabled."""

    can_mark: bool
    can_clear: bool
    is_time_off: bool
    now: datetime  # what a lesson offers depends on whether it has begun


def build_menu(
    parent: QWidget, hit: Hit, state: MenuState, handlers: MenuHandlers, palette: Palette
) -> QMenu | None:
    """The menu for a hit, or None where there is nothing to offer (gutter, corner)."""
    menu = QMenu(parent)
    menu.setObjectName("weekViewMenu")
    if hit.kind is HitKind.LESSON and hit.segment is not None:
        add_lesson_actions(menu, hit.segment.card, state.now, handlers.lesson, palette)
        return menu
    if hit.kind is HitKind.CELL:
        day, slot = hit.day, hit.slot
        book = menu.addAction(icon("book", palette), "Book for a student…")
        book.triggered.connect(lambda: handlers.book(day, slot))
        menu.addSeparator()
        mark = menu.addAction(icon("paint", palette), "Mark hours")
        mark.setEnabled(state.can_mark)
        mark.triggered.connect(lambda: handlers.mark_hours(hit))
        clear = menu.addAction(icon("erase", palette), "Clear hours")
        clear.setEnabled(state.can_clear)
        clear.triggered.connect(lambda: handlers.clear_hours(hit))
        menu.addSeparator()
    if hit.kind in (HitKind.CELL, HitKind.HEADER):
        day = hit.day
        off = menu.addAction(icon("time-off", palette), "Time off this day")
        off.setEnabled(not state.is_time_off)
        off.triggered.connect(lambda: handlers.time_off(day))
        return menu
    menu.deleteLater()
    return None


class WeekMenus:
    """The week view's menus: what a place offers (from the view's state), and the entries'
    hour edits, which act on the selection when the place lies inside it."""

    def __init__(self, view: WeekView) -> None:
        self._view = view

    def menu_for(self, hit: Hit) -> QMenu | None:
        view = self._view
        week = view.display_week()
        if week is None:
            return None
        day = week.days[hit.day] if hit.day >= 0 else None
        state = MenuState(
            can_mark=hit.kind is HitKind.CELL
            and bool(editing.changes_for(week, self._mark_block(hit), EditMode.PAINT)),
            can_clear=hit.kind is HitKind.CELL and self._clear_block(hit) is not None,
            is_time_off=bool(day and day.time_off),
            now=view.now(),
        )
        handlers = MenuHandlers(
            lesson=LessonHandlers(
                details=view.lessonActivated.emit,
                complete=view.completeRequested.emit,
                no_show=view.noShowRequested.emit,
                correct=view.correctRequested.emit,
                move=view.moveRequested.emit,
                change_following=view.changeFollowingRequested.emit,
                cancel=view.cancelRequested.emit,
            ),
            book=self._book,
            mark_hours=self._mark_hours,
            clear_hours=self._clear_hours,
            time_off=view.set_time_off,
        )
        return build_menu(view, hit, state, handlers, view.state.palette)

    def popup(self, hit: Hit, point: QPoint) -> None:
        """Show the menu of ``hit`` at a viewport point; it deletes itself once closed."""
        menu = self.menu_for(hit)
        if menu is not None:
            menu.aboutToHide.connect(menu.deleteLater)
            menu.popup(self._view.viewport().mapToGlobal(point))

    def _mark_block(self, hit: Hit) -> CellBlock:
        return editing.mark_block(hit, self._view.state.selection)

    def _clear_block(self, hit: Hit) -> CellBlock | None:
        week = self._view.display_week()
        if week is None:
            return None
        return editing.clear_block(week, hit, self._view.state.selection)

    def _mark_hours(self, hit: Hit) -> None:
        self._view.edit_block(self._mark_block(hit), EditMode.PAINT)

    def _clear_hours(self, hit: Hit) -> None:
        block = self._clear_block(hit)
        if block is not None:
            self._view.edit_block(block, EditMode.ERASE)

    def _book(self, day: int, slot: int) -> None:
        """Ask to book at the start of a cell, in the zone the week is drawn in."""
        week = self._view.display_week()
        if week is None:
            return
        naive = datetime.combine(week.days[day].date, time()) + timedelta(
            minutes=slot * SLOT_MINUTES
        )
        self._view.bookRequested.emit(naive.replace(tzinfo=week.zone))
