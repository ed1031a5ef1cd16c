"""The admin window's actions, and the menus and toolbar that offer them.

Each action is made once, with its shortcut; every one is in a menu (reachable from the
keyboard), the most used also on the toolbar. Actions on bookings act on the table's
selection, so they work on one booking or on many.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QToolBar

from ui.appearance import icons
from ui.appearance.theme import Palette, ThemeChoice

if TYPE_CHECKING:
    from ui.admin.window import AdminWindow

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class AdminWindowActions:
    """Every action of one admin window."""

    def __init__(self, window: AdminWindow) -> None:
        self._window = window
        self._themed: list[tuple[QAction, str]] = []
        page, acts = window.bookings, window.admin_actions
        self.sync = self._action("&Sync now", window.sync_now, "F5", "sync")
        self.export_csv = self._action(
            "Export as &CSV…", lambda: window.export("csv"), "Ctrl+E", "export"
        )
        self.export_ics = self._action("Export as i&Calendar…", lambda: window.export("ics"))
        self.sign_in = self._action(
            "Sign in as &another account…", window.account.sign_in_as_another, None, "user"
        )
        self.sign_out = self._action("Sign &out", window.account.sign_out)
        self.server = self._action("Connect to a &server…", self._change_server)
        self.quit = self._action("&Quit", window.close, QKeySequence.StandardKey.Quit)
        self.undo = self._action("&Undo", acts.undo, QKeySequence.StandardKey.Undo, "undo")
        self.undo.setEnabled(False)
        self.flag = self._action(
            "&Flag for review…", lambda: page.with_selection(acts.flag), "Ctrl+Shift+F", "flag"
        )
        self.unflag = self._action("C&lear the flag", lambda: page.with_selection(acts.unflag))
        self.cancel = self._action(
            "&Cancel lessons…", lambda: page.with_selection(acts.cancel), "Ctrl+Shift+X", "cross"
        )
        self.move = self._action(
            "&Move lesson…",
            lambda: page.with_selection(lambda ids: acts.move(ids[0])),
            "Ctrl+Shift+M",
            "calendar",
        )
        self.find = self._action("Fin&d…", self._focus_search, QKeySequence.StandardKey.Find)
        self.clear_filters = self._action("Clear &filters", page.filters.reset)
        self.about = self._action("&About InstaInstru", window.show_about)
        #: What needs a signed-in session: off until it is up.
        self.of_session = [
            self.sync,
            self.export_csv,
            self.export_ics,
            self.sign_out,
            self.flag,
            self.unflag,
            self.cancel,
            self.move,
        ]
        self.of_selection = [self.flag, self.unflag, self.cancel, self.move]
        self.enable_session(False)
        acts.undoChanged.connect(self._on_undo_changed)
        page.selectionCounted.connect(self._on_selection)
        window.tabs.currentChanged.connect(lambda _tab: self._on_selection(page.selected_count()))

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: Shortcut = None, icon: str = ""
    ) -> QAction:
        action = QAction(text, self._window)
        if icon:
            action.setIcon(icons.icon(icon, self._window.palette_))
            self._themed.append((action, icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def enable_session(self, enabled: bool) -> None:
        for action in self.of_session:
            action.setEnabled(enabled)
        self._on_selection(self._window.bookings.selected_count() if enabled else 0)

    def _on_selection(self, count: int) -> None:
        """The booking actions act on the table's selection: only while the table is shown
        (on another tab the selection is out of sight, and a shortcut would act on it)."""
        window = self._window
        up = window.session.is_ready and window.tabs.currentWidget() is window.bookings
        for action in self.of_selection:
            action.setEnabled(up and count > 0)
        self.move.setEnabled(up and count == 1)

    def _on_undo_changed(self, text: str | None) -> None:
        self.undo.setEnabled(text is not None)
        self.undo.setText(f"&Undo {text[0].lower()}{text[1:]}" if text else "&Undo")

    def _focus_search(self) -> None:
        window = self._window
        window.tabs.setCurrentWidget(window.bookings)
        window.bookings.filters.text.setFocus()
        window.bookings.filters.text.selectAll()

    def _change_server(self) -> None:
        from ui.settings.flow import SettingsFlow

        SettingsFlow(self._window).change_server()  # type: ignore[arg-type]

    def toolbar(self) -> QToolBar:
        bar = QToolBar("Bookings", self._window)
        bar.setObjectName("adminToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (
            self.undo,
            None,
            self.flag,
            self.cancel,
            self.move,
            None,
            self.export_csv,
            None,
            self.sync,
        ):
            if action is None:
                bar.addSeparator()
            else:
                bar.addAction(action)
        self.undo.setIconText("Undo")
        self.flag.setIconText("Flag…")
        self.cancel.setIconText("Cancel…")
        self.move.setIconText("Move…")
        self.export_csv.setIconText("Export…")
        return bar

    def fill_menus(self, menu: QMenuBar) -> None:
        file_menu = menu.addMenu("&File")
        for entry in (
            self.sync,
            self.export_csv,
            self.export_ics,
            None,
            self.sign_in,
            self.sign_out,
            self.server,
            None,
            self.quit,
        ):
            file_menu.addSeparator() if entry is None else file_menu.addAction(entry)
        edit = menu.addMenu("&Edit")
        for entry in (self.undo, None, self.find, self.clear_filters):
            edit.addSeparator() if entry is None else edit.addAction(entry)
        bookings = menu.addMenu("&Bookings")
        for entry in (self.flag, self.unflag, self.cancel, self.move):
            bookings.addAction(entry)
        view = menu.addMenu("&View")
        tabs = self._window.tabs
        for index in range(tabs.count()):
            action = view.addAction(tabs.tabText(index))
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(partial(tabs.setCurrentIndex, index))
        theme_menu = view.addMenu("&Theme")
        for choice in ThemeChoice:
            theme = theme_menu.addAction(choice.value.capitalize())
            theme.triggered.connect(partial(self._window.set_theme, choice.value))
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.about)

    def retheme(self, palette: Palette) -> None:
        for action, name in self._themed:
            action.setIcon(icons.icon(name, palette))
