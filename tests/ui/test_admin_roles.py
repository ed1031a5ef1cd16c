"""The window is built for the signed-in role, on the embedded default too.

The demo admin is one "Sign in as another account" away on the built-in server (no
``--server``); signing out and in as the other role builds the other window. An instructor's
window has no admin view, the admin's window none of the instructor's week tools.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from instainstru_desktop.config import EMBEDDED, load_settings
from instainstru_desktop.server.seed.demo import DEMO_ADMIN, DEMO_INSTRUCTOR
from instainstru_desktop.sync.remembered import RememberedSignIns
from tests.ui.app_fixtures import READY_MS, copy_database
from ui.account.sign_in import SignInDialog
from ui.admin.window import AdminWindow
from ui.settings.preferences import Preferences
from ui.shell.host import WindowHost
from ui.shell.main_window import MainWindow

ADMIN_ONLY = ("bookings", "charts", "week")
INSTRUCTOR_ONLY = ("week_page", "lessons_view", "attention_view", "settings_flow")


@pytest.fixture
def host(qtbot: QtBot, tmp_path: Path, demo_database: Path) -> Iterator[WindowHost]:
    """The app's window host on a profile whose built-in server holds the demo studio."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style_sheet, palette = app.styleSheet(), QPalette(app.palette())
    settings = load_settings(profile=tmp_path / "profile", environ={})
    settings.embedded_database_path.parent.mkdir(parents=True, exist_ok=True)
    copy_database(demo_database, settings.embedded_database_path)
    preferences = Preferences.load(settings.config_dir).with_theme("light")
    made = WindowHost(settings, preferences)
    yield made
    if made.window is not None:
        made.window.close()
        made.shutdown()
    app.setStyleSheet(style_sheet)
    app.setPalette(palette)


def ready(qtbot: QtBot, host: WindowHost, built: int) -> MainWindow | AdminWindow:
    """Wait for the ``built``-th window to be up and signed in."""
    qtbot.waitUntil(lambda: host.built == built, timeout=READY_MS)
    window = host.window
    assert window is not None
    qtbot.waitUntil(lambda: window.session.is_ready, timeout=READY_MS)
    return window


def answer_sign_in(monkeypatch: pytest.MonkeyPatch, email: str, password: str) -> list[str]:
    asked: list[str] = []

    def ask(_parent: object, _server: str, reason: str = "") -> tuple[str, str]:
        asked.append(reason)
        return email, password

    monkeypatch.setattr(SignInDialog, "ask", ask)
    return asked


def menu_texts(window: MainWindow | AdminWindow) -> set[str]:
    texts = set()
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is not None:
            texts |= {a.text().replace("&", "") for a in menu.actions() if a.text()}  # type: ignore[attr-defined]
    return texts


def test_the_demo_admin_is_one_sign_in_away_on_the_built_in_server_and_back(
    qtbot: QtBot, host: WindowHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    host.open(show=False)
    first = ready(qtbot, host, 1)
    assert isinstance(first, MainWindow)  # the first run: the demo instructor
    assert first.session.core.identity.email == DEMO_INSTRUCTOR.email
    for name in ADMIN_ONLY:
        assert not hasattr(first, name)
    assert {"Sign in as another account…", "Sign out"} <= menu_texts(first)

    asked = answer_sign_in(monkeypatch, DEMO_ADMIN.email, DEMO_ADMIN.password)
    first.account.sign_in_as_another()
    admin = ready(qtbot, host, 2)
    assert isinstance(admin, AdminWindow)
    assert "Demo accounts on this built-in server" in asked[0]  # the form names the admin
    assert admin.session.core.identity.role == "admin"
    for name in INSTRUCTOR_ONLY:
        assert not hasattr(admin, name)
    texts = menu_texts(admin)
    assert {"Sign in as another account…", "Sign out", "Export as CSV…"} <= texts
    assert not {"Copy last week", "Time off…", "Make this my usual week", "Settings…"} & texts
    qtbot.waitUntil(lambda: admin.bookings.model.counted, timeout=READY_MS)
    assert admin.bookings.model.rowCount() > 100  # every instructor's bookings, from the cache

    # signing out: nobody is signed in on their own; whoever signs in gets their window
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    asked = answer_sign_in(monkeypatch, DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password)
    admin.account.sign_out()
    qtbot.waitUntil(lambda: host.built >= 3, timeout=READY_MS)
    again = ready(qtbot, host, host.built)
    assert isinstance(again, MainWindow)
    assert asked
    assert asked[0].startswith("You signed out.")
    assert again.session.core.identity.email == DEMO_INSTRUCTOR.email
    remembered = RememberedSignIns(host.settings.session_path)
    assert remembered.role(EMBEDDED) == "instructor"
    assert not remembered.signed_out(EMBEDDED)


def test_an_admin_remembered_on_this_computer_gets_the_admin_window_at_start(
    qtbot: QtBot, host: WindowHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    host.open(show=False)
    first = ready(qtbot, host, 1)
    answer_sign_in(monkeypatch, DEMO_ADMIN.email, DEMO_ADMIN.password)
    first.account.sign_in_as_another()
    ready(qtbot, host, 2)
    host.shutdown()
    assert host.window is not None
    host.window.close()

    restarted = WindowHost(host.settings, host.preferences)
    restarted.open(show=False)
    try:
        window = ready(qtbot, restarted, 1)
        assert isinstance(window, AdminWindow)
    finally:
        restarted.shutdown()
        if restarted.window is not None:
            restarted.window.close()


def test_a_wrong_password_keeps_the_window_and_the_account(
    qtbot: QtBot, host: WindowHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    host.open(show=False)
    first = ready(qtbot, host, 1)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    answer_sign_in(monkeypatch, DEMO_ADMIN.email, "not-the-password")
    first.account.sign_in_as_another()
    qtbot.waitUntil(lambda: bool(warned), timeout=READY_MS)
    assert "did not match" in warned[0]
    assert host.built == 1
    assert host.window is first
    assert first.session.core.identity.email == DEMO_INSTRUCTOR.email
