"""A student books, then cancels: the window says so itself, with a way to the lesson.

Without a system tray (any headless run, many Linux desktops) the only news used to be a
status-bar message hidden behind the permanent widgets. Now a small non-modal notice appears in
the window, with "Show", for a new lesson and for a cancelled one, whether or not a tray exists.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR, STUDENT_PASSWORD
from instainstru_desktop.services.views import SyncMark
from tests.ui.app_fixtures import LiveServer, RunningApp, listed_card
from tests.ui.conftest import SaveShot
from tests.ui.test_app_live import free_slots
from ui.lessons.lessons_view import Tab
from ui.widgets.notice_bar import Notice

NEWS_MS = 15_000


def notice_naming(window, *words: str) -> Notice | None:
    return next((n for n in window.notice_bar.notices() if all(w in n.text() for w in words)), None)


def test_new_and_cancelled_lessons_show_in_the_window_with_a_way_to_them(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    window, iid = signed_in_app.window, signed_in_app.instructor_id
    instructor = live_server.client(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password)
    student_email = instructor.get("/students", params={"limit": 1}).json()["items"][0]["email"]
    lesson_type_id = instructor.get(f"/instructors/{iid}").json()["lesson_types"][0]["id"]
    student = live_server.client(student_email, STUDENT_PASSWORD)
    now = datetime.now(UTC)
    # a day ahead at least: a student may cancel only until the minimum notice before it
    slots = free_slots(student, iid, lesson_type_id, now + timedelta(days=1), now + timedelta(7))
    assert slots, "the demo instructor has no bookable slot next week"
    qtbot.waitUntil(window.session.core.live.connected.is_set, timeout=15_000)
    assert window.notice_bar.notices() == []

    answer = student.post(
        "/bookings",
        json={"instructor_id": iid, "lesson_type_id": lesson_type_id, "start": slots[0]["start"]},
    )
    assert answer.status_code == 201, answer.text
    booked = answer.json()
    name = booked["student_name"]
    qtbot.waitUntil(lambda: notice_naming(window, name, "booked") is not None, timeout=NEWS_MS)
    notice = notice_naming(window, name, "booked")
    assert notice is not None
    assert notice.isVisible()  # in the window, tray or not
    assert booked["lesson_type_name"] in notice.text()
    assert notice.action_text() == "Show"
    assert window.notice_bar.geometry().bottom() < window.tabs.height()  # over the pages
    save_shot(window, "app-notice-new-lesson")

    notice.trigger()
    assert window.tabs.currentWidget() is window.lessons_view
    qtbot.waitUntil(lambda: window.lessons_view.selected_booking() == booked["id"], timeout=10_000)
    assert window.lessons_view.current_tab() is Tab.UPCOMING
    assert notice_naming(window, name, "booked") is None  # done with: gone

    cancelled = student.post(f"/bookings/{booked['id']}/cancel", json={"reason": "Flu, sorry."})
    assert cancelled.status_code == 200, cancelled.text
    qtbot.waitUntil(lambda: notice_naming(window, name, "cancelled") is not None, timeout=NEWS_MS)
    notice = notice_naming(window, name, "cancelled")
    assert notice is not None
    assert "Flu, sorry." in notice.text()
    window.tabs.setCurrentWidget(window.week_page)
    notice.trigger()
    assert window.tabs.currentWidget() is window.lessons_view
    qtbot.waitUntil(lambda: window.lessons_view.selected_booking() == booked["id"], timeout=10_000)
    assert window.lessons_view.current_tab() is Tab.CANCELLED
    card = listed_card(window, Tab.CANCELLED, booked["id"])
    assert card is not None
    assert card.status == "cancelled"
    assert signed_in_app.presented.messages == []


def test_what_this_window_did_itself_is_not_news(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp
) -> None:
    """A lesson cancelled from this window is not announced back to the person who did it."""
    window = signed_in_app.window
    upcoming = window.lessons_view.models[Tab.UPCOMING].lessons()
    assert upcoming
    lesson = upcoming[-1]
    window.actions_.cancel(lesson.booking_id, "Studio closed that day.")
    qtbot.waitUntil(
        lambda: (
            (card := listed_card(window, Tab.CANCELLED, lesson.booking_id)) is not None
            and card.mark is SyncMark.SYNCED
        ),
        timeout=NEWS_MS,
    )
    with qtbot.waitSignal(window.session.synced, timeout=NEWS_MS):
        window.session.sync_now()
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)
    assert notice_naming(window, lesson.student_name) is None
