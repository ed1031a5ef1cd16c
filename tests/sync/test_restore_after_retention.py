"""A server restored from a copy older than the outbox keeps answered edits (30 days): what the
device still holds is sent again; what it no longer holds is told to the person, not only logged.
"""

from __future__ import annotations

import pytest

from instainstru_desktop.services.views import HoursRange
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated
from tests.sync.scenarios import Calendar, local_day


def hours_for(edit: int) -> HoursRange:
    """Edit ``n`` paints date ``n`` with its own hour (so each edit is told apart)."""
    return HoursRange(6 * 60 + edit * 15, 7 * 60 + edit * 15)


def paint(device, edits: range) -> None:
    for n in edits:
        device.availability.set_date_ranges(device.instructor_id, local_day(n), [hours_for(n)])


@pytest.mark.expect_log("instainstru_desktop.sync.recovery", "WARNING", match="remembers mutations")
@pytest.mark.expect_log("instainstru_desktop.sync.recovery", "WARNING", match="the server lost 10")
def test_edits_the_device_still_holds_reach_a_server_restored_past_the_retention(
    make_device, server
):
    calendar = Calendar(days_behind=31)
    device = make_device(clock=calendar)
    device.sync()
    paint(device, range(1, 11))
    device.sync()
    backup = server.backup()  # holds edits 1-10
    paint(device, range(11, 21))
    device.sync()
    calendar.advance(20)
    paint(device, range(21, 31))
    device.sync()
    calendar.advance(11)  # day 31: answered edits 1-20 are past the retention
    device.sync()
    with device.store.read() as uow:
        assert [m.mutation_id for m in uow.outbox.all()] == list(range(21, 31))

    server.restore(backup)
    device.sync()

    stored = dict(
        server.query(
            "SELECT day, ranges FROM availability_overrides WHERE instructor_id = ?",
            device.instructor_id,
        )
    )
    meant = {
        local_day(n).isoformat(): f"[[{hours_for(n).start}, {hours_for(n).end}]]"
        for n in (*range(1, 11), *range(21, 31))
    }
    assert {day: ranges.replace(" ", "") for day, ranges in stored.items()} == {
        day: ranges.replace(" ", "") for day, ranges in meant.items()
    }
    [notice] = [i for i in device.attention.items() if i.kind == "lost_changes"]
    assert "10 changes" in notice.message
    assert device.status.status().needs_attention == 1
    assert_nothing_lost_nothing_duplicated(device, server)
