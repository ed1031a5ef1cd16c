"""A first sync against the real server, then an edit round trip."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from instainstru_desktop.services.views import HoursRange, SyncMark
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated


def test_a_first_sync_downloads_the_instructors_data_and_an_edit_round_trips(device, server):
    first = device.sync()
    assert first.rows > 0
    assert first.pushed == 0

    monday = date.today() - timedelta(days=date.today().weekday()) + timedelta(days=7)
    device.availability.set_date_ranges(device.instructor_id, monday, [HoursRange(600, 660)])
    assert device.availability.week(device.instructor_id, monday).days[0].mark is SyncMark.PENDING

    report = device.sync()

    assert (report.pushed, report.applied) == (1, 1)
    day = device.availability.week(device.instructor_id, monday).days[0]
    assert (day.ranges, day.mark) == ((HoursRange(600, 660),), SyncMark.SYNCED)
    assert_nothing_lost_nothing_duplicated(device, server)


def test_a_sync_report_names_the_rows_it_changed_and_a_quiet_one_names_none(
    device, server, instructor
):
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    booking_id = server.add_lesson(instructor, server.studio.students[0], start)
    first = device.sync()
    assert booking_id in first.booking_ids
    iid = device.instructor_id
    monday = date.today() - timedelta(days=date.today().weekday()) + timedelta(days=14)
    device.availability.set_date_ranges(iid, monday, [HoursRange(540, 600)])
    device.lessons.note(booking_id, "bring the scales")

    device.switchboard.inject("/sync/pull", "refuse", times=5)
    answered = device.engine.sync_once(force_push=True)
    device.switchboard.faults.clear()

    # the pull failed, the answers to the edits came: their rows are named all the same
    assert answered.applied == 2
    assert answered.error is not None
    assert f"{iid}/{monday.isoformat()}" in answered.override_keys
    assert booking_id in answered.booking_ids
    assert {"override", "booking"} <= answered.kinds
    pulled = device.sync()
    assert booking_id in pulled.booking_ids

    quiet = device.sync()
    assert (quiet.booking_ids, quiet.override_keys, quiet.kinds) == (set(), set(), set())
    assert not quiet.template_instructors
