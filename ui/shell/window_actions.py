"""The main window's actions, and the toolbar and menus that offer them.

Each action is made once, with its shortcut and icon, and placed in the menus (so every one is
reachable from the keyboard) and, for the week's most used ones, in the toolbar. Icons are
tinted for one palette; :meth:`WindowActions.retheme` tints them again for another. "Sync now"
lives in the File menu and the status bar, not a third time in the week's toolbar; the Theme
menu's choices are checkable, one of them checked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenuBar, QSizePolicy, QToolBar, QWidget

from ui.appearance import icons
from ui.appearance.theme import Palette, ThemeChoice

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class WindowActions:
    """Every action of one main window."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._themed: list[tuple[QAction, str]] = []  # icons to tint again for another theme
        self.theme_actions: dict[str, QAction] = {}  # the Theme menu's choices, by name
        page = window.week_page
        self.prev = self._action("&Previous week", lambda: page.step(-1), "Alt+Left", "prev")
        self.today = self._action("&Today", page.go_today, "Ctrl+T", "today")
        self.next = self._action("&Next week", lambda: page.step(1), "Alt+Right", "next")
        self.goto = self._action("&Go to date…", page.go_to_date, "Ctrl+G", "calendar")
        self.undo, self.redo = self._undo_redo()
        self.copy_last = self._action("&Copy last week", page.copy_last_week, None, "paint")
        self.usual = self._action("Make this my &usual week", page.make_usual_week)
        self.time_off = self._action("Time &off…", page.take_time_off, None, "time-off")
        self.sync = self._action("&Sync now", window.sync_now, "F5", "sync")
        self.settings = self._action(
            "S&ettings…", window.settings_flow.open, QKeySequence.StandardKey.Preferences,
            "settings",
        )
        if self.settings.shortcut().isEmpty():
            self.settings.setShortcut(QKeySequence("Ctrl+,"))
        self.server = self._action("Connect to a &server…", window.settings_flow.change_server)
        self.export_ics = self._action("&Export my lessons as .ics…", window.export_my_lessons)
        self.sign_in = self._action(
            "Sign in as &another account…", window.account.sign_in_as_another, None, "user"
        )
        self.sign_out = self._action("Sign &out", window.account.sign_out)
        self.quit = self._action("&Quit", window.close, QKeySequence.StandardKey.Quit)
        self.about = self._action("&About InstaInstru", window.show_about)
        self.keys = self._action("&Keyboard shortcuts", window.show_keys, "F1")
        #: What needs a signed-in session: off until it is up.
        self.of_session = [
            self.copy_last, self.usual, self.time_off, self.sync, self.settings, self.export_ics,
            self.sign_out,
        ]
        self.enable_session(False)

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

    def _undo_redo(self) -> tuple[QAction, QAction]:
        stack, window = self._window.undo_stack, self._window
        undo = stack.createUndoAction(window, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(window, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        for action, name in ((undo, "undo"), (redo, "redo")):
            action.setIcon(icons.icon(name, window.palette_))
            self._themed.append((action, name))
            # The stack renames these "Undo Clear hours on Fri 27 Nov"; the menu and the tooltip
            # say so, the toolbar keeps one word, or the long text pushes "Sync now" off its end.
            action.setIconText(name.capitalize())
        return undo, redo

    def enable_session(self, enabled: bool) -> None:
        for action in self.of_session:
            action.setEnabled(enabled)

    def toolbar(self, title: QWidget, zones: QWidget) -> QToolBar:
        """The week's toolbar: moving through weeks, undo, the usual edits, zone and sync."""
        bar = QToolBar("Week", self._window)
        bar.setObjectName("weekToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.prev, self.today, self.next):
            bar.addAction(action)
        bar.addWidget(title)
        bar.addSeparator()
        bar.addAction(self.undo)
        bar.addAction(self.redo)
        bar.addSeparator()
        bar.addAction(self.copy_last)
        bar.addAction(self.time_off)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, spacer.sizePolicy().verticalPolicy())
        bar.addWidget(spacer)
        bar.addWidget(zones)
        return bar

    def fill_menus(self, menu: QMenuBar) -> None:
        file_menu = menu.addMenu("&File")
        for action in (self.sync, self.settings, self.export_ics):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.sign_in, self.sign_out, self.server):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit = menu.addMenu("&Edit")
        edit.addAction(self.undo)
        edit.addAction(self.redo)
        view = menu.addMenu("&View")
        for action in (self.prev, self.today, self.next, self.goto):
            view.addAction(action)
        theme_menu = view.addMenu("&Theme")
        group = QActionGroup(theme_menu)
        group.setExclusive(True)
        for choice in ThemeChoice:
            theme = theme_menu.addAction(f"&{choice.value.capitalize()}")
            theme.setCheckable(True)
            group.addAction(theme)
            theme.triggered.connect(partial(self._window.set_theme, choice.value))
            self.theme_actions[choice.value] = theme
        self.show_theme(self._window.preferences.theme)
        week = menu.addMenu("W&eek")
        for action in (self.copy_last, self.usual, self.time_off):
            week.addAction(action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.keys)
        help_menu.addAction(self.about)

    def show_theme(self, choice: str) -> None:
        """Check the Theme menu's entry of the theme in use."""
        action = self.theme_actions.get(choice)
        if action is not None:
            action.setChecked(True)

    def all_actions(self) -> list[QAction]:
        """Every action of the window (the keyboard-shortcuts window lists those with keys)."""
        return [
            self.prev, self.today, self.next, self.goto, self.undo, self.redo, self.copy_last,
            self.usual, self.time_off, self.sync, self.settings, self.server, self.quit,
            self.about, self.keys, *self.theme_actions.values(),
        ]

    def retheme(self, palette: Palette) -> None:
        """Tint the icons for another palette (dark ones would vanish on a dark toolbar)."""
        for action, name in self._themed:
            action.setIcon(icons.icon(name, palette))
