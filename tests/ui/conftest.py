"""Fixtures of the UI tests: a shown week view on known data, and a screenshot saver."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.sample_data import WEEK, empty_week, now_in_week
from ui.calendar.week_view import WeekView
from ui.main_thread_gc import MainThreadCollector

SaveShot = Callable[[QWidget, str], Path]


@pytest.fixture(scope="session", autouse=True)
def main_thread_gc(qapp: QApplication) -> Iterator[MainThreadCollector]:
    """Cycles are collected on the UI thread, as in the app (servers and sync engines in the
    tests run threads too: a widget freed on one of them crashed a later test)."""
    collector = MainThreadCollector(qapp)
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _collect_between_tests(main_thread_gc: MainThreadCollector) -> Iterator[None]:
    """A test seldom spins the event loop long enough for the timer: look after each one."""
    yield
    main_thread_gc.collect_due()


@pytest.fixture
def week_view(qtbot) -> WeekView:
    """An empty week (no hours, no lessons), 1000×700, shown, scrolled to the top."""
    view = WeekView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.set_snapshot(empty_week(WEEK))
    view.set_now(now_in_week(WEEK))
    view.show()
    qtbot.waitExposed(view)
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(8 * 60))
    assert view.week_geometry().scroll_y == view.verticalScrollBar().value()
    return view


@pytest.fixture
def save_shot(tmp_path: Path) -> SaveShot:
    """Save a widget's picture into tmp_path, and into $INSTAINSTRU_SCREENSHOT_DIR when set."""

    def save(widget: QWidget, name: str) -> Path:
        # Let pending layout requests run first, as the event loop would before a real paint.
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        picture = widget.grab()
        path = tmp_path / f"{name}.png"
        assert picture.save(str(path)), f"could not write {path}"
        extra = os.environ.get("INSTAINSTRU_SCREENSHOT_DIR")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            assert picture.save(str(Path(extra) / f"{name}.png"))
        assert not picture.isNull()
        return path

    return save


# -- the whole app against a real server (tests/ui/test_app*.py) --------------------------------
# Defined in tests/ui/app_fixtures.py; imported here so that pytest finds them for every UI test.
from tests.ui.app_fixtures import (  # noqa: E402, F401
    demo_database,
    live_server,
    make_app,
    signed_in_app,
)
