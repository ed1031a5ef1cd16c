"""The actions of one lesson, as every menu offers them (the week, the lesson lists).

What is offered comes from the domain (:func:`~instainstru_desktop.domain.offers`): the life
cycle and the clock rule of outcomes. A lesson still to come offers no "Mark completed", a
recorded outcome offers its correction, a cancelled lesson only its details: nothing is offered
that the server would refuse as a matter of course, so no refusal has to be explained after the
fact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtWidgets import QMenu

from instainstru_desktop.domain import BookingStatus, offers
from instainstru_desktop.services.week_views import LessonCard
from ui.appearance.icons import icon
from ui.appearance.theme import Palette

#: How a correction reads, by the status it leads to.
CORRECT_TEXT = {
    BookingStatus.COMPLETED: "Correct to completed",
    BookingStatus.NO_SHOW: "Correct to no-show",
}


@dataclass(frozen=True, slots=True)
class LessonHandlers:
    """What each entry does, by booking id; whoever builds the menu supplies these."""

    details: Callable[[str], None]
    complete: Callable[[str], None]
    no_show: Callable[[str], None]
    correct: Callable[[str, str], None]  # booking id, the status it should have had
    move: Callable[[str], None]
    cancel: Callable[[str], None]
    #: one of weekly lessons: another weekday or time from this lesson on (None: not offered)
    change_following: Callable[[str], None] | None = None


def add_lesson_actions(
    menu: QMenu, card: LessonCard, now: datetime, handlers: LessonHandlers, palette: Palette
) -> None:
    """Fill ``menu`` with what may be done to ``card`` at ``now``; "Details" is the default."""
    booking = card.booking_id
    allowed = offers(BookingStatus(card.status), card.start, now)
    details = menu.addAction(icon("lesson", palette), "Details")
    details.triggered.connect(lambda: handlers.details(booking))
    menu.setDefaultAction(details)
    if allowed.mark_outcome:
        menu.addSeparator()
        done = menu.addAction(icon("check", palette), "Mark completed")
        done.triggered.connect(lambda: handlers.complete(booking))
        missed = menu.addAction(icon("cross", palette), "Mark no-show")
        missed.triggered.connect(lambda: handlers.no_show(booking))
    if allowed.correct_to is not None:
        menu.addSeparator()
        to = allowed.correct_to
        name = "check" if to is BookingStatus.COMPLETED else "cross"
        fix = menu.addAction(icon(name, palette), CORRECT_TEXT[to])
        fix.triggered.connect(lambda: handlers.correct(booking, to.value))
    if allowed.move or allowed.cancel:
        menu.addSeparator()
    if allowed.move:
        move = menu.addAction(icon("clock", palette), "Move…")
        move.triggered.connect(lambda: handlers.move(booking))
        follow = handlers.change_following
        if card.series_id and follow is not None:
            weekly = menu.addAction(icon("repeat", palette), "Change weekly time from here…")
            weekly.triggered.connect(lambda: follow(booking))
    if allowed.cancel:
        cancel = menu.addAction("Cancel…")
        cancel.triggered.connect(lambda: handlers.cancel(booking))
