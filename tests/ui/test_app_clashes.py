"""A note written on two devices: the app shows both versions under "Needs attention", and
"Use mine" puts this device's note on the server.

The whole app against a real server on loopback. The other device is the same instructor
writing through the API while this app is between two syncs (its scheduler and live stream are
stopped, so the order of arrival is the test's, not a race).
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR
from tests.ui.app_fixtures import LiveServer, RunningApp, read_db
from tests.ui.conftest import SaveShot
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
