"""The lessons page and the needs-attention page, each wired to its use cases.

Each refreshes from what a change names (:meth:`on_changed`), as the week does: the lesson lists
move the few lessons a change names from list to list instead of reading all three lists
again, and the needs-attention list re-reads only when it is touched. A lesson also moves from
"upcoming" to "past" when it starts, without any change to tell.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from instainstru_desktop.services.views import (
    AttentionItem,
    Changed,
    LessonCard,
    LessonsToMark,
    ListedLesson,
)
from ui.lessons.actions import LessonActions
from ui.lessons.attention import AttentionList
from ui.lessons.conversation_panel import ConversationPanel
from ui.lessons.lessons_view import LessonsView, Tab
from ui.shell.session import Session

log = logging.getLogger(__name__)

#: The past and cancelled lists hold the most recent lessons only: sorting a table runs Python
#: per comparison, and 100,000 past lessons took 2 s to read and froze the window for 13 s on
#: each refresh (and held ~400 MB). Older lessons are still opened from the week view.
RECENT_LIMIT = 1_000
#: A change naming more lessons than this re-reads the lists (one read beats many lookups).
MOVE_LIMIT = 100
#: The longest wait between looks at whether an upcoming lesson has started, and the shortest
#: (a second late is on time for a list: the clocks count whole seconds).
START_CHECK_MS = (1_000, 3_600_000)
TABS = {"upcoming": Tab.UPCOMING, "past": Tab.PAST, "cancelled": Tab.CANCELLED}


class LessonsPage(QObject):
    """Feeds a :class:`LessonsView` and turns its requests into lesson actions."""

    #: The upcoming and the cancelled lists as now shown (list[LessonCard] each): lesson news.
    listsShown = Signal(object, object)  # noqa: N815 - Qt signal

    def __init__(self, session: Session, actions: LessonActions, view: LessonsView) -> None:
        super().__init__(view)
        self.session = session
        self.actions = actions
        self.view = view
        view.lessonSelected.connect(self.show_detail)
        view.detail.completeRequested.connect(actions.complete)
        view.detail.noShowRequested.connect(actions.no_show)
        view.detail.cancelRequested.connect(actions.cancel)
        view.detail.cancelFollowingRequested.connect(actions.cancel_following)
        view.detail.noteSaveRequested.connect(actions.note)
        view.completeRequested.connect(actions.complete)
        view.noShowRequested.connect(actions.no_show)
        view.correctRequested.connect(actions.correct)
        view.detail.correctRequested.connect(actions.correct)
        view.moveRequested.connect(actions.ask_move)
        view.detail.moveRequested.connect(actions.ask_move)
        view.changeFollowingRequested.connect(actions.change_following)
        view.detail.changeFollowingRequested.connect(actions.change_following)
        view.cancelRequested.connect(actions.cancel)
        view.set_clock(session.now)
        self.conversation = ConversationPanel(
            session, view.detail.conversation, actions.changed.emit, self
        )
        self._starts = QTimer(self)  # the next upcoming lesson's start
        self._starts.setSingleShot(True)
        self._starts.timeout.connect(self._move_started)

    def on_changed(self, changed: Changed) -> None:
        """Bring the lists up to date with a change: move the lessons it names, or re-read."""
        self.conversation.on_changed(changed)
        if changed.everything or len(changed.booking_ids) > MOVE_LIMIT:
            self.refresh()
        elif changed.booking_ids:
            self._move(changed.booking_ids)
        elif changed.history:
            self._show_selected()

    def refresh(self) -> None:
        """Read all three lists again."""
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
        self._show_selected()
        self._shown()

    def _move(self, booking_ids: Collection[str]) -> None:
        """Read where a few lessons belong now and move just them."""
        iid = self.session.instructor_id
        if iid is None:
            return
        lessons, wanted = self.session.services.lessons, list(booking_ids)
        self.session.ops.run_db(
            lambda: lessons.listed(iid, wanted), self._place, what="reading your lessons"
        )

    def _place(self, listed: list[ListedLesson]) -> None:
        for lesson in listed:
            tab = TABS.get(lesson.list_name or "")
            self.view.place_lesson(lesson.booking_id, tab, lesson.card)
            if tab in (Tab.PAST, Tab.CANCELLED):
                self._keep_recent(tab)
        selected = self.view.selected_booking()
        if selected in {lesson.booking_id for lesson in listed}:
            self._show_selected()
        self._shown()

    def _keep_recent(self, tab: Tab) -> None:
        """A list of the most recent lessons drops its oldest one when a lesson joins it."""
        cards = self.view.models[tab].lessons()
        if len(cards) > RECENT_LIMIT:
            oldest = min(cards, key=lambda card: (card.start, card.booking_id))
            self.view.drop_lesson(tab, oldest.booking_id)

    def _shown(self) -> None:
        upcoming = self.view.models[Tab.UPCOMING].lessons()
        self.listsShown.emit(upcoming, self.view.models[Tab.CANCELLED].lessons())
        self._watch_starts(upcoming)

    def _watch_starts(self, upcoming: list[LessonCard]) -> None:
        """Wake up when the next upcoming lesson starts: it then belongs under "past"."""
        self._starts.stop()
        if not upcoming:
            return
        wait = min(card.start for card in upcoming) - self.session.now()
        shortest, longest = START_CHECK_MS
        self._starts.start(max(shortest, min(longest, int(wait.total_seconds() * 1000) + 1_000)))

    def _move_started(self) -> None:
        now = self.session.now()
        started = [c.booking_id for c in self.view.models[Tab.UPCOMING].lessons() if c.start <= now]
        if started:
            self._move(started)
        else:
            self._watch_starts(self.view.models[Tab.UPCOMING].lessons())

    def _show_selected(self) -> None:
        selected = self.view.selected_booking()
        if selected:
            self.show_detail(selected)

    def show_detail(self, booking_id: str) -> None:
        self.conversation.show(booking_id)
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
    """Feeds the needs-attention list and carries out the way out a person picks.

    The list also holds the lessons that ended unmarked: time alone adds to them, so the page
    looks again when the next lesson ends, as the lesson lists do when one starts.
    """

    countChanged = Signal(int)  # noqa: N815 - items and lessons to mark together
    toMarkChanged = Signal(int)  # noqa: N815 - how many lessons ended unmarked
    changed = Signal(object)  # the Changed of a way out taken: every view may show it
    markedAll = Signal(int)  # noqa: N815 - that many lessons were just marked completed

    def __init__(self, session: Session, view: AttentionList) -> None:
        super().__init__(view)
        self.session = session
        self.view = view
        self._booking_ids: frozenset[str] = frozenset()  # the lessons the items show
        view.keepRequested.connect(self.keep)
        view.cancelRequested.connect(self.cancel)
        view.reapplyRequested.connect(self.reapply)
        view.markAllRequested.connect(self.mark_all)
        self._ends = QTimer(self)  # the next lesson's end: it may then be one to mark
        self._ends.setSingleShot(True)
        self._ends.timeout.connect(self._read_to_mark)

    def on_changed(self, changed: Changed) -> None:
        """Re-read the items when a change touches them or a lesson one of them shows; the
        lessons to mark (a cheap read) when any lesson changed: it may have joined or left."""
        if (
            changed.everything
            or changed.attention
            or not self._booking_ids.isdisjoint(changed.booking_ids)
        ):
            self._read_items()
        if changed.everything or changed.attention or changed.booking_ids:
            self._read_to_mark()

    def refresh(self) -> None:
        self._read_items()
        self._read_to_mark()

    def _read_items(self) -> None:
        if not self.session.is_ready:
            return
        attention = self.session.services.attention
        self.session.ops.run_db(
            attention.items, self._show_items, what="reading what needs attention"
        )

    def _read_to_mark(self) -> None:
        iid = self.session.instructor_id if self.session.is_ready else None
        if iid is None:
            return
        lessons = self.session.services.lessons
        self.session.ops.run_db(
            lambda: lessons.to_mark(iid), self._show_to_mark, what="reading the lessons to mark"
        )

    def _show_items(self, items: list[AttentionItem]) -> None:
        self._booking_ids = frozenset(i.booking_id for i in items if i.booking_id)
        self.view.set_items(items)
        self.countChanged.emit(self.view.count())

    def _show_to_mark(self, to_mark: LessonsToMark) -> None:
        self.view.set_to_mark(to_mark.lessons)
        self.countChanged.emit(self.view.count())
        self.toMarkChanged.emit(len(to_mark.lessons))
        self._watch_ends(to_mark.next_end)

    def _watch_ends(self, next_end: datetime | None) -> None:
        self._ends.stop()
        if next_end is None:
            return
        wait = (next_end - self.session.now()).total_seconds() * 1000 + 1_000
        shortest, longest = START_CHECK_MS
        self._ends.start(max(shortest, min(longest, int(wait))))

    def _after(self, changed: Changed) -> None:
        self.changed.emit(changed)

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
            lambda: attention.reapply(item_id), self._after, what="sending your version again"
        )

    def mark_all(self, booking_ids: list[str]) -> None:
        """Mark the lessons to mark as completed, queued as if each had been marked by hand."""
        lessons = self.session.services.lessons

        def done(changed: Changed) -> None:
            self._after(changed)
            self.markedAll.emit(len(changed.booking_ids))

        def failed(exc: BaseException) -> None:
            self.refresh()  # the card's buttons come back with what is still to mark
            self.session.ops.present(exc, "marking the lessons completed")

        self.session.ops.run_db(
            lambda: lessons.complete_all(booking_ids), done, failed,
            what="marking the lessons completed",
        )
