"""Changing the time or weekday of all following weekly lessons from the app, and moving one
of them on its own, against the real server.

The preview is worked out on the local copy with the plan the server runs; the change works
offline, is taken back while unsent, and what the server could not move when the change
arrived is listed under Needs attention. A lesson moved on its own stays in its series, marked
as moved, and keeps its time when the rule changes later -- in the app at once, and on the
server.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from instainstru_desktop.services.errors import AlreadySentError
from instainstru_desktop.services.schedule import ScheduleService
from instainstru_desktop.services.views import WeeklyChange
from tests.server.helpers import Person
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import at, iso, student_books
from tests.sync.test_series_sync import (
    known_student,
    no_overlaps,
    server_lessons,
    shown,
    week,
    weekly,
)


def booked_series(device: Device, student: Person) -> tuple[str, list[str]]:
    series_id, _ = device.series.book_weekly(weekly(device, student))
    device.sync()
    return series_id, device.series.lesson_ids(series_id)


def to_eleven(series_id: str, n: int = 1) -> WeeklyChange:
    """From week ``n`` on, the same weekday at 11:00."""
    return WeeklyChange(series_id, week(n), (week(n).weekday(),), "11:00")


def local_start(device: Device, booking_id: str) -> str:
    row = shown(device, booking_id)
    assert row is not None
    return str(row["start_utc"])


def test_the_change_preview_says_where_each_following_lesson_goes_and_what_stays(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    student = known_student(server, instructor)
    device = make_device()
    device.sync()
    series_id, ids = booked_series(device, student)
    student_books(server, server.studio.students[2], instructor, at(week(2), 11))
    device.sync()

    rule = device.series.rule_of_lesson(ids[1])
    assert (rule.series_id, rule.from_date, rule.time) == (series_id, week(1), "10:00")
    assert rule.weekdays == (week(1).weekday(),)
    preview = device.series.preview_change(to_eleven(series_id))

    steps = [(p.day, p.outcome, p.start, p.was) for p in preview.lessons]
    assert steps == [
        (week(1), "move", at(week(1), 11), at(week(1), 10)),
        (week(2), "stay", at(week(2), 11), at(week(2), 10)),
        (week(3), "move", at(week(3), 11), at(week(3), 10)),
    ]
    assert preview.lessons[1].reason == "the instructor has another lesson at that time"
    assert all(local_start(device, key) == iso(at(week(n), 10)) for n, key in enumerate(ids))

    # applied offline, the app shows what the preview said: week 2's lesson stays at 10:00
    device.switchboard.down = True
    device.series.change_following(series_id, week(1), (week(1).weekday(),), "11:00")
    assert [local_start(device, key) for key in ids] == [
        iso(at(week(0), 10)),
        iso(at(week(1), 11)),
        iso(at(week(2), 10)),
        iso(at(week(3), 11)),
    ]
    device.switchboard.down = False
    device.sync()
    lessons = server_lessons(server, series_id)
    assert [lessons[key][0][-5:] for key in ids] == ["10:00", "11:00", "10:00", "11:00"]
    [item] = device.attention.items(device.instructor_id)
    assert f"{week(2):%a %-d %b} 11:00: the instructor has another lesson" in item.message
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_change_made_offline_moves_what_it_can_and_the_rest_needs_attention(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    student = known_student(server, instructor)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    series_id, ids = booked_series(laptop, student)
    laptop.switchboard.down = True  # on a train
    changed = laptop.series.change_following(series_id, week(1), (week(1).weekday(),), "11:00")
    assert changed.mutation_ids
    assert {week(n) for n in (1, 2, 3)} <= changed.dates
    assert [local_start(laptop, key) for key in ids] == [
        iso(at(week(0), 10)),
        *(iso(at(week(n), 11)) for n in (1, 2, 3)),
    ]
    # meanwhile a student takes week 3's new time on the web
    student_books(server, server.studio.students[2], instructor, at(week(3), 11))
    laptop.switchboard.down = False

    report = laptop.sync()
    phone.sync()

    assert (report.applied, report.rejected) == (1, 0)
    lessons = server_lessons(server, series_id)
    assert [lessons[key] for key in ids] == [
        (f"{week(0).isoformat()} 10:00", "confirmed"),
        (f"{week(1).isoformat()} 11:00", "confirmed"),
        (f"{week(2).isoformat()} 11:00", "confirmed"),
        (f"{week(3).isoformat()} 10:00", "confirmed"),  # its new time was taken: it stays
    ]
    assert local_start(laptop, ids[3]) == iso(at(week(3), 10))
    for device in (laptop, phone):
        [item] = device.attention.items(device.instructor_id)
        assert item.kind == "series_refused"
        assert "could not change to every week on" in item.message
        assert f"{week(3):%a %-d %b} 11:00" in item.message
        assert "the instructor has another lesson at that time" in item.message
        assert_nothing_lost_nothing_duplicated(device, server)
    no_overlaps(server, instructor)


def test_a_change_is_taken_back_while_unsent_and_not_once_it_reached_the_server(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    student = known_student(server, instructor)
    device = make_device()
    device.sync()
    series_id, ids = booked_series(device, student)
    device.switchboard.down = True
    changed = device.series.change_following(series_id, week(2), (week(2).weekday(),), "11:00")
    assert local_start(device, ids[2]) == iso(at(week(2), 11))

    undone = device.series.withdraw_change(changed.mutation_ids[-1])

    assert undone.withdrawn
    assert week(2) in undone.dates
    assert [local_start(device, key) for key in ids] == [iso(at(week(n), 10)) for n in range(4)]
    assert device.open_count() == 0
    again = device.series.change_following(series_id, week(2), (week(2).weekday(),), "11:00")
    device.switchboard.down = False
    device.sync()
    with pytest.raises(AlreadySentError):
        device.series.withdraw_change(again.mutation_ids[-1])
    assert server_lessons(server, series_id)[ids[3]][0] == f"{week(3).isoformat()} 11:00"
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_lesson_moved_in_the_app_stays_in_its_series_and_keeps_its_time_on_a_change(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    student = known_student(server, instructor)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    series_id, ids = booked_series(laptop, student)
    schedule = ScheduleService(laptop.store)
    laptop.switchboard.down = True
    schedule.move(ids[1], at(week(1), 15))
    moved = shown(laptop, ids[1])
    assert moved is not None
    assert (moved["series_id"], bool(moved["series_moved"])) == (series_id, True)
    assert [
        c.series_moved
        for c in laptop.lessons.upcoming(laptop.instructor_id)
        if c.booking_id == ids[1]
    ] == [True]
    # the preview of a change leaves the moved lesson out: it keeps its time
    preview = laptop.series.preview_change(to_eleven(series_id))
    assert [(p.day, p.outcome) for p in preview.lessons] == [
        (week(2), "move"),
        (week(3), "move"),
    ]
    laptop.series.change_following(series_id, week(1), (week(1).weekday(),), "11:00")
    assert local_start(laptop, ids[1]) == iso(at(week(1), 15))  # at once, offline
    assert local_start(laptop, ids[2]) == iso(at(week(2), 11))
    laptop.switchboard.down = False
    laptop.sync()
    phone.sync()

    lessons = server_lessons(server, series_id)
    assert [lessons[key][0] for key in ids] == [
        f"{week(0).isoformat()} 10:00",
        f"{week(1).isoformat()} 15:00",
        f"{week(2).isoformat()} 11:00",
        f"{week(3).isoformat()} 11:00",
    ]
    assert server.query("SELECT series_moved, series_id FROM bookings WHERE id = ?", ids[1]) == [
        (1, series_id)
    ]
    for device in (laptop, phone):
        row = shown(device, ids[1])
        assert row is not None
        assert (row["series_id"], bool(row["series_moved"])) == (series_id, True)
        assert device.attention.items(device.instructor_id) == []
        assert_nothing_lost_nothing_duplicated(device, server)
    no_overlaps(server, instructor)
