"""Two devices editing the same things: hours painted in the week merge with another device's
hours of the same date, and a note written on both shows both versions under "Needs attention",
where "Use mine" puts this device's note on the server.

The whole app against a real server on loopback. The other device is the same instructor
writing through the API while this app is between two syncs (its scheduler and live stream are
stopped, so the order of arrival is the test's, not a race).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR
from instainstru_desktop.services.views import HoursRange
from tests.ui.app_fixtures import LiveServer, RunningApp, read_db
from tests.ui.conftest import SaveShot
from ui.calendar.state import CellBlock, EditMode
from ui.calendar.timeline import SLOT_MINUTES
from ui.calendar.week_page import WeekPage
from ui.lessons.attention import AttentionCard

MINE = "Scales in D major, then the Bach minuet."
THEIRS = "Bring the new book."


def clash_card(app: RunningApp) -> AttentionCard | None:
    cards = app.window.attention_view.cards
    return next((c for c in cards if c.item.kind == "note_clash"), None)


@pytest.mark.slow
def test_a_note_written_on_two_devices_is_settled_with_use_mine(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp, save_shot: SaveShot
) -> None:
    window = signed_in_app.window
    core = window.session.core
    core.live.stop()
    core.scheduler.stop()  # between two syncs: nothing goes out until "Sync now"
    lessons, iid = window.session.services.lessons, signed_in_app.instructor_id
    [lesson, *_] = read_db(qtbot, window, lambda: lessons.upcoming(iid))
    booking_id = lesson.booking_id

    window.actions_.note(booking_id, MINE)
    qtbot.waitUntil(
        lambda: read_db(qtbot, window, lambda: lessons.detail(booking_id)).lesson.note == MINE,
        timeout=10_000,
    )
    phone = live_server.client(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password)
    answer = phone.put(f"/bookings/{booking_id}/note", json={"note": THEIRS})
    assert answer.status_code == 200, answer.text

    window.sync_now()
    qtbot.waitUntil(lambda: clash_card(signed_in_app) is not None, timeout=20_000)
    card = clash_card(signed_in_app)
    assert card is not None
    assert (card.item.kept, card.item.mine, card.item.booking_id) == (THEIRS, MINE, booking_id)
    assert set(card.buttons) == {"keep", "reapply"}
    assert card.buttons["reapply"].text() == "&Use mine"
    shown = card.accessibleName()
    assert shown.startswith("Note changed on two devices: ")
    assert live_server.query("SELECT note FROM bookings WHERE id = ?", booking_id) == [(THEIRS,)]
    window.tabs.setCurrentWidget(window.attention_view)
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)
    save_shot(window, "app-attention-note-clash")

    # the page may have been drawn again meanwhile (its cards replaced): click the card shown now
    card = clash_card(signed_in_app)
    assert card is not None
    card.buttons["reapply"].click()  # "Use mine"
    qtbot.waitUntil(lambda: clash_card(signed_in_app) is None, timeout=10_000)
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)
    window.sync_now()

    def mine_on_the_server() -> bool:
        return live_server.query("SELECT note FROM bookings WHERE id = ?", booking_id) == [
            (MINE,)
        ]

    qtbot.waitUntil(mine_on_the_server, timeout=20_000)
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)
    assert live_server.query(
        "SELECT resolved, resolution FROM conflicts WHERE kind = 'note_clash' AND booking_id = ?",
        booking_id,
    ) == [(1, "reapplied")]
    assert signed_in_app.presented.messages == []


def server_hours(live_server: LiveServer, instructor_id: str, day: date) -> list[list[int]]:
    rows = live_server.query(
        "SELECT ranges FROM availability_overrides WHERE instructor_id = ? AND day = ?",
        instructor_id,
        day.isoformat(),
    )
    return [list(r) for r in json.loads(rows[0][0])] if rows else []


def shown_hours(page: WeekPage, index: int) -> tuple[HoursRange, ...]:
    week = page.view.display_week()
    return week.days[index].ranges if week is not None else ()


@pytest.mark.slow
def test_hours_painted_in_the_week_and_on_another_device_both_stay(
    qtbot: QtBot, live_server: LiveServer, signed_in_app: RunningApp
) -> None:
    """A paint sends the hours it opened: the other device's new hours of the same date,
    which reached the server first, are not overwritten by this app's picture of the day."""
    window = signed_in_app.window
    core = window.session.core
    core.live.stop()
    core.scheduler.stop()
    page, iid = window.week_page, signed_in_app.instructor_id
    next_monday = page.week_start + timedelta(days=7)
    page.step(1)
    qtbot.waitUntil(lambda: getattr(page.view.snapshot(), "week_start", None) == next_monday)
    wednesday = next_monday + timedelta(days=2)
    half_day = (HoursRange(9 * 60, 12 * 60),)  # the demo's half day next week
    assert shown_hours(page, 2) == half_day

    afternoon = CellBlock(2, 14 * 60 // SLOT_MINUTES, 2, 15 * 60 // SLOT_MINUTES - 1)
    assert page.view.edit_block(afternoon, EditMode.PAINT)  # this app: 14:00-15:00
    availability = window.session.services.availability

    def queued() -> bool:
        week = availability.week(iid, next_monday)
        return week.days[2].ranges == (*half_day, HoursRange(14 * 60, 15 * 60))

    qtbot.waitUntil(lambda: read_db(qtbot, window, queued), timeout=10_000)
    phone = live_server.client(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password)
    answer = phone.put(  # the other device: 16:00-17:00, synced first
        f"/instructors/{iid}/availability/{wednesday.isoformat()}",
        json={"ranges": [{"start": "09:00", "end": "12:00"}, {"start": "16:00", "end": "17:00"}]},
    )
    assert answer.status_code == 200, answer.text

    window.sync_now()
    meant = [[9 * 60, 12 * 60], [14 * 60, 15 * 60], [16 * 60, 17 * 60]]
    qtbot.waitUntil(lambda: server_hours(live_server, iid, wednesday) == meant, timeout=20_000)
    shown = tuple(HoursRange(s, e) for s, e in meant)
    qtbot.waitUntil(lambda: shown_hours(page, 2) == shown, timeout=20_000)
    qtbot.waitUntil(lambda: not window.ops.busy(), timeout=10_000)
    kinds = {c.item.kind for c in window.attention_view.cards}
    assert not kinds & {"hours_clash", "rejected_mutation"}
    assert signed_in_app.presented.messages == []
