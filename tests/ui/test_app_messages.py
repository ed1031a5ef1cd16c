"""Messages in the whole app against a real server: a student writes, the instructor's window
shows it live (badges, the Lessons tab's total, a notice), reads and answers with Enter; an
answer written with the server down waits, then goes once when it is back."""

from __future__ import annotations

import uuid

import httpx
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import STUDENT_PASSWORD
from instainstru_desktop.services.views import MessageState
from tests.ui.app_fixtures import LiveServer, RunningApp, listed_card, shown_card
from tests.ui.conftest import SaveShot
from ui.lessons.lessons_view import Tab

LIVE_MS = 10_000


def upcoming_lesson(window) -> str:
    """An upcoming lesson of the week on screen (the first listed, when the week has none)."""
    upcoming = window.lessons_view.models[Tab.UPCOMING].lessons()
    assert upcoming, "the demo instructor has no upcoming lesson"
    in_week = [c for c in upcoming if shown_card(window, c.booking_id) is not None]
    return (in_week or upcoming)[0].booking_id


def student_of(server: LiveServer, booking_id: str) -> httpx.Client:
    [(email,)] = server.query(
        "SELECT u.email FROM users AS u JOIN bookings AS b ON b.student_id = u.id WHERE b.id = ?",
        booking_id,
    )
    return server.client(email, STUDENT_PASSWORD)


def write(student: httpx.Client, booking_id: str, text: str) -> None:
    answer = student.post(
        f"/bookings/{booking_id}/messages", json={"id": str(uuid.uuid4()), "body": text}
    )
    assert answer.status_code == 201, answer.text


def test_a_students_message_shows_live_and_the_answer_goes_with_enter(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    window = signed_in_app.window
    qtbot.waitUntil(window.session.core.live.connected.is_set, timeout=15_000)
    booking = upcoming_lesson(window)
    student = student_of(live_server, booking)
    window.tabs.setCurrentWidget(window.week_page)

    write(student, booking, "Running 10 minutes late, sorry!")

    qtbot.waitUntil(
        lambda: (c := listed_card(window, Tab.UPCOMING, booking)) is not None and c.unread == 1,
        timeout=LIVE_MS,
    )
    card = shown_card(window, booking)
    if card is not None:  # the lesson is in the week on screen
        qtbot.waitUntil(lambda: (c := shown_card(window, booking)) is not None and c.unread == 1)
    lessons_tab = window.tabs.indexOf(window.lessons_view)
    qtbot.waitUntil(lambda: window.tabs.tabText(lessons_tab) == "&Lessons (1 new)")
    qtbot.waitUntil(lambda: bool(window.message_notices.announced))
    assert "Running 10 minutes late, sorry!" in window.message_notices.announced[-1]
    assert window.message_banner.isVisible()
    save_shot(window, "app_new_message")

    window.message_banner.open_button.click()  # opens the lesson: the conversation is read
    conversation = window.lessons_view.detail.conversation
    qtbot.waitUntil(lambda: conversation.booking_id() == booking, timeout=LIVE_MS)
    qtbot.waitUntil(lambda: window.tabs.tabText(lessons_tab) == "&Lessons", timeout=LIVE_MS)
    qtbot.waitUntil(
        lambda: (c := listed_card(window, Tab.UPCOMING, booking)) is not None and c.unread == 0
    )
    assert [b.message.body for b in conversation.bubbles()] == ["Running 10 minutes late, sorry!"]

    editor = conversation.composer.editor
    editor.setFocus()
    qtbot.keyClicks(editor, "No problem,")
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(editor, "see you soon")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(conversation.bubbles()) == 2, timeout=LIVE_MS)
    assert editor.toPlainText() == ""

    def on_the_server() -> list[str]:
        page = student.get(f"/bookings/{booking}/messages").json()
        return [m["body"] for m in page["items"]]

    qtbot.waitUntil(lambda: len(on_the_server()) == 2, timeout=LIVE_MS)
    assert on_the_server()[1] == "No problem,\nsee you soon"
    qtbot.waitUntil(lambda: conversation.bubbles()[-1].message.state is MessageState.SENT)
    page = student.get(f"/bookings/{booking}/messages").json()
    teacher = window.session.core.identity
    assert {m["user_id"]: m["last_read"] for m in page["read_markers"]}[teacher.user_id] == 2
    assert all(bubble.isVisible() for bubble in conversation.bubbles())
    save_shot(window, "app_conversation")
    assert signed_in_app.presented.messages == []


def test_an_answer_written_offline_waits_and_goes_once(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp
) -> None:
    window = signed_in_app.window
    booking = upcoming_lesson(window)
    window.tabs.setCurrentWidget(window.lessons_view)
    window.lessons_page.open_lesson(booking)
    conversation = window.lessons_view.detail.conversation
    qtbot.waitUntil(lambda: conversation.booking_id() == booking, timeout=LIVE_MS)
    live_server.stop()

    conversation.composer.editor.setPlainText("Bring the sheet music, please")
    conversation.composer.send_button.click()
    qtbot.waitUntil(lambda: len(conversation.bubbles()) == 1, timeout=LIVE_MS)
    [waiting] = conversation.bubbles()
    assert waiting.message.state is MessageState.WAITING
    assert "Waiting to send" in waiting.header.text()

    live_server.start()
    qtbot.waitUntil(
        lambda: conversation.bubbles()[0].message.state is MessageState.SENT, timeout=90_000
    )
    rows = live_server.query("SELECT body FROM messages WHERE booking_id = ?", booking)
    assert rows == [("Bring the sheet music, please",)]
