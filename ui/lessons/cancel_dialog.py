"""Ask why a lesson is cancelled: the reason is required and goes to the student.

``CancelLessonDialog.ask(parent, lesson)`` returns the reason or ``None``; tests replace ``ask``
(pytest-qt's advice for dialogs) instead of driving a modal event loop.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import LessonCard
from ui.lessons import format as fmt

MAX_REASON = 500
QUICK_REASONS = ("I am ill", "Schedule clash", "Student asked to move it")


class CancelLessonDialog(QDialog):
    """A modal asking for the cancellation reason."""

    def __init__(
        self,
        parent: QWidget | None = None,
        lesson: LessonCard | None = None,
        time_zone: str = "UTC",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cancel lesson")
        self.setObjectName("cancelLessonDialog")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        title = QLabel("Cancel this lesson?")
        title.setProperty("role", "title")
        layout.addWidget(title)
        if lesson is not None:
            summary = QLabel(
                f"{lesson.student_name} · {lesson.lesson_type_name}\n{fmt.when(lesson, time_zone)}"
            )
            summary.setProperty("role", "subtitle")
            layout.addWidget(summary)
        self.only_this = QRadioButton("&Only this lesson")
        self.only_this.setObjectName("onlyThis")
        self.and_following = QRadioButton("This and all &following weekly lessons")
        self.and_following.setObjectName("andFollowing")
        self.only_this.setChecked(True)
        scope = QButtonGroup(self)
        for choice in (self.only_this, self.and_following):
            scope.addButton(choice)
            if lesson is not None and lesson.series_id:  # one of a weekly series
                layout.addWidget(choice)
        prompt = QLabel("&Reason (the student sees it):")
        layout.addWidget(prompt)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText("For example: I am ill and cannot teach this week.")
        self.reason.setAccessibleName("Cancellation reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(90)
        prompt.setBuddy(self.reason)
        layout.addWidget(self.reason)
        quick = QWidget()
        quick_row = QHBoxLayout(quick)
        quick_row.setContentsMargins(0, 0, 0, 0)
        quick_row.setSpacing(4)
        quick_row.addWidget(QLabel("Quick:"))
        for text in QUICK_REASONS:
            button = QPushButton(text)
            button.setProperty("role", "link")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, t=text: self.reason.setPlainText(t))
            quick_row.addWidget(button)
        quick_row.addStretch(1)
        layout.addWidget(quick)
        self.hint = QLabel("A reason is required.")
        self.hint.setProperty("role", "subtitle")
        layout.addWidget(self.hint)
        self.buttons = QDialogButtonBox()
        self.confirm = self.buttons.addButton(
            "Cancel lesson", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm.setProperty("role", "danger")
        keep = self.buttons.addButton("Keep lesson", QDialogButtonBox.ButtonRole.RejectRole)
        keep.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._validate)
        self.and_following.toggled.connect(
            lambda on: self.confirm.setText("Cancel lessons" if on else "Cancel lesson")
        )
        self._validate()

    def following(self) -> bool:
        """Whether the lessons of the series after this one go too."""
        return self.and_following.isChecked()

    def reason_text(self) -> str:
        """The reason as typed, trimmed."""
        return " ".join(self.reason.toPlainText().split())

    def _validate(self) -> None:
        text = self.reason_text()
        ok = 0 < len(text) <= MAX_REASON
        self.confirm.setEnabled(ok)
        if not text:
            self.hint.setText("A reason is required.")
        elif len(text) > MAX_REASON:
            self.hint.setText(f"Please keep it under {MAX_REASON} characters.")
        else:
            self.hint.setText("")

    def accept(self) -> None:
        if self.confirm.isEnabled():
            super().accept()

    @classmethod
    def ask(
        cls, parent: QWidget | None, lesson: LessonCard | None = None, time_zone: str = "UTC"
    ) -> str | None:
        """Show the dialog; the reason, or None when the user keeps the lesson."""
        dialog = cls(parent, lesson, time_zone)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.reason_text()
            return None
        finally:
            dialog.deleteLater()

    @classmethod
    def ask_scope(
        cls, parent: QWidget | None, lesson: LessonCard, time_zone: str = "UTC"
    ) -> tuple[str, bool] | None:
        """For a lesson of a weekly series: the reason and whether the following ones go too."""
        dialog = cls(parent, lesson, time_zone)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.reason_text(), dialog.following()
            return None
        finally:
            dialog.deleteLater()
