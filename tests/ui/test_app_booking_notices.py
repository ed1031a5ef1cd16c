"""Booking for a student ends in a notice, not a modal OK box, with Undo at hand.

Against a real server: online the server confirms ("Lesson booked"), offline the booking waits
("Saved, not sent yet"); both are said in a non-modal notice over the window, and its Undo
cancels the lesson through the same queued changes as any cancel.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR, STUDENT_PASSWORD
from tests.ui.app_fixtures import LiveServer, RunningApp, listed_card
from tests.ui.conftest import SaveShot
from tests.ui.test_app_live import free_slots
from ui.lessons.booking_dialog import BookForStudentDialog, BookingChoice
from ui.lessons.lessons_view import Tab
from ui.widgets.notice_bar import Notice

ANSWER_MS = 20_000


def notice_starting(window, words: str) -> Notice | None:
    return next((n for n in window.notice_bar.notices() if n.text().startswith(words)), None)


def no_message_box() -> bool:
    return not any(
        isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()
    )


@pytest.fixture
def choices(live_server: LiveServer, signed_in_app: RunningApp) -> list[BookingChoice]:
    """Two bookable times a day or more ahead, for a student of the demo studio."""
    iid = signed_in_app.instructor_id
    instructor = live_server.client(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password)
    student = instructor.get("/students", params={"limit": 1}).json()["items"][0]
    lesson_type_id = instructor.get(f"/instructors/{iid}").json()["lesson_types"][0]["id"]
    student_api = live_server.client(student["email"], STUDENT_PASSWORD)
    now = datetime.now(UTC)
    ahead = (now + timedelta(days=1), now + timedelta(days=8))
    slots = free_slots(student_api, iid, lesson_type_id, *ahead)
    starts = [datetime.fromisoformat(s["start"].replace("Z", "+00:00")) for s in slots]
    apart = [starts[0], *[s for s in starts if s >= starts[0] + timedelta(hours=2)][:1]]
    assert len(apart) == 2, "the demo instructor has too few free times next week"
    return [BookingChoice(student["id"], lesson_type_id, start) for start in apart]


def book(monkeypatch, window, choice: BookingChoice) -> None:
    """What the week's "Book for a student…" does, the dialog answered with ``choice``."""
    monkeypatch.setattr(BookForStudentDialog, "ask", classmethod(lambda cls, *a, **k: choice))
    window.actions_.book(choice.start)


def test_a_booking_is_told_in_a_notice_with_undo(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    live_server: LiveServer,
    signed_in_app: RunningApp,
    choices: list[BookingChoice],
    save_shot: SaveShot,
) -> None:
    window = signed_in_app.window
    book(monkeypatch, window, choices[0])
    qtbot.waitUntil(lambda: notice_starting(window, "Lesson booked") is not None, timeout=ANSWER_MS)
    assert no_message_box()  # routine news stops nobody
    notice = notice_starting(window, "Lesson booked")
    assert notice is not None
    assert notice.action_text() == "Undo"
    [(booking_id, status)] = live_server.query(
        "SELECT id, status FROM bookings WHERE student_id = ? ORDER BY created_at DESC LIMIT 1",
        choices[0].student_id,
    )
    assert status == "confirmed"
    save_shot(window, "app-notice-lesson-booked")

    notice.trigger()  # Undo: the lesson is cancelled, the student is told why
    qtbot.waitUntil(
        lambda: (
            live_server.query("SELECT status FROM bookings WHERE id = ?", booking_id)
            == [("cancelled",)]
        ),
        timeout=ANSWER_MS,
    )
    qtbot.waitUntil(
        lambda: listed_card(window, Tab.CANCELLED, booking_id) is not None, timeout=ANSWER_MS
    )
    assert notice_starting(window, "Booking undone") is not None
    assert no_message_box()

    live_server.stop()  # offline: the booking is kept and said to wait
    qtbot.waitUntil(lambda: not window.status_bar.status().online, timeout=10_000)
    book(monkeypatch, window, choices[1])
    qtbot.waitUntil(
        lambda: notice_starting(window, "Saved, not sent yet") is not None, timeout=ANSWER_MS
    )
    assert no_message_box()
    waiting = notice_starting(window, "Saved, not sent yet")
    assert waiting is not None
    assert waiting.action_text() == "Undo"
    assert signed_in_app.presented.messages == []
