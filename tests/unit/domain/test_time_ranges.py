"""Wall-clock and absolute ranges, and the algebra checked against a set-of-minutes model."""

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from instainstru_desktop.domain import (
    InvalidTimeRange,
    TimeRange,
    WallRange,
    contains,
    intersect,
    normalize,
    subtract,
    total_minutes,
)

from .strategies import BASE, minute_set, minutes_of, time_ranges, wall_ranges

FAST = settings(max_examples=200, deadline=None)

# Both kinds of range go through the same algebra; small domains make overlaps likely.
any_kind = st.one_of(
    st.lists(wall_ranges(limit=60), max_size=8),
    st.lists(time_ranges(limit=60), max_size=8),
)


def _pair_of_same_kind():
    return st.one_of(
        st.tuples(
            st.lists(wall_ranges(limit=60), max_size=8), st.lists(wall_ranges(limit=60), max_size=8)
        ),
        st.tuples(
            st.lists(time_ranges(limit=60), max_size=8), st.lists(time_ranges(limit=60), max_size=8)
        ),
    )


# -- WallRange ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("09:00", "12:30", WallRange(540, 750)),
        ("00:00", "24:00", WallRange(0, 1440)),
        ("9:05", "10:00", WallRange(545, 600)),
        ("23:59", "24:00", WallRange(1439, 1440)),
    ],
)
def test_parse_reads_clock_times(start, end, expected):
    assert WallRange.parse(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("12:00", "09:00"),  # reversed
        ("09:00", "09:00"),  # empty
        ("24:00", "24:00"),  # starts at the end of the day
        ("09:60", "10:00"),
        ("25:00", "26:00"),
        ("09:00", "24:01"),
        ("9", "10"),
        ("09:00:00", "10:00:00"),
        ("", "10:00"),
        ("٠٩:٠٠", "10:00"),  # non-ASCII digits are not clock times
        (" 09:00", "10:00"),
    ],
)
def test_parse_rejects_what_is_not_a_range_within_a_day(start, end):
    with pytest.raises(InvalidTimeRange) as err:
        WallRange.parse(start, end)
    assert err.value.code == "invalid_time_range"


@given(wall_ranges())
@FAST
def test_format_is_the_inverse_of_parse(r):
    assert WallRange.parse(*r.format()) == r


def test_format_writes_midnight_end_as_24_00():
    assert WallRange(1380, 1440).format() == ("23:00", "24:00")
    assert str(WallRange(540, 600)) == "09:00-10:00"


@pytest.mark.parametrize(("start", "end"), [(-1, 10), (10, 10), (20, 10), (0, 1441), (0.0, 10)])
def test_wall_range_constructor_enforces_its_invariant(start, end):
    with pytest.raises(InvalidTimeRange):
        WallRange(start, end)


def test_wall_ranges_order_by_start_then_end():
    assert sorted([WallRange(5, 9), WallRange(1, 30), WallRange(5, 6)]) == [
        WallRange(1, 30),
        WallRange(5, 6),
        WallRange(5, 9),
    ]


# -- TimeRange ---------------------------------------------------------------------------------


def test_time_range_needs_aware_datetimes_in_order():
    naive = datetime(2024, 1, 1)
    with pytest.raises(InvalidTimeRange):
        TimeRange(naive, naive + timedelta(hours=1))
    with pytest.raises(InvalidTimeRange):
        TimeRange(BASE, BASE)
    with pytest.raises(InvalidTimeRange):
        TimeRange(BASE, BASE - timedelta(minutes=1))


def test_time_ranges_in_different_zones_compare_by_instant():
    plus_two = timezone(timedelta(hours=2))
    a = TimeRange(datetime(2024, 1, 1, 10, tzinfo=UTC), datetime(2024, 1, 1, 11, tzinfo=UTC))
    b = TimeRange(
        datetime(2024, 1, 1, 12, tzinfo=plus_two), datetime(2024, 1, 1, 13, tzinfo=plus_two)
    )
    assert a == b
    assert hash(a) == hash(b)


def test_touching_time_ranges_do_not_overlap():
    a = TimeRange(BASE, BASE + timedelta(hours=1))
    b = TimeRange(BASE + timedelta(hours=1), BASE + timedelta(hours=2))
    assert not a.overlaps(b)
    assert a.overlaps(TimeRange(BASE + timedelta(minutes=59), BASE + timedelta(hours=2)))
    assert a.duration == timedelta(hours=1)
    assert a.contains_instant(BASE)
    assert not a.contains_instant(BASE + timedelta(hours=1))


# -- examples of the algebra -------------------------------------------------------------------


def test_normalize_merges_touching_and_overlapping_ranges():
    assert normalize([WallRange(600, 660), WallRange(540, 600), WallRange(650, 700)]) == [
        WallRange(540, 700)
    ]
    assert normalize([WallRange(0, 10), WallRange(11, 20)]) == [WallRange(0, 10), WallRange(11, 20)]
    assert normalize([]) == []


def test_subtract_cuts_holes_and_trims_edges():
    assert subtract([WallRange(540, 720)], [WallRange(600, 630), WallRange(700, 800)]) == [
        WallRange(540, 600),
        WallRange(630, 700),
    ]
    assert subtract([WallRange(540, 720)], [WallRange(0, 1440)]) == []
    assert subtract([WallRange(540, 720)], []) == [WallRange(540, 720)]


def test_a_long_cut_reaches_into_the_next_range():
    ranges = [WallRange(0, 10), WallRange(20, 30), WallRange(40, 50)]
    assert subtract(ranges, [WallRange(5, 45)]) == [WallRange(0, 5), WallRange(45, 50)]


def test_contains_accepts_a_range_spanning_two_touching_blocks_but_not_a_hole():
    blocks = [WallRange(540, 600), WallRange(600, 660), WallRange(700, 760)]
    assert contains(blocks, WallRange(570, 630))
    assert not contains(blocks, WallRange(650, 710))
    assert not contains([], WallRange(0, 1))


def test_total_minutes_counts_overlaps_once_and_floors_seconds():
    assert total_minutes([WallRange(0, 60), WallRange(30, 90)]) == 90
    r = TimeRange(BASE, BASE + timedelta(minutes=2, seconds=59))
    assert total_minutes([r]) == 2


# -- properties against the minute-set model ---------------------------------------------------


@given(any_kind)
@FAST
def test_normalize_is_sorted_disjoint_non_touching_and_idempotent(ranges):
    result = normalize(ranges)
    assert normalize(result) == result
    for a, b in pairwise(result):
        assert a.end < b.start  # disjoint and not even touching
    assert minute_set(result) == minute_set(ranges)


@given(_pair_of_same_kind())
@FAST
def test_subtract_agrees_with_set_difference(pair):
    a, b = pair
    result = subtract(a, b)
    assert minute_set(result) == minute_set(a) - minute_set(b)
    assert normalize(result) == result


@given(_pair_of_same_kind())
@FAST
def test_intersect_agrees_with_set_intersection(pair):
    a, b = pair
    result = intersect(a, b)
    assert minute_set(result) == minute_set(a) & minute_set(b)
    assert normalize(result) == result
    assert result == intersect(b, a)


@given(st.lists(wall_ranges(limit=60), max_size=8), wall_ranges(limit=60))
@FAST
def test_contains_agrees_with_subset_of_one_merged_block(ranges, r):
    assert contains(ranges, r) == (minutes_of(r) <= minute_set(ranges))


@given(st.lists(time_ranges(limit=60), max_size=8), time_ranges(limit=60))
@FAST
def test_contains_agrees_with_the_model_for_time_ranges(ranges, r):
    assert contains(ranges, r) == (minutes_of(r) <= minute_set(ranges))


@given(any_kind)
@FAST
def test_total_minutes_is_the_size_of_the_union(ranges):
    assert total_minutes(ranges) == len(minute_set(ranges))
