"""Weekly series through sync and offline, against the real server: booked on a train, its
refusals under Needs attention; this and following cancelled, the rule changed, a break added
later, from two devices.

What the server must hold is worked out here from the calendar the test made, never read back
from the client; each test ends with the cache equal to a fresh download.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from instainstru_desktop.domain.series import occurrence_id
from instainstru_desktop.services.views import TermBreakInput, WeeklyRequest
from instainstru_desktop.store.mirror import Row
from tests.server.helpers import Person
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated
from tests.sync.harness import Device, ServerHandle
from tests.sync.scenarios import LONDON, at, local_day, student_books

START = 3  # the series starts this many days from today (inside notice and window)


def known_student(server: ServerHandle, instructor: Person, index: int = 0) -> Person:
    """A student the instructor's cache mirrors (they had a lesson an hour ago)."""
    student = server.studio.students[index]
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    server.add_lesson(instructor, student, started, status="completed")
    return student


def weekly(
    device: Device, student: Person, *, count: int | None = 4, **values: object
) -> WeeklyRequest:
    day = local_day(START)
    fields: dict[str, object] = {
        "instructor_id": device.instructor_id,
        "student_id": student.user_id,
        "lesson_type_id": device.person.lesson_type_id,
        "weekdays": (day.weekday(),),
        "time": "10:00",
        "start_date": day,
        "count": count,
        **values,
    }
    return WeeklyRequest(**fields)  # type: ignore[arg-type]


def week(n: int) -> date:
    """The date of the series' lesson in week ``n`` (0 = the first)."""
    return local_day(START + 7 * n)


def server_lessons(server: ServerHandle, series_id: str) -> dict[str, tuple[str, str]]:
    """The series' lessons on the server: id -> (London wall time ``YYYY-MM-DD HH:MM``, status)."""
    rows = server.query("SELECT id, start_utc, status FROM bookings WHERE series_id = ?", series_id)
    found = {}
    for key, start, status in rows:
        moment = datetime.fromisoformat(str(start)).replace(tzinfo=UTC).astimezone(LONDON)
        found[key] = (f"{moment:%Y-%m-%d %H:%M}", status)
    return found


def shown(device: Device, booking_id: str) -> Row | None:
    with device.store.read() as uow:
        return uow.mirror.get("booking", booking_id)


def no_overlaps(server: ServerHandle, instructor: Person) -> None:
    rows = server.query(
        "SELECT start_utc, end_utc FROM bookings WHERE instructor_id = ? AND status = 'confirmed'"
        " ORDER BY start_utc",
        instructor.instructor_id,
    )
    for (_, end), (start, _) in itertools.pairwise(rows):
        assert str(end) <= str(start), f"two lessons overlap at {start}"


def test_a_series_booked_offline_books_what_it_can_and_its_refusals_need_attention(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    student = known_student(server, instructor)
    device = make_device()
    device.sync()
    device.switchboard.down = True  # on a train
    preview = device.series.preview(weekly(device, student))
    assert [p.outcome for p in preview.lessons] == ["book"] * 4
    series_id, changed = device.series.book_weekly(weekly(device, student))
    ids = [occurrence_id(series_id, f"1/{week(n).isoformat()}") for n in range(4)]
    assert changed.mutation_ids
    assert set(ids) <= changed.booking_ids
    for key in ids:  # shown at once, with the ids the server will give them
        row = shown(device, key)
        assert row is not None
        assert row["series_id"] == series_id
    # meanwhile a student takes week 2's time on the web
    student_books(server, server.studio.students[2], instructor, at(week(2), 10, 30))
    device.switchboard.down = False

    report = device.sync()

    assert (report.applied, report.rejected) == (1, 0)
    lessons = server_lessons(server, series_id)
    assert sorted(lessons) == sorted(ids[:2] + ids[3:])
    assert {when for when, _ in lessons.values()} == {
        f"{week(n).isoformat()} 10:00" for n in (0, 1, 3)
    }
    assert shown(device, ids[2]) is None  # the refused lesson is gone from the week
    [item] = device.attention.items(device.instructor_id)
    assert item.kind == "series_refused"
    assert f"{week(2):%a %-d %b} 10:00" in item.message
    assert "the instructor has another lesson at that time" in item.message
    # the preview now knows the clash too, with the reason the server gave
    again = device.series.preview(weekly(device, server.studio.students[0]))
    assert [p.outcome for p in again.lessons] == ["refused", "refused", "refused", "refused"]
    no_overlaps(server, instructor)
    assert_nothing_lost_nothing_duplicated(device, server)


def test_this_and_following_cancelled_on_one_device_reaches_the_other(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    student = known_student(server, instructor)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    series_id, _ = laptop.series.book_weekly(weekly(laptop, student))
    laptop.sync()
    phone.sync()
    ids = phone.series.lesson_ids(series_id)
    assert len(ids) == 4

    phone.switchboard.down = True
    phone.series.cancel_following(series_id, week(2), "Moving away")
    phone.lessons.cancel(ids[0], "Ill that week")  # this lesson only
    assert [shown(phone, key)["status"] for key in ids] == [  # type: ignore[index]
        "cancelled",
        "confirmed",
        "cancelled",
        "cancelled",
    ]
    phone.switchboard.down = False
    phone.sync()
    laptop.sync()

    statuses = {key: status for key, (_, status) in server_lessons(server, series_id).items()}
    assert [statuses[key] for key in ids] == ["cancelled", "confirmed", "cancelled", "cancelled"]
    reasons = server.query("SELECT cancel_reason FROM bookings WHERE id IN (?, ?)", ids[2], ids[3])
    assert reasons == [("Moving away",), ("Moving away",)]
    for device in (laptop, phone):
        assert [shown(device, key)["status"] for key in ids] == [  # type: ignore[index]
            "cancelled",
            "confirmed",
            "cancelled",
            "cancelled",
        ]
        assert_nothing_lost_nothing_duplicated(device, server)
    # each lesson's history says it went with "this and following"
    history = server.query(
        "SELECT action, details FROM audit_log WHERE booking_id = ? ORDER BY at", ids[3]
    )
    assert [action for action, _ in history] == ["booking.create", "booking.cancel"]
    assert json.loads(history[1][1])["why"] == "this and following"


def test_a_moved_lesson_keeps_its_time_when_the_rule_changes_on_another_device(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    student = known_student(server, instructor)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    series_id, _ = laptop.series.book_weekly(weekly(laptop, student))
    laptop.sync()
    ids = laptop.series.lesson_ids(series_id)
    # the instructor moves week 1 to 15:00 on the web; the laptop has not heard of it
    with server.api(instructor) as api:
        api.request(
            "POST",
            f"/bookings/{ids[1]}/reschedule",
            json={"start": at(week(1), 15).strftime("%Y-%m-%dT%H:%M:%SZ")},
            retry=False,
        )
    laptop.switchboard.down = True
    laptop.series.change_following(series_id, week(1), (week(1).weekday(),), "11:00")
    assert shown(laptop, ids[2])["start_utc"] == at(week(2), 11).strftime(  # type: ignore[index]
        "%Y-%m-%dT%H:%M:%SZ"
    )
    laptop.switchboard.down = False
    laptop.sync()
    phone.sync()

    on_server = sorted(
        (when, status)
        for when, status in server_lessons(server, series_id).values()
        if status == "confirmed"
    )
    assert on_server == [
        (f"{week(0).isoformat()} 10:00", "confirmed"),
        (f"{week(1).isoformat()} 15:00", "confirmed"),  # moved on its own: it stays
        (f"{week(2).isoformat()} 11:00", "confirmed"),
        (f"{week(3).isoformat()} 11:00", "confirmed"),
    ]
    moved = server.query("SELECT series_moved, series_id FROM bookings WHERE id = ?", ids[1])
    assert moved == [(1, series_id)]
    no_overlaps(server, instructor)
    for device in (laptop, phone):
        assert_nothing_lost_nothing_duplicated(device, server)


def test_a_break_added_later_offline_frees_its_lessons_on_both_devices(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    student = known_student(server, instructor)
    laptop, phone = make_device("laptop"), make_device("phone")
    laptop.sync()
    term_id, _ = laptop.series.set_term(laptop.instructor_id, "Winter term", local_day(1), week(3))
    series_id, _ = laptop.series.book_weekly(weekly(laptop, student, count=None, term_id=term_id))
    laptop.sync()
    phone.sync()
    ids = phone.series.lesson_ids(series_id)
    assert len(ids) == 4

    phone.switchboard.down = True
    half_term = TermBreakInput(week(1), week(2), "Half term")
    phone.series.set_term(
        phone.instructor_id, "Winter term", local_day(1), week(3), [half_term], term_id=term_id
    )
    assert [shown(phone, key)["status"] for key in ids] == [  # type: ignore[index]
        "confirmed",
        "cancelled",
        "cancelled",
        "confirmed",
    ]
    phone.switchboard.down = False
    phone.sync()
    laptop.sync()

    statuses = {key: status for key, (_, status) in server_lessons(server, series_id).items()}
    assert [statuses[key] for key in ids] == ["confirmed", "cancelled", "cancelled", "confirmed"]
    for device in (laptop, phone):
        kinds = [item.kind for item in device.attention.items(device.instructor_id)]
        assert "series_freed" in kinds  # the break says which lessons it freed
        assert_nothing_lost_nothing_duplicated(device, server)
