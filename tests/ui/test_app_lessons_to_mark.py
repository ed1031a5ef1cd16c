"""Lessons that happened but were never marked show under Needs attention, and can all be
marked completed at once, through the same queued changes as marking each by hand."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.app_fixtures import LiveServer, RunningApp, read_db
from tests.ui.conftest import SaveShot
from tests.ui.test_app_offline import started_confirmed_lesson
from ui.lessons.to_mark import to_mark_title

SENT_MS = 30_000


@pytest.mark.slow
def test_lessons_to_mark_need_attention_and_can_all_be_marked_completed(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    window = signed_in_app.window
    lessons, iid = window.session.services.lessons, signed_in_app.instructor_id
    started_confirmed_lesson(qtbot, signed_in_app, live_server)
    to_mark = read_db(qtbot, window, lambda: lessons.to_mark(iid)).lessons
    assert to_mark, "no lesson ended unmarked"
    ids = [card.booking_id for card in to_mark]
    view = window.attention_view
    qtbot.waitUntil(lambda: view.to_mark_card is not None, timeout=10_000)
    card = view.to_mark_card
    assert card is not None
    assert card.title.text() == to_mark_title(len(ids))
    assert [c.booking_id for c in card.lessons] == ids
    assert to_mark_title(len(ids)) in window.status_bar.attention.text()
    tab = window.tabs.tabText(window.tabs.indexOf(view))
    assert tab == f"Needs &attention ({view.count()})"
    window.tabs.setCurrentWidget(view)
    save_shot(window, "app-lessons-to-mark")

    card.mark_all.click()
    placeholders = ", ".join("?" * len(ids))
    qtbot.waitUntil(
        lambda: (
            live_server.query(
                "SELECT count(*) FROM bookings WHERE status = 'completed' "
                f"AND id IN ({placeholders})",
                *ids,
            )
            == [(len(ids),)]
        ),
        timeout=SENT_MS,
    )
    marked = live_server.query(  # each one marked, as by hand, by the instructor
        f"SELECT count(*) FROM audit_log WHERE action = 'booking.complete' "
        f"AND actor_role = 'instructor' AND booking_id IN ({placeholders})",
        *ids,
    )
    assert marked == [(len(ids),)]
    qtbot.waitUntil(lambda: view.to_mark_card is None, timeout=10_000)
    assert "to mark" not in window.status_bar.attention.text()
    assert any("marked completed" in n.text() for n in window.notice_bar.notices())
    assert signed_in_app.presented.messages == []
