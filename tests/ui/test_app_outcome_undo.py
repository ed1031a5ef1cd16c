"""The whole app: an outcome is said in a notice, is on the undo stack while unsent, and once sent
is corrected instead (the server accepts and audits the correction)."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from instainstru_desktop.services.views import SyncMark
from tests.ui.app_fixtures import LiveServer, RunningApp, local_day, read_db, shown_card
from tests.ui.conftest import SaveShot
from tests.ui.test_app_offline import started_confirmed_lesson


def show_lesson_week(qtbot: QtBot, app: RunningApp, booking_id: str, lesson) -> None:
    window = app.window
    window.week_page.go_to(local_day(lesson, window.session.core.identity.time_zone))
    qtbot.waitUntil(lambda: shown_card(window, booking_id) is not None, timeout=10_000)


def pending_count(qtbot: QtBot, app: RunningApp) -> int:
    status = app.window.session.services.status
    return read_db(qtbot, app.window, status.status).pending_changes


@pytest.mark.slow
def test_an_outcome_marked_offline_is_undone_and_never_sent(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    window = signed_in_app.window
    lesson = started_confirmed_lesson(qtbot, signed_in_app, live_server)
    booking_id = lesson.booking_id
    show_lesson_week(qtbot, signed_in_app, booking_id, lesson)
    live_server.stop()

    window.actions_.complete(booking_id)  # what the menu, the list and the detail pane call

    def marked() -> bool:
        card = shown_card(window, booking_id)
        return card is not None and card.status == "completed"

    qtbot.waitUntil(marked, timeout=10_000)
    qtbot.waitUntil(lambda: window.notice_bar.isVisible(), timeout=5_000)
    notice = window.notice_bar.text()
    assert notice.startswith(f"{lesson.student_name}'s lesson (")
    assert notice.endswith(") is marked completed.")
    assert window.notice_bar.action_text() == "Undo"
    assert signed_in_app.presented.messages == []  # no box to click away
    assert window.undo_stack.undoText() == f"Mark {lesson.student_name}'s lesson completed"
    assert window.menu_actions.undo.isEnabled()
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)
    save_shot(window, "app_outcome_marked_notice")

    shown = window.notice_bar.newest()
    assert shown is not None
    shown.trigger()  # the notice's Undo: Edit > Undo would do the same

    def back() -> bool:
        card = shown_card(window, booking_id)
        return card is not None and card.status == "confirmed" and card.mark is SyncMark.SYNCED

    qtbot.waitUntil(back, timeout=10_000)
    qtbot.waitUntil(lambda: "no longer marked completed" in window.notice_bar.text(), timeout=5_000)
    assert pending_count(qtbot, signed_in_app) == 0
    assert window.undo_stack.canRedo()

    window.undo_stack.redo()  # and again: queued once more
    qtbot.waitUntil(marked, timeout=10_000)
    assert pending_count(qtbot, signed_in_app) == 1
    window.undo_stack.undo()
    qtbot.waitUntil(back, timeout=10_000)

    live_server.start()
    window.sync_now()

    def online() -> bool:
        status = window.status_bar.status()
        return status is not None and status.online

    qtbot.waitUntil(online, timeout=60_000)
    assert live_server.query("SELECT status FROM bookings WHERE id = ?", booking_id) == [
        ("confirmed",)
    ]
    assert live_server.query(
        "SELECT count(*) FROM audit_log WHERE booking_id = ? AND action = 'booking.complete'",
        booking_id,
    ) == [(0,)]
    assert signed_in_app.presented.messages == []


@pytest.mark.slow
def test_a_sent_outcome_cannot_be_undone_and_is_corrected_instead(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    window = signed_in_app.window
    lesson = started_confirmed_lesson(qtbot, signed_in_app, live_server)
    booking_id = lesson.booking_id
    show_lesson_week(qtbot, signed_in_app, booking_id, lesson)

    window.actions_.no_show(booking_id)

    def on_server(status: str) -> bool:
        return live_server.query("SELECT status FROM bookings WHERE id = ?", booking_id) == [
            (status,)
        ]

    qtbot.waitUntil(lambda: on_server("no_show"), timeout=30_000)
    qtbot.waitUntil(lambda: window.undo_stack.canUndo(), timeout=5_000)
    window.undo_stack.undo()

    said = (
        f"{lesson.student_name}'s lesson was already marked a no-show on the server, so it "
        "stays a no-show. If it was in fact completed, correct it."
    )

    def refused() -> list[str]:
        """The actions of the notices saying so (other news may have come in since)."""
        return [n.action_text() for n in window.notice_bar.notices() if n.text() == said]

    qtbot.waitUntil(lambda: bool(refused()), timeout=30_000)
    assert refused() == ["Correct to completed"]
    # the earlier "is marked a no-show" notice may still be up, but no longer offers its Undo
    assert "Undo" not in [n.action_text() for n in window.notice_bar.notices()]
    assert window.undo_stack.count() == 0  # the outcome left the stack: Undo no longer offers it
    assert not window.undo_stack.canRedo()
    card = shown_card(window, booking_id)
    assert card is not None
    assert card.status == "no_show"
    save_shot(window, "app_outcome_already_sent")

    shown = window.notice_bar.newest()
    assert shown is not None
    shown.trigger()  # "Correct to completed"

    qtbot.waitUntil(lambda: on_server("completed"), timeout=30_000)
    [(details,)] = live_server.query(
        "SELECT details FROM audit_log WHERE booking_id = ? AND action = 'booking.correct_outcome'",
        booking_id,
    )
    assert '"from_status": "no-show"' in details.replace('":"', '": "')
    qtbot.waitUntil(lambda: "now recorded as completed" in window.notice_bar.text(), timeout=5_000)
    assert window.undo_stack.undoText() == f"Correct {lesson.student_name}'s lesson to completed"
    assert signed_in_app.presented.messages == []
