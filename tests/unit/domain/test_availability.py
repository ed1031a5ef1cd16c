"""Weekly template, date overrides, and their DST-safe conversion to UTC in four zones."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instainstru_desktop.domain import (
    Availability,
    InvalidTimeRange,
    TimeRange,
    WallRange,
    WeeklyTemplate,
    local_day_bounds_utc,
    total_minutes,
    zone,
)

from .strategies import wall_ranges


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def w(start: str, end: str) -> WallRange:
    return WallRange.parse(start, end)


NY = zone("America/New_York")
LONDON = zone("Europe/London")
SYDNEY = zone("Australia/Sydney")
KOLKATA = zone("Asia/Kolkata")

EVERY_DAY_1_TO_4 = Availability(WeeklyTemplate({d: (w("01:00", "04:00"),) for d in range(7)}))


# -- template and overrides --------------------------------------------------------------------


def test_template_is_normalized_and_empty_days_dropped():
    template = WeeklyTemplate({0: (w("10:00", "11:00"), w("09:00", "10:00")), 3: ()})
    assert template.ranges_for(0) == (w("09:00", "11:00"),)
    assert template.ranges_for(3) == ()
    assert template.ranges_for(6) == ()
    assert template == WeeklyTemplate({0: (w("09:00", "11:00"),)})
    assert hash(template) == hash(WeeklyTemplate({0: [w("09:00", "11:00")]}))
    assert WeeklyTemplate.empty() == WeeklyTemplate({2: ()})


def test_template_is_read_only():
    template = WeeklyTemplate({0: (w("09:00", "10:00"),)})
    with pytest.raises(TypeError):
        template.days[1] = (w("09:00", "10:00"),)  # type: ignore[index]


@pytest.mark.parametrize("weekday", [-1, 7, "mon"])
def test_template_refuses_weekdays_outside_monday_to_sunday(weekday):
    with pytest.raises(InvalidTimeRange):
        WeeklyTemplate({weekday: (w("09:00", "10:00"),)})


def test_an_override_replaces_the_template_for_its_date_only():
    monday = date(2024, 6, 3)
    availability = Availability(
        WeeklyTemplate({0: (w("09:00", "12:00"),)}), {monday: (w("14:00", "15:00"),)}
    )
    assert availability.effective_ranges(monday) == (w("14:00", "15:00"),)
    assert availability.effective_ranges(monday + timedelta(days=7)) == (w("09:00", "12:00"),)


def test_an_override_opens_a_normally_off_weekday():
    sunday = date(2024, 6, 9)
    availability = Availability(WeeklyTemplate({0: (w("09:00", "12:00"),)}))
    assert availability.effective_ranges(sunday) == ()
    opened = availability.with_override(sunday, [w("10:00", "11:00")])
    assert opened.effective_ranges(sunday) == (w("10:00", "11:00"),)
    assert opened.utc_ranges(sunday, LONDON) == [TimeRange(utc(2024, 6, 9, 9), utc(2024, 6, 9, 10))]


def test_an_empty_override_is_time_off():
    christmas = date(2024, 12, 25)  # a Wednesday
    availability = Availability(WeeklyTemplate({2: (w("09:00", "17:00"),)}), {christmas: ()})
    assert availability.effective_ranges(christmas) == ()
    assert availability.utc_ranges(christmas, LONDON) == []
    assert availability.without_override(christmas).effective_ranges(christmas) == (
        w("09:00", "17:00"),
    )


def test_override_keys_must_be_dates():
    with pytest.raises(InvalidTimeRange):
        Availability(WeeklyTemplate.empty(), {datetime(2024, 1, 1): ()})
    with pytest.raises(InvalidTimeRange):
        Availability(overrides={date(2024, 1, 1): (), datetime(2024, 1, 2): ()})


def test_mixed_weekday_keys_are_refused_as_a_domain_error():
    with pytest.raises(InvalidTimeRange):
        WeeklyTemplate({0: (), "tue": ()})  # type: ignore[dict-item]


# -- conversion to UTC -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "d", "expected"),
    [
        # New York springs forward at 02:00: 01:00 EST to 04:00 EDT is two real hours.
        (NY, date(2024, 3, 10), [(utc(2024, 3, 10, 6), utc(2024, 3, 10, 8))]),
        # New York falls back at 02:00: 01:00 EDT (first occurrence) to 04:00 EST is four hours.
        (NY, date(2024, 11, 3), [(utc(2024, 11, 3, 5), utc(2024, 11, 3, 9))]),
        # London springs forward at 01:00 GMT: 01:00 (skipped, = the jump) to 04:00 BST.
        (LONDON, date(2024, 3, 31), [(utc(2024, 3, 31, 1), utc(2024, 3, 31, 3))]),
        # London falls back at 02:00 BST: 01:00 BST (first occurrence) to 04:00 GMT.
        (LONDON, date(2024, 10, 27), [(utc(2024, 10, 27, 0), utc(2024, 10, 27, 4))]),
        # Sydney springs forward at 02:00 AEST: 01:00 AEST to 04:00 AEDT.
        (SYDNEY, date(2024, 10, 6), [(utc(2024, 10, 5, 15), utc(2024, 10, 5, 17))]),
        # Sydney falls back at 03:00 AEDT: 01:00 AEDT to 04:00 AEST.
        (SYDNEY, date(2024, 4, 7), [(utc(2024, 4, 6, 14), utc(2024, 4, 6, 18))]),
        # Kolkata: no DST, +05:30.
        (KOLKATA, date(2024, 3, 10), [(utc(2024, 3, 9, 19, 30), utc(2024, 3, 9, 22, 30))]),
    ],
)
def test_dst_days_convert_by_the_documented_rule(tz, d, expected):
    got = EVERY_DAY_1_TO_4.utc_ranges(d, tz)
    assert [(r.start, r.end) for r in got] == expected


@pytest.mark.parametrize(
    ("tz", "d", "gap_start"),
    [
        (NY, date(2024, 3, 10), "02:00"),
        (LONDON, date(2024, 3, 31), "01:00"),
        (SYDNEY, date(2024, 10, 6), "02:00"),
    ],
)
def test_a_range_wholly_inside_the_gap_vanishes(tz, d, gap_start):
    hour = int(gap_start[:2])
    inside = Availability(overrides={d: (WallRange(hour * 60 + 10, hour * 60 + 50),)})
    assert inside.utc_ranges(d, tz) == []


@pytest.mark.parametrize(
    ("tz", "d", "first", "second"),
    [
        (NY, date(2024, 11, 3), utc(2024, 11, 3, 5, 15), utc(2024, 11, 3, 5, 45)),
        (LONDON, date(2024, 10, 27), utc(2024, 10, 27, 0, 15), utc(2024, 10, 27, 0, 45)),
        (SYDNEY, date(2024, 4, 7), utc(2024, 4, 6, 15, 15), utc(2024, 4, 6, 15, 45)),
    ],
)
def test_a_range_inside_the_repeated_hour_uses_the_first_occurrence(tz, d, first, second):
    hour = first.astimezone(tz).hour
    availability = Availability(overrides={d: (WallRange(hour * 60 + 15, hour * 60 + 45),)})
    assert availability.utc_ranges(d, tz) == [TimeRange(first, second)]


def test_ranges_split_by_the_gap_become_touching_and_merge():
    d = date(2024, 3, 10)
    availability = Availability(overrides={d: (w("01:00", "02:00"), w("03:00", "04:00"))})
    assert availability.utc_ranges(d, NY) == [TimeRange(utc(2024, 3, 10, 6), utc(2024, 3, 10, 8))]


def test_24_00_meets_the_next_days_00_00_and_merges_across_midnight():
    template = WeeklyTemplate({0: (w("22:00", "24:00"),), 1: (w("00:00", "02:00"),)})
    ranges = Availability(template).utc_ranges_between(date(2024, 6, 3), date(2024, 6, 4), KOLKATA)
    assert ranges == [TimeRange(utc(2024, 6, 3, 16, 30), utc(2024, 6, 3, 20, 30))]


def test_utc_ranges_between_refuses_a_reversed_date_range():
    with pytest.raises(InvalidTimeRange):
        EVERY_DAY_1_TO_4.utc_ranges_between(date(2024, 1, 2), date(2024, 1, 1), NY)


@given(
    tz=st.sampled_from([NY, LONDON, SYDNEY, KOLKATA]),
    d=st.sampled_from(
        [
            date(2024, 3, 10),
            date(2024, 11, 3),
            date(2024, 3, 31),
            date(2024, 10, 27),
            date(2024, 4, 7),
            date(2024, 10, 6),
            date(2024, 7, 1),
        ]
    ),
    ranges=st.lists(wall_ranges(), max_size=4),
)
@settings(max_examples=300, deadline=None)
def test_utc_ranges_stay_inside_the_local_day_and_keep_wall_order(tz, d, ranges):
    availability = Availability(overrides={d: tuple(ranges)})
    converted = availability.utc_ranges(d, tz)
    bounds = local_day_bounds_utc(d, tz)
    for r in converted:
        assert bounds.start <= r.start < r.end <= bounds.end
        assert r.start.utcoffset() == timedelta(0)
    for a, b in pairwise(converted):
        assert a.end < b.start
    # A day has 23 to 25 hours, so converted time never differs from wall time by more than
    # the one-hour DST shift.
    assert abs(total_minutes(converted) - total_minutes(ranges)) <= 60
    if tz is KOLKATA or d == date(2024, 7, 1):
        assert total_minutes(converted) == total_minutes(ranges)
