"""Notices inside the window: shown over the bottom of their host, acted on, gone by themselves;
and the window's use of them for an hour edit that opened a day off (with Undo of that edit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.app_fixtures import MakeApp
from tests.ui.conftest import SaveShot
from tests.ui.sample_data import WEEK, now_in_week, realistic_week
from tests.ui.test_screenshots_panels import themed  # noqa: F401 - the fixture
from tests.ui.test_week_view_editing import drag
from ui.appearance.theme import Palette
from ui.calendar.commands import is_latest, undo_if_latest
from ui.widgets.notice_bar import MOST, Notice, NoticeBar


@pytest.fixture
def host(qtbot: QtBot) -> QWidget:
    page = QWidget()
    page.setObjectName("detailPane")  # a plain page, painted like one
    page.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
    QLabel("The week would be here.", page).move(20, 20)
    qtbot.addWidget(page)
    page.resize(900, 420)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_a_notice_floats_over_the_bottom_of_its_host_and_acts(qtbot: QtBot, host: QWidget):
    bar = NoticeBar(host)
    shown: list[str] = []
    notice = bar.show_notice(
        "Ana Xu booked Piano, Tue 8 Dec at 13:00.",
        action="Show",
        on_action=lambda: shown.append("lesson"),
    )
    assert notice.isVisible()
    area = bar.geometry()
    assert host.rect().contains(area)
    assert host.height() - area.bottom() < 40  # at the bottom
    assert abs(area.center().x() - host.rect().center().x()) <= 1  # centred
    assert not notice.isWindow()  # part of the window: nothing to click away first
    qtbot.mouseClick(notice.action_button, Qt.MouseButton.LeftButton)
    assert shown == ["lesson"]
    assert bar.notices() == []  # acted on: gone
    assert not bar.isVisible()


def test_the_bar_tells_its_newest_notice_and_an_action_runs_once(qtbot: QtBot, host: QWidget):
    bar = NoticeBar(host)
    assert (bar.text(), bar.action_text(), bar.newest()) == ("", "", None)
    ran: list[str] = []
    first = bar.show_notice(
        "Lesson marked completed.", action="Undo", on_action=lambda: ran.append("u")
    )
    assert (bar.text(), bar.action_text()) == ("Lesson marked completed.", "Undo")
    bar.show_notice("Saved.")  # the newest is what the bar tells; the older keeps its own Undo
    assert (bar.text(), bar.action_text()) == ("Saved.", "")
    assert first.action_text() == "Undo"
    with qtbot.waitSignal(first.closed):
        qtbot.mouseClick(first.action_button, Qt.MouseButton.LeftButton)
    assert ran == ["u"]
    first.action_button.click()  # a stale press does nothing more
    first.trigger()
    assert ran == ["u"]
    assert bar.text() == "Saved."


def test_closing_a_notice_does_not_run_its_action(qtbot: QtBot, host: QWidget):
    bar = NoticeBar(host)
    ran: list[str] = []
    notice = bar.show_notice("First", action="Undo", on_action=lambda: ran.append("first"))
    notice.close_button.click()
    assert ran == []
    assert bar.text() == ""
    assert not bar.isVisible()


def test_an_action_is_withdrawn_once_it_no_longer_applies(qtbot: QtBot, host: QWidget):
    stack = QUndoStack()
    first, later = QUndoCommand("Paint hours on Thu 13 Mar"), QUndoCommand("Paint hours on Sun")
    stack.push(first)
    bar = NoticeBar(host)
    notice = bar.show_notice(
        "Thursday was a day off.", action="Undo", on_action=lambda: undo_if_latest(stack, first)
    )
    notice.keep_action_while(stack.indexChanged, lambda: is_latest(stack, first))
    assert notice.action_text() == "Undo"
    stack.push(later)  # something done after it: its Undo would do nothing now
    assert notice.action_text() == ""
    assert notice.action_button is None
    assert bar.notices() == [notice]  # the sentence stays
    notice.trigger()
    assert stack.index() == 2  # the later edit is kept
    stack.undo()  # the notice keeps no stale button even when its edit is last again
    assert notice.action_text() == ""


def test_an_unknown_tone_is_a_programming_error(host: QWidget):
    with pytest.raises(ValueError, match="tone"):
        NoticeBar(host).show_notice("Hello", tone="shouting")


def test_a_notice_goes_by_itself_but_not_while_pointed_at(qtbot: QtBot, host: QWidget):
    bar = NoticeBar(host)
    notice = bar.show_notice("Saved.", timeout_ms=300)
    assert notice.remaining_ms() > 0
    inside = QPointF(5, 5)
    QApplication.sendEvent(notice, QEnterEvent(inside, inside, inside))
    assert notice.remaining_ms() == -1  # paused while the pointer rests on it
    assert bar.notices() == [notice]
    QApplication.sendEvent(notice, QEvent(QEvent.Type.Leave))
    assert notice.remaining_ms() > 0
    with qtbot.waitSignal(notice.closed, timeout=5_000):
        pass
    assert bar.notices() == []
    assert bar.text() == ""


def test_a_lasting_notice_stays_until_closed(qtbot: QtBot, host: QWidget):
    bar = NoticeBar(host)
    notice = bar.show_notice("Not booked: the time was taken.", tone="warning", timeout_ms=0)
    assert notice.remaining_ms() == -1
    notice.close_button.click()
    assert bar.notices() == []


def test_only_a_few_notices_at_once_the_oldest_make_room(qtbot: QtBot, host: QWidget):
    bar = NoticeBar(host)
    made = [bar.show_notice(f"Notice {n}") for n in range(MOST + 2)]
    assert bar.notices() == made[-MOST:]
    assert all(n.isVisible() for n in bar.notices())
    tops = [n.geometry().top() for n in bar.notices()]
    assert tops == sorted(tops)  # newest lowest
    host.resize(500, 300)  # the bar follows its host
    assert host.rect().contains(bar.geometry())


def test_the_window_says_a_day_off_was_opened_and_undoes_that_edit(
    qtbot: QtBot, make_app: MakeApp, save_shot: SaveShot
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
    assert window.tabs.geometry().contains(bar.geometry().translated(window.tabs.pos()))
    save_shot(window, "notice_day_off_opened")
    notice = bar.newest()
    assert notice is not None
    notice.trigger()  # its Undo
    assert view.display_week().days[3].time_off  # back as it was
    assert window.undo_stack.index() == 0


def test_the_notices_undo_never_undoes_a_later_edit(qtbot: QtBot, make_app: MakeApp):
    window = make_app("http://127.0.0.1:9").window
    window.resize(1300, 820)
    window.show()
    qtbot.waitExposed(window)
    view = window.week_page.view
    view.set_snapshot(realistic_week())
    view.set_now(now_in_week())
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(8 * 60))
    drag(qtbot, view, (3, "10:00"), (3, "10:45"))  # opens Thursday: a notice with Undo
    on_sunday = WEEK + timedelta(days=6)
    drag(qtbot, view, (6, "10:00"), (6, "10:45"))  # an ordinary edit after it
    notice = window.notice_bar.newest()
    assert notice is not None
    assert "Thursday 13 March was a day off" in notice.text()  # still up: worth reading
    assert notice.action_text() == ""  # but its Undo went: Thursday is no longer the last edit
    notice.trigger()
    days = {d.date: d for d in view.snapshot().days}
    assert days[on_sunday].ranges  # kept
    assert window.undo_stack.index() == 2


def test_notices_screenshot(qtbot: QtBot, host: QWidget, save_shot, themed: Palette):  # noqa: F811
    bar = NoticeBar(host, palette=themed)
    bar.show_notice(
        "Ben Okafor cancelled Piano lesson, Fri 11 Dec at 13:00: “Flu, sorry.”",
        tone="warning",
        action="Show",
    )
    bar.show_notice(
        "Lesson booked: Ana Xu · Piano lesson, Tue 8 Dec at 13:00. The student sees "
        "it in their bookings.",
        tone="success",
        action="Undo",
    )
    bar.show_notice("Booking undone: the lesson is cancelled and the student is told.")
    assert all(isinstance(n, Notice) for n in bar.notices())
    save_shot(host, f"notices_{themed.name}")
