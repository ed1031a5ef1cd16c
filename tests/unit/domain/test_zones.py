"""Zone lookup, week math and the DST rule for wall-clock times, in four zones."""

import os
import zoneinfo
from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instainstru_desktop.domain import (
    InvalidTimeRange,
    TimeRange,
    UnknownTimeZone,
    local_date,
    local_datetime_to_utc,
    local_day_bounds_utc,
    wall_time_to_utc,
    week_dates,
    week_start,
    zone,
    zones,
)
from instainstru_desktop.domain.zones import iana_zone_names, is_zone_name, listed_zone_names


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


NY = zone("America/New_York")
LONDON = zone("Europe/London")
SYDNEY = zone("Australia/Sydney")
KOLKATA = zone("Asia/Kolkata")

# (zone, date, first skipped minute, gap length in minutes, UTC instant the clocks jump)
GAPS = [
    (NY, date(2024, 3, 10), 120, 60, utc(2024, 3, 10, 7)),
    (LONDON, date(2024, 3, 31), 60, 60, utc(2024, 3, 31, 1)),
    (SYDNEY, date(2024, 10, 6), 120, 60, utc(2024, 10, 5, 16)),
]
# (zone, date, first repeated minute, length, UTC of the first and second occurrence of it)
OVERLAPS = [
    (NY, date(2024, 11, 3), 60, 60, utc(2024, 11, 3, 5), utc(2024, 11, 3, 6)),
    (LONDON, date(2024, 10, 27), 60, 60, utc(2024, 10, 27, 0), utc(2024, 10, 27, 1)),
    (SYDNEY, date(2024, 4, 7), 120, 60, utc(2024, 4, 6, 15), utc(2024, 4, 6, 16)),
]


# -- zone() ------------------------------------------------------------------------------------


def test_zone_resolves_iana_names():
    assert zone("Asia/Kolkata").key == "Asia/Kolkata"
    assert zone("UTC").key == "UTC"


@pytest.mark.parametrize(
    "name",
    ["", "Mars/Olympus", "America", "../etc/passwd", " UTC", "Europe/London\x00", "zone1970.tab"],
)
def test_zone_refuses_unknown_names(name):
    with pytest.raises(UnknownTimeZone) as err:
        zone(name)
    assert err.value.code == "unknown_time_zone"


def test_zone_refuses_a_non_string():
    with pytest.raises(UnknownTimeZone):
        zone(None)  # type: ignore[arg-type]


# -- weeks -------------------------------------------------------------------------------------


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
@settings(max_examples=100, deadline=None)
def test_week_start_is_the_monday_on_or_before(d):
    monday = week_start(d)
    assert monday.weekday() == 0
    assert 0 <= (d - monday).days < 7


def test_week_dates_are_seven_calendar_days_even_across_a_dst_change():
    days = week_dates(date(2024, 3, 4))
    assert days == [date(2024, 3, 4) + timedelta(days=i) for i in range(7)]
    # The week of 2024-03-10 (New York springs forward) still has seven dates.
    assert len(week_dates(week_start(date(2024, 3, 10)))) == 7
    assert week_start(date(2024, 3, 10)) == date(2024, 3, 4)


# -- the DST rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(("tz", "d", "first", "length", "jump"), GAPS)
def test_a_nonexistent_wall_time_has_no_instant(tz, d, first, length, jump):
    for minute in (first, first + 15, first + length - 1):
        assert local_datetime_to_utc(d, minute, tz) is None
    # Just before and at the end of the gap the wall times exist.
    assert local_datetime_to_utc(d, first + length, tz) == jump
    assert local_datetime_to_utc(d, first - 1, tz) == jump - timedelta(minutes=1)


@pytest.mark.parametrize(("tz", "d", "first", "length", "jump"), GAPS)
def test_a_range_boundary_in_the_gap_is_the_instant_the_clocks_jump(tz, d, first, length, jump):
    for minute in (first, first + 30, first + length - 1):
        assert wall_time_to_utc(d, minute, tz) == jump


@pytest.mark.parametrize(("tz", "d", "first", "length", "one", "two"), OVERLAPS)
def test_an_ambiguous_wall_time_uses_its_first_occurrence(tz, d, first, length, one, two):
    assert two - one == timedelta(minutes=length)
    assert local_datetime_to_utc(d, first, tz) == one
    assert wall_time_to_utc(d, first + 30, tz) == one + timedelta(minutes=30)
    # The wall clock really does show this time again one hour later.
    assert two.astimezone(tz).replace(tzinfo=None) == one.astimezone(tz).replace(tzinfo=None)


@given(st.dates(min_value=date(2023, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 1440))
@settings(max_examples=200, deadline=None)
def test_kolkata_has_no_dst_and_a_half_hour_offset(d, minute):
    expected = datetime(d.year, d.month, d.day, tzinfo=UTC) + timedelta(minutes=minute - 330)
    assert local_datetime_to_utc(d, minute, KOLKATA) == expected
    assert wall_time_to_utc(d, minute, KOLKATA) == expected


@given(
    st.sampled_from([NY, LONDON, SYDNEY, KOLKATA]),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)),
    st.integers(0, 1440),
)
@settings(max_examples=300, deadline=None)
def test_a_boundary_is_the_first_instant_the_clock_shows_that_time_or_later(tz, d, minute):
    instant = wall_time_to_utc(d, minute, tz)
    wall = datetime(d.year, d.month, d.day) + timedelta(minutes=minute)
    shown = instant.astimezone(tz).replace(tzinfo=None)
    before = (instant - timedelta(minutes=1)).astimezone(tz).replace(tzinfo=None)
    assert shown >= wall
    assert before < wall
    exact = local_datetime_to_utc(d, minute, tz)
    assert exact is None or exact == instant


@pytest.mark.parametrize("tz", [NY, LONDON, SYDNEY, KOLKATA])
def test_minute_1440_is_the_next_local_midnight(tz):
    d = date(2024, 6, 15)
    assert local_datetime_to_utc(d, 1440, tz) == local_datetime_to_utc(d + timedelta(days=1), 0, tz)


@pytest.mark.parametrize("minute", [-1, 1441, 1.5])
def test_minutes_outside_the_day_are_refused(minute):
    with pytest.raises(InvalidTimeRange):
        local_datetime_to_utc(date(2024, 1, 1), minute, NY)


# -- local days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "d", "hours"),
    [
        (NY, date(2024, 3, 10), 23),
        (NY, date(2024, 11, 3), 25),
        (LONDON, date(2024, 3, 31), 23),
        (LONDON, date(2024, 10, 27), 25),
        (SYDNEY, date(2024, 10, 6), 23),
        (SYDNEY, date(2024, 4, 7), 25),
        (KOLKATA, date(2024, 3, 10), 24),
        (NY, date(2024, 6, 1), 24),
    ],
)
def test_a_local_day_lasts_23_24_or_25_hours(tz, d, hours):
    bounds = local_day_bounds_utc(d, tz)
    assert bounds.duration == timedelta(hours=hours)
    assert bounds.start.astimezone(tz).replace(tzinfo=None) == datetime(d.year, d.month, d.day)


def test_a_day_whose_midnight_is_skipped_starts_when_the_clocks_land():
    # Santiago sprang forward at 24:00 on 2024-09-07: 2024-09-08 begins at 01:00 local.
    santiago = zone("America/Santiago")
    bounds = local_day_bounds_utc(date(2024, 9, 8), santiago)
    assert bounds.start == utc(2024, 9, 8, 4)
    assert bounds.start.astimezone(santiago).hour == 1
    assert bounds.duration == timedelta(hours=23)
    assert local_datetime_to_utc(date(2024, 9, 8), 0, santiago) is None


def test_local_date_depends_on_whose_clock_is_asked():
    instant = utc(2024, 6, 2, 23, 30)  # Monday 09:30 in Sydney, Sunday 16:30 in Los Angeles
    assert local_date(instant, SYDNEY) == date(2024, 6, 3)
    assert local_date(instant, zone("America/Los_Angeles")) == date(2024, 6, 2)
    assert local_date(instant.astimezone(timezone(timedelta(hours=-7))), SYDNEY) == date(2024, 6, 3)
    with pytest.raises(InvalidTimeRange):
        local_date(datetime(2024, 1, 1), SYDNEY)


def test_day_bounds_tile_consecutive_days():
    d = date(2024, 11, 2)
    days = [local_day_bounds_utc(d + timedelta(days=i), NY) for i in range(3)]
    for a, b in pairwise(days):
        assert a.end == b.start
    assert isinstance(days[0], TimeRange)


def test_each_place_is_listed_once_under_its_current_name() -> None:
    listed = listed_zone_names()
    assert "Asia/Kolkata" in listed
    assert "Asia/Calcutta" not in listed
    assert "America/Argentina/Buenos_Aires" in listed
    assert "America/Buenos_Aires" not in listed
    assert "Europe/Kyiv" in listed or "Europe/Kiev" in listed
    assert not {"Europe/Kyiv", "Europe/Kiev"} <= set(listed)
    assert "US/Eastern" not in listed
    assert "Etc/GMT+5" not in listed
    assert "UTC" in listed
    assert list(listed) == sorted(listed)


def test_an_alias_that_is_not_listed_is_still_understood() -> None:
    assert "Asia/Calcutta" in iana_zone_names()
    assert zone("Asia/Calcutta").utcoffset(datetime(2026, 1, 1)) == timedelta(hours=5, minutes=30)


#: Names near the list's edges: folders, links to folders, other files of a zone folder, the
#: special folders and names, paths not written as the walk writes them, another case.
ODD_NAMES = {
    "", ".", "..", "/", "Europe", "Europe/", "Europe//Berlin", "./Europe/Berlin", "Europe/./Berlin",
    "Europe/../Europe/Berlin", "../zoneinfo/UTC", "/usr/share/zoneinfo/UTC", "localtime",
    "posixrules", "right/UTC", "posix/UTC", "posix/Europe/Berlin", "europe/berlin", "EUROPE/BERLIN",
    "UTC", "Etc/UTC", "zone.tab", "zone1970.tab", "tzdata.zi", "leap-seconds.list", "iso3166.tab",
    "Factory", "US/Eastern", "Asia/Calcutta", "Nowhere/Atlantis",
}


def test_one_zone_name_is_judged_as_the_whole_list_judges_it() -> None:
    """The first painted week checks its zone without reading some 600 zone files; the answer
    must be the list's for every name the zone folders hold and for odd ones."""
    walked: set[str] = set()
    for root in zoneinfo.TZPATH:
        for folder, folders, files in os.walk(root):
            walked.update(os.path.relpath(os.path.join(folder, n), root) for n in files + folders)
    names = walked | ODD_NAMES | iana_zone_names()
    zones.is_zone_name.cache_clear()
    iana_zone_names.cache_clear()  # judged one by one, not from the list read already
    judged = {name for name in names if is_zone_name(name)}
    assert judged == {name for name in names if name in iana_zone_names()}
    assert "Europe/Berlin" in judged
    assert "Asia/Calcutta" in judged
    assert not judged & {"localtime", "posixrules", "right/UTC", "Europe", "europe/berlin"}


def test_a_zone_is_found_without_reading_the_list() -> None:
    zones.is_zone_name.cache_clear()
    iana_zone_names.cache_clear()
    assert zone("Europe/Berlin").key == "Europe/Berlin"
    with pytest.raises(UnknownTimeZone):
        zone("right/UTC")
    assert iana_zone_names.cache_info().currsize == 0
