"""Pictures of the admin's workspace on the demo studio: the table, the detail pane with a
history, the chart with its summary, an instructor's week (read only); light and dark.

The PNGs go to tmp_path and, when ``INSTAINSTRU_SCREENSHOT_DIR`` is set, there too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.admin_fixtures import AdminApp, admin_app, run_db, wait_for_table  # noqa: F401
from tests.ui.app_fixtures import READY_MS
from ui.admin.cells import HEADERS, Column
from ui.admin.window import AdminWindow

SaveShot = Callable[[QWidget, str], Path]


def open_busy_booking(qtbot: QtBot, window: AdminWindow) -> str:
    """Select a booking with a history of more than one entry (cancelled by someone)."""
    page = window.bookings
    page.filters.choose_statuses(("cancelled",))
    wait_for_table(qtbot, window)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.detail.detail is not None, timeout=READY_MS)
    detail = page.detail.detail
    assert detail is not None
    return detail.lesson.booking_id


def shots(qtbot: QtBot, window: AdminWindow, save_shot: SaveShot, theme: str) -> None:
    window.tabs.setCurrentWidget(window.bookings)
    header = window.bookings.table.horizontalHeader()
    cut = [HEADERS[c] for c in Column if header.sectionSize(c) < header.sectionSizeHint(c)]
    assert not cut, f"titles cut short in the {theme} theme: {cut}"
    save_shot(window, f"admin-table-{theme}")
    open_busy_booking(qtbot, window)
    save_shot(window, f"admin-detail-{theme}")
    window.bookings.filters.reset()
    wait_for_table(qtbot, window)
    window.tabs.setCurrentWidget(window.charts)
    qtbot.waitUntil(lambda: bool(window.charts.chart.weeks()), timeout=READY_MS)
    qtbot.waitUntil(lambda: window.charts.summary.summary.rowCount() > 0, timeout=READY_MS)
    save_shot(window, f"admin-chart-{theme}")
    window.tabs.setCurrentWidget(window.week)
    qtbot.waitUntil(lambda: window.week.view.snapshot() is not None, timeout=READY_MS)
    save_shot(window, f"admin-week-{theme}")


@pytest.mark.slow
def test_screenshots_of_the_admin_workspace(
    qtbot: QtBot,
    admin_app: AdminApp,  # noqa: F811
    save_shot: SaveShot,
) -> None:
    window = admin_app.window
    shots(qtbot, window, save_shot, "light")
    window.set_theme("dark")
    shots(qtbot, window, save_shot, "dark")
    window.set_theme("light")
    assert admin_app.presented.messages == []
