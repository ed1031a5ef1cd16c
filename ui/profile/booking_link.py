"""Your booking page: its address on a studio server, to open or to copy and share.

On the built-in server there is no page (it answers only this app), which the box says instead
of offering actions that would lead nowhere; on a server that does not serve the pages, the
same. The address itself is asked of the server (``sync.booking_page``), off the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ui.profile.widgets import Card, card, label, set_tone

UrlOpener = Callable[[QUrl], bool]
ASKING = "Asking the server for your page’s address…"
OFFLINE = (
    "The server cannot be reached right now, so your page’s address is not known here. "
    "It appears when the connection is back."
)


class BookingLinkBox(Card):
    """The address and its two actions, or why there is no page."""

    linkChanged = Signal(str)  # noqa: N815 - the address ("" when there is none)
    copied = Signal(str)  # the address put on the clipboard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: How an address is opened: the desktop's browser (a test puts its own here).
        self.open_url: UrlOpener = QDesktopServices.openUrl
        self._url = ""
        layout = card(self, "bookingPageCard", "Your booking page")
        self.address = QLabel()
        self.address.setObjectName("bookingAddress")
        self.address.setProperty("role", "value")
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.address.setWordWrap(True)
        self.note = label("", "subtitle", "bookingPageNote")
        self.open_button = QPushButton("&Open my booking page")
        self.open_button.setObjectName("openBookingPage")
        self.copy_button = QPushButton("Cop&y link")
        self.copy_button.setObjectName("copyBookingLink")
        self.open_button.clicked.connect(self.open_page)
        self.copy_button.clicked.connect(self.copy_link)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        layout.addWidget(self.address)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.show_asking()

    @property
    def url(self) -> str:
        """The page's address ("" while there is none)."""
        return self._url

    def show_url(self, url: str) -> None:
        self._set(url, "Students open this address to see your free times and book.", "")

    def show_no_page(self, reason: str, *, tone: str = "") -> None:
        """No page to open: say why; the actions are hidden rather than left to fail."""
        self._set("", reason, tone)

    def show_asking(self) -> None:
        self._set("", ASKING, "")

    def show_offline(self) -> None:
        self._set("", OFFLINE, "warning")

    def _set(self, url: str, note: str, tone: str) -> None:
        self._url = url
        self.address.setText(url)
        self.address.setVisible(bool(url))
        self.note.setText(note)
        set_tone(self.note, tone)
        for button in (self.open_button, self.copy_button):
            button.setVisible(bool(url))
            button.setEnabled(bool(url))
        self.refit(self.address, self.note)
        self.linkChanged.emit(url)

    def open_page(self) -> None:
        if self._url:
            self.open_url(QUrl(self._url))

    def copy_link(self) -> None:
        if not self._url:
            return
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self._url)
        self.note.setText("The address is on the clipboard: paste it where students find you.")
        self.copied.emit(self._url)
