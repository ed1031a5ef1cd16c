"""The core comes up after the saved week is painted, so its imports do not slow that paint."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.app_fixtures import READY_MS, LiveServer, MakeApp, wait_until_shown
from tests.ui.test_app_startup import booking_ids, previous_run
from ui.lessons.lessons_view import Tab
from ui.shell.first_paint import LATEST_MS, AfterFirstPaint


class PaintLog(QObject):
    """Notes, at each paint of a widget, what ``probe`` says then."""

    def __init__(self, widget: QWidget, probe: object) -> None:
        super().__init__(widget)
        self.probe = probe
        self.seen: list[object] = []
        widget.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            assert callable(self.probe)
            self.seen.append(self.probe())
        return False


def test_the_saved_week_is_painted_before_the_core_starts_loading(
    qtbot: QtBot, live_server: LiveServer, make_app: MakeApp
) -> None:
    saved = previous_run(qtbot, live_server, make_app)
    app = make_app(live_server.url)
    window = app.window
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    viewport = window.week_page.view.viewport()
    busy_at_paint = PaintLog(viewport, window.ops.busy)

    window.start()
    assert not window.ops.busy(), "nothing is loading before the saved week is painted"
    with qtbot.waitSignal(window.session.ready, timeout=READY_MS):
        qtbot.waitUntil(lambda: bool(busy_at_paint.seen), timeout=5_000)
        assert busy_at_paint.seen[0] is False
    wait_until_shown(qtbot, app)
    assert booking_ids(window.week_page.view.snapshot()) == booking_ids(saved)
    assert app.presented.messages == []


def test_runs_once_just_after_the_first_paint(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[bool] = []
    painted = PaintLog(widget, lambda: len(calls))
    latest = 1_000
    AfterFirstPaint(widget, lambda: calls.append(True), latest_ms=60_000)
    AfterFirstPaint(widget, lambda: calls.append(False), latest_ms=latest)
    assert calls == []
    widget.show()
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=30_000)
    assert painted.seen[0] == 0, "called after the paint, not before"
    widget.repaint()
    qtbot.wait(latest + 200)  # past the time limit: neither is called again
    assert sorted(calls) == [False, True]


def test_runs_anyway_when_the_widget_is_never_painted(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[bool] = []
    AfterFirstPaint(widget, lambda: calls.append(True))
    qtbot.waitUntil(lambda: bool(calls), timeout=LATEST_MS * 5)
    qtbot.wait(100)
    assert calls == [True]


def test_the_lesson_pages_are_built_after_the_saved_week_is_painted(
    qtbot: QtBot, live_server: LiveServer, make_app: MakeApp
) -> None:
    previous_run(qtbot, live_server, make_app)
    app = make_app(live_server.url)
    window = app.window
    tabs = window.tabs
    titles = [tabs.tabText(index) for index in range(tabs.count())]
    assert titles[:3] == ["&Week", "&Lessons", "Needs &attention"]  # on the bar from the start
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    viewport = window.week_page.view.viewport()
    built_at_paint = PaintLog(viewport, lambda: window._lesson_tabs is not None)

    with qtbot.waitSignal(window.session.ready, timeout=READY_MS):
        window.start()
    wait_until_shown(qtbot, app)
    assert built_at_paint.seen[0] is False, "the week was painted before the lesson pages"
    assert tabs.indexOf(window.lessons_view) == 1
    assert tabs.indexOf(window.attention_view) == 2
    assert tabs.currentWidget() is window.week_page  # putting them in place changed no page
    upcoming = window.lessons_view.models[Tab.UPCOMING].lessons()
    assert upcoming, "the lists were read once the session was ready"
    tabs.setCurrentWidget(window.lessons_view)
    assert window.lessons_view.isVisible()
