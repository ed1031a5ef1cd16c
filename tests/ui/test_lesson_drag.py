"""Dragging a lesson card to another time: the card shows where it would land and whether the
booking rules allow it there; a drop where they do asks for the move."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt

from instainstru_desktop.services.views import MoveOptions, Verdict
from tests.ui.conftest import SaveShot
from tests.ui.sample_data import WEEK, ZONE, now_in_week, realistic_week
from tests.ui.test_week_view_editing import slot
from ui.appearance.theme import DARK, LIGHT, Palette
from ui.calendar.week_view import WeekView

FRIDAY = WEEK + timedelta(days=4)


def berlin(day, clock: str) -> datetime:
    h, m = (int(x) for x in clock.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


@pytest.fixture
def view(qtbot) -> WeekView:
    v = WeekView()
    qtbot.addWidget(v)
    v.resize(1100, 760)
    v.set_snapshot(realistic_week())
    v.set_now(now_in_week())  # Wednesday 14:20
    v.show()
    qtbot.waitExposed(v)
    v.verticalScrollBar().setValue(v.week_geometry().scroll_for_minute(13 * 60))
    return v


def grab_point(view: WeekView, booking_id: str) -> QPoint:
    """The top of a card (the grip is at its start)."""
    rect = view.lesson_rects()[booking_id][0]
    return QPoint(int(rect.center().x()), int(rect.top()) + 3)


def drag_to(qtbot, view: WeekView, booking_id: str, day: int, clock: str, release: bool = True):
    start = grab_point(view, booking_id)
    target = view.week_geometry().cell_center(day, slot(clock))
    target.setY(int(view.week_geometry().y_for_minute(slot(clock) * 15)) + 3)
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(vp, pos=(start + target) / 2)
    qtbot.mouseMove(vp, pos=target)
    if release:
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=target)


def test_the_card_shows_where_it_would_land_and_asks_for_the_rules(qtbot, view):
    wanted = []
    view.movePlanWanted.connect(lambda *args: wanted.append(args))
    drag_to(qtbot, view, "b14", 4, "16:00", release=False)  # Ben, Wed 15:00 (45 min) -> Fri
    ghost = view.state.move
    assert ghost is not None
    assert (ghost.booking_id, ghost.day, ghost.start, ghost.minutes) == ("b14", 4, 16 * 60, 45)
    assert ghost.label == "Fri 14 Mar, 16:00–16:45"
    assert ghost.student == "Ben Okafor"
    assert ghost.allowed is None  # not known yet: the rules are being read
    [(booking, first, last)] = wanted
    assert booking == "b14"
    assert first <= WEEK
    assert last >= WEEK + timedelta(days=6)


def test_a_drop_where_the_rules_allow_it_asks_for_the_move(qtbot, view):
    drag_to(qtbot, view, "b14", 4, "15:30", release=False)
    free = (berlin(FRIDAY, "12:00"), berlin(FRIDAY, "16:00"))
    view.set_move_plan(MoveOptions("b14", ZONE, free, 45))
    qtbot.mouseMove(view.viewport(), pos=QPoint(grab_point(view, "b14").x(), 10))  # jiggle
    drag_target = view.week_geometry().cell_center(4, slot("16:00"))
    drag_target.setY(int(view.week_geometry().y_for_minute(16 * 60)) + 3)
    qtbot.mouseMove(view.viewport(), pos=drag_target)
    assert view.state.move is not None
    assert view.state.move.allowed is True
    with qtbot.waitSignal(view.lessonDropped) as dropped:
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=drag_target)
    assert dropped.args == ["b14", berlin(FRIDAY, "16:00")]
    assert view.state.move is None


def test_where_the_rules_refuse_the_card_says_why_and_a_drop_moves_nothing(qtbot, view):
    checks = []
    view.moveCheckWanted.connect(lambda booking, start: checks.append((booking, start)))
    view_plan = MoveOptions("b14", ZONE, (berlin(FRIDAY, "16:00"),), 45)
    drag_to(qtbot, view, "b14", 4, "16:00", release=False)
    view.set_move_plan(view_plan)
    target = view.week_geometry().cell_center(3, slot("16:00"))  # Thursday: a day off
    target.setY(int(view.week_geometry().y_for_minute(16 * 60)) + 3)
    qtbot.mouseMove(view.viewport(), pos=target)
    ghost = view.state.move
    assert ghost is not None
    assert ghost.allowed is False
    assert checks[-1] == ("b14", berlin(WEEK + timedelta(days=3), "16:00"))
    why = "This time is outside your teaching hours: Thu 13 Mar is a day off."
    view.set_move_verdict("b14", checks[-1][1], Verdict(False, "outside_availability", why))
    assert view.state.move is not None
    assert view.state.move.reason == why
    with qtbot.assertNotEmitted(view.lessonDropped), qtbot.waitSignal(view.dropRefused) as said:
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert said.args == [f"Not moved: {why}"]


def test_only_a_lesson_that_may_move_can_be_dragged_and_escape_puts_it_back(qtbot, view):
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(8 * 60))
    drag_to(qtbot, view, "b01", 4, "12:00", release=False)  # completed: stays where it is
    assert view.state.move is None
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton)
    view.verticalScrollBar().setValue(view.week_geometry().scroll_for_minute(13 * 60))
    drag_to(qtbot, view, "b14", 4, "16:00", release=False)
    assert view.state.move is not None
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.state.move is None
    with qtbot.assertNotEmitted(view.lessonDropped):
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton)


def test_a_click_on_a_lesson_is_still_a_click(qtbot, view):
    point = grab_point(view, "b14")
    with qtbot.assertNotEmitted(view.movePlanWanted):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert view.state.selected_booking == "b14"
    assert view.state.move is None


@pytest.mark.parametrize("palette", [LIGHT, DARK], ids=["light", "dark"])
def test_lesson_drag_screenshots(qtbot, view, save_shot: SaveShot, palette: Palette):
    view.set_theme(palette)
    drag_to(qtbot, view, "b14", 4, "16:00", release=False)
    view.set_move_plan(MoveOptions("b14", ZONE, (berlin(FRIDAY, "16:00"),), 45))
    target = view.week_geometry().cell_center(4, slot("16:00"))
    target.setY(int(view.week_geometry().y_for_minute(16 * 60)) + 3)
    qtbot.mouseMove(view.viewport(), pos=target)
    save_shot(view, f"lesson_drag_allowed_{palette.name}")
    target = view.week_geometry().cell_center(3, slot("15:00"))
    target.setY(int(view.week_geometry().y_for_minute(15 * 60)) + 3)
    qtbot.mouseMove(view.viewport(), pos=target)
    start = berlin(WEEK + timedelta(days=3), "15:00")
    why = "This time is outside your teaching hours: Thu 13 Mar is a day off."
    view.set_move_verdict("b14", start, Verdict(False, "outside_availability", why))
    save_shot(view, f"lesson_drag_refused_{palette.name}")
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=target)


def test_a_drop_before_the_rules_answered_leaves_the_check_to_the_move(qtbot, view):
    drag_to(qtbot, view, "b14", 4, "16:00", release=False)
    assert view.state.move is not None
    assert view.state.move.allowed is None  # the free times are not known yet
    view.set_move_plan(MoveOptions("b14", ZONE, (berlin(FRIDAY, "16:00"),), 45))
    target = view.week_geometry().cell_center(3, slot("16:00"))  # Thursday: not free ...
    target.setY(int(view.week_geometry().y_for_minute(16 * 60)) + 3)
    qtbot.mouseMove(view.viewport(), pos=target)
    assert view.state.move is not None
    assert (view.state.move.allowed, view.state.move.reason) == (False, "")  # ... why: asked
    with qtbot.assertNotEmitted(view.dropRefused), qtbot.waitSignal(view.lessonDropped) as dropped:
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
    assert dropped.args == ["b14", berlin(WEEK + timedelta(days=3), "16:00")]


def test_a_drop_back_where_the_lesson_is_does_nothing(qtbot, view):
    drag_to(qtbot, view, "b14", 4, "16:00", release=False)
    view.set_move_plan(MoveOptions("b14", ZONE, (berlin(FRIDAY, "16:00"),), 45))
    home = grab_point(view, "b14")
    qtbot.mouseMove(view.viewport(), pos=home)
    assert view.state.move is not None
    assert view.state.move.day == 2  # Wednesday, 15:00: where it is
    assert view.state.move.start == 15 * 60
    with qtbot.assertNotEmitted(view.dropRefused), qtbot.assertNotEmitted(view.lessonDropped):
        qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=home)
    assert view.state.move is None
