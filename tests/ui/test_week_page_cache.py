"""Hours painted on the week page reach the cache, the outbox and, after a sync, the server.

The whole app against a real server on loopback (``tests/ui/app_fixtures.py``): the mouse and
the keyboard drive the real ``MainWindow``'s week view; the cache is read back through the
database executor, as the pages read it; the server is asked over HTTP as the instructor.

The background sync scheduler is paused in every test so that "pending" is a state one can look
at: the outbox rows stay open and the cache-backed view keeps its pending marker until the test
itself presses "Sync now" (``session.sync_now``). The edited week is six weeks ahead, past the
four weeks of lessons the demo seed books, so no lesson sits under the mouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR
from instainstru_desktop.services.views import DayHours, HoursRange, SyncMark, WeekSnapshot
from instainstru_desktop.store.repositories.outbox import OPEN, OutboxMutation
from tests.ui.app_fixtures import LiveServer, RunningApp, read_db
from tests.ui.sample_data import hours
from ui.calendar.ranges import format_minutes
from ui.calendar.state import CellBlock
from ui.calendar.week_page import monday_of
from ui.calendar.week_view import WeekView
from ui.shell.main_window import MainWindow

pytestmark = pytest.mark.slow

ADD, REMOVE = "availability.add_date_hours", "availability.remove_date_hours"
#: Weeks ahead of today: the seed books lessons four weeks ahead, this week has none.
WEEKS_AHEAD = 6
TUE, WED, SUN = 1, 2, 6  # day columns (the display zone is the instructor's own)
#: The demo instructor's usual hours on Monday to Saturday (``seed_data.HOURS["mon-sat"]``).
USUAL = hours(("09:00", "12:00"), ("13:00", "17:00"))
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier
NONE = Qt.KeyboardModifier.NoModifier


def slot(clock: str) -> int:
    h, m = clock.split(":")
    return (int(h) * 60 + int(m)) // 15


def wire(ranges: tuple[HoursRange, ...]) -> list[dict[str, str]]:
    """Ranges as the outbox and the API carry them (``HH:MM``)."""
    return [{"start": format_minutes(r.start), "end": format_minutes(r.end)} for r in ranges]


@dataclass(frozen=True)
class CacheState:
    """What the cache holds for the week: its own overrides (as wire ranges) and the outbox."""

    overrides: dict[str, list[dict[str, Any]]]
    outbox: list[OutboxMutation]
    open_count: int
    week: WeekSnapshot

    def new_rows(self, since: CacheState) -> list[OutboxMutation]:
        known = {m.mutation_id for m in since.outbox}
        return [m for m in self.outbox if m.mutation_id not in known]


@dataclass
class EditingWeek:
    """The main window showing the future week, the background sync paused."""

    app: RunningApp
    monday: date
    qtbot: QtBot

    @property
    def window(self) -> MainWindow:
        return self.app.window

    @property
    def view(self) -> WeekView:
        return self.window.week_page.view

    def day(self, column: int) -> date:
        return self.monday + timedelta(days=column)

    def cache(self) -> CacheState:
        """The cache, read on the database executor (after every edit already submitted)."""
        store = self.window.session.core.store
        availability = self.window.session.services.availability
        iid, monday = self.app.instructor_id, self.monday

        def read() -> CacheState:
            with store.read() as uow:
                overrides = uow.availability.overrides(
                    iid, monday.isoformat(), (monday + timedelta(days=6)).isoformat()
                )
                outbox, open_count = uow.outbox.all(), uow.outbox.open_count()
            return CacheState(overrides, outbox, open_count, availability.week(iid, monday))

        return read_db(self.qtbot, self.window, read)

    def settled(self) -> CacheState:
        """Wait until every write and re-read has run, then the cache and the view must agree."""
        self.qtbot.waitUntil(lambda: not self.window.ops.busy(), timeout=10_000)
        state = self.cache()
        self.qtbot.waitUntil(lambda: not self.window.ops.busy(), timeout=10_000)
        shown = self.view.snapshot()
        assert shown is not None
        assert shown.week_start == self.monday
        assert shown.days == state.week.days, "the view does not show what the cache holds"
        return state

    def shown(self, column: int) -> DayHours:
        week = self.view.snapshot()
        assert week is not None
        assert week.week_start == self.monday
        return week.days[column]

    def drag(self, start: tuple[int, str], end: tuple[int, str]) -> None:
        """Press on a cell, move through the middle to another, release."""
        first = min(slot(start[1]), slot(end[1])) * 15
        bar = self.view.verticalScrollBar()
        bar.setValue(self.view.week_geometry().scroll_for_minute(first - 60))
        geo = self.view.week_geometry()
        assert geo.scroll_y == bar.value()
        a = geo.cell_center(start[0], slot(start[1]))
        b = geo.cell_center(end[0], slot(end[1]))
        body = geo.body_rect().adjusted(0, 20, 0, -20)  # clear of the auto-scroll edges
        assert body.contains(a), "the first cell is not on screen"
        assert body.contains(b), "the last cell is not on screen"
        vp = self.view.viewport()
        left = Qt.MouseButton.LeftButton
        # QTest directly: what qtbot's (untyped) mouse helpers forward to
        QTest.mousePress(vp, left, NONE, a)
        QTest.mouseMove(vp, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
        QTest.mouseMove(vp, b)
        QTest.mouseRelease(vp, left, NONE, b)

    def keys(self, *presses: Qt.Key | tuple[Qt.Key, Qt.KeyboardModifier]) -> None:
        for press in presses:
            key, mods = press if isinstance(press, tuple) else (press, NONE)
            QTest.keyClick(self.view, key, mods)


def pause_background_sync(qtbot: QtBot, window: MainWindow) -> None:
    core = window.session.core
    core.scheduler.stop()  # joins a sync that runs now; its report may still be queued
    assert not core.scheduler.running
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)


@pytest.fixture
def editing(qtbot: QtBot, signed_in_app: RunningApp) -> EditingWeek:
    """The signed-in window on a week six weeks ahead: no lessons, no overrides, nothing queued."""
    window = signed_in_app.window
    pause_background_sync(qtbot, window)
    zone = ZoneInfo(window.session.core.identity.time_zone)
    monday = monday_of(datetime.now(zone).date()) + timedelta(weeks=WEEKS_AHEAD)
    window.week_page.go_to(monday)

    def shows_it() -> bool:
        shown = window.week_page.view.snapshot()
        return shown is not None and shown.week_start == monday and not window.ops.busy()

    qtbot.waitUntil(shows_it, timeout=10_000)
    week = EditingWeek(signed_in_app, monday, qtbot)
    start = week.settled()
    assert start.week.lessons == (), "the chosen week has lessons: pick another"
    assert start.overrides == {}, "the chosen week already has dates of its own"
    assert start.open_count == 0, "edits are queued before the test starts"
    assert [d.ranges for d in start.week.days] == [USUAL] * 6 + [()]
    assert window.undo_stack.count() == 0
    return week


def hour_rows(rows: list[OutboxMutation]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(intent, date, ranges): a paint or an erase is queued as the hours it opened or closed;
    a date given back to the usual week has no ranges of its own."""
    return [(m.name, m.args["date"], m.args.get("ranges", [])) for m in rows]


# -- 1. painting with the mouse --------------------------------------------------------------------


def test_dragging_over_empty_cells_paints_that_range_into_the_cache_and_one_outbox_row(
    editing: EditingWeek,
) -> None:
    before = editing.cache()
    sunday = editing.day(SUN)
    editing.drag((SUN, "10:00"), (SUN, "11:45"))

    # shown at once, before the cache has it, and marked as not yet synced
    assert editing.shown(SUN).ranges == hours(("10:00", "12:00"))
    assert editing.shown(SUN).mark is SyncMark.PENDING

    after = editing.settled()
    assert after.overrides == {sunday.isoformat(): wire(hours(("10:00", "12:00")))}
    new = after.new_rows(before)
    assert hour_rows(new) == [(ADD, sunday.isoformat(), wire(hours(("10:00", "12:00"))))]
    assert new[0].args["instructor_id"] == editing.app.instructor_id
    assert new[0].status in OPEN
    assert after.open_count == before.open_count + 1
    # the view now shows the cache's read: its own hours, still pending; the rest untouched
    assert editing.shown(SUN) == DayHours(
        sunday, hours(("10:00", "12:00")), True, False, SyncMark.PENDING
    )
    assert [d.ranges for d in after.week.days[:6]] == [USUAL] * 6
    assert all(d.mark is SyncMark.SYNCED for d in after.week.days[:6])
    assert editing.window.undo_stack.count() == 1


def test_a_drag_over_two_days_queues_one_row_per_changed_date(editing: EditingWeek) -> None:
    before = editing.cache()
    saturday, sunday = editing.day(SUN - 1), editing.day(SUN)
    editing.drag((SUN - 1, "18:00"), (SUN, "19:45"))

    after = editing.settled()
    evening = hours(("18:00", "20:00"))
    saturday_hours = (*USUAL, *evening)
    assert after.overrides == {
        saturday.isoformat(): wire(saturday_hours),
        sunday.isoformat(): wire(evening),
    }
    assert sorted(hour_rows(after.new_rows(before))) == [
        (ADD, saturday.isoformat(), wire(evening)),
        (ADD, sunday.isoformat(), wire(evening)),
    ]
    assert after.open_count == before.open_count + 2
    assert editing.shown(SUN - 1).ranges == saturday_hours
    assert editing.shown(SUN).ranges == evening
    assert {editing.shown(SUN - 1).mark, editing.shown(SUN).mark} == {SyncMark.PENDING}
    assert editing.window.undo_stack.count() == 1  # one gesture, one undo step


# -- 2. erasing with the mouse ---------------------------------------------------------------------


def test_dragging_over_painted_hours_erases_them_in_the_cache_with_one_row_per_date(
    editing: EditingWeek,
) -> None:
    before = editing.cache()
    tuesday, wednesday = editing.day(TUE), editing.day(WED)
    editing.drag((TUE, "14:00"), (WED, "15:45"))  # starts on teaching hours: erases

    left = hours(("09:00", "12:00"), ("13:00", "14:00"), ("16:00", "17:00"))
    assert editing.shown(TUE).ranges == left
    after = editing.settled()
    assert after.overrides == {tuesday.isoformat(): wire(left), wednesday.isoformat(): wire(left)}
    assert sorted(hour_rows(after.new_rows(before))) == [
        (REMOVE, tuesday.isoformat(), wire(hours(("14:00", "16:00")))),
        (REMOVE, wednesday.isoformat(), wire(hours(("14:00", "16:00")))),
    ]
    assert after.open_count == before.open_count + 2
    for column in (TUE, WED):
        assert editing.shown(column).ranges == left
        assert editing.shown(column).mark is SyncMark.PENDING
    assert editing.shown(WED + 1).ranges == USUAL  # Thursday keeps the usual week

    # painted by this test, then erased again: the second gesture is one more row
    editing.drag((SUN, "10:00"), (SUN, "11:45"))
    painted = editing.settled()
    editing.drag((SUN, "10:30"), (SUN, "10:45"))
    erased = editing.settled()
    assert erased.overrides[editing.day(SUN).isoformat()] == wire(
        hours(("10:00", "10:30"), ("11:00", "12:00"))
    )
    assert hour_rows(erased.new_rows(painted)) == [
        (REMOVE, editing.day(SUN).isoformat(), wire(hours(("10:30", "11:00"))))
    ]


# -- 3. undo and redo ------------------------------------------------------------------------------


def test_undo_and_redo_restore_the_view_and_the_cache_each_as_a_new_intent(
    editing: EditingWeek,
) -> None:
    stack = editing.window.undo_stack
    wednesday = editing.day(WED).isoformat()
    evening = (*USUAL, *hours(("18:00", "20:00")))
    start = editing.cache()

    editing.drag((WED, "18:00"), (WED, "19:45"))
    painted = editing.settled()
    assert painted.overrides == {wednesday: wire(evening)}
    assert stack.count() == 1
    assert stack.canUndo()

    stack.undo()
    assert editing.shown(WED).ranges == USUAL  # at once
    undone = editing.settled()
    # the date followed the usual week before the edit, and follows it again: no copy of it
    assert undone.overrides == {}
    assert editing.shown(WED).ranges == USUAL
    assert not editing.shown(WED).from_override

    stack.redo()
    redone = editing.settled()
    assert redone.overrides == {wednesday: wire(evening)}
    assert editing.shown(WED).ranges == evening

    # a second edit, then Ctrl+Z in the focused view: one step back, not two (the window's
    # Undo action and the view both know the key)
    editing.drag((WED, "10:00"), (WED, "10:45"))  # starts on teaching hours: erases
    gap = hours(("09:00", "10:00"), ("11:00", "12:00"), ("13:00", "17:00"), ("18:00", "20:00"))
    assert editing.settled().overrides == {wednesday: wire(gap)}
    assert stack.count() == 2
    editing.view.setFocus()
    editing.qtbot.waitUntil(editing.view.hasFocus)
    editing.keys((Qt.Key.Key_Z, CTRL))
    by_key = editing.settled()
    assert by_key.overrides == {wednesday: wire(evening)}
    assert editing.shown(WED).ranges == evening
    assert stack.index() == 1
    assert stack.count() == 2

    # every step was queued as its own intent, in order, for that date only: the hours it
    # opened or closed (the step back to the usual week gives the date back to it)
    assert hour_rows(by_key.new_rows(start)) == [
        (ADD, wednesday, wire(hours(("18:00", "20:00")))),
        ("availability.clear_date", wednesday, []),
        (ADD, wednesday, wire(hours(("18:00", "20:00")))),
        (REMOVE, wednesday, wire(hours(("10:00", "11:00")))),
        (ADD, wednesday, wire(hours(("10:00", "11:00")))),
    ]
    assert by_key.open_count == start.open_count + 5


# -- 4. the keyboard-only path ---------------------------------------------------------------------


def test_the_keyboard_paints_the_same_as_a_drag(editing: EditingWeek) -> None:
    before = editing.cache()
    sunday = editing.day(SUN)
    view = editing.view
    view.setFocus()
    editing.qtbot.waitUntil(view.hasFocus)

    # from wherever the cursor is: Monday, midnight; then Sunday, 10:00 (Ctrl+Down is an hour)
    editing.keys(Qt.Key.Key_Home, (Qt.Key.Key_Home, CTRL), Qt.Key.Key_End)
    editing.keys(*[(Qt.Key.Key_Down, CTRL)] * 10)
    assert view.cursor_cell() == (SUN, slot("10:00"))
    editing.keys(*[(Qt.Key.Key_Down, SHIFT)] * 7)
    assert view.selection() == CellBlock(SUN, slot("10:00"), SUN, slot("11:45"))
    assert editing.cache().open_count == before.open_count  # selecting writes nothing
    editing.keys(Qt.Key.Key_Space)

    assert editing.shown(SUN).ranges == hours(("10:00", "12:00"))
    after = editing.settled()
    assert after.overrides == {sunday.isoformat(): wire(hours(("10:00", "12:00")))}
    assert hour_rows(after.new_rows(before)) == [
        (ADD, sunday.isoformat(), wire(hours(("10:00", "12:00"))))
    ]
    assert after.open_count == before.open_count + 1
    assert editing.shown(SUN) == DayHours(
        sunday, hours(("10:00", "12:00")), True, False, SyncMark.PENDING
    )


# -- 5. sync ---------------------------------------------------------------------------------------


def server_days(live_server: LiveServer, iid: str, first: date, last: date) -> dict[str, Any]:
    instructor = live_server.client(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password)
    answer = instructor.get(
        f"/instructors/{iid}/availability",
        params={"from": first.isoformat(), "to": last.isoformat()},
    )
    assert answer.status_code == 200, answer.text
    return {d["date"]: d for d in answer.json()["days"]}


def test_after_a_sync_the_painted_hours_are_on_the_server_and_nothing_is_open(
    editing: EditingWeek, live_server: LiveServer
) -> None:
    iid = editing.app.instructor_id
    saturday, sunday = editing.day(SUN - 1), editing.day(SUN)

    def on_server() -> dict[str, Any]:
        return server_days(live_server, iid, editing.monday, sunday)

    assert on_server()[sunday.isoformat()] == {
        "date": sunday.isoformat(),
        "source": "template",
        "ranges": [],
    }

    editing.drag((SUN - 1, "18:00"), (SUN, "19:45"))
    queued = editing.settled()
    assert queued.open_count == 2
    assert on_server()[sunday.isoformat()]["ranges"] == []  # not sent yet: the sync is paused

    reports: list[Any] = []
    with editing.qtbot.waitSignal(editing.window.session.synced, timeout=30_000):
        editing.window.session.sync_now(reports.append)
    assert len(reports) == 1
    report = reports[0]
    assert report.ok, report
    assert (report.pushed, report.applied, report.rejected) == (2, 2, 0)

    days = on_server()
    assert days[saturday.isoformat()] == {
        "date": saturday.isoformat(),
        "source": "override",
        "ranges": wire((*USUAL, *hours(("18:00", "20:00")))),
    }
    assert days[sunday.isoformat()] == {
        "date": sunday.isoformat(),
        "source": "override",
        "ranges": wire(hours(("18:00", "20:00"))),
    }
    assert all(days[editing.day(c).isoformat()]["source"] == "template" for c in range(5))

    synced = editing.settled()
    assert synced.open_count == 0
    assert synced.new_rows(queued) == []  # the sync queued nothing of its own
    assert {m.status for m in synced.outbox if m.args.get("date") in days} == {"applied"}
    assert synced.overrides == {
        saturday.isoformat(): wire((*USUAL, *hours(("18:00", "20:00")))),
        sunday.isoformat(): wire(hours(("18:00", "20:00"))),
    }
    # the view follows the cache: the pending markers are gone
    assert editing.shown(SUN - 1).mark is SyncMark.SYNCED
    assert editing.shown(SUN).mark is SyncMark.SYNCED
    assert editing.shown(SUN).ranges == hours(("18:00", "20:00"))
