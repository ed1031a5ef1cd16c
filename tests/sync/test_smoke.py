"""A first sync against the real server, then an edit round trip."""

from __future__ import annotations

from datetime import date, timedelta

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
