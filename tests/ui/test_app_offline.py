"""A lesson completed while the server is down reaches it by itself once it is back.

The whole app against a real server on loopback: the main window's core, its sync scheduler
and its live stream talk HTTP to the server, which is stopped and started again on the same
port. Nobody presses "Sync now": the outbox's retry and the stream's reconnect must do it.
"""

from __future__ import annotations

import time

import pytest
from pytestqt.qtbot import QtBot

from instainstru_desktop.services.views import LessonCard, SyncMark
from tests.ui.app_fixtures import (
    LiveServer,
    RunningApp,
    listed_card,
    local_day,
    read_db,
    shown_card,
)
from tests.ui.conftest import SaveShot
from ui.lessons.lessons_view import Tab

#: Outage over: the stream reconnects within its 30 s backoff cap, the outbox retries on its own.
BACK_IN_SYNC_MS = 90_000


def started_confirmed_lesson(qtbot: QtBot, app: RunningApp, server: LiveServer) -> LessonCard:
    """The most recent lesson that has begun and still waits for its outcome.

    The demo data usually has a few; when this week's seed has none, one is written into the
    server and arrives through the live stream like any other change.
    """
    lessons, iid = app.window.session.services.lessons, app.instructor_id

    def waiting() -> list[LessonCard]:
        past = read_db(qtbot, app.window, lambda: lessons.past(iid))
        return [card for card in past if card.status == "confirmed"]

    found = waiting()
    if not found:
        server.add_started_lesson(iid)
        qtbot.waitUntil(lambda: bool(waiting()), timeout=15_000)
        found = waiting()
    return found[0]


@pytest.mark.slow
def test_a_lesson_completed_offline_is_sent_when_the_server_returns(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    window = signed_in_app.window
    lesson = started_confirmed_lesson(qtbot, signed_in_app, live_server)
    booking_id = lesson.booking_id
    zone = window.session.core.identity.time_zone
    window.week_page.go_to(local_day(lesson, zone))
    qtbot.waitUntil(lambda: shown_card(window, booking_id) is not None, timeout=10_000)
    window.lessons_view.show_tab(Tab.PAST)

    live_server.stop()
    window.actions_.complete(booking_id)  # what the Completed button and the menu both call

    def completed_here_not_sent() -> bool:
        card, status = shown_card(window, booking_id), window.status_bar.status()
        listed = listed_card(window, Tab.PAST, booking_id)
        return (
            card is not None
            and card.status == "completed"
            and card.mark is SyncMark.PENDING
            and listed is not None
            and listed.mark is SyncMark.PENDING
            and status is not None
            and status.pending_changes >= 1
            and not status.online
            and bool(status.last_error)
        )

    qtbot.waitUntil(completed_here_not_sent, timeout=20_000)
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)
    save_shot(window, "app-week-offline-pending")
    assert window.status_bar.connection.text() == "Offline · 1 change waiting"
    assert live_server.query("SELECT status FROM bookings WHERE id = ?", booking_id) == [
        ("confirmed",)
    ]

    live_server.start()  # same port, same URL: the client finds it again
    back = time.monotonic()

    def sent_and_confirmed() -> bool:
        card, status = shown_card(window, booking_id), window.status_bar.status()
        listed = listed_card(window, Tab.PAST, booking_id)
        return (
            card is not None
            and card.status == "completed"
            and card.mark is SyncMark.SYNCED
            and listed is not None
            and listed.status == "completed"
            and listed.mark is SyncMark.SYNCED
            and status is not None
            and status.pending_changes == 0
            and status.online
        )

    qtbot.waitUntil(sent_and_confirmed, timeout=BACK_IN_SYNC_MS)
    took = time.monotonic() - back
    print(f"back in sync {took:.1f} s after the server returned")
    assert window.status_bar.connection.text() == "Online"
    assert window.status_bar.pending.text() == "All changes sent"
    assert live_server.query("SELECT status FROM bookings WHERE id = ?", booking_id) == [
        ("completed",)
    ]
    completions = live_server.query(
        "SELECT count(*) FROM audit_log WHERE booking_id = ? AND action = 'booking.complete'",
        booking_id,
    )
    assert completions == [(1,)], "the lesson must be completed exactly once on the server"
    assert signed_in_app.presented.messages == []
