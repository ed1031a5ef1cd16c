"""Views re-read only what a change names, and still show every change.

A real window on a real server; the background sync and the live stream are stopped so that
only what a test does changes the cache. The reads the views ask for are counted by wrapping
the services' read methods (the real reads still run).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from instainstru_desktop.domain import week_start
from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR, STUDENT_PASSWORD
from instainstru_desktop.sync.engine import SyncReport
from tests.ui.app_fixtures import LiveServer, RunningApp, listed_card, shown_card
from tests.ui.test_app_live import free_slots
from ui.lessons.lessons_view import Tab

READS = {
    "week": ("availability", "week"),
    "upcoming": ("lessons", "upcoming"),
    "past": ("lessons", "past"),
    "cancelled": ("lessons", "cancelled"),
    "listed": ("lessons", "listed"),
    "detail": ("lessons", "detail"),
    "attention": ("attention", "items"),
    "status": ("status", "status"),
}
LISTS = ("upcoming", "past", "cancelled")


class Reads:
    """How often each view read ran since the last :meth:`counts`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, app: RunningApp) -> None:
        self._calls: Counter[str] = Counter()
        services = app.window.session.services
        for name, (service, method) in READS.items():
            target = getattr(services, service)
            monkeypatch.setattr(target, method, self._counted(name, getattr(target, method)))

    def _counted(self, name: str, read: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self._calls[name] += 1
            return read(*args, **kwargs)

        return counted

    def counts(self) -> dict[str, int]:
        """The counts so far (every name, zeros included), and start counting again."""
        found = {name: self._calls[name] for name in READS}
        self._calls.clear()
        return found


def settle(qtbot: QtBot, app: RunningApp) -> None:
    """Let every queued result arrive and every read it starts finish."""
    QApplication.processEvents()
    qtbot.waitUntil(lambda: not app.window.ops.busy(), timeout=15_000)
    QApplication.processEvents()


@pytest.fixture
def app(qtbot: QtBot, signed_in_app: RunningApp) -> RunningApp:
    core = signed_in_app.window.session.core
    core.live.stop()
    core.scheduler.stop()
    settle(qtbot, signed_in_app)
    return signed_in_app


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, app: RunningApp) -> Reads:
    counter = Reads(monkeypatch, app)
    settle(qtbot, app)
    counter.counts()
    return counter


def expect(**counts: int) -> dict[str, int]:
    return {name: counts.get(name, 0) for name in READS}


def note(qtbot: QtBot, app: RunningApp, booking_id: str, text: str) -> None:
    app.window.actions_.note(booking_id, text)
    settle(qtbot, app)


def test_a_note_on_a_lesson_of_another_week_reads_that_lesson_and_the_status(
    qtbot: QtBot, app: RunningApp, reads: Reads
) -> None:
    window = app.window
    monday = window.week_page.week_start
    zone = ZoneInfo(window.session.core.identity.time_zone)
    older = [
        card
        for card in window.lessons_view.models[Tab.PAST].lessons()
        if card.start.astimezone(zone).date() < monday
    ]
    assert older, "the demo studio has weeks of past lessons"
    lesson = older[0]

    note(qtbot, app, lesson.booking_id, "Worked on scales")

    assert reads.counts() == expect(listed=1, status=1)  # not the week, not the lists
    card = listed_card(window, Tab.PAST, lesson.booking_id)
    assert card is not None
    assert card.note == "Worked on scales"
    assert card.mark.value == "pending"
    assert app.presented.messages == []


def test_a_note_on_a_lesson_of_the_week_shown_reads_the_week_and_the_open_lesson(
    qtbot: QtBot, app: RunningApp, reads: Reads
) -> None:
    window = app.window
    snapshot = window.week_page.view.snapshot()
    assert snapshot is not None
    assert snapshot.lessons, "the demo instructor has lessons this week"
    lesson = snapshot.lessons[0]
    window.tabs.setCurrentWidget(window.lessons_view)
    window.lessons_page.open_lesson(lesson.booking_id)
    settle(qtbot, app)
    reads.counts()

    note(qtbot, app, lesson.booking_id, "Bring the new book")

    assert reads.counts() == expect(week=1, listed=1, detail=1, status=1)
    shown = shown_card(window, lesson.booking_id)
    assert shown is not None
    assert shown.note == "Bring the new book"
    detail = window.lessons_view.detail.detail()
    assert detail is not None
    assert detail.lesson.note == "Bring the new book"


def test_a_sync_that_brings_a_booking_shows_it_without_reading_the_lists_again(
    qtbot: QtBot, live_server: LiveServer, app: RunningApp, reads: Reads
) -> None:
    window, iid = app.window, app.instructor_id
    instructor = live_server.client(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password)
    student_email = instructor.get("/students", params={"limit": 1}).json()["items"][0]["email"]
    lesson_type_id = instructor.get(f"/instructors/{iid}").json()["lesson_types"][0]["id"]
    student = live_server.client(student_email, STUDENT_PASSWORD)
    now = datetime.now(UTC)
    [slot, *_] = free_slots(student, iid, lesson_type_id, now, now + timedelta(days=27))
    answer = student.post(
        "/bookings",
        json={"instructor_id": iid, "lesson_type_id": lesson_type_id, "start": slot["start"]},
    )
    assert answer.status_code == 201, answer.text
    booking_id = answer.json()["id"]
    zone = ZoneInfo(window.session.core.identity.time_zone)
    start = datetime.fromisoformat(slot["start"].replace("Z", "+00:00"))
    in_week = week_start(start.astimezone(zone).date()) == window.week_page.week_start
    announced = len(window.notices.announced)

    with qtbot.waitSignal(window.session.synced, timeout=30_000):
        window.session.sync_now()
    settle(qtbot, app)

    assert reads.counts() == expect(week=int(in_week), listed=1, status=1)
    card = listed_card(window, Tab.UPCOMING, booking_id)
    assert card is not None
    assert card.status == "confirmed"
    assert (shown_card(window, booking_id) is not None) == in_week
    assert len(window.notices.announced) == announced + 1  # the new-lesson notice still comes


def test_a_sync_that_brings_nothing_reads_only_the_status(
    qtbot: QtBot, app: RunningApp, reads: Reads
) -> None:
    window = app.window
    with qtbot.waitSignal(window.session.synced, timeout=30_000):
        window.session.sync_now()
    settle(qtbot, app)
    assert reads.counts() == expect(status=1)

    window.session.synced.emit(SyncReport(reset=True))  # a fresh download: everything again
    settle(qtbot, app)
    assert reads.counts() == expect(week=1, **dict.fromkeys(LISTS, 1), attention=1, status=1)


def test_a_lesson_moves_from_upcoming_to_past_when_it_starts(
    qtbot: QtBot, live_server: LiveServer, app: RunningApp, reads: Reads
) -> None:
    window = app.window
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=8)
    booking_id = live_server.add_started_lesson(app.instructor_id, start)
    with qtbot.waitSignal(window.session.synced, timeout=30_000):
        window.session.sync_now()
    qtbot.waitUntil(lambda: listed_card(window, Tab.UPCOMING, booking_id) is not None)
    settle(qtbot, app)  # what its arrival read (a sync already running may bring it twice)
    assert listed_card(window, Tab.UPCOMING, booking_id) is not None
    assert window.session.now() < start  # still to start: what follows is its start alone
    reads.counts()

    qtbot.waitUntil(lambda: listed_card(window, Tab.PAST, booking_id) is not None, timeout=30_000)

    assert listed_card(window, Tab.UPCOMING, booking_id) is None
    settle(qtbot, app)
    counts = reads.counts()
    assert [counts[name] for name in LISTS] == [0, 0, 0]  # moved, not read again
    # the lesson alone, when it started (its start timer, and perhaps a change naming it that
    # arrived meanwhile); never the three lists
    assert 1 <= counts["listed"] <= 2
