"""The keyboard-shortcuts window (F1): every shortcut of the window, made when it opens.

Nothing here is written twice: the menus' actions are read with the shortcuts they carry right
now, the pages with the mnemonics of their tab titles, and the week's own keys from
:data:`ui.calendar.key_help.WEEK_KEYS`. The window is not modal: it can stay open beside the
week while the keys are tried.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.calendar.key_help import WEEK_KEYS

NATIVE = QKeySequence.SequenceFormat.NativeText
Row = tuple[str, str]  # what it does, the keys


def menu_rows(menu_bar: QMenuBar) -> list[tuple[str, list[Row]]]:
    """Each menu's title and its actions that have a shortcut (submenus included)."""
    sections = []
    for top in menu_bar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        rows = list(_action_rows(menu.actions()))
        if rows:
            sections.append((plain(top.text()), rows))
    return sections


def _action_rows(actions: Iterable[QAction]) -> Iterable[Row]:
    for action in actions:
        submenu = action.menu()
        if isinstance(submenu, QMenu):
            yield from _action_rows(submenu.actions())
        elif not action.isSeparator() and not action.shortcut().isEmpty():
            keys = " / ".join(s.toString(NATIVE) for s in action.shortcuts())
            yield plain(action.text()), keys


def page_rows(tabs: QTabWidget) -> list[Row]:
    """The pages, by the Alt+letter of their tab titles."""
    rows = []
    for index in range(tabs.count()):
        title = tabs.tabText(index)
        key = QKeySequence.mnemonic(title)
        if not key.isEmpty():
            rows.append((plain(title).split(" (")[0], key.toString(NATIVE)))
    return rows


def week_rows() -> list[Row]:
    return [(key.does, key.shown) for key in WEEK_KEYS]


def plain(text: str) -> str:
    """A menu text without its mnemonic marker ("&Sync now" → "Sync now")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class ShortcutsWindow(QDialog):
    """Shortcuts grouped by menu, then the pages, then the week's own keys."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsWindow")
        self.setWindowTitle("Keyboard shortcuts")
        self.setModal(False)
        self.resize(560, 700)
        layout = QVBoxLayout(self)
        intro = QLabel("Everything can be done from the keyboard. Menus also open with Alt.")
        intro.setProperty("role", "subtitle")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcuts")
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setIndentation(18)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        layout.addWidget(self.tree, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self._close = buttons.button(QDialogButtonBox.StandardButton.Close)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._close is not None:  # Enter or Escape closes; Tab reaches the list to scroll
            self._close.setFocus()

    def fill(self, sections: Iterable[tuple[str, list[Row]]]) -> None:
        """Show these sections (a fresh read of the window's shortcuts)."""
        self.tree.clear()
        for title, rows in sections:
            head = QTreeWidgetItem([title, ""])
            head.setFirstColumnSpanned(True)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            # a little air above each section: the groups read apart at a glance
            head.setSizeHint(0, QSize(0, self.fontMetrics().height() * 7 // 4 + 4))
            head.setTextAlignment(0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            self.tree.addTopLevelItem(head)
            for does, keys in rows:
                head.addChild(QTreeWidgetItem([does, keys]))
        self.tree.expandAll()

    def rows(self) -> list[Row]:
        """Every (action, keys) row shown, in order."""
        found: list[Row] = []
        for top in range(self.tree.topLevelItemCount()):
            head = self.tree.topLevelItem(top)
            children = (head.child(n) for n in range(head.childCount())) if head else ()
            found.extend((item.text(0), item.text(1)) for item in children if item is not None)
        return found
