"""A banner at the top of the window for a message that just arrived: from whom, the start of
what they wrote, and a way to open the lesson (or to put the banner away)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette


class MessageBanner(QFrame):
    """Hidden until there is news; Open asks for the lesson, × puts the banner away."""

    openRequested = Signal(str)  # noqa: N815 - Qt signal: booking id

    def __init__(self, parent: QWidget | None = None, *, palette: Palette = LIGHT) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setAccessibleName("New message")
        self._booking = ""
        self.mark = QLabel()
        self.mark.setPixmap(icon("message", palette, "accent").pixmap(18, 18))
        self.text = QLabel()
        self.text.setObjectName("messageBannerText")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(False)
        self.open_button = QPushButton("&Open the lesson")
        self.open_button.setProperty("role", "link")
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAccessibleName("Dismiss")
        self.close_button.setToolTip("Dismiss")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 8, 6)
        row.setSpacing(10)
        row.addWidget(self.mark)
        row.addWidget(self.text, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.close_button)
        self.open_button.clicked.connect(self._open)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def announce(self, text: str, booking_id: str) -> None:
        self._booking = booking_id
        self.text.setText(text)
        self.text.setToolTip(text)
        self.show()

    def set_theme(self, palette: Palette) -> None:
        self.mark.setPixmap(icon("message", palette, "accent").pixmap(18, 18))

    def _open(self) -> None:
        self.hide()
        if self._booking:
            self.openRequested.emit(self._booking)
