"""One message as the conversation shows it: who and when above, the text below; the person's
own messages on the right, with where they stand (waiting to send, seen, refused)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from instainstru_desktop.services.views import ChatMessage, MessageState

ROLE_WORDS = {"student": "student", "instructor": "instructor", "admin": "studio"}


def heading(message: ChatMessage, zone: str) -> str:
    """``Ana Xu · Tue 3 Dec, 14:02`` / ``You · 14:05 · Seen`` / ``You · Waiting to send``."""
    at = message.at.astimezone(ZoneInfo(zone))
    who = "You" if message.mine else (message.author_name or "Someone")
    if not message.mine and message.author_role == "admin":
        who += " (studio)"
    if message.state is MessageState.WAITING:
        return f"{who} · Waiting to send"
    if message.state is MessageState.REFUSED:
        return f"{who} · Not sent"
    parts = [who, f"{at:%a %-d %b, %H:%M}"]
    if message.seen:
        parts.append("Seen")
    return " · ".join(parts)


class MessageBubble(QFrame):
    """A message in a rounded box (styled by ``mine`` and ``state`` in the theme)."""

    def __init__(self, message: ChatMessage, zone: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBubble")
        self.setProperty("mine", "true" if message.mine else "false")
        self.setProperty("state", message.state.value)
        self.message = message
        self.header = QLabel(heading(message, zone))
        self.header.setObjectName("messageHeading")
        self.body = QLabel(message.body)
        self.body.setObjectName("messageBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box = QVBoxLayout(self)
        box.setContentsMargins(10, 6, 10, 8)
        box.setSpacing(2)
        box.addWidget(self.header)
        box.addWidget(self.body)
        if message.state is MessageState.REFUSED and message.refusal:
            why = QLabel(message.refusal)
            why.setProperty("role", "error")
            why.setWordWrap(True)
            box.addWidget(why)
        self.setAccessibleName(f"{heading(message, zone)}: {message.body}")


def aligned(bubble: MessageBubble) -> QWidget:
    """A row holding the bubble on its side: the person's own on the right, others' on the
    left, each at most about four fifths of the width."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    if bubble.message.mine:
        row.addStretch(1)
    row.addWidget(bubble, 4)
    if not bubble.message.mine:
        row.addStretch(1)
    return holder
