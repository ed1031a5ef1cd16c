"""The in-window notice: non-modal, one at a time, an optional action, and the window's use of it
for an hour edit that opened a day off (with Undo of that very edit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.app_fixtures import MakeApp
from tests.ui.conftest import SaveShot
from tests.ui.sample_data import WEEK, now_in_week, realistic_week
from tests.ui.test_screenshots_panels import themed  # noqa: F401 - a fixture
from tests.ui.test_week_view_editing import drag
from ui.widgets.notice_bar import NoticeBar


@pytest.fixture
def bar(qtbot) -> NoticeBar:
    notice = NoticeBar()
    qtbot.addWidget(notice)
    notice.resize(720, 48)
    return notice


def test_a_notice_shows_its_text_and_action_and_runs_the_action_once(qtbot, bar):
    assert not bar.isVisible()
    assert bar.text() == ""
    ran: list[str] = []
    bar.show_notice("Lesson marked completed.", action="Undo", on_action=lambda: ran.append("u"))
    assert bar.isVisible()
    assert (bar.text(), bar.action_text()) == ("Lesson marked completed.", "Undo")
    with qtbot.waitSignal(bar.closed):
        qtbot.mouseClick(bar.action_button, Qt.MouseButton.LeftButton)
    assert ran == ["u"]
    assert not bar.isVisible()
    bar.action_button.click()  # a stale button press does nothing more
    assert ran == ["u"]


def test_a_newer_notice_replaces_the_older_one_and_its_action(qtbot, bar):
    ran: list[str] = []
    bar.show_notice("First", action="Undo", on_action=lambda: ran.append("first"))
    bar.show_notice("Second")  # no action: the first one's Undo must not linger
    assert bar.text() == "Second"
    assert bar.action_text() == ""
    assert not bar.action_button.isVisible()
    bar.close_button.click()
    assert ran == []
    assert not bar.isVisible()


def test_a_notice_closes_by_itself(qtbot, bar):
    bar.move(0, 400)  # away from the pointer: resting on it keeps a notice open
    bar.show_notice("Saved.", shown_ms=50)
    with qtbot.waitSignal(bar.closed, timeout=2_000):
        pass
    assert bar.text() == ""


def test_an_unknown_tone_is_a_programming_error(bar):
    with pytest.raises(ValueError, match="tone"):
        bar.show_notice("Hello", tone="shouting")


def test_the_window_says_a_day_off_was_opened_and_undoes_that_edit(
    qtbot, make_app: MakeApp, save_shot: SaveShot
):
    window = make_app("http://127.0.0.1:9").window  # never started: the view alone is tested
    window.resize(1300, 820)
    window.show()
    qtbot.waitExposed(window)
    view = window.week_page.view
    view.set_snapshot(realistic_week())
    view.set_now(now_in_week())
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(8 * 60))
    assert view.display_week().days[3].time_off  # Thursday is a day off
    drag(qtbot, view, (3, "10:00"), (3, "10:45"))
    bar = window.notice_bar
    qtbot.waitUntil(bar.isVisible)
    assert bar.text() == "Thursday 13 March was a day off; students can now book 10:00–11:00 there."
    assert bar.action_text() == "Undo"
    save_shot(window, "notice_day_off_opened")
    bar.action_button.click()
    assert view.display_week().days[3].time_off  # back as it was
    assert window.undo_stack.index() == 0


def test_the_notices_undo_never_undoes_a_later_edit(qtbot, make_app: MakeApp):
    window = make_app("http://127.0.0.1:9").window
    window.resize(1300, 820)
    window.show()
    qtbot.waitExposed(window)
    view = window.week_page.view
    snap = realistic_week()
    view.set_snapshot(snap)
    view.set_now(now_in_week())
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(8 * 60))
    drag(qtbot, view, (3, "10:00"), (3, "10:45"))  # opens Thursday: a notice with Undo
    on_sunday = WEEK + timedelta(days=6)
    drag(qtbot, view, (6, "10:00"), (6, "10:45"))  # an ordinary edit after it
    assert window.notice_bar.action_text() == "Undo"  # the Thursday notice is still up
    window.notice_bar.action_button.click()
    days = {d.date: d for d in view.snapshot().days}
    assert days[on_sunday].ranges  # kept
    assert window.undo_stack.index() == 2


def test_notice_bar_screenshot(qtbot, save_shot, themed):  # noqa: F811 - the fixture
    bar = NoticeBar()
    qtbot.addWidget(bar)
    bar.resize(760, 60)
    bar.show_notice(
        "Ana García's lesson on Fri 14 Mar at 14:00 is now outside your hours. It stays booked "
        "and is listed under Needs attention.",
        tone="warning",
        action="Undo",
    )
    qtbot.waitExposed(bar)
    QApplication.processEvents()
    save_shot(bar, f"notice_bar_{themed.name}")
