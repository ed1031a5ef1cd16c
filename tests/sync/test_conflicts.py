"""Scenarios 7, 8 and 9: concurrent edits settled by the server, recorded, and shown."""

from __future__ import annotations

from datetime import timedelta

from instainstru_desktop.services.views import HoursRange, SyncMark
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.scenarios import (
    admin_cancels,
    at,
    local_day,
    started_lesson,
    student_books,
)

MORNING = [HoursRange(9 * 60, 12 * 60)]
AFTERNOON = [HoursRange(14 * 60, 18 * 60)]


def test_two_devices_editing_one_date_offline_converge_and_the_clash_is_recorded(
    make_device, server, instructor
):
    """Both replace the whole day: the later one was made on hours that changed since, so the
    server keeps the first and records the clash; "use mine" then applies the later one, which
    leaves a lesson outside the hours: recorded too, and the lesson stays booked."""
    laptop, phone = make_device("laptop"), make_device("phone")
    day = local_day(3)
    monday = day - timedelta(days=day.weekday())
    lesson = student_books(server, server.studio.students[0], instructor, at(day, 15))
    laptop.sync()
    phone.sync()
    laptop.switchboard.down = phone.switchboard.down = True
    phone.availability.set_date_ranges(phone.instructor_id, day, AFTERNOON)
    laptop.availability.set_date_ranges(laptop.instructor_id, day, MORNING)  # 15:00 falls out
    laptop.switchboard.down = phone.switchboard.down = False

    phone.sync()
    laptop.sync()  # arrives last, made on the usual week: the phone's afternoon is kept
    phone.sync()

    def shown(device):
        week = device.availability.week(device.instructor_id, monday)
        [found] = [d for d in week.days if d.date == day]
        return found

    for device in (laptop, phone):
        assert (shown(device).ranges, shown(device).mark) == (tuple(AFTERNOON), SyncMark.SYNCED)
        [clash] = device.attention.items(device.instructor_id)
        assert (clash.kind, clash.kept, clash.mine) == (
            "hours_clash",
            "14:00–18:00",
            "set to 09:00–12:00",
        )
        assert_nothing_lost_nothing_duplicated(device, server)

    [clash] = laptop.attention.items(laptop.instructor_id)
    laptop.attention.reapply(clash.item_id)  # "use mine"
    laptop.sync()
    phone.sync()

    for device in (laptop, phone):
        assert (shown(device).ranges, shown(device).mark) == (tuple(MORNING), SyncMark.SYNCED)
        assert booking_row(device, lesson)["status"] == "confirmed"  # an edit never cancels
        [outside] = device.attention.items(device.instructor_id)
        assert (outside.kind, outside.booking_id) == ("outside_availability", lesson)
        assert "is now outside your hours" in outside.message
    # the base version of each edit is recorded with it, never compared by clocks
    edits = server.query(
        "SELECT device, details FROM audit_log WHERE action LIKE 'availability%' "
        "AND device IN ('laptop', 'phone') ORDER BY at"
    )
    assert [d for d, _ in edits] == ["phone", "laptop"]
    assert all('"base_version"' in details for _, details in edits)
    for device in (laptop, phone):
        assert_nothing_lost_nothing_duplicated(device, server)


def test_a_clash_is_withdrawn_when_other_hours_cover_the_lesson_again(
    make_device, server, instructor
):
    laptop, phone = make_device("laptop"), make_device("phone")
    day = local_day(3)
    lesson = student_books(server, server.studio.students[0], instructor, at(day, 15))
    laptop.sync()
    phone.sync()
    laptop.availability.set_date_ranges(laptop.instructor_id, day, MORNING)
    laptop.sync()
    phone.sync()
    assert [i.booking_id for i in phone.attention.items()] == [lesson]

    phone.availability.set_date_ranges(phone.instructor_id, day, AFTERNOON)
    phone.sync()
    laptop.sync()

    for device in (laptop, phone):
        assert device.attention.items() == []
        assert_nothing_lost_nothing_duplicated(device, server)


def test_hours_removed_offline_over_a_lesson_booked_meanwhile(device, server, instructor):
    first, second, third = local_day(4), local_day(5), local_day(6)
    device.sync()
    device.switchboard.down = True
    device.availability.time_off(device.instructor_id, first, second)
    device.availability.set_date_ranges(device.instructor_id, third, MORNING)
    lesson = student_books(server, server.studio.students[0], instructor, at(first, 11))
    device.switchboard.down = False

    report = device.sync()

    assert (report.applied, report.rejected) == (3, 0)  # the edits all apply
    assert booking_row(device, lesson)["status"] == "confirmed"  # the booking survives
    monday = first - timedelta(days=first.weekday())
    days = {d.date: d for d in device.availability.week(device.instructor_id, monday).days}
    days |= {
        d.date: d
        for d in device.availability.week(device.instructor_id, monday + timedelta(days=7)).days
    }
    assert days[first].time_off
    assert days[second].time_off
    assert days[third].ranges == tuple(MORNING)
    [clash] = device.attention.items(device.instructor_id)  # the clash is listed
    assert (clash.kind, clash.booking_id) == ("outside_availability", lesson)
    assert clash.lesson is not None
    assert clash.lesson.mark is SyncMark.CONFLICT
    assert set(clash.actions) == {"keep", "cancel", "reapply"}
    assert_nothing_lost_nothing_duplicated(device, server)

    device.attention.cancel_lesson(clash.item_id, "I am away that day")
    device.sync()
    assert booking_row(device, lesson)["status"] == "cancelled"
    assert device.attention.items() == []
    assert_nothing_lost_nothing_duplicated(device, server)


def test_an_admins_cancel_beats_a_completion_made_offline(device, server, instructor):
    lesson = started_lesson(server, instructor, server.studio.students[0])
    device.sync()
    device.switchboard.down = True
    device.lessons.complete(lesson)
    assert booking_row(device, lesson)["status"] == "completed"  # optimistic
    admin_cancels(server, lesson, "Refunded: the room was double-booked")
    device.switchboard.down = False

    report = device.sync()

    assert (report.applied, report.rejected) == (0, 1)
    row = booking_row(device, lesson)
    assert (row["status"], row["cancelled_by"]) == ("cancelled", "admin")
    [card] = device.lessons.cancelled(device.instructor_id)
    assert card.mark is SyncMark.REJECTED
    assert "cancel" in card.mark_message.lower() or "cancelled" in card.mark_message
    [item] = device.attention.items(device.instructor_id)
    assert item.message.startswith("Marking the lesson with ")
    assert " as given was not accepted: " in item.message
    with device.store.read() as uow:
        [refused] = uow.outbox.all()
    assert (refused.status, refused.error_code) == ("rejected", "invalid_transition")
    assert_nothing_lost_nothing_duplicated(device, server)
