"""Notices inside the window: shown over the bottom of their host, acted on, gone by themselves."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.test_screenshots_panels import themed  # noqa: F401 - the fixture
from ui.appearance.theme import Palette
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
