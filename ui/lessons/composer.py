"""Where a message is written: Enter sends, Shift+Enter starts a new line.

The editor only says "send this" (``submitted``); the conversation decides what sending means.
Text that cannot go (empty, over the limit) disables the button and says why under the box,
so nothing is refused after the person has moved on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from instainstru_desktop.protocol.fields import MESSAGE_MAX_CHARS

HINT = "Enter sends · Shift+Enter starts a new line"


class MessageEditor(QPlainTextEdit):
    """A plain-text box whose Enter (without Shift) asks to send instead of breaking the line."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if enter and not shift:
            event.accept()
            self.submitted.emit()
            return
        if enter:  # Shift+Enter: a line break, not Qt's paragraph-less "soft" one
            self.insertPlainText("\n")
            event.accept()
            return
        super().keyPressEvent(event)


class Composer(QWidget):
    """The message box, its Send button and the line that counts or explains."""

    sendRequested = Signal(str)  # noqa: N815 - Qt signal: the text to send

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = MessageEditor()
        self.editor.setObjectName("messageEditor")
        self.editor.setAccessibleName("Write a message")
        self.editor.setTabChangesFocus(True)
        self.editor.setFixedHeight(64)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("sendMessage")
        self.send_button.setProperty("role", "primary")
        self.send_button.setToolTip("Send (Enter)")
        self.hint = QLabel(HINT)
        self.hint.setProperty("role", "subtitle")
        self.hint.setWordWrap(True)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.editor, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.hint)
        self.editor.textChanged.connect(self._changed)
        self.editor.submitted.connect(self.send)
        self.send_button.clicked.connect(self.send)
        self._changed()

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_placeholder(self, text: str) -> None:
        self.editor.setPlaceholderText(text)

    def clear(self) -> None:
        self.editor.clear()

    def show_problem(self, text: str) -> None:
        """Say why the last message could not be sent (it stays in the box)."""
        self.hint.setText(text)
        self.hint.setProperty("role", "error")
        self._repolish()

    def problem(self) -> str:
        """What is wrong with the text now ("" when it can be sent)."""
        text = self.text()
        if not text.strip():
            return ""  # nothing written yet: nothing to complain about
        if len(text.strip()) > MESSAGE_MAX_CHARS:
            return (
                f"A message can be at most {MESSAGE_MAX_CHARS:,} characters long; "
                f"this one has {len(text.strip()):,}."
            )
        return ""

    def send(self) -> None:
        text = self.text().strip()
        if text and not self.problem():
            self.sendRequested.emit(text)

    def _changed(self) -> None:
        problem = self.problem()
        self.send_button.setEnabled(bool(self.text().strip()) and not problem)
        self.hint.setText(problem or HINT)
        self.hint.setProperty("role", "error" if problem else "subtitle")
        self._repolish()

    def _repolish(self) -> None:
        self.hint.style().unpolish(self.hint)
        self.hint.style().polish(self.hint)
