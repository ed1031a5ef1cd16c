"""The admin's questions: a review note, a cancel reason (naming how many lessons and whom it
tells), and a free time to move a lesson to.

Each is opened with what it shows already read (fetch, then open), and each has a classmethod
``ask`` that tests replace instead of driving a modal loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.protocol.fields import NOTE_MAX_CHARS, REASON_MAX_CHARS
from instainstru_desktop.services.review_views import BulkPreview
from ui.lessons import format as fmt


def lessons(count: int) -> str:
    return "1 lesson" if count == 1 else f"{count:,} lessons"


def people(preview: BulkPreview) -> str:
    """ "9 students and 3 instructors (Maria Lopez, James Carter, Priya Sharma)"."""
    students = "1 student" if preview.students == 1 else f"{preview.students:,} students"
    names = list(preview.instructors)
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    count = len(names)
    teachers = "1 instructor" if count == 1 else f"{count} instructors"
    return f"{students} and {teachers} ({shown})" if names else students


def _text_box(name: str, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(90)
    return box


class _TextDialog(QDialog):
    """A title, a sentence, a text box with a limit, and two buttons."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        sentence: str,
        confirm: str,
        keep: str,
        limit: int,
        *,
        required: bool,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._limit, self._required = limit, required
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel(title)
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        words = QLabel(sentence)
        words.setObjectName("consequence")
        words.setWordWrap(True)
        layout.addWidget(words)
        self.text = _text_box("text", "")
        layout.addWidget(self.text)
        self.hint = QLabel("")
        self.hint.setProperty("role", "subtitle")
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton(confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(keep, QDialogButtonBox.ButtonRole.RejectRole).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.textChanged.connect(self._validate)
        self._validate()

    def value(self) -> str:
        return self.text.toPlainText().strip()

    def _validate(self) -> None:
        text = self.value()
        too_long = len(text) > self._limit
        missing = self._required and not text
        self.confirm.setEnabled(not (too_long or missing))
        self.hint.setText(
            f"Please keep it under {self._limit} characters."
            if too_long
            else ("A reason is required." if missing else "")
        )

    def accept(self) -> None:
        if self.confirm.isEnabled():
            super().accept()


class FlagDialog(_TextDialog):
    """Flag lessons for review, with a note only admins read."""

    def __init__(self, parent: QWidget | None, count: int, note: str = "") -> None:
        super().__init__(
            parent,
            f"Flag {lessons(count)} for review?",
            "The flag and its note are for admins: nobody else is told. You can undo this "
            "until it is sent.",
            f"Flag {lessons(count)}",
            "Don't flag",
            NOTE_MAX_CHARS,
            required=False,
        )
        self.setObjectName("flagDialog")
        self.text.setPlaceholderText("Why it needs a look (optional)")
        self.text.setPlainText(note)

    @classmethod
    def ask(cls, parent: QWidget | None, count: int, note: str = "") -> str | None:
        dialog = cls(parent, count, note)
        try:
            return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class CancelDialog(_TextDialog):
    """Cancel lessons with a reason, saying how many and whom it tells."""

    def __init__(self, parent: QWidget | None, preview: BulkPreview) -> None:
        count = len(preview.booking_ids)
        sentence = (
            f"This tells {people(preview)} that their lesson is cancelled, with your reason. "
            "A cancelled lesson cannot be restored once it is sent."
        )
        if preview.skipped:
            sentence += (
                f" {lessons(preview.skipped)} of the selection are not confirmed and "
                "stay as they are."
            )
        super().__init__(
            parent,
            f"Cancel {lessons(count)}?",
            sentence,
            f"Cancel {lessons(count)}",
            "Keep them" if count > 1 else "Keep it",
            REASON_MAX_CHARS,
            required=True,
        )
        self.setObjectName("cancelDialog")
        self.text.setPlaceholderText("The reason the students and instructors read")
        self.confirm.setProperty("role", "danger")

    @classmethod
    def ask(cls, parent: QWidget | None, preview: BulkPreview) -> str | None:
        dialog = cls(parent, preview)
        try:
            return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class MoveDialog(QDialog):
    """Choose a free time of the same instructor (their rules already applied)."""

    def __init__(
        self,
        parent: QWidget | None,
        summary: str,
        starts: Sequence[datetime],
        instructor_zone: str,
        student_zone: str,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("moveDialog")
        self.setWindowTitle("Move the lesson")
        self.setMinimumSize(460, 420)
        layout = QVBoxLayout(self)
        heading = QLabel("Move the lesson to…")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        about = QLabel(
            f"{summary}\nFree times of the instructor, by their rules, in their zone "
            "(the student's time after the dash)."
        )
        about.setWordWrap(True)
        about.setProperty("role", "subtitle")
        layout.addWidget(about)
        self.times = QListWidget()
        self.times.setObjectName("freeTimes")
        self.times.setAccessibleName("Free times")
        layout.addWidget(self.times, 1)
        where, theirs = ZoneInfo(instructor_zone), ZoneInfo(student_zone)
        for start in starts:
            local, other = start.astimezone(where), start.astimezone(theirs)
            text = f"{local:%a %-d %b, %H:%M} {fmt.zone_label(local)}"
            text += f"  —  {other:%a %H:%M} {fmt.zone_label(other)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, start)
            self.times.addItem(item)
        if not starts:
            empty = QListWidgetItem("No free time in the next weeks by the instructor's rules.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.times.addItem(empty)
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton("Move", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Keep the time", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.times.currentItemChanged.connect(self._validate)
        self.times.itemDoubleClicked.connect(lambda _item: self.accept())
        self._validate()

    def chosen(self) -> datetime | None:
        item = self.times.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return value if isinstance(value, datetime) else None

    def _validate(self) -> None:
        self.confirm.setEnabled(self.chosen() is not None)

    def accept(self) -> None:
        if self.chosen() is not None:
            super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        summary: str,
        starts: Sequence[datetime],
        instructor_zone: str,
        student_zone: str,
    ) -> datetime | None:
        dialog = cls(parent, summary, starts, instructor_zone, student_zone)
        try:
            return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
