"""The main window's frame: a toolbar for the week only, one "Sync now", a Theme menu that shows
the theme, a keyboard-shortcuts window made from the real shortcuts, and the window's place and
size kept from one run to the next (and fitted to a smaller screen)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QMenu, QToolBar
from pytestqt.qtbot import QtBot

from tests.ui.app_fixtures import MakeApp
from tests.ui.conftest import SaveShot
from ui.calendar.key_help import WEEK_KEYS
from ui.calendar.keys import handle_key
from ui.calendar.week_view import WeekView
from ui.settings.preferences import Preferences
from ui.shell.main_window import MainWindow
from ui.shell.shortcuts import ShortcutsWindow


def shown(qtbot: QtBot, window: MainWindow) -> MainWindow:
    window.show()
    qtbot.waitExposed(window)
    return window


def test_the_week_toolbar_shows_with_the_week_only(qtbot: QtBot, make_app: MakeApp) -> None:
    window = shown(qtbot, make_app(None).window)
    toolbar = window.findChild(QToolBar, "weekToolbar")
    assert toolbar is not None
    assert toolbar.isVisible()
    for page in (window.lessons_view, window.attention_view):
        window.tabs.setCurrentWidget(page)
        assert not toolbar.isVisible(), page.objectName()
    window.tabs.setCurrentWidget(window.week_page)
    assert toolbar.isVisible()


def test_sync_now_is_offered_once(qtbot: QtBot, make_app: MakeApp) -> None:
    window = shown(qtbot, make_app(None).window)
    toolbar = window.findChild(QToolBar, "weekToolbar")
    assert toolbar is not None
    in_toolbar = [a for a in toolbar.actions() if a.text().replace("&", "") == "Sync now"]
    buttons = [
        b for b in window.findChildren(QAbstractButton)
        if b.isVisible() and b.text().replace("&", "") in ("Sync now", "Syncing…")
    ]
    assert in_toolbar == []
    assert buttons == [window.status_bar.sync_button]
    assert window.menu_actions.sync.shortcut() == QKeySequence("F5")  # and F5, File → Sync now


def test_the_theme_menu_shows_the_current_theme(qtbot: QtBot, make_app: MakeApp) -> None:
    window = make_app(None, theme="light").window
    themes = window.menu_actions.theme_actions
    assert set(themes) == {"light", "dark", "system"}
    assert all(action.isCheckable() for action in themes.values())
    assert [name for name, action in themes.items() if action.isChecked()] == ["light"]
    themes["dark"].trigger()
    assert window.preferences.theme == "dark"
    assert [name for name, action in themes.items() if action.isChecked()] == ["dark"]
    window.set_theme("light")  # as the settings dialog does
    assert [name for name, action in themes.items() if action.isChecked()] == ["light"]


def test_f1_opens_a_shortcuts_window_made_from_the_real_actions(
    qtbot: QtBot, make_app: MakeApp, save_shot: SaveShot
) -> None:
    window = shown(qtbot, make_app(None).window)
    keys = window.menu_actions.keys
    assert keys.shortcut() == QKeySequence("F1")
    keys.trigger()
    help_window = window.findChild(ShortcutsWindow)
    assert help_window is not None
    qtbot.waitExposed(help_window)
    assert not help_window.isModal()  # look at it while using the window
    rows = help_window.rows()
    native = QKeySequence.SequenceFormat.NativeText
    for action in window.menu_actions.all_actions():
        if action.shortcut().isEmpty():
            continue
        name = action.text().replace("&", "")
        assert (name, action.shortcut().toString(native)) in rows, name
    assert ("Next week", "Alt+Right") in rows
    assert any(name == "Paint or clear the selected hours" for name, _keys in rows)
    assert ("Week", "Alt+W") in rows  # the pages, from their mnemonics
    save_shot(help_window, "keyboard_shortcuts")

    window.menu_actions.goto.setShortcut(QKeySequence("Ctrl+J"))  # cannot drift: made anew
    keys.trigger()
    assert window.findChildren(ShortcutsWindow) == [help_window]
    assert ("Go to date…", "Ctrl+J") in help_window.rows()


def test_the_window_comes_back_where_it_was_left(
    qtbot: QtBot, make_app: MakeApp, tmp_path: Path
) -> None:
    screen = QGuiApplication.primaryScreen().availableGeometry()
    first = make_app(None).window
    first.setGeometry(QRect(screen.left() + 40, screen.top() + 30, 700, 480))
    shown(qtbot, first)
    left = first.geometry()
    first.close()
    config = tmp_path / "profile" / "config"
    assert Preferences.load(config).window == (left.x(), left.y(), left.width(), left.height())

    again = make_app(None).window
    assert again.geometry() == left


def test_a_window_from_a_bigger_screen_fits_this_one(
    qtbot: QtBot, make_app: MakeApp, tmp_path: Path
) -> None:
    screen = QGuiApplication.primaryScreen().availableGeometry()
    config = tmp_path / "profile" / "config"
    far = (screen.right() + 900, screen.bottom() + 700, screen.width() * 2, screen.height() * 2)
    Preferences.load(config).with_window(far, maximized=False).save()
    window = shown(qtbot, make_app(None).window)
    assert screen.contains(window.frameGeometry())  # title bar and all, in reach
    assert window.width() <= screen.width()
    assert window.windowState() & Qt.WindowState.WindowMaximized == Qt.WindowState.WindowNoState


def test_every_week_key_the_shortcuts_window_lists_is_one_the_week_acts_on(
    qtbot: QtBot, week_view: WeekView
) -> None:
    for key in WEEK_KEYS:
        for text in key.sequences:
            combo = QKeySequence(text)[0]
            event = QKeyEvent(QEvent.Type.KeyPress, combo.key(), combo.keyboardModifiers())
            assert handle_key(week_view, event), (key.shown, text)
    for menu in week_view.findChildren(QMenu):  # the Menu key opened the cursor's menu
        menu.close()
    assert not handle_key(
        week_view, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F7, Qt.KeyboardModifier.NoModifier)
    )


def test_a_maximized_window_comes_back_maximized_with_its_normal_size_kept(
    qtbot: QtBot, make_app: MakeApp, tmp_path: Path
) -> None:
    screen = QGuiApplication.primaryScreen().availableGeometry()
    first = make_app(None).window
    first.setGeometry(QRect(screen.left() + 60, screen.top() + 40, 700, 480))
    shown(qtbot, first)
    normal = first.geometry()
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized)
    first.close()
    saved = Preferences.load(tmp_path / "profile" / "config")
    assert saved.window_maximized
    assert saved.window == (normal.x(), normal.y(), normal.width(), normal.height())

    again = shown(qtbot, make_app(None).window)
    assert again.isMaximized()
    again.showNormal()
    qtbot.waitUntil(lambda: not again.isMaximized())
    assert again.size() == normal.size()
