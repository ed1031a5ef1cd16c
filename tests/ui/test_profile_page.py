"""The Profile page in the running app, against a real server on loopback.

Edits are made offline in the page and show at once (the week's lesson cards take a new colour
the moment it is saved); once the server is back they reach it, exactly once, and another device
of the instructor pulls them. A lesson type made offline is booked by a student through the API
after the sync. The fields refuse, in plain words, what the server would refuse.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from instainstru_desktop.services.views import SyncMark, SyncStatus
from instainstru_desktop.sync.booking_page import EMBEDDED_REASON
from tests.ui.app_fixtures import (
    READY_MS,
    LiveServer,
    MakeApp,
    RunningApp,
    free_port,
    read_db,
    shown_card,
    sign_in,
    wait_until_shown,
)
from tests.ui.conftest import SaveShot
from tests.ui.test_app_embedded import in_profile
from ui.shell.main_window import MainWindow

STUDENT = ("dmitri.okafor1@demo.instainstru.app", "learn-demo-2026")


def open_profile(qtbot: QtBot, running: RunningApp) -> MainWindow:
    window = running.window
    window.show_profile()
    qtbot.waitUntil(lambda: bool(window.profile_view.lesson_types.options()), timeout=15_000)
    return window


def pending(qtbot: QtBot, window: MainWindow) -> int:
    status: SyncStatus = read_db(qtbot, window, window.session.services.status.status)
    return status.pending_changes


def sync_until_sent(qtbot: QtBot, window: MainWindow) -> None:
    def sent() -> bool:
        if window.ops.busy():
            return False
        if pending(qtbot, window) == 0:
            return True
        window.sync_now()
        return False

    qtbot.waitUntil(sent, timeout=30_000)


def add_lesson_type(qtbot: QtBot, window: MainWindow, name: str) -> str:
    """Fill the form as a person would and add it; the new lesson type's id."""
    panel = window.profile_view.lesson_types
    panel.new_button.click()
    editor = panel.editor
    editor.name.setText(name)
    editor.length.setValue(50)
    editor.price.setText("55,5")
    editor.currency.setCurrentText("eur")
    editor.swatches[4].click()
    assert editor.submit.isEnabled()
    before = {o.id for o in panel.options()}
    editor.submit.click()
    qtbot.waitUntil(lambda: {o.id for o in panel.options()} - before != set(), timeout=10_000)
    [new_id] = {o.id for o in panel.options()} - before
    return new_id


def sync_column(window: MainWindow, lesson_type_id: str) -> str | None:
    """What the list's sync column says of a lesson type (None: the column is hidden)."""
    tree = window.profile_view.lesson_types.list
    column = tree.columnCount() - 1
    assert tree.headerItem().text(column) == "Sync"
    if tree.isColumnHidden(column):
        return None
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        if item is not None and item.data(0, Qt.ItemDataRole.UserRole) == lesson_type_id:
            return item.text(column)
    raise AssertionError(f"lesson type {lesson_type_id} is not listed")


def test_profile_edits_made_offline_show_at_once_reach_the_server_and_another_device(
    qtbot: QtBot, live_server: LiveServer, make_app: MakeApp
) -> None:
    running = sign_in(qtbot, make_app(live_server.url))
    window = open_profile(qtbot, running)
    view, iid = window.profile_view, running.instructor_id
    lesson = next(c for c in window.week_page.view.snapshot().lessons)  # type: ignore[union-attr]
    live_server.stop()

    # name and bio
    view.about.name.setText("  Maria López Reyes ")
    view.about.bio.setPlainText("Concert pianist.\n\nAll levels welcome.")
    with qtbot.waitSignal(window.profile_page.loaded, timeout=10_000):
        view.about.save.click()
    assert view.about.name.text() == "Maria López Reyes"
    assert view.about.mark.text().startswith("Saved here")
    assert not view.about.save.isEnabled()
    # a new colour for the lesson type of a lesson in the week: its card turns at once
    panel = view.lesson_types
    panel.select(lesson.lesson_type_id)
    panel.editor.set_color("#aa3300")
    panel.editor.submit.click()
    qtbot.waitUntil(
        lambda: (shown_card(window, lesson.booking_id) or lesson).color == "#AA3300",
        timeout=10_000,
    )
    # the form now holds what is stored: nothing more to save
    qtbot.waitUntil(lambda: not panel.editor.submit.isEnabled(), timeout=10_000)
    assert panel.editor.heading.text() == f"Editing “{panel.editor.name.text()}”"
    # a new lesson type, made offline
    new_id = add_lesson_type(qtbot, window, "Jazz improvisation")
    listed = panel.option(new_id)
    assert listed is not None
    assert (listed.name, listed.price_cents, listed.currency, listed.color, listed.mark) == (
        "Jazz improvisation",
        5550,
        "EUR",
        "#D9534F",
        SyncMark.PENDING,
    )
    assert pending(qtbot, window) == 3
    assert sync_column(window, new_id) == "Not synced yet"

    live_server.start()
    sync_until_sent(qtbot, window)
    qtbot.waitUntil(lambda: sync_column(window, new_id) is None, timeout=10_000)

    [(name, bio)] = live_server.query(
        "SELECT u.name, i.bio FROM instructors i JOIN users u ON u.id = i.user_id WHERE i.id = ?",
        iid,
    )
    assert (name, bio) == ("Maria López Reyes", "Concert pianist.\n\nAll levels welcome.")
    assert live_server.query(
        "SELECT name, duration_minutes, price_cents, currency, color, active "
        "FROM lesson_types WHERE id = ?",
        new_id,
    ) == [("Jazz improvisation", 50, 5550, "EUR", "#D9534F", 1)]
    assert live_server.query(
        "SELECT color FROM lesson_types WHERE id = ?", lesson.lesson_type_id
    ) == [("#AA3300",)]
    pushed = live_server.query(
        "SELECT action FROM audit_log WHERE instructor_id = ? AND action IN "
        "('instructor.update', 'lesson_type.add', 'lesson_type.update')",
        iid,
    )
    assert sorted(a for (a,) in pushed) == [
        "instructor.update",
        "lesson_type.add",
        "lesson_type.update",
    ]
    qtbot.waitUntil(lambda: view.about.mark.text() == "", timeout=10_000)

    other = sign_in(qtbot, make_app(live_server.url, profile="second-device"))
    seen = open_profile(qtbot, other).profile_view
    qtbot.waitUntil(lambda: seen.about.name.text() == "Maria López Reyes", timeout=10_000)
    assert seen.about.bio.toPlainText() == "Concert pianist.\n\nAll levels welcome."
    theirs = seen.lesson_types.option(new_id)
    assert theirs is not None
    assert (theirs.name, theirs.color, theirs.mark) == (
        "Jazz improvisation",
        "#D9534F",
        SyncMark.SYNCED,
    )


def test_a_lesson_type_made_offline_is_booked_by_a_student_once_it_is_synced(
    qtbot: QtBot, live_server: LiveServer, make_app: MakeApp
) -> None:
    running = sign_in(qtbot, make_app(live_server.url))
    window = open_profile(qtbot, running)
    live_server.stop()
    new_id = add_lesson_type(qtbot, window, "Sight reading")
    live_server.start()
    sync_until_sent(qtbot, window)

    student = live_server.client(*STUDENT)
    now = datetime.now(UTC)
    slots = student.get(
        f"/instructors/{running.instructor_id}/slots",
        params={
            "lesson_type_id": new_id,
            "from": now.isoformat(),
            "to": (now + timedelta(days=14)).isoformat(),
        },
    )
    assert slots.status_code == 200, slots.text
    start = slots.json()["slots"][0]["start"]
    booked = student.post(
        "/bookings",
        json={"instructor_id": running.instructor_id, "lesson_type_id": new_id, "start": start},
    )
    assert booked.status_code == 201, booked.text
    assert booked.json()["price_cents"] == 5550

    booking_id, iid = booked.json()["id"], running.instructor_id
    lessons = window.session.services.lessons

    def arrived() -> str:
        found = [c for c in lessons.upcoming(iid) if c.booking_id == booking_id]
        return found[0].lesson_type_name if found else ""

    window.sync_now()
    qtbot.waitUntil(lambda: read_db(qtbot, window, arrived) == "Sight reading", timeout=30_000)


def test_the_fields_say_what_is_wrong_before_anything_is_queued(
    qtbot: QtBot, signed_in_app: RunningApp
) -> None:
    window = open_profile(qtbot, signed_in_app)
    about, editor = window.profile_view.about, window.profile_view.lesson_types.editor
    queued = pending(qtbot, window)

    about.name.setText("   ")
    about.bio.setPlainText("b" * 5_001)
    assert about.name_hint.text() == "Your name cannot be empty."
    assert about.bio_hint.text() == (
        "The bio can be at most 5,000 characters long; this one has 5,001."
    )
    assert about.bio_hint.property("tone") == "error"
    assert not about.save.isEnabled()
    about.save.click()

    window.profile_view.lesson_types.new_button.click()
    editor.name.setText("Piano")
    editor.length.setValue(721)
    editor.price.setText("12.345")
    editor.currency.setCurrentText("EURO")
    assert editor.hints["duration_minutes"].text() == "A lesson lasts from 5 minutes to 12 hours."
    assert editor.hints["price_cents"].text() == (
        "Enter the price as a number, such as 45 or 45.50. "
        "Write the currency as its three-letter code, such as EUR or USD."
    )
    assert not editor.submit.isEnabled()
    editor.submit.click()
    editor.length.setValue(45)
    editor.price.setText("45")
    editor.currency.setCurrentText("GBP")
    assert editor.hints["price_cents"].text() == ""
    assert editor.submit.isEnabled()
    assert pending(qtbot, window) == queued  # nothing reached the outbox while it was wrong


def test_the_booking_page_of_a_studio_server_opens_and_its_link_is_copied(
    qtbot: QtBot, tmp_path, demo_database, make_app: MakeApp
) -> None:
    studio = LiveServer(tmp_path / "studio", free_port(), seeded=demo_database, web_pages=True)
    studio.start()
    try:
        running = sign_in(qtbot, make_app(studio.url))
        window = open_profile(qtbot, running)
        box, actions = window.profile_view.booking_link, window.profile_actions
        qtbot.waitUntil(lambda: bool(box.url), timeout=15_000)
        assert box.url == f"{studio.url}/maria-lopez"
        assert box.open_button.isVisible()
        assert actions.open_page.isEnabled()
        assert actions.copy_link.isEnabled()
        opened: list[str] = []
        box.open_url = lambda url: opened.append(url.toString()) is None

        box.open_button.click()
        actions.open_page.trigger()
        with qtbot.waitSignal(box.copied):
            actions.copy_link.trigger()

        assert opened == [box.url, box.url]
        assert QGuiApplication.clipboard().text() == box.url
        page = httpx.get(box.url, timeout=15)
        assert page.status_code == 200
        assert "Maria Lopez" in page.text

        # offline, the address is not known until the server is back
        studio.stop()
        window.profile_page.find_booking_page()
        qtbot.waitUntil(lambda: box.url == "", timeout=15_000)
        assert "cannot be reached" in box.note.text()
        assert not actions.copy_link.isEnabled()
        studio.start()
        window.sync_now()
        qtbot.waitUntil(lambda: box.url == f"{studio.url}/maria-lopez", timeout=30_000)
    finally:
        studio.close()


def test_a_server_without_student_pages_has_no_page_to_open(
    qtbot: QtBot, signed_in_app: RunningApp
) -> None:
    window = open_profile(qtbot, signed_in_app)
    box = window.profile_view.booking_link
    qtbot.waitUntil(lambda: "does not serve booking pages" in box.note.text(), timeout=15_000)
    assert box.url == ""
    assert not box.open_button.isVisible()
    assert not window.profile_actions.open_page.isEnabled()


def test_on_the_embedded_default_the_page_explains_and_the_preview_still_works(
    qtbot: QtBot, make_app: MakeApp, demo_database: Path, save_shot: SaveShot
) -> None:
    running = make_app(None)
    in_profile(demo_database, running.settings.embedded_database_path)
    window = running.window
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.session.ready, timeout=READY_MS):
        window.start()
    wait_until_shown(qtbot, running)
    box, preview = window.profile_view.booking_link, window.profile_view.preview

    with qtbot.waitSignal(window.profile_page.previewShown, timeout=15_000):
        window.show_profile()

    assert box.note.text() == EMBEDDED_REASON
    assert box.url == ""
    assert not box.open_button.isVisible()
    assert not box.copy_button.isVisible()
    assert not window.profile_actions.open_page.isEnabled()
    assert not window.profile_actions.copy_link.isEnabled()
    shown = preview.shown
    assert shown is not None
    rows = [row for row in preview.days if row.isVisible()]
    assert len(rows) == 7
    for row, day in zip(rows, shown.week.days, strict=True):
        assert row.texts() == [f"{s.astimezone(shown.week.viewer):%H:%M}" for s in day.starts]
        if not day.starts:
            assert row.none.text().startswith(("Nothing free", "Not open"))
    assert any(day.starts for day in shown.week.days)
    # another student zone, and the next week
    preview.zone.show_zone("Asia/Tokyo")
    with qtbot.waitSignal(window.profile_page.previewShown, timeout=15_000):
        preview.request()
    assert str(preview.shown.week.viewer) == "Asia/Tokyo"  # type: ignore[union-attr]
    with qtbot.waitSignal(window.profile_page.previewShown, timeout=15_000):
        preview.later.click()
    assert preview.shown.week.first > shown.week.first  # type: ignore[union-attr]
    save_shot(window, "profile-page-embedded")
