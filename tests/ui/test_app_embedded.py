"""The app on its embedded default: the bundled server answers the app (its per-run secret) and
nobody else on the computer.

The demo studio is copied into the profile first, so start-up is a second run (no seeding).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from pytestqt.qtbot import QtBot

from instainstru_desktop.config import load_settings
from instainstru_desktop.sync.engine import SyncReport
from tests.ui.app_fixtures import READY_MS, MakeApp, copy_database, wait_until_shown
from ui.shell import startup

API = "/api/v1"


def in_profile(demo_database: Path, target: Path) -> None:
    """The demo studio as the server database of a profile that ran before."""
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_database(demo_database, target)


def assert_refused_to_strangers(base_url: str, token: str | None) -> None:
    """Another program that found the port, even one holding the instructor's token."""
    bearer = {"Authorization": f"Bearer {token}"} if token else {}
    for path in ("/meta", "/me", "/events"):
        answer = httpx.get(f"{base_url}{API}{path}", headers=bearer, timeout=30)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["code"] == "local_secret_required"


def test_start_embedded_signs_in_syncs_and_hears_pokes(
    qtbot: QtBot, tmp_path: Path, demo_database: Path
) -> None:
    settings = load_settings(profile=tmp_path / "profile", environ={})
    in_profile(demo_database, settings.embedded_database_path)
    reports: list[SyncReport] = []

    started = startup.start_embedded(settings, on_report=reports.append)
    try:
        assert started.server is not None
        core = started.core
        assert core.identity.role == "instructor"
        startup.first_download(started)
        assert core.services.status.status().last_sync is not None
        assert_refused_to_strangers(started.base_url, core.api.token)

        core.start()
        qtbot.waitUntil(core.live.connected.is_set, timeout=10_000)
        day = (datetime.now(UTC) + timedelta(days=6)).date().isoformat()
        iid = core.identity.instructor_id
        headers = {**started.server.access_headers, "Authorization": f"Bearer {core.api.token}"}
        changed = httpx.put(
            f"{started.base_url}{API}/instructors/{iid}/availability/{day}",
            json={"ranges": []},
            headers=headers,
            timeout=5,
        )
        assert changed.status_code == 200, changed.text
        qtbot.waitUntil(lambda: core.live.pokes >= 1, timeout=10_000)
        qtbot.waitUntil(
            lambda: any(f"{iid}/{day}" in r.override_keys for r in reports), timeout=10_000
        )
    finally:
        started.close()


def test_the_window_starts_on_its_embedded_server(
    qtbot: QtBot, make_app: MakeApp, demo_database: Path
) -> None:
    app = make_app(None)
    in_profile(demo_database, app.settings.embedded_database_path)
    window = app.window
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.session.ready, timeout=READY_MS):
        window.start()  # no sign-in form: the app signs in to its own server
    wait_until_shown(qtbot, app)
    snapshot = window.week_page.view.snapshot()
    assert snapshot is not None
    assert snapshot.lessons
    assert app.presented.messages == []
    assert_refused_to_strangers(window.session.core.api.base_url, window.session.core.api.token)
