"""The lesson detail pane: who, what, when (in both zones), status, note, history.

It shows a ``LessonDetail`` and turns buttons into signals; it writes nothing itself. The note
editor keeps what the person is typing when a fresher read of the same lesson arrives (after a
sync, say) instead of overwriting it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.domain import BookingStatus
from instainstru_desktop.services.views import HistoryEntry, LessonDetail, SyncMark
from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette
from ui.lessons import format as fmt
from ui.lessons.cancel_dialog import CancelLessonDialog
from ui.lessons.conversation import ConversationView
from ui.lessons.history import HistoryLine, HistoryList
from ui.lessons.lesson_menu import CORRECT_TEXT

CORRECT_ICONS = {"completed": "check", "no_show": "cross"}

MAX_NOTE = 4000

#: The audit log records the intents' names; people read what happened.
ACTION_WORDS = {
    "booking.create": "Booked",
    "booking.cancel": "Cancelled",
    "booking.cancelled": "Cancelled",
    "booking.complete": "Marked completed",
    "booking.completed": "Marked completed",
    "booking.no_show": "Marked no-show",
    "booking.correct_outcome": "Outcome corrected",
    "booking.note": "Private note changed",
    "booking.reschedule": "Moved",
    "booking.review": "Reviewed",
    "conflict.resolve": "Clash resolved",
}


def _label(text: str = "", role: str = "value", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _fit_height(view: QListWidget, most: int) -> None:
    """Size a short list to its rows (no empty box under two lines), scrolling past ``most``."""
    rows = sum(max(view.sizeHintForRow(i), 0) for i in range(view.count()))
    frame = 2 * view.frameWidth() + 2 * view.spacing() * view.count() + 4
    view.setFixedHeight(min(most, max(36, rows + frame)))


def _separator() -> QFrame:
    line = QFrame()
    line.setProperty("role", "separator")
    line.setFrameShape(QFrame.Shape.HLine)
    return line


class LessonDetailPane(QWidget):
    """Details and actions of one lesson."""

    completeRequested = Signal(str)  # noqa: N815 - Qt signal (booking id)
    noShowRequested = Signal(str)  # noqa: N815
    correctRequested = Signal(str, str)  # noqa: N815 - booking id, the outcome it should have
    moveRequested = Signal(str)  # noqa: N815
    changeFollowingRequested = Signal(str)  # noqa: N815 - a weekly lesson's new time from here
    cancelRequested = Signal(str, str)  # noqa: N815 - booking id, reason
    cancelFollowingRequested = Signal(str, str)  # noqa: N815 - booking id, reason
    noteSaveRequested = Signal(str, str)  # noqa: N815 - booking id, note text

    def __init__(
        self, parent: QWidget | None = None, *, time_zone: str = "UTC", palette: Palette = LIGHT
    ) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setAccessibleName("Lesson details")
        self._zone = time_zone
        self._palette = palette
        self._detail: LessonDetail | None = None
        self._saved_note = ""
        self._stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        self._empty = _label("Select a lesson to see its details.", "subtitle")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack.addWidget(self._empty)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._content = QWidget()
        self._content.setObjectName("detailPane")
        scroll.setWidget(self._content)
        self._stack.addWidget(scroll)
        self._build(self._content)
        self.set_detail(None)

    # -- building ---------------------------------------------------------------------------

    def _build(self, content: QWidget) -> None:
        layout = QVBoxLayout(content)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        layout.addLayout(self._heading())
        self.subtitle = _label("", "subtitle")
        layout.addWidget(self.subtitle)
        self.series_line = _label("", "subtitle")
        self.series_line.setObjectName("seriesLine")
        layout.addWidget(self.series_line)
        self.notice = _label("", "notice")
        layout.addWidget(self.notice)
        layout.addLayout(self._facts())
        layout.addLayout(self._actions())
        layout.addWidget(_separator())
        self.conversation = ConversationView(time_zone=self._zone)  # fed by ConversationPanel
        layout.addWidget(self.conversation)
        layout.addWidget(_separator())
        self._add_note(layout)
        layout.addWidget(_separator())
        self._add_lists(layout)
        layout.addStretch(1)

    def _heading(self) -> QHBoxLayout:
        """The student's name, with the lesson's status and sync mark beside it."""
        head = QHBoxLayout()
        self.title = _label("", "title")
        self.title.setObjectName("studentName")
        head.addWidget(self.title, 1)
        self.status_badge = _label("", "badge", wrap=False)
        self.mark_badge = _label("", "badge", wrap=False)
        head.addWidget(self.mark_badge, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)
        return head

    def _facts(self) -> QFormLayout:
        """When, in both zones; the price; the reason of a cancellation."""
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(6)
        self.your_time = _label()
        self.student_time = _label()
        self.price = _label()
        self.reason = _label()
        self._reason_caption = _label("Reason", "caption")
        form.addRow(_label("Your time", "caption"), self.your_time)
        form.addRow(_label("Student's time", "caption"), self.student_time)
        form.addRow(_label("Price", "caption"), self.price)
        form.addRow(self._reason_caption, self.reason)
        self._form = form
        return form

    def _actions(self) -> QVBoxLayout:
        """The buttons of what may be done now (only those), and when an outcome can be."""
        column = QVBoxLayout()
        column.setSpacing(6)
        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.complete_button = QPushButton(icon("check", self._palette), "&Completed")
        self.complete_button.setToolTip("The lesson took place")
        self.no_show_button = QPushButton(icon("cross", self._palette), "&No-show")
        self.no_show_button.setToolTip("The student did not come")
        self.correct_button = QPushButton()
        self.correct_button.setToolTip("The outcome was recorded wrongly: record the other one")
        self.move_button = QPushButton(icon("clock", self._palette), "&Move…")
        self.move_button.setToolTip("Move the lesson to another free time")
        self.weekly_button = QPushButton(icon("repeat", self._palette), "&Weekly time…")
        self.weekly_button.setObjectName("changeFollowing")
        self.weekly_button.setToolTip(
            "Change the weekday or time of this weekly lesson and all following"
        )
        self.cancel_button = QPushButton("Cance&l…")
        self.cancel_button.setProperty("role", "danger")
        for button in self._buttons():
            actions.addWidget(button)
        actions.addStretch(1)
        self.complete_button.clicked.connect(self._complete)
        self.no_show_button.clicked.connect(self._no_show)
        self.correct_button.clicked.connect(self._correct)
        self.move_button.clicked.connect(self._move)
        self.weekly_button.clicked.connect(self._change_following)
        self.cancel_button.clicked.connect(self._cancel)
        column.addLayout(actions)
        self.outcome_hint = _label("", "subtitle")
        column.addWidget(self.outcome_hint)
        return column

    def _buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.complete_button,
            self.no_show_button,
            self.correct_button,
            self.move_button,
            self.weekly_button,
            self.cancel_button,
        )

    def _add_note(self, layout: QVBoxLayout) -> None:
        """The private note, and the line that says whether it is saved."""
        note_caption = _label("Private &note (only you see it)", "caption")
        layout.addWidget(note_caption)
        self.note = QPlainTextEdit()
        self.note.setObjectName("note")
        self.note.setAccessibleName("Private note")
        self.note.setPlaceholderText("What you worked on, what to practise next…")
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(90)
        self.note.setMaximumHeight(140)
        note_caption.setBuddy(self.note)
        layout.addWidget(self.note)
        note_row = QHBoxLayout()
        self.note_state = _label("", "subtitle", wrap=False)
        note_row.addWidget(self.note_state, 1)
        self.save_note_button = QPushButton(icon("note", self._palette), "&Save note")
        note_row.addWidget(self.save_note_button)
        layout.addLayout(note_row)
        self.save_note_button.clicked.connect(self._save_note)
        self.note.textChanged.connect(self._note_changed)

    def _add_lists(self, layout: QVBoxLayout) -> None:
        """The lesson's history, and the student's other lessons."""
        layout.addWidget(_label("History", "caption"))
        self.history = HistoryList()
        layout.addWidget(self.history)
        self._others_caption = _label("", "caption")
        layout.addWidget(self._others_caption)
        self.others = QListWidget()
        self.others.setObjectName("studentLessons")
        self.others.setAccessibleName("The student's other lessons")
        self.others.setAlternatingRowColors(True)
        self.others.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.others)

    # -- public -----------------------------------------------------------------------------

    def set_time_zone(self, zone: str) -> None:
        """The instructor's zone ("your time")."""
        self._zone = zone
        self.set_detail(self._detail)
        self.conversation.set_time_zone(zone)

    def set_theme(self, palette: Palette) -> None:
        """Re-tint the button icons for a theme change (the rest follows the style sheet)."""
        self._palette = palette
        self.complete_button.setIcon(icon("check", palette))
        self.no_show_button.setIcon(icon("cross", palette))
        self.move_button.setIcon(icon("clock", palette))
        self.weekly_button.setIcon(icon("repeat", palette))
        self.save_note_button.setIcon(icon("note", palette))
        if self._detail is not None:
            self._offer(self._detail)

    def detail(self) -> LessonDetail | None:
        return self._detail

    def booking_id(self) -> str | None:
        return self._detail.lesson.booking_id if self._detail else None

    def set_detail(self, detail: LessonDetail | None) -> None:
        """Show a lesson (or the empty state); keeps an unsaved note of the same lesson."""
        same = (
            detail is not None
            and self._detail is not None
            and detail.lesson.booking_id == self._detail.lesson.booking_id
        )
        keep_typing = same and self.note_dirty()
        self._detail = detail
        if detail is None:
            self._stack.setCurrentIndex(0)
            return
        self._stack.setCurrentIndex(1)
        card = detail.lesson
        self.title.setText(card.student_name)
        self.subtitle.setText(
            f"{card.lesson_type_name} · {fmt.duration(card)} · "
            f"{fmt.money(card.price_cents, card.currency)}"
        )
        self.status_badge.setText(fmt.status(card))
        self.status_badge.setProperty("tone", fmt.STATUS_TONES.get(card.status, "neutral"))
        self.mark_badge.setVisible(card.mark is not SyncMark.SYNCED)
        self.mark_badge.setText(fmt.MARK_WORDS[card.mark])
        self.mark_badge.setProperty(
            "tone", "neutral" if card.mark is SyncMark.PENDING else "warning"
        )
        for badge in (self.status_badge, self.mark_badge):
            badge.style().unpolish(badge)
            badge.style().polish(badge)
        self.series_line.setText(fmt.series_words(card))
        self.series_line.setVisible(bool(card.series_id))
        self.notice.setVisible(bool(card.mark_message))
        self.notice.setText(card.mark_message)
        self.your_time.setText(fmt.when(card, self._zone))
        self.student_time.setText(
            f"{fmt.when(card, card.student_time_zone)}\n{card.student_time_zone.replace('_', ' ')}"
        )
        self.price.setText(fmt.money(card.price_cents, card.currency))
        cancelled = card.status == "cancelled"
        self.reason.setVisible(cancelled)
        self._reason_caption.setVisible(cancelled)
        if cancelled:
            who = fmt.WHO_CANCELLED.get(card.cancelled_by, "")
            by = f" (cancelled by {who})" if who else ""
            self.reason.setText(f"{card.cancel_reason or 'No reason given'}{by}")
        self._offer(detail)
        if not keep_typing:
            self._saved_note = card.note
            self.note.blockSignals(True)
            self.note.setPlainText(card.note)
            self.note.blockSignals(False)
        else:
            self._saved_note = card.note
        self._note_changed()
        self._fill_history(detail)
        self._fill_others(detail)

    def _offer(self, detail: LessonDetail) -> None:
        """Show the buttons of what may be done now, and no others."""
        card = detail.lesson
        self.complete_button.setVisible(detail.can_complete)
        self.no_show_button.setVisible(detail.can_no_show)
        self.move_button.setVisible(detail.can_move)
        self.weekly_button.setVisible(detail.can_move and bool(card.series_id))
        self.cancel_button.setVisible(detail.can_cancel)
        self.correct_button.setVisible(detail.correct_to is not None)
        if detail.correct_to is not None:
            self.correct_button.setText(CORRECT_TEXT[BookingStatus(detail.correct_to)])
            self.correct_button.setIcon(icon(CORRECT_ICONS[detail.correct_to], self._palette))
        waiting = card.status == "confirmed" and not detail.can_complete
        self.outcome_hint.setVisible(waiting)
        if waiting:
            start = card.start.astimezone(ZoneInfo(self._zone))
            self.outcome_hint.setText(
                f"You can record how it went once it starts ({start:%a %-d %b, %H:%M})."
            )

    def note_dirty(self) -> bool:
        return self.note.toPlainText() != self._saved_note

    # -- lists ------------------------------------------------------------------------------

    @staticmethod
    def history_line(entry: HistoryEntry, tz: ZoneInfo) -> str:
        """"Tue 3 Dec, 14:02 · Booked by Ana Xu (student)": what happened, then who did it."""
        at = entry.at.astimezone(tz)
        what = ACTION_WORDS.get(entry.action, entry.action.replace("_", " ").replace(".", " "))
        who = entry.actor_name or "someone"
        if entry.actor_role and entry.actor_role != "system":
            who += f" ({entry.actor_role})"
        return f"{at:%a %-d %b, %H:%M} · {what} by {who}"

    def _fill_history(self, detail: LessonDetail) -> None:
        tz = ZoneInfo(self._zone)
        lines = [
            HistoryLine(self.history_line(entry, tz), entry.summary, entry.device)
            for entry in detail.history
        ]
        self.history.set_lines(lines or [HistoryLine("No history recorded yet.")])

    def _fill_others(self, detail: LessonDetail) -> None:
        self.others.clear()
        name = detail.lesson.student_name.split(" ")[0]
        self._others_caption.setText(f"Other lessons with {name}")
        visible = bool(detail.student_lessons)
        self._others_caption.setVisible(visible)
        self.others.setVisible(visible)
        for card in detail.student_lessons:
            item = QListWidgetItem(
                f"{fmt.when(card, self._zone)} · {card.lesson_type_name} · {fmt.status(card)}"
            )
            item.setData(Qt.ItemDataRole.UserRole, card.booking_id)
            self.others.addItem(item)
        _fit_height(self.others, 200)

    # -- actions ----------------------------------------------------------------------------

    def _note_changed(self) -> None:
        text = self.note.toPlainText()
        dirty = self.note_dirty()
        too_long = len(text) > MAX_NOTE
        self.save_note_button.setEnabled(dirty and not too_long and self._detail is not None)
        if too_long:
            self.note_state.setText(f"Notes are limited to {MAX_NOTE} characters.")
        elif dirty:
            self.note_state.setText("Unsaved changes")
        else:
            self.note_state.setText("")

    def _complete(self) -> None:
        if booking := self.booking_id():
            self.completeRequested.emit(booking)

    def _no_show(self) -> None:
        if booking := self.booking_id():
            self.noShowRequested.emit(booking)

    def _correct(self) -> None:
        booking, detail = self.booking_id(), self._detail
        if booking and detail is not None and detail.correct_to:
            self.correctRequested.emit(booking, detail.correct_to)

    def _move(self) -> None:
        if booking := self.booking_id():
            self.moveRequested.emit(booking)

    def _change_following(self) -> None:
        if booking := self.booking_id():
            self.changeFollowingRequested.emit(booking)

    def _cancel(self) -> None:
        booking = self.booking_id()
        if booking is None or self._detail is None:
            return
        lesson = self._detail.lesson
        if lesson.series_id:  # this lesson, or this and the following ones of its series
            answer = CancelLessonDialog.ask_scope(self, lesson, self._zone)
            if answer is not None and answer[0]:
                reason, following = answer
                wanted = self.cancelFollowingRequested if following else self.cancelRequested
                wanted.emit(booking, reason)
            return
        given = CancelLessonDialog.ask(self, lesson, self._zone)
        if given:
            self.cancelRequested.emit(booking, given)

    def _save_note(self) -> None:
        booking = self.booking_id()
        if booking is None or not self.save_note_button.isEnabled():
            return
        text = self.note.toPlainText().strip()
        self._saved_note = self.note.toPlainText()
        self._note_changed()
        self.note_state.setText("Saved")
        self.noteSaveRequested.emit(booking, text)
