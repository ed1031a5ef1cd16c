"""Weekly lessons in the desktop app: "Book weekly" in the booking dialog with a live preview
worked out on a real cache synced from a real server, the series marker in the week, and
"this lesson / this and following" when cancelling one of them; with screenshots."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QFont

from instainstru_desktop.services.views import SeriesPreview, WeeklyRequest, WeekSnapshot
from tests.server.helpers import Person
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import LONDON, at, local_day, student_books
from tests.ui.sample_data import WEEK, ZONE, lesson, now_in_week, realistic_week
from tests.ui.test_screenshots_panels import themed  # noqa: F401 - fixture
from ui.appearance.theme import DARK, LIGHT
from ui.calendar.cards import CardLayouter
from ui.calendar.week_view import WeekView
from ui.lessons.booking_dialog import BookForStudentDialog
from ui.lessons.cancel_dialog import CancelLessonDialog

START = 3  # the first lesson is this many days from today


def week(n: int) -> date:
    return local_day(START + 7 * n)


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[tuple[ServerHandle, Device, Person]]:
    """A real server, an instructor's synced cache, and a student of theirs; a second student
    has taken week 2's time on the web."""
    server = ServerHandle(tmp_path)
    instructor, student = server.studio.instructors[0], server.studio.students[0]
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    server.add_lesson(instructor, student, started, status="completed")
    student_books(server, server.studio.students[1], instructor, at(week(2), 10, 30))
    device = Device(tmp_path, "laptop", server, instructor)
    device.sync()
    yield server, device, student
    device.close()
    server.stop()


def dialog_for(qtbot, device: Device, student: Person) -> BookForStudentDialog:
    def previewer(request: WeeklyRequest, show: Callable[[SeriesPreview | str], None]) -> None:
        show(device.series.preview(request))  # the real use case, on the real cache

    dialog = BookForStudentDialog(
        None,
        start=at(week(0), 10),
        instructor_zone="Europe/London",
        students=device.lessons.students(),
        lesson_types=device.lessons.lesson_types(device.instructor_id),
        policy_text="Lessons can be booked from 2 hours ahead.",
        student_id=student.user_id,
        instructor_id=device.instructor_id,
        terms=device.series.terms(device.instructor_id),
        previewer=previewer,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_book_weekly_previews_each_date_and_books_what_it_showed(
    qtbot, save_shot, studio: tuple[ServerHandle, Device, Person]
) -> None:
    server, device, student = studio
    dialog = dialog_for(qtbot, device, student)
    assert not dialog.weekly.isVisible()
    dialog.weekly_box.setChecked(True)
    assert dialog.confirm.text() == "&Book weekly lessons"
    dialog.weekly.count.setValue(6)
    qtbot.waitUntil(lambda: dialog.weekly.preview.count() == 6)
    lines = [dialog.weekly.preview.item(i).text() for i in range(6)]
    assert lines[0] == f"✓ {week(0):%a %-d %b %Y} 10:00 {at(week(0), 10).astimezone(LONDON):%Z}"
    assert lines[2].startswith(f"✗ {week(2):%a %-d %b %Y} 10:00")
    assert "not booked: the instructor has another lesson at that time" in lines[2]
    # a 28-day booking window: weeks 0, 1 and 3 now, 4 and 5 as the window reaches them
    assert dialog.weekly.summary.text() == "3 booked now, 2 later, 1 not possible."
    assert [line[0] for line in lines] == ["✓", "✓", "✗", "✓", "…", "…"]
    save_shot(dialog, "book_weekly_light")

    choice = dialog.choice()
    assert choice is not None
    assert choice.weekly == WeeklyRequest(
        instructor_id=device.instructor_id,
        student_id=student.user_id,
        lesson_type_id=device.person.lesson_type_id or "",
        weekdays=(week(0).weekday(),),
        time="10:00",
        start_date=week(0),
        count=6,
    )
    series_id, _ = device.series.book_weekly(choice.weekly)
    device.sync()
    rows = server.query(
        "SELECT start_utc FROM bookings WHERE series_id = ? AND status = 'confirmed'"
        " ORDER BY start_utc",
        series_id,
    )
    booked = [datetime.fromisoformat(str(r[0])).replace(tzinfo=UTC) for r in rows]
    assert booked == [at(week(n), 10) for n in (0, 1, 3)]  # what the preview promised


def test_book_weekly_screenshot_in_both_themes(
    qtbot, save_shot, themed, studio: tuple[ServerHandle, Device, Person]  # noqa: F811
) -> None:
    _, device, student = studio
    dialog = dialog_for(qtbot, device, student)
    dialog.weekly_box.setChecked(True)
    dialog.weekly.count.setValue(6)
    qtbot.waitUntil(lambda: dialog.weekly.preview.count() == 6)
    assert dialog.weekly.summary.text() == "3 booked now, 2 later, 1 not possible."
    save_shot(dialog, f"book_weekly_{themed.name}")


def test_the_weekly_form_says_what_is_missing(
    qtbot, studio: tuple[ServerHandle, Device, Person]
) -> None:
    _, device, student = studio
    dialog = dialog_for(qtbot, device, student)
    dialog.weekly_box.setChecked(True)
    dialog.weekly.days[week(0).weekday()].setChecked(False)
    assert dialog.problem.text() == "Choose at least one weekday."
    assert not dialog.confirm.isEnabled()
    assert dialog.choice() is not None
    assert dialog.choice().weekly is None  # type: ignore[union-attr]
    dialog.weekly.days[week(0).weekday()].setChecked(True)
    dialog.weekly.end_kind.setCurrentIndex(dialog.weekly.end_kind.findData("until"))
    before = week(0) - timedelta(days=1)
    dialog.weekly.until.setDate(before)
    assert dialog.problem.text() == "The end date is before the first lesson."
    dialog.weekly.until.setDate(week(1))
    qtbot.waitUntil(lambda: dialog.weekly.preview.count() == 2)
    assert dialog.confirm.isEnabled()


def series_week() -> WeekSnapshot:
    """The sample week with four lessons that belong to weekly series."""
    snapshot = realistic_week()
    weekly = {"b14", "b18", "b21", "b24"}
    lessons = tuple(
        replace(card, series_id="series-1", series_slot=f"1/{card.start.date()}")
        if card.booking_id in weekly
        else card
        for card in snapshot.lessons
    )
    return replace(snapshot, lessons=lessons)


def test_a_series_lesson_carries_the_weekly_marker(qtbot, save_shot) -> None:
    layouter = CardLayouter()
    layouter.reset(QFont(), QFont(), LIGHT, 1.0)
    mark = lesson("x", WEEK, "10:00", "ana", "piano").mark
    single = layouter.style("#3f74e0", "confirmed", mark)
    weekly = layouter.style("#3f74e0", "confirmed", mark, True)
    assert "repeat" not in [name for name, _ in single.icons]
    assert "repeat" in [name for name, _ in weekly.icons]
    for palette in (LIGHT, DARK):
        view = WeekView(palette=palette)
        qtbot.addWidget(view)
        view.resize(1280, 820)
        view.set_snapshot(series_week())
        view.set_now(now_in_week())
        view.show()
        qtbot.waitExposed(view)
        save_shot(view, f"week_with_series_{palette.name}")


def test_cancelling_a_weekly_lesson_offers_this_one_or_all_following(qtbot, save_shot) -> None:
    card = lesson("b14", WEEK, "15:00", "ben", "piano")
    single = CancelLessonDialog(None, card, ZONE)
    qtbot.addWidget(single)
    assert not single.and_following.isVisibleTo(single)
    weekly = CancelLessonDialog(None, replace(card, series_id="series-1"), ZONE)
    qtbot.addWidget(weekly)
    weekly.show()
    qtbot.waitExposed(weekly)
    assert weekly.and_following.isVisible()
    assert not weekly.following()
    weekly.and_following.setChecked(True)
    weekly.reason.setPlainText("Moving to another city")
    assert weekly.following()
    save_shot(weekly, "cancel_weekly_light")


def test_the_detail_pane_cancels_one_weekly_lesson_or_all_following(qtbot, monkeypatch) -> None:
    from PySide6.QtCore import Qt

    from tests.ui.sample_data import lesson_detail
    from ui.lessons.detail import LessonDetailPane

    pane = LessonDetailPane(time_zone=ZONE)
    qtbot.addWidget(pane)
    detail = lesson_detail("b14")
    pane.set_detail(replace(detail, lesson=replace(detail.lesson, series_id="series-1")))
    answers = iter([("Moving away", True), ("Ill that day", False)])
    monkeypatch.setattr(
        CancelLessonDialog, "ask_scope", classmethod(lambda cls, *a: next(answers))
    )
    with (
        qtbot.waitSignal(pane.cancelFollowingRequested) as blocker,
        qtbot.assertNotEmitted(pane.cancelRequested),
    ):
        qtbot.mouseClick(pane.cancel_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["b14", "Moving away"]
    with (
        qtbot.waitSignal(pane.cancelRequested) as blocker,
        qtbot.assertNotEmitted(pane.cancelFollowingRequested),
    ):
        pane.cancel_button.click()
    assert blocker.args == ["b14", "Ill that day"]
