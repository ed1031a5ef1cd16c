"""The Profile menu: go to the page, open the booking page, copy its address.

The two booking-page actions follow the page's address: off while there is none (the built-in
server, a server without student pages, no connection), so the menu never offers a dead end.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from ui.profile.booking_link import BookingLinkBox


class ProfileActions:
    """The menu's actions, for one window and its booking-page box."""

    def __init__(self, window: QWidget, box: BookingLinkBox, show_page: Callable[[], None]) -> None:
        self.show_page = QAction("Edit my &profile", window)
        self.show_page.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.show_page.triggered.connect(show_page)
        self.open_page = QAction("&Open my booking page", window)
        self.open_page.triggered.connect(box.open_page)
        self.copy_link = QAction("&Copy my booking page link", window)
        self.copy_link.triggered.connect(box.copy_link)
        box.linkChanged.connect(self._follow)
        self._follow(box.url)

    def _follow(self, url: str) -> None:
        for action in (self.open_page, self.copy_link):
            action.setEnabled(bool(url))
            action.setToolTip(url or "No booking page to open here")

    def menu(self, parent: QWidget) -> QMenu:
        menu = QMenu("P&rofile", parent)
        menu.setObjectName("profileMenu")
        menu.addAction(self.show_page)
        menu.addSeparator()
        menu.addAction(self.open_page)
        menu.addAction(self.copy_link)
        return menu
