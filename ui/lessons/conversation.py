"""A lesson's conversation in the detail pane: its messages, oldest first, and a box to write.

It shows a :class:`~instainstru_desktop.services.views.Conversation` and turns "send" into a
signal; it writes nothing itself (``ConversationPanel`` does). What is being typed survives a
fresher read of the same conversation (after a sync, say); a new message scrolls into view.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from instainstru_desktop.services.views import Conversation
from ui.lessons.bubble import MessageBubble, aligned
from ui.lessons.composer import Composer

LIST_HEIGHT = (120, 340)  # the list's height: at least, at most (it scrolls beyond)


class ConversationView(QWidget):
    """Messages of one lesson and the composer."""

    sendRequested = Signal(str, str)  # noqa: N815 - Qt signal: booking id, text
    appeared = Signal()  # came on screen (its tab or pane was shown): it is being read now

    def __init__(self, parent: QWidget | None = None, *, time_zone: str = "UTC") -> None:
        super().__init__(parent)
        self.setObjectName("conversation")
        self.setAccessibleName("Messages about this lesson")
        self._zone = time_zone
        self._conversation: Conversation | None = None
        self._bubbles: list[MessageBubble] = []
        self.caption = QLabel("Messages")
        self.caption.setProperty("role", "caption")
        self.empty = QLabel("")
        self.empty.setProperty("role", "subtitle")
        self.empty.setWordWrap(True)
        self._rows = QWidget()
        self._rows.setObjectName("messageList")
        self._rows_layout = QVBoxLayout(self._rows)
        self._rows_layout.setContentsMargins(2, 2, 2, 2)
        self._rows_layout.setSpacing(6)
        self._rows_layout.addStretch(1)
        self.list_area = QScrollArea()
        self.list_area.setObjectName("messageScroll")
        self.list_area.setWidgetResizable(True)
        self.list_area.setFrameShape(QFrame.Shape.NoFrame)
        self.list_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_area.setWidget(self._rows)
        self.composer = Composer()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.caption)
        layout.addWidget(self.empty)
        layout.addWidget(self.list_area)
        layout.addWidget(self.composer)
        self.composer.sendRequested.connect(self._send)
        self._settle_later = QTimer(self)  # once the new rows are laid out; dies with the view
        self._settle_later.setSingleShot(True)
        self._settle_later.setInterval(0)
        self._settle_later.timeout.connect(self._settle)
        self._scroll_down = False
        self.set_conversation(None)

    # -- public -----------------------------------------------------------------------------

    def booking_id(self) -> str | None:
        return self._conversation.booking_id if self._conversation else None

    def conversation(self) -> Conversation | None:
        return self._conversation

    def bubbles(self) -> list[MessageBubble]:
        return list(self._bubbles)

    def set_time_zone(self, zone: str) -> None:
        self._zone = zone
        self.set_conversation(self._conversation)

    def set_conversation(self, conversation: Conversation | None) -> None:
        """Show a conversation; a fresher read of the same one keeps what is being typed."""
        before = self._conversation
        same = (
            conversation is not None
            and before is not None
            and conversation.booking_id == before.booking_id
        )
        if not same:
            self.composer.clear()
        self._conversation = conversation
        self.setVisible(conversation is not None)
        if conversation is None:
            return
        grew = not same or len(conversation.messages) > len(before.messages if before else ())
        self._fill(conversation)
        first = conversation.other_name.split(" ")[0] or "the student"
        self.composer.set_placeholder(f"Write to {first}…")
        self.caption.setText(
            f"Messages ({conversation.unread} new)" if conversation.unread else "Messages"
        )
        self.empty.setVisible(not conversation.messages)
        self.empty.setText(
            f"No messages yet. Write to {first} about this lesson: they read it on their "
            "lesson page."
        )
        self._scroll_down = self._scroll_down or grew
        self._settle_later.start()

    def _settle(self) -> None:
        """Size the list to its laid-out rows, and bring a new message into view."""
        self._fit()
        if self._scroll_down:
            self._scroll_down = False
            self.scroll_to_newest()

    def scroll_to_newest(self) -> None:
        bar = self.list_area.verticalScrollBar()
        bar.setValue(bar.maximum())

    def sent(self) -> None:
        """The message in the box was queued: empty the box for the next one."""
        self.composer.clear()

    def show_problem(self, text: str) -> None:
        self.composer.show_problem(text)

    # -- inside -----------------------------------------------------------------------------

    def _fill(self, conversation: Conversation) -> None:
        layout = self._rows_layout
        while layout.count() > 1:  # every row, not the stretch that keeps them at the bottom
            item = layout.takeAt(1)
            row = item.widget() if item is not None else None
            if row is not None:
                row.setParent(None)
                row.deleteLater()
        self._bubbles = [MessageBubble(message, self._zone) for message in conversation.messages]
        for bubble in self._bubbles:
            row = aligned(bubble)
            layout.addWidget(row)
            row.show()  # added to a list that may be hidden now: shown with it, whenever
        self.list_area.setVisible(bool(conversation.messages))
        self._fit()

    def _fit(self) -> None:
        """As tall as the messages need at this width (word-wrapped), within LIST_HEIGHT."""
        low, high = LIST_HEIGHT
        width = max(self.width() - self.list_area.verticalScrollBar().sizeHint().width(), 120)
        wanted = self._rows.heightForWidth(width)
        wanted = (wanted if wanted > 0 else self._rows.sizeHint().height()) + 4
        self.list_area.setFixedHeight(max(low, min(high, wanted)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.appeared.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._bubbles:
            self._fit()

    def _send(self, text: str) -> None:
        booking = self.booking_id()
        if booking is not None:
            self.sendRequested.emit(booking, text)
