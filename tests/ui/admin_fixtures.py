"""The admin's window against a real server: the demo studio on loopback, the demo admin signed
in ("--server" mode, as a studio's admin runs it). Imported by the admin UI tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from instainstru_desktop.config import Settings, load_settings
from instainstru_desktop.server.seed.demo import DEMO_ADMIN
from tests.ui.app_fixtures import READY_MS, LiveServer, Presented
from ui.admin.window import AdminWindow
from ui.settings.preferences import Preferences

T = TypeVar("T")


@dataclass
class AdminApp:
    window: AdminWindow
    settings: Settings
    presented: Presented
    server: LiveServer


def wait_for_table(qtbot: QtBot, window: AdminWindow) -> None:
    """Until the table has its count and the rows on screen are read."""
    model = window.bookings.model
    qtbot.waitUntil(lambda: model.counted, timeout=READY_MS)
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=READY_MS)
    if model.rowCount():
        qtbot.waitUntil(lambda: model.row_at(0) is not None, timeout=READY_MS)


def run_db(qtbot: QtBot, window: AdminWindow, fn: Callable[[], T], timeout: int = 20_000) -> T:
    """A cache read or write the way the window does it (on the database executor)."""
    got: list[T] = []
    window.ops.run_db(fn, got.append, what="a test's read")
    qtbot.waitUntil(lambda: bool(got), timeout=timeout)
    return got[0]


@pytest.fixture
def admin_app(qtbot: QtBot, tmp_path: Path, live_server: LiveServer) -> Iterator[AdminApp]:
    """The admin window, signed in as the demo admin, its table read."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style_sheet, palette = app.styleSheet(), QPalette(app.palette())
    settings = load_settings(profile=tmp_path / "admin", server_url=live_server.url, environ={})
    preferences = Preferences.load(settings.config_dir).with_theme("light")
    window = AdminWindow(settings, preferences)
    qtbot.addWidget(window)
    presented = Presented()
    window.ops.set_presenter(presented)
    window.session.failed.connect(presented)
    window.resize(1440, 900)
    window.show()
    qtbot.waitExposed(window)
    window.session.start(DEMO_ADMIN.email, DEMO_ADMIN.password)
    qtbot.waitUntil(lambda: window.session.is_ready, timeout=READY_MS)
    wait_for_table(qtbot, window)
    yield AdminApp(window, settings, presented, live_server)
    window.close()
    window.shutdown()
    app.setStyleSheet(style_sheet)
    app.setPalette(palette)
