"""Screenshots of the Profile page and of its preview of the student pages, light and dark.

Each runs the whole window against the demo server (a studio server serving student pages, so
the booking page's address and both its actions show) and saves the page and the preview for a
person to look at (``INSTAINSTRU_SCREENSHOT_DIR`` keeps them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.app_fixtures import LiveServer, MakeApp, free_port, sign_in
from tests.ui.conftest import SaveShot


@pytest.fixture
def studio_server(tmp_path: Path, demo_database: Path):
    server = LiveServer(tmp_path / "studio", free_port(), seeded=demo_database, web_pages=True)
    server.start()
    yield server
    server.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_profile_page_and_its_preview_as_pictures(
    qtbot: QtBot, studio_server: LiveServer, make_app: MakeApp, save_shot: SaveShot, theme: str
) -> None:
    running = sign_in(qtbot, make_app(studio_server.url, theme=theme))
    window = running.window
    page, view = window.profile_page, window.profile_view
    with qtbot.waitSignal(page.previewShown, timeout=15_000):
        window.show_profile()
    qtbot.waitUntil(lambda: bool(view.booking_link.url), timeout=15_000)
    view.lesson_types.select(view.lesson_types.options()[0].id)

    shot = save_shot(window, f"profile-page-{theme}")
    preview = save_shot(view.preview, f"profile-preview-{theme}")

    assert shot.stat().st_size > 20_000
    assert preview.stat().st_size > 5_000
    shown = view.preview.shown
    assert shown is not None
    assert any(day.starts for day in shown.week.days)


def test_the_lesson_type_form_with_what_is_wrong_as_a_picture(
    qtbot: QtBot, studio_server: LiveServer, make_app: MakeApp, save_shot: SaveShot
) -> None:
    running = sign_in(qtbot, make_app(studio_server.url, theme="dark"))
    window = running.window
    view = window.profile_view
    window.show_profile()
    panel = view.lesson_types
    qtbot.waitUntil(lambda: bool(panel.options()), timeout=15_000)
    panel.start_new()
    panel.editor.name.setText("   ")
    panel.editor.length.setValue(3)
    panel.editor.price.setText("forty")
    panel.editor.currency.setCurrentText("eu")

    shot = save_shot(panel, "profile-lesson-type-problems-dark")

    assert shot.stat().st_size > 5_000
    assert not panel.editor.submit.isEnabled()
