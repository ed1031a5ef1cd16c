"""Pictures of the running app, signed in to a real server with the demo studio.

The week in light and dark, the lessons page with a lesson open, and the needs-attention page
with a real conflict (hours erased over a booked lesson, synced, answered by the server). The
PNGs go to tmp_path and, when ``INSTAINSTRU_SCREENSHOT_DIR`` is set, there too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from instainstru_desktop.services.views import LessonCard, SyncMark
from tests.ui.app_fixtures import RunningApp, listed_card, read_db, shown_card
from ui.calendar.state import CellBlock, EditMode
from ui.calendar.timeline import SLOT_MINUTES
from ui.lessons.lessons_view import Tab

SaveShot = Callable[[QWidget, str], Path]


def future_lesson_this_week(app: RunningApp) -> LessonCard:
    snapshot = app.window.week_page.view.snapshot()
    assert snapshot is not None
    now = datetime.now(UTC)
    ahead = [c for c in snapshot.lessons if c.status == "confirmed" and c.start > now]
    if not ahead:
        pytest.skip("no confirmed lesson ahead in this week (late on a Sunday)")
    return min(ahead, key=lambda c: c.start)


def erase_hours_under(app: RunningApp, lesson: LessonCard) -> None:
    """Drag-erase the cells under a lesson, as a person would (one undoable edit)."""
    window = app.window
    zone = ZoneInfo(window.session.core.identity.time_zone)
    start, end = lesson.start.astimezone(zone), lesson.end.astimezone(zone)
    day = (start.date() - window.week_page.week_start).days
    first = (start.hour * 60 + start.minute) // SLOT_MINUTES
    last = (end.hour * 60 + end.minute - 1) // SLOT_MINUTES
    assert window.week_page.view.edit_block(CellBlock(day, first, day, last), EditMode.ERASE)


@pytest.mark.slow
def test_screenshots_of_the_running_app(
    qtbot: QtBot, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    app = signed_in_app
    window = app.window
    assert window.tabs.currentWidget() is window.week_page
    save_shot(window, "app-week-light")

    window.set_theme("dark")
    save_shot(window, "app-week-dark")
    window.set_theme("light")

    # the lessons page, with a past lesson that has a note and a history opened
    lessons, iid = window.session.services.lessons, app.instructor_id
    past = read_db(qtbot, window, lambda: lessons.past(iid))
    chosen = next((c for c in past if c.note), past[0])
    window.tabs.setCurrentWidget(window.lessons_view)
    window.lessons_view.show_tab(Tab.PAST)
    assert window.lessons_view.select_booking(chosen.booking_id)
    detail = window.lessons_view.detail
    qtbot.waitUntil(
        lambda: detail.booking_id() == chosen.booking_id and detail.history.count() > 0,
        timeout=10_000,
    )
    save_shot(window, "app-lessons-selected")

    # a lesson marked and noted from this app: the history then holds what the server recorded
    waiting = next((c for c in past if c.status == "confirmed"), None)
    assert waiting is not None, "the demo data has no started lesson still confirmed"
    window.actions_.complete(waiting.booking_id)
    window.actions_.note(waiting.booking_id, "Sight-reading; practise the left hand slowly.")
    qtbot.waitUntil(
        lambda: (
            (card := listed_card(window, Tab.PAST, waiting.booking_id)) is not None
            and card.status == "completed"
            and card.mark is SyncMark.SYNCED
            and bool(card.note)
        ),
        timeout=30_000,
    )
    assert window.lessons_view.select_booking(waiting.booking_id)
    qtbot.waitUntil(
        lambda: detail.booking_id() == waiting.booking_id and detail.history.count() >= 3,
        timeout=10_000,
    )
    assert detail.cancel_button.isHidden()  # a completed lesson cannot be cancelled: not offered
    assert not detail.correct_button.isHidden()  # its outcome can be corrected
    save_shot(window, "app-lesson-history")

    # a real conflict: hours erased over a booked lesson, synced, recorded by the server
    window.tabs.setCurrentWidget(window.week_page)
    lesson = future_lesson_this_week(app)
    erase_hours_under(app, lesson)
    qtbot.waitUntil(lambda: len(window.attention_view.cards) >= 1, timeout=30_000)
    qtbot.waitUntil(
        lambda: (
            (card := shown_card(window, lesson.booking_id)) is not None
            and card.mark is SyncMark.CONFLICT
        ),
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)
    save_shot(window, "app-week-conflict")
    window.tabs.setCurrentWidget(window.attention_view)
    save_shot(window, "app-attention")
    window.set_theme("dark")
    save_shot(window, "app-attention-dark")
    window.set_theme("light")
    assert app.presented.messages == []
