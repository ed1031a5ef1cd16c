"""The lessons page and the needs-attention page, each wired to its use cases.

Both re-read what they show after every sync and every edit; each read is one short
transaction on the database executor, so refreshing everything is cheaper than tracking which
row changed.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from instainstru_desktop.services.views import AttentionItem, LessonCard
from ui.lessons.actions import LessonActions
from ui.lessons.attention import AttentionList
from ui.lessons.lessons_view import LessonsView, Tab
from ui.shell.session import Session

log = logging.getLogger(__name__)

#: The past and cancelled lists hold the most recent lessons only. The lists are re-read after
#: every sync, and sorting a table runs Python per comparison: 100,000 past lessons took 2 s to
#: read and froze the window for 13 s on each refresh (and held ~400 MB). Older lessons are
#: still opened from the week view.
RECENT_LIMIT = 1_000


class LessonsPage(QObject):
    """Feeds a :class:`LessonsView` and turns its requests into lesson actions."""

    upcomingLoaded = Signal(object)  # noqa: N815 - list[LessonCard], for the new-lesson notice

    def __init__(self, session: Session, actions: LessonActions, view: LessonsView) -> None:
        super().__init__(view)
        self.session = session
        self.actions = actions
        self.view = view
        view.lessonSelected.connect(self.show_detail)
        view.detail.completeRequested.connect(actions.complete)
        view.detail.noShowRequested.connect(actions.no_show)
        view.detail.cancelRequested.connect(actions.cancel)
        view.detail.noteSaveRequested.connect(actions.note)

    def refresh(self) -> None:
        iid = self.session.instructor_id
        if iid is None:
            return
        lessons = self.session.services.lessons

        def read() -> tuple[list[LessonCard], list[LessonCard], list[LessonCard]]:
            return (
                lessons.upcoming(iid),
                lessons.past(iid, limit=RECENT_LIMIT),
                lessons.cancelled(iid, limit=RECENT_LIMIT),
            )

        self.session.ops.run_db(read, self._show, what="reading your lessons")

    def _show(self, lists: tuple[list[LessonCard], list[LessonCard], list[LessonCard]]) -> None:
        upcoming, past, cancelled = lists
        self.view.set_lessons(Tab.UPCOMING, upcoming)
        self.view.set_lessons(Tab.PAST, past)
        self.view.set_lessons(Tab.CANCELLED, cancelled)
        selected = self.view.selected_booking()
        if selected:
            self.show_detail(selected)
        self.upcomingLoaded.emit(upcoming)

    def show_detail(self, booking_id: str) -> None:
        if not booking_id or not self.session.is_ready:
            self.view.set_detail(None)
            return
        lessons = self.session.services.lessons
        self.session.ops.run_db(
            lambda: lessons.detail(booking_id), self.view.set_detail, what="opening the lesson"
        )

    def open_lesson(self, booking_id: str) -> None:
        """Show a lesson's details, from whichever list holds it."""
        for tab in Tab:
            self.view.show_tab(tab)
            if self.view.select_booking(booking_id):
                return
        self.show_detail(booking_id)


class AttentionPage(QObject):
    """Feeds the needs-attention list and carries out the way out a person picks."""

    countChanged = Signal(int)  # noqa: N815

    def __init__(self, session: Session, view: AttentionList) -> None:
        super().__init__(view)
        self.session = session
        self.view = view
        view.keepRequested.connect(self.keep)
        view.cancelRequested.connect(self.cancel)
        view.reapplyRequested.connect(self.reapply)
        self.changed: Any = None  # a callable the window sets: refresh everything after a choice

    def refresh(self) -> None:
        if not self.session.is_ready:
            return
        attention = self.session.services.attention
        self.session.ops.run_db(attention.items, self._show, what="reading what needs attention")

    def _show(self, items: list[AttentionItem]) -> None:
        self.view.set_items(items)
        self.countChanged.emit(len(items))

    def _after(self, _changed: object) -> None:
        if self.changed is not None:
            self.changed()

    def keep(self, item_id: str) -> None:
        attention = self.session.services.attention
        self.session.ops.run_db(lambda: attention.keep(item_id), self._after, what="keeping it")

    def cancel(self, item_id: str, reason: str) -> None:
        attention = self.session.services.attention
        self.session.ops.run_db(
            lambda: attention.cancel_lesson(item_id, reason), self._after,
            what="cancelling the lesson",
        )

    def reapply(self, item_id: str) -> None:
        attention = self.session.services.attention
        self.session.ops.run_db(
            lambda: attention.reapply(item_id), self._after, what="re-applying your hours"
        )
