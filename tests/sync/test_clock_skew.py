"""A computer whose clock is off: the app measures how far, says so, and checks lesson times
against the server's time, online and offline, also after a restart.

The device's clock is injected two hours behind the real one; the server runs on the real clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from instainstru_desktop.services import ActionNotAllowedError
from tests.server.helpers import Person
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated, booking_row
from tests.sync.harness import Device, ServerHandle

TWO_HOURS = 2 * 3600.0


def two_hours_behind() -> datetime:
    return datetime.now(UTC) - timedelta(hours=2)


def began_minutes_ago(server: ServerHandle, instructor: Person, minutes: int) -> str:
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=minutes)
    return server.add_lesson(instructor, server.studio.students[0], start)


def test_a_clock_two_hours_behind_can_mark_a_lesson_that_began_45_minutes_ago(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    lesson = began_minutes_ago(server, instructor, 45)
    device = make_device(clock=two_hours_behind)
    device.sync()

    assert lesson in [c.booking_id for c in device.lessons.past(device.instructor_id)]
    assert device.lessons.detail(lesson).can_complete
    device.lessons.complete(lesson)  # by this computer's clock the lesson is 75 minutes away
    device.sync()

    [(status,)] = server.query("SELECT status FROM bookings WHERE id = ?", lesson)
    assert status == "completed"
    assert booking_row(device, lesson)["status"] == "completed"
    assert_nothing_lost_nothing_duplicated(device, server)
    skew = device.status.status().clock_skew_seconds
    assert skew == pytest.approx(-TWO_HOURS, abs=5)


def test_a_lesson_that_has_not_begun_by_the_servers_clock_cannot_be_marked(
    make_device: Callable[..., Device], server: ServerHandle, instructor: Person
) -> None:
    """The correction goes both ways: a clock ahead does not let a future lesson be marked."""
    lesson = began_minutes_ago(server, instructor, -30)  # starts in half an hour
    device = make_device(clock=lambda: datetime.now(UTC) + timedelta(hours=2))
    device.sync()

    assert lesson in [c.booking_id for c in device.lessons.upcoming(device.instructor_id)]
    assert not device.lessons.detail(lesson).can_complete
    with pytest.raises(ActionNotAllowedError):
        device.lessons.no_show(lesson)


def test_the_measured_skew_holds_offline_after_a_restart(
    tmp_path: Path, server: ServerHandle, instructor: Person
) -> None:
    lesson = began_minutes_ago(server, instructor, 45)
    first = Device(tmp_path, "laptop", server, instructor, clock=two_hours_behind)
    try:
        first.sync()
    finally:
        first.close()

    device = Device(tmp_path, "laptop", server, instructor, clock=two_hours_behind)
    try:
        device.switchboard.down = True  # restarted on a train
        skew = device.status.status().clock_skew_seconds
        assert skew == pytest.approx(-TWO_HOURS, abs=5)
        device.lessons.no_show(lesson)
        device.switchboard.down = False
        device.sync()
        [(status,)] = server.query("SELECT status FROM bookings WHERE id = ?", lesson)
        assert status == "no_show"
        assert_nothing_lost_nothing_duplicated(device, server)
    finally:
        device.close()
