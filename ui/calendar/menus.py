"""Context menus of the week view, built from a hit test so tests can inspect them.

The menu only says what can be done; each action calls back into the view, which turns it into a
signal (lesson actions) or an undoable hour edit. Actions that make no sense are disabled rather
than hidden, so the menu keeps its shape and people learn where things are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QMenu, QWidget

from ui.appearance.icons import icon
from ui.appearance.theme import Palette
from ui.calendar.geometry import Hit, HitKind


@dataclass(frozen=True, slots=True)
class MenuHandlers:
    """What each menu entry does; the view supplies these."""

    details: Callable[[str], None]
    complete: Callable[[str], None]
    no_show: Callable[[str], None]
    cancel: Callable[[str], None]
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


def build_menu(
    parent: QWidget, hit: Hit, state: MenuState, handlers: MenuHandlers, palette: Palette
) -> QMenu | None:
    """The menu for a hit, or None where there is nothing to offer (gutter, corner)."""
    menu = QMenu(parent)
    menu.setObjectName("weekViewMenu")
    if hit.kind is HitKind.LESSON and hit.segment is not None:
        card = hit.segment.card
        booking = card.booking_id
        open_action = menu.addAction(icon("lesson", palette), "Details")
        open_action.triggered.connect(lambda: handlers.details(booking))
        menu.setDefaultAction(open_action)
        menu.addSeparator()
        active = card.status == "confirmed"
        done = menu.addAction(icon("check", palette), "Mark completed")
        done.setEnabled(active)
        done.triggered.connect(lambda: handlers.complete(booking))
        missed = menu.addAction(icon("cross", palette), "Mark no-show")
        missed.setEnabled(active)
        missed.triggered.connect(lambda: handlers.no_show(booking))
        menu.addSeparator()
        cancel = menu.addAction("Cancel…")
        cancel.setEnabled(active)
        cancel.triggered.connect(lambda: handlers.cancel(booking))
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
