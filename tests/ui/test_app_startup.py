"""Starting the app again: the week saved by the last run is on screen before the core is up.

The previous run is a real one (signed in to a real server, it saved the week it showed); the
next window on the same profile must draw that week inside ``start()``, before the ORM, the
cache and the network have done anything -- and then agree with what the cache says.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR
from instainstru_desktop.services.views import WeekSnapshot
from tests.ui.app_fixtures import (
    READY_MS,
    LiveServer,
    MakeApp,
    RunningApp,
    sign_in,
    wait_until_shown,
)
from ui.calendar import week_cache


def previous_run(qtbot: QtBot, live_server: LiveServer, make_app: MakeApp) -> WeekSnapshot:
    """Sign in, let the week be read and saved, quit; returns the saved week."""
    first = sign_in(qtbot, make_app(live_server.url))
    shown = first.window.week_page.view.snapshot()
    saved_file = first.settings.data_dir / "last-week.json"
    qtbot.waitUntil(lambda: week_cache.load(saved_file) == shown, timeout=5_000)
    first.window.close()
    first.window.shutdown()
    saved = week_cache.load(saved_file)
    assert saved is not None
    assert saved.lessons, "the demo week has lessons"
    return saved


def booking_ids(snapshot: WeekSnapshot | None) -> set[str]:
    assert snapshot is not None
    return {card.booking_id for card in snapshot.lessons}


def test_the_saved_week_is_drawn_by_start_before_the_session_is_ready(
    qtbot: QtBot, live_server: LiveServer, make_app: MakeApp
) -> None:
    saved = previous_run(qtbot, live_server, make_app)
    app = make_app(live_server.url)  # the same profile: a second start of the app
    window = app.window
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    readies: list[bool] = []
    window.session.ready.connect(lambda: readies.append(True))

    window.start()
    # no event has been processed since start(): whatever is on screen came from the saved file
    assert not window.session.is_ready
    assert window.week_page.week_start == saved.week_start
    assert window.week_page.view.snapshot() == saved
    picture = window.grab().toImage()
    assert not picture.isNull()
    assert not window.session.is_ready
    assert readies == []
    assert str(saved.week_start.day) in window.week_title.text()

    qtbot.waitUntil(lambda: bool(readies), timeout=READY_MS)  # remembered sign-in: no password
    wait_until_shown(qtbot, app)
    assert booking_ids(window.week_page.view.snapshot()) == booking_ids(saved)
    assert app.presented.messages == []


def test_with_the_server_gone_the_app_starts_offline_on_its_cache(
    qtbot: QtBot, live_server: LiveServer, make_app: MakeApp
) -> None:
    saved = previous_run(qtbot, live_server, make_app)
    live_server.stop()
    app: RunningApp = make_app(live_server.url)
    window = app.window
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.session.ready, timeout=READY_MS):
        window.start()
    wait_until_shown(qtbot, app)

    def told_offline() -> bool:
        status = window.status_bar.status()
        return status is not None and not status.online and bool(status.last_error)

    qtbot.waitUntil(told_offline, timeout=30_000)
    assert window.status_bar.connection.text() == "Offline"
    assert "Traceback" not in window.status_bar.error.text()
    assert booking_ids(window.week_page.view.snapshot()) == booking_ids(saved)
    assert app.presented.messages == []


@pytest.mark.expect_log("instainstru_desktop.store.rescue", "WARNING", match="is damaged")
def test_a_damaged_cache_is_repaired_and_the_person_is_told_where_it_went(
    qtbot: QtBot, live_server: LiveServer, make_app: MakeApp
) -> None:
    previous_run(qtbot, live_server, make_app)
    app = make_app(live_server.url)
    cache = app.settings.cache_path(live_server.url, DEMO_INSTRUCTOR.email)
    with cache.open("r+b") as file:  # the header is gone: not a database any more
        file.write(b"\x00" * 100)
    window = app.window
    window.show()
    qtbot.waitExposed(window)

    window.start()
    qtbot.waitUntil(
        lambda: window.findChild(QMessageBox, "repairNotice") is not None, timeout=READY_MS
    )

    notice = window.findChild(QMessageBox, "repairNotice")
    assert notice.isVisible()
    assert "could not be used: it cannot be read" in notice.text()
    assert str(cache.parent / "damaged") in notice.text()
    assert "downloaded again" in notice.text()
    wait_until_shown(qtbot, app)
    assert booking_ids(window.week_page.view.snapshot())  # the week is back
    assert app.presented.messages == []
    notice.grab().save(str(app.settings.data_dir / "repair-notice.png"))
