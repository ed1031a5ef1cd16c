"""Long busy lists are bisected; short or unsorted ones still give the right answer."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from instainstru_desktop.domain import (
    Availability,
    BookingPolicy,
    SlotQuery,
    TimeRange,
    WallRange,
    WeeklyTemplate,
    bookable_slots,
    check_booking,
    zone,
)
from instainstru_desktop.domain._busy import SCAN_WHOLE_UP_TO

LONDON = zone("Europe/London")
NOW = datetime(2024, 6, 1, tzinfo=UTC)
WINDOW = TimeRange(datetime(2024, 6, 3, tzinfo=UTC), datetime(2024, 6, 5, tzinfo=UTC))
EVERY_DAY = Availability(WeeklyTemplate({d: (WallRange(540, 1020),) for d in range(7)}))


def history(count: int) -> list[TimeRange]:
    """``count`` hour-long lessons every 5 hours, starting long before the window."""
    first = WINDOW.start - timedelta(hours=5 * (count // 2))
    return [
        TimeRange(first + timedelta(hours=5 * i), first + timedelta(hours=5 * i + 1))
        for i in range(count)
    ]


def query(busy, **policy) -> SlotQuery:
    return SlotQuery(
        availability=EVERY_DAY,
        tz=LONDON,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=30, **policy),
        duration_minutes=60,
        window=WINDOW,
        now=NOW,
        instructor_busy=busy,
    )


def in_window(busy):
    return [
        b
        for b in busy
        if b.overlaps(TimeRange(WINDOW.start - timedelta(days=1), WINDOW.end + timedelta(days=1)))
    ]


@pytest.mark.parametrize("count", [10, SCAN_WHOLE_UP_TO + 1, 5000])
def test_a_long_history_gives_the_same_slots_as_only_the_nearby_lessons(count):
    busy = history(count)
    assert bookable_slots(query(busy, buffer_minutes=30)) == bookable_slots(
        query(in_window(busy), buffer_minutes=30)
    )


def test_a_lesson_starting_before_the_window_still_blocks_its_end():
    busy = history(2000)
    spanning = TimeRange(WINDOW.start - timedelta(hours=3), WINDOW.start + timedelta(hours=11))
    busy = sorted([*busy, spanning])
    slots = bookable_slots(query(busy))
    assert all(not s.overlaps(spanning) for s in slots)


def test_an_unsorted_long_list_is_still_answered_correctly():
    busy = history(3000)
    shuffled = busy[:]
    random.Random(4).shuffle(shuffled)
    expected = bookable_slots(query(busy))
    assert bookable_slots(query(shuffled)) == expected
    for s in expected[:5]:
        check_booking(query(shuffled), s.start)


def test_limits_count_a_long_history_by_local_date():
    busy = history(4000)
    q = query(busy, daily_limit=3)
    # Lessons every 5 hours: about 5 a day, so every date of the window is full.
    assert bookable_slots(q) == []
    per_day = {}
    for b in busy:
        day = b.start.astimezone(LONDON).date()
        per_day[day] = per_day.get(day, 0) + 1
    assert per_day[date(2024, 6, 3)] >= 3
