"""Changing the time or weekday of all following weekly lessons in the app: the form with its
live preview worked out on a real cache synced from a real server, the detail pane's and the
menus' way in, and how a lesson moved on its own is shown; with screenshots in both themes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QTime
from PySide6.QtWidgets import QApplication, QMenu

from instainstru_desktop.services.views import SeriesPreview, WeeklyChange
from tests.server.helpers import Person
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import LONDON, at, student_books
from tests.ui.sample_data import WEEK, ZONE, lesson, lesson_detail
from tests.ui.test_screenshots_panels import show, themed  # noqa: F401 - fixture
from tests.ui.test_weekly_lessons import studio, week  # noqa: F401 - fixture
from ui.appearance.theme import LIGHT, Palette
from ui.lessons.change_weekly_dialog import ChangeWeeklyDialog
from ui.lessons.detail import LessonDetailPane
from ui.lessons.lesson_menu import LessonHandlers, add_lesson_actions


def zone_of(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%Z}"


def test_the_form_previews_where_each_following_lesson_goes_and_changes_them(
    qtbot,
    save_shot,
    themed: Palette,  # noqa: F811
    studio: tuple[ServerHandle, Device, Person],  # noqa: F811
) -> None:
    server, device, student = studio
    series_id, _ = device.series.book_weekly(
        replace_weekly(device, student, count=4)
    )
    device.sync()
    ids = device.series.lesson_ids(series_id)
    instructor = server.studio.instructors[0]
    student_books(server, server.studio.students[2], instructor, at(week(3), 11))
    device.sync()  # week 3's 11:00 is taken now (week 2's 10:30 was taken before)

    def previewer(change: WeeklyChange, shown: Callable[[SeriesPreview | str], None]) -> None:
        shown(device.series.preview_change(change))  # the real use case, on the real cache

    rule = device.series.rule_of_lesson(ids[0])
    dialog = ChangeWeeklyDialog(None, rule=rule, previewer=previewer)
    show(qtbot, dialog, 600, 0)
    assert not dialog.confirm.isEnabled()  # the same rule changes nothing
    assert dialog.problem.text() == "Choose another day, time or rhythm to change the lessons to."
    assert dialog.time.time() == QTime(10, 0)
    assert [box.isChecked() for box in dialog.days] == [
        d == week(0).weekday() for d in range(7)
    ]

    dialog.time.setTime(QTime(11, 0))
    qtbot.waitUntil(lambda: dialog.previews.preview.count() == 4)
    lines = [dialog.previews.preview.item(i).text() for i in range(4)]
    z = zone_of(at(week(0), 11))
    assert lines[0] == (
        f"→ {week(0):%a %-d %b %Y} 11:00 {z} — moved from 10:00"
    )
    assert lines[1].startswith(f"→ {week(1):%a %-d %b %Y} 11:00")
    # week 2 had no lesson (10:30 was taken); the new time would give it one, still taken
    assert lines[2] == (
        f"✗ {week(2):%a %-d %b %Y} 11:00 {zone_of(at(week(2), 11))} — not booked: "
        "the instructor has another lesson at that time"
    )
    assert lines[3].startswith(f"✗ {week(3):%a %-d %b %Y} 11:00")
    assert "cannot move, stays 10:00: the instructor has another lesson" in lines[3]
    assert "the instructor has another lesson at that time" in lines[3]
    assert dialog.previews.summary.text() == "2 moved, 1 cannot move, 1 new lesson not possible."
    assert dialog.confirm.isEnabled()
    save_shot(dialog, f"change_weekly_{themed.name}")

    change = dialog.change()
    assert change == WeeklyChange(series_id, week(0), (week(0).weekday(),), "11:00")
    device.series.change_following(
        change.series_id, change.from_date, change.weekdays, change.time
    )
    device.sync()
    rows = dict(
        server.query("SELECT id, start_utc FROM bookings WHERE series_id = ?", series_id)
    )
    got = [datetime.fromisoformat(str(rows[key])).replace(tzinfo=UTC) for key in ids]
    assert got == [at(week(0), 11), at(week(1), 11), at(week(3), 10)]  # as the preview said


def replace_weekly(device: Device, student: Person, *, count: int):  # type: ignore[no-untyped-def]
    from instainstru_desktop.services.views import WeeklyRequest

    return WeeklyRequest(
        instructor_id=device.instructor_id,
        student_id=student.user_id,
        lesson_type_id=device.person.lesson_type_id or "",
        weekdays=(week(0).weekday(),),
        time="10:00",
        start_date=week(0),
        count=count,
    )


def test_the_form_says_what_is_missing(qtbot) -> None:
    from instainstru_desktop.services.views import SeriesRuleNow

    asked: list[WeeklyChange] = []
    rule = SeriesRuleNow("s-1", WEEK, (1,), "17:00", 1, ZONE, "Ana Xu", "Piano")
    dialog = ChangeWeeklyDialog(
        None, rule=rule, previewer=lambda change, _shown: asked.append(change)
    )
    show(qtbot, dialog, 600, 0)
    dialog.days[1].setChecked(False)
    assert dialog.problem.text() == "Choose at least one weekday."
    assert not dialog.confirm.isEnabled()
    assert dialog.change() is None
    dialog.days[3].setChecked(True)
    dialog.every.setValue(2)
    qtbot.waitUntil(lambda: bool(asked))
    assert asked[-1] == WeeklyChange("s-1", WEEK, (3,), "17:00", 2)
    assert dialog.confirm.isEnabled()


def test_the_detail_pane_offers_the_weekly_time_only_for_a_weekly_lesson(
    qtbot,
    save_shot,
    themed: Palette,  # noqa: F811
) -> None:
    pane = LessonDetailPane(time_zone=ZONE, palette=themed)
    detail = replace(lesson_detail("b14"), can_move=True)
    pane.set_detail(detail)
    show(qtbot, pane, 560, 760)
    assert not pane.weekly_button.isVisible()
    assert not pane.series_line.isVisible()

    weekly = replace(detail.lesson, series_id="series-1", series_slot=f"1/{WEEK}")
    pane.set_detail(replace(detail, lesson=weekly))
    assert pane.weekly_button.isVisible()
    assert pane.series_line.text() == "One of weekly lessons."
    with qtbot.waitSignal(pane.changeFollowingRequested) as blocker:
        pane.weekly_button.click()
    assert blocker.args == ["b14"]

    moved = replace(weekly, series_moved=True)
    pane.set_detail(replace(detail, lesson=moved))
    assert pane.series_line.text().startswith("One of weekly lessons, moved on its own")
    # the history rows of the earlier details go when the event loop next runs, as in the app
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    save_shot(pane, f"detail_weekly_moved_{themed.name}")
    pane.set_detail(replace(detail, lesson=moved, can_move=False))  # cancelled, say
    assert not pane.weekly_button.isVisible()


def test_a_weekly_lessons_menu_offers_to_change_the_weekly_time(qtbot) -> None:
    single = lesson("b1", WEEK, "15:00", "ben", "piano")
    weekly = replace(single, series_id="series-1")
    asked: list[str] = []
    handlers = LessonHandlers(
        details=print,
        complete=print,
        no_show=print,
        correct=lambda *_: None,
        move=print,
        cancel=print,
        change_following=asked.append,
    )
    before = single.start.replace(year=single.start.year - 1)
    texts = []
    for card in (single, weekly):
        menu = QMenu()
        add_lesson_actions(menu, card, before, handlers, LIGHT)
        texts.append([a.text() for a in menu.actions() if a.text()])
        if card is weekly:
            [entry] = [a for a in menu.actions() if a.text().startswith("Change weekly")]
            entry.trigger()
    assert "Change weekly time from here…" not in texts[0]
    assert "Change weekly time from here…" in texts[1]
    assert asked == ["b1"]
