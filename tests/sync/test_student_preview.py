"""The app's preview of the student pages lists the times the server lists, worked out offline.

A real server on loopback with a settable clock; the device pulls the instructor's data, goes
offline and works out the week from its cache alone. Every start is compared with what the
server's ``GET /instructors/{id}/slots`` answers an anonymous visitor for the same window, zone
and lesson type at the same moment, and the "next free time" of an empty day with the server's
first start after the week.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from instainstru_desktop.domain.free_week import LONGEST_WINDOW
from instainstru_desktop.domain.zones import local_day_bounds_utc, zone
from instainstru_desktop.services.errors import ActionNotAllowedError
from instainstru_desktop.services.preview import PreviewService, StudentWeek
from instainstru_desktop.services.views import HoursRange
from instainstru_desktop.sync.api import API_PREFIX
from instainstru_desktop.sync.errors import Offline
from tests.server.helpers import FakeClock, Person, add_instructor, iso, sign
from tests.sync.harness import Device, ServerHandle

#: A Thursday shortly before New York moves its clocks (Sunday 14 March 2027, 02:00 -> 03:00):
#: a week seen from Tokyo, which has no daylight-saving time, holds the change.
BEFORE_US_DST = datetime(2027, 3, 11, 15, 7, tzinfo=UTC)
#: Late on a Friday in London before Europe moves its clocks (Sunday 28 March 2027).
BEFORE_EU_DST = datetime(2027, 3, 26, 20, 51, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(BEFORE_US_DST)


@pytest.fixture
def studio_server(tmp_path: Path, clock: FakeClock) -> Iterator[ServerHandle]:
    handle = ServerHandle(tmp_path, clock=clock)
    for person in (*handle.studio.instructors, *handle.studio.students):
        sign(handle.uow, person, now=clock.now)
    yield handle
    handle.stop()


def _teacher(server: ServerHandle, clock: FakeClock, **policy: object) -> Person:
    """A New York instructor teaching 09:00-12:00 every day, 45-minute lessons."""
    person = add_instructor(
        server.uow, "Nora York", "America/New_York", hours=(9 * 60, 12 * 60), duration=45,
        **policy,
    )
    return sign(server.uow, person, now=clock.now)


@pytest.fixture
def make_device(
    tmp_path: Path, studio_server: ServerHandle, clock: FakeClock
) -> Iterator[Callable[[Person], Device]]:
    made: list[Device] = []

    def make(person: Person) -> Device:
        made.append(Device(tmp_path, f"laptop{len(made)}", studio_server, person, clock=clock))
        return made[-1]

    yield make
    for device in made:
        device.close()


def _book(server: ServerHandle, teacher: Person, *starts: datetime) -> None:
    """Other students book these times (through the API, as the pages do)."""
    for n, start in enumerate(starts):
        student = server.studio.students[n % len(server.studio.students)]
        with server.api(student) as api:
            api.request(
                "POST",
                "/bookings",
                json={
                    "instructor_id": teacher.instructor_id,
                    "lesson_type_id": teacher.lesson_type_id,
                    "start": iso(start),
                },
            )


def _server_starts(
    server: ServerHandle, person: Person, start: datetime, end: datetime, tz: str
) -> list[datetime]:
    """What an anonymous visitor of the pages is offered by the JSON endpoint."""
    answer = httpx.get(
        f"{server.url}{API_PREFIX}/instructors/{person.instructor_id}/slots",
        params={
            "lesson_type_id": person.lesson_type_id,
            "from": iso(start),
            "to": iso(end),
            "tz": tz,
        },
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    return [datetime.fromisoformat(s["start"]) for s in answer.json()["slots"]]


def _assert_same_as_server(
    shown: StudentWeek, server: ServerHandle, person: Person, viewer: str
) -> None:
    tz = zone(viewer)
    first, last = shown.week.days[0].day, shown.week.days[-1].day
    window_start = local_day_bounds_utc(first, tz).start
    window_end = local_day_bounds_utc(last, tz).end
    listed = _server_starts(server, person, window_start, window_end, viewer)
    assert [s for d in shown.week.days for s in d.starts] == listed
    for day in shown.week.days:  # each start under its own day on the viewer's calendar
        assert all(s.astimezone(tz).date() == day.day for s in day.starts)
    horizon = shown.now + timedelta(days=shown.booking_horizon_days)
    later_end = min(window_end + LONGEST_WINDOW, horizon + timedelta(days=1))
    later = (
        _server_starts(server, person, window_end, later_end, viewer)
        if window_end < horizon
        else []
    )
    for day in shown.week.days:
        if not day.starts and not day.beyond_horizon:
            following = [s for s in listed if s >= local_day_bounds_utc(day.day, tz).end]
            expected = (following or later or [None])[0]
            assert day.next_free == expected, day


def test_a_week_across_new_yorks_clock_change_seen_from_tokyo_matches_the_server(
    studio_server: ServerHandle, clock: FakeClock, make_device: Callable[[Person], Device]
) -> None:
    teacher = _teacher(studio_server, clock, min_notice_minutes=300, buffer_minutes=15)
    device = make_device(teacher)
    iid = teacher.instructor_id
    assert iid is not None
    device.sync()
    # evenings on the usual week, Sunday (the change) off, Tuesday with odd hours of its own
    evening = (HoursRange(9 * 60, 12 * 60), HoursRange(17 * 60, 19 * 60 + 30))
    device.availability.set_template(iid, {d: evening for d in range(7)})
    device.availability.set_date_ranges(iid, date(2027, 3, 14), [])
    device.availability.set_date_ranges(iid, date(2027, 3, 16), [HoursRange(1 * 60, 4 * 60)])
    device.sync()
    # lessons other students booked cut times out (with the buffer around them)
    _book(
        studio_server,
        teacher,
        datetime(2027, 3, 12, 14, 0, tzinfo=UTC),  # Friday 09:00 New York (EST)
        datetime(2027, 3, 15, 13, 30, tzinfo=UTC),  # Monday 09:30 New York (EDT)
    )
    device.sync()
    device.switchboard.down = True  # from here on, the cache alone
    assert isinstance(device.engine.sync_once(force_push=True).error, Offline)

    preview = PreviewService(device.store, clock=clock)
    shown = preview.week(iid, teacher.lesson_type_id or "", "Asia/Tokyo")

    assert shown.week.first == date(2027, 3, 12)  # today in Tokyo: already Friday
    _assert_same_as_server(shown, studio_server, teacher, "Asia/Tokyo")
    starts = [s for d in shown.week.days for s in d.starts]
    assert starts
    assert starts[0] >= clock.now + timedelta(minutes=300)  # the minimum notice
    ny = zone("America/New_York")
    # the same wall-clock hours before and after the change: 09:00 in New York on Saturday and
    # on Wednesday, though one is 14:00 UTC and the other 13:00 UTC
    at_nine = {s.astimezone(ny).date() for s in starts if f"{s.astimezone(ny):%H:%M}" == "09:00"}
    assert {date(2027, 3, 13), date(2027, 3, 17)} <= at_nine
    assert {s.astimezone(UTC).hour for s in starts if s.astimezone(ny).hour == 9} == {13, 14}
    # the week after, paged to, agrees as well
    assert shown.week.next is not None
    _assert_same_as_server(
        preview.week(iid, teacher.lesson_type_id or "", "Asia/Tokyo", shown.week.next),
        studio_server,
        teacher,
        "Asia/Tokyo",
    )


def test_days_without_free_times_say_when_the_next_one_is_as_the_server_would(
    studio_server: ServerHandle, clock: FakeClock, make_device: Callable[[Person], Device]
) -> None:
    clock.now = BEFORE_EU_DST
    for person in (*studio_server.studio.instructors, *studio_server.studio.students):
        sign(studio_server.uow, person, now=clock.now)
    teacher = _teacher(studio_server, clock, booking_horizon_days=12, daily_limit=2)
    device = make_device(teacher)
    iid = teacher.instructor_id
    assert iid is not None
    device.sync()
    device.availability.time_off(iid, date(2027, 3, 27), date(2027, 4, 2))  # a week away
    # two lessons on Monday 5 April reach the daily limit: nothing else is free that day
    _book(studio_server, teacher, *(datetime(2027, 4, 5, h, tzinfo=UTC) for h in (13, 14)))
    device.sync()
    preview = PreviewService(device.store, clock=clock)

    shown = preview.week(iid, teacher.lesson_type_id or "", "Europe/London")

    # today's hours are over, the rest of the week is time off: every day says when it reopens
    assert [d.starts for d in shown.week.days] == [()] * 7
    reopens = {d.next_free for d in shown.week.days}
    assert len(reopens) == 1
    [first_free] = reopens
    assert first_free is not None
    assert first_free.astimezone(zone("America/New_York")) == datetime(
        2027, 4, 3, 9, tzinfo=zone("America/New_York")
    )
    _assert_same_as_server(shown, studio_server, teacher, "Europe/London")
    later = preview.week(iid, teacher.lesson_type_id or "", "Europe/London", date(2027, 4, 4))
    by_day = {d.day: d for d in later.week.days}
    assert by_day[date(2027, 4, 4)].starts
    assert not by_day[date(2027, 4, 5)].starts
    assert by_day[date(2027, 4, 8)].beyond_horizon  # the booking window ends on the 7th
    _assert_same_as_server(later, studio_server, teacher, "Europe/London")


def test_a_lesson_type_not_offered_has_no_preview_and_says_why(
    studio_server: ServerHandle, clock: FakeClock, make_device: Callable[[Person], Device]
) -> None:
    teacher = _teacher(studio_server, clock)
    device = make_device(teacher)
    device.sync()
    with studio_server.uow.write() as tx:
        found = tx.lesson_types.get(teacher.lesson_type_id or "")
        assert found is not None
        found.active = False
        tx.commit()
    device.sync()

    with pytest.raises(ActionNotAllowedError) as refused:
        PreviewService(device.store, clock=clock).week(
            teacher.instructor_id or "", teacher.lesson_type_id or "", "Asia/Tokyo"
        )
    assert "not offered" in refused.value.message
