"""The admin's detail pane: everything about one booking, and what can be done to it.

Times in the instructor's zone and in the student's, the price, the instructor's private note
(admins may read it), the review flag and the whole history in sentences: who did what, when
(in the admin's own zone) and from which device. The buttons only ask (signals); the actions
controller asks for what it needs and does the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.review_views import AuditLine, ReviewDetail
from instainstru_desktop.services.views import LessonCard, SyncMark
from ui.admin.cells import CANCELLED_BY, length
from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette
from ui.lessons import format as fmt

ACTION_WORDS = {
    "booking.create": "booked the lesson",
    "booking.cancel": "cancelled it",
    "booking.cancelled": "cancelled it",
    "booking.complete": "marked it completed",
    "booking.completed": "marked it completed",
    "booking.no_show": "marked it a no-show",
    "booking.note": "changed the private note",
    "booking.reschedule": "moved it",
    "conflict.resolve": "settled a clash over it",
}
ROLE_WORDS = {"admin": "admin", "instructor": "instructor", "student": "student"}


def _label(text: str = "", role: str = "value", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _span(lesson: LessonCard, zone: str) -> str:
    try:
        tz = ZoneInfo(zone)
    except (ValueError, KeyError):
        tz = ZoneInfo("UTC")
    start, end = lesson.start.astimezone(tz), lesson.end.astimezone(tz)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %-d %b %H:%M}"
    return f"{start:%a %-d %b %Y, %H:%M}–{end_text} {fmt.zone_label(start)} ({zone})"


def _moment(text: Any, tz: ZoneInfo) -> str:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return str(text)
    if moment.utcoffset() is None:
        return str(text)
    return f"{moment.astimezone(tz):%a %-d %b %Y, %H:%M}"


def what_happened(line: AuditLine, instructor_zone: ZoneInfo) -> str:
    """What an entry of the history did, as the end of a sentence ("cancelled it")."""
    if line.action == "booking.review":
        return "flagged it for review" if line.details.get("flagged") else "cleared its flag"
    return ACTION_WORDS.get(line.action, line.action.replace("_", " ").replace(".", " "))


def details_in_words(line: AuditLine, instructor_zone: ZoneInfo) -> str:
    """The entry's particulars a person reads (a reason, where it moved from and to)."""
    d: Mapping[str, Any] = line.details
    parts = []
    if d.get("reason"):
        parts.append(f"Reason: {d['reason']}")
    if line.action == "booking.reschedule" and d.get("from") and d.get("to"):
        parts.append(
            f"From {_moment(d['from'], instructor_zone)} to {_moment(d['to'], instructor_zone)}"
            " (instructor's time)"
        )
    if line.action == "booking.create" and d.get("start"):
        parts.append(f"For {_moment(d['start'], instructor_zone)} (instructor's time)")
    return "; ".join(parts)


def history_sentence(line: AuditLine, viewer: ZoneInfo, instructor_zone: ZoneInfo) -> str:
    """``Tue 3 Mar 2026, 14:05 — Alex Admin (admin) cancelled it, from admin-desk.``"""
    who = line.actor_name or "Someone"
    if line.actor_role in ROLE_WORDS:
        who += f" ({ROLE_WORDS[line.actor_role]})"
    elif line.actor_role == "system":
        who = "The system"
    device = f", from {line.device}" if line.device else ""
    sentence = f"{line.at.astimezone(viewer):%a %-d %b %Y, %H:%M} — {who} "
    sentence += f"{what_happened(line, instructor_zone)}{device}."
    extra = details_in_words(line, instructor_zone)
    return f"{sentence}\n{extra}" if extra else sentence


class ReviewDetailPane(QWidget):
    """Details, history and actions of one booking."""

    flagRequested = Signal(str)  # noqa: N815 - booking id
    unflagRequested = Signal(str)  # noqa: N815
    cancelRequested = Signal(str)  # noqa: N815
    moveRequested = Signal(str)  # noqa: N815
    weekRequested = Signal(str)  # noqa: N815 - the instructor's week of this booking

    def __init__(self, parent: QWidget | None = None, *, palette: Palette = LIGHT) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setAccessibleName("Booking details")
        self._palette = palette
        self._viewer = ZoneInfo("UTC")
        self._detail: ReviewDetail | None = None
        self._stack = QStackedWidget()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._stack)
        self._empty = _label("Select a booking to see everything about it.", "subtitle")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack.addWidget(self._empty)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        content.setObjectName("detailPane")
        scroll.setWidget(content)
        self._stack.addWidget(scroll)
        self._build(content)
        self.show_detail(None)

    # -- building -----------------------------------------------------------------------------

    def _build(self, content: QWidget) -> None:
        layout = QVBoxLayout(content)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(10)
        head = QHBoxLayout()
        self.title = _label("", "title")
        self.title.setObjectName("bookingTitle")
        self.status_badge = _label("", "badge", wrap=False)
        self.flag_badge = _label("", "badge", wrap=False)
        self.flag_badge.setProperty("tone", "warning")
        head.addWidget(self.title, 1)
        head.addWidget(self.flag_badge, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(head)
        self.notice = _label("", "notice")
        layout.addWidget(self.notice)
        layout.addLayout(self._facts())
        layout.addLayout(self._buttons())
        self._history_caption = _label("History", "caption")
        layout.addWidget(self._history_caption)
        self.history = QListWidget()
        self.history.setObjectName("history")
        self.history.setAccessibleName("History of this booking")
        self.history.setWordWrap(True)
        self.history.setResizeMode(QListView.ResizeMode.Adjust)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.setAlternatingRowColors(True)
        self.history.setMinimumHeight(120)
        layout.addWidget(self.history, 1)

    def _facts(self) -> QFormLayout:
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(6)
        self.instructor = _label()
        self.instructor_time = _label()
        self.student_time = _label()
        self.price = _label()
        self.outcome = _label()
        self.review_note = _label()
        self.private_note = _label()
        self.private_note.setObjectName("privateNote")
        for caption, value in (
            ("Instructor", self.instructor),
            ("Instructor's time", self.instructor_time),
            ("Student's time", self.student_time),
            ("Length and price", self.price),
            ("Status", self.outcome),
            ("Review", self.review_note),
            ("Private note", self.private_note),
        ):
            form.addRow(_label(caption, "caption"), value)
        return form

    def _buttons(self) -> QGridLayout:
        """Two short rows, so the pane stays narrow enough to sit beside the table."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        self.flag_button = QPushButton(icon("flag", self._palette), "&Flag…")
        self.unflag_button = QPushButton("Clear fla&g")
        self.move_button = QPushButton(icon("calendar", self._palette), "&Move…")
        self.cancel_button = QPushButton("Cance&l…")
        self.cancel_button.setProperty("role", "danger")
        self.week_button = QPushButton("Instructor's &week")
        grid.addWidget(self.flag_button, 0, 0)
        grid.addWidget(self.unflag_button, 0, 1)
        grid.addWidget(self.week_button, 0, 2)
        grid.addWidget(self.move_button, 1, 0)
        grid.addWidget(self.cancel_button, 1, 1)
        grid.setColumnStretch(3, 1)
        ask = (
            (self.flag_button, self.flagRequested),
            (self.unflag_button, self.unflagRequested),
            (self.move_button, self.moveRequested),
            (self.cancel_button, self.cancelRequested),
        )
        for button, signal in ask:
            button.clicked.connect(lambda _checked=False, s=signal: self._ask(s))
        self.week_button.clicked.connect(self._ask_week)
        return grid

    # -- public -------------------------------------------------------------------------------

    @property
    def detail(self) -> ReviewDetail | None:
        return self._detail

    @property
    def booking_id(self) -> str | None:
        return self._detail.lesson.booking_id if self._detail else None

    def set_viewer_zone(self, zone: str) -> None:
        """The admin's zone: the history's times are in it."""
        self._viewer = ZoneInfo(zone)
        self.show_detail(self._detail)

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        self.flag_button.setIcon(icon("flag", palette))
        self.move_button.setIcon(icon("calendar", palette))

    def show_detail(self, detail: ReviewDetail | None) -> None:
        self._detail = detail
        if detail is None:
            self._stack.setCurrentIndex(0)
            return
        self._stack.setCurrentIndex(1)
        lesson = detail.lesson
        self.title.setText(f"{lesson.lesson_type_name} with {lesson.student_name}")
        self._badges(lesson)
        self._notice(detail)
        self.instructor.setText(lesson.instructor_name or "(not in the local data)")
        self.instructor_time.setText(_span(lesson, detail.instructor_zone))
        self.student_time.setText(_span(lesson, lesson.student_time_zone))
        minutes = int((lesson.end - lesson.start).total_seconds() // 60)
        self.price.setText(f"{length(minutes)}, {fmt.money(lesson.price_cents, lesson.currency)}")
        self.outcome.setText(_outcome(lesson))
        self.review_note.setText(
            (lesson.review_note or "Flagged, no note") if lesson.flagged else "Not flagged"
        )
        self.private_note.setText(lesson.note or "No private note.")
        self.flag_button.setText("Edit &flag…" if lesson.flagged else "&Flag…")
        self.unflag_button.setEnabled(lesson.flagged)
        self.cancel_button.setEnabled(detail.can_cancel)
        self.move_button.setEnabled(detail.can_reschedule)
        self._fill_history(detail)

    # -- helpers ------------------------------------------------------------------------------

    def _badges(self, lesson: LessonCard) -> None:
        self.status_badge.setText(fmt.STATUS_WORDS.get(lesson.status, lesson.status))
        self.status_badge.setProperty("tone", fmt.STATUS_TONES.get(lesson.status, "neutral"))
        self.flag_badge.setText("Flagged")
        self.flag_badge.setVisible(lesson.flagged)
        for badge in (self.status_badge, self.flag_badge):
            badge.style().unpolish(badge)
            badge.style().polish(badge)

    def _notice(self, detail: ReviewDetail) -> None:
        lesson = detail.lesson
        if detail.pending_mutations or lesson.mark is SyncMark.PENDING:
            text = "Changed here and not sent to the server yet (Edit ▸ Undo takes it back)."
        elif lesson.mark in (SyncMark.REJECTED, SyncMark.CONFLICT):
            text = lesson.mark_message or "The server refused the last change."
        else:
            text = ""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _fill_history(self, detail: ReviewDetail) -> None:
        self.history.clear()
        try:
            where = ZoneInfo(detail.instructor_zone)
        except (ValueError, KeyError):
            where = ZoneInfo("UTC")
        for line in reversed(detail.history):  # newest first
            item = QListWidgetItem(history_sentence(line, self._viewer, where))
            self.history.addItem(item)
        if not detail.history:
            self.history.addItem(QListWidgetItem("No history recorded yet."))

    def _ask(self, signal: Any) -> None:
        if self._detail is not None:
            signal.emit(self._detail.lesson.booking_id)

    def _ask_week(self) -> None:
        if self._detail is not None:
            self.weekRequested.emit(self._detail.lesson.booking_id)


def _outcome(lesson: LessonCard) -> str:
    words = fmt.STATUS_WORDS.get(lesson.status, lesson.status)
    if lesson.status == "cancelled":
        who = CANCELLED_BY.get(lesson.cancelled_by, "")
        words = f"Cancelled {who}".strip()
        if lesson.cancel_reason:
            words += f": {lesson.cancel_reason}"
    return words
