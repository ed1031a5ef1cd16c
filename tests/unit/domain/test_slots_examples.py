"""Bookable slots and check_booking on the cases users of other booking tools report as broken."""

from datetime import UTC, date, datetime, timedelta

import pytest

from instainstru_desktop.domain import (
    ACTIVE_STATUSES,
    Availability,
    BookingPolicy,
    BookingRuleViolation,
    BookingStatus,
    DomainError,
    InvalidTimeRange,
    SlotQuery,
    TimeRange,
    WallRange,
    WeeklyTemplate,
    bookable_slots,
    check_booking,
    group_by_viewer_date,
    to_viewer,
    zone,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def w(start: str, end: str) -> WallRange:
    return WallRange.parse(start, end)


def lesson(start: datetime, minutes: int = 60) -> TimeRange:
    return TimeRange(start, start + timedelta(minutes=minutes))


NY = zone("America/New_York")
LONDON = zone("Europe/London")
SYDNEY = zone("Australia/Sydney")
KOLKATA = zone("Asia/Kolkata")
LOS_ANGELES = zone("America/Los_Angeles")

JUNE_3 = datetime(2024, 6, 3, tzinfo=UTC)
WEEKDAYS_9_TO_12 = WeeklyTemplate({d: (w("09:00", "12:00"),) for d in range(5)})


def query(
    *,
    availability: Availability | None = None,
    tz=NY,
    policy: BookingPolicy | None = None,
    duration: int = 60,
    start: datetime = JUNE_3,
    days: int = 7,
    now: datetime | None = None,
    busy=(),
    student_busy=(),
    counts=None,
) -> SlotQuery:
    return SlotQuery(
        availability=availability or Availability(WEEKDAYS_9_TO_12),
        tz=tz,
        policy=policy or BookingPolicy(min_notice_minutes=0),
        duration_minutes=duration,
        window=TimeRange(start, start + timedelta(days=days)),
        now=now or start - timedelta(days=1),
        instructor_busy=list(busy),
        student_busy=list(student_busy),
        lessons_per_local_date=counts or {},
    )


def local_starts(slots, tz) -> list[str]:
    return [s.start.astimezone(tz).strftime("%a %H:%M") for s in slots]


def rule(q: SlotQuery, start: datetime) -> str | None:
    try:
        check_booking(q, start)
    except BookingRuleViolation as err:
        return err.code
    return None


# -- DST ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "saturday"),
    [
        (NY, date(2024, 3, 9)),
        (NY, date(2024, 11, 2)),
        (LONDON, date(2024, 3, 30)),
        (LONDON, date(2024, 10, 26)),
        (SYDNEY, date(2024, 10, 5)),
        (SYDNEY, date(2024, 4, 6)),
    ],
)
def test_slots_do_not_shift_an_hour_on_the_day_the_clocks_change(tz, saturday):
    every_day = Availability(WeeklyTemplate({d: (w("09:00", "11:00"),) for d in range(7)}))
    start = datetime(saturday.year, saturday.month, saturday.day, tzinfo=tz)
    q = query(
        availability=every_day,
        tz=tz,
        start=start.astimezone(UTC),
        days=3,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=60),
    )
    slots = bookable_slots(q)
    assert local_starts(slots, tz) == [
        "Sat 09:00",
        "Sat 10:00",
        "Sun 09:00",
        "Sun 10:00",
        "Mon 09:00",
        "Mon 10:00",
    ]
    assert all(s.duration == timedelta(hours=1) for s in slots)


def test_no_slot_starts_at_a_wall_time_that_does_not_exist():
    sunday = date(2024, 3, 10)  # New York: 02:00 -> 03:00
    q = query(
        availability=Availability(overrides={sunday: (w("01:00", "04:00"),)}),
        duration=30,
        start=utc(2024, 3, 10),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=30),
    )
    slots = bookable_slots(q)
    assert [s.start.astimezone(NY).strftime("%H:%M %Z") for s in slots] == [
        "01:00 EST",
        "01:30 EST",
        "03:00 EDT",
        "03:30 EDT",
    ]
    # 01:30 EST + 30 real minutes is 03:00 EDT: the lesson lasts 30 minutes, not 90.
    assert slots[1].end == slots[2].start
    assert all(s.duration == timedelta(minutes=30) for s in slots)


def test_a_lesson_may_run_across_the_gap():
    sunday = date(2024, 3, 10)
    q = query(
        availability=Availability(overrides={sunday: (w("01:00", "04:00"),)}),
        duration=60,
        start=utc(2024, 3, 10),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=30),
    )
    # 01:00 EST .. 04:00 EDT is two real hours: 60-minute lessons at 01:00, 01:30, 03:00.
    assert [s.start for s in bookable_slots(q)] == [
        utc(2024, 3, 10, 6),
        utc(2024, 3, 10, 6, 30),
        utc(2024, 3, 10, 7),
    ]


def test_an_ambiguous_availability_range_uses_the_first_occurrence():
    sunday = date(2024, 11, 3)  # New York: 02:00 EDT -> 01:00 EST
    q = query(
        availability=Availability(overrides={sunday: (w("01:00", "01:30"),)}),
        duration=30,
        start=utc(2024, 11, 3),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=30),
    )
    assert bookable_slots(q) == [lesson(utc(2024, 11, 3, 5), 30)]  # 01:00 EDT, not EST
    assert rule(q, utc(2024, 11, 3, 6)) == "outside_availability"  # 01:00 EST


def test_a_range_covering_the_whole_repeated_hour_offers_both_occurrences():
    sunday = date(2024, 11, 3)
    q = query(
        availability=Availability(overrides={sunday: (w("01:00", "02:00"),)}),
        duration=30,
        start=utc(2024, 11, 3),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=30),
    )
    assert [s.start.astimezone(NY).strftime("%H:%M %Z") for s in bookable_slots(q)] == [
        "01:00 EDT",
        "01:30 EDT",
        "01:00 EST",
        "01:30 EST",
    ]


def test_the_step_grid_follows_the_instructors_wall_clock_not_utc():
    monday = date(2024, 6, 3)
    q = query(
        availability=Availability(overrides={monday: (w("09:00", "12:00"),)}),
        tz=KOLKATA,
        start=utc(2024, 6, 2, 18, 30),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=60),
    )
    slots = bookable_slots(q)
    assert local_starts(slots, KOLKATA) == ["Mon 09:00", "Mon 10:00", "Mon 11:00"]
    assert [s.start.minute for s in slots] == [30, 30, 30]  # :30 in UTC
    assert rule(q, utc(2024, 6, 3, 4)) == "off_step"  # 09:30 in Kolkata


# -- overrides ---------------------------------------------------------------------------------


def test_a_date_override_opens_a_normally_off_weekday():
    sunday = date(2024, 6, 9)
    q = query(availability=Availability(WEEKDAYS_9_TO_12, {sunday: (w("14:00", "16:00"),)}))
    sunday_slots = [s for s in bookable_slots(q) if s.start.astimezone(NY).date() == sunday]
    assert local_starts(sunday_slots, NY) == [
        "Sun 14:00",
        "Sun 14:15",
        "Sun 14:30",
        "Sun 14:45",
        "Sun 15:00",
    ]


def test_time_off_on_a_holiday_is_not_bookable():
    july_4th = date(2024, 7, 4)  # a Thursday, normally 09:00-12:00
    q = query(availability=Availability(WEEKDAYS_9_TO_12, {july_4th: ()}), start=utc(2024, 7, 1))
    booked_dates = {s.start.astimezone(NY).date() for s in bookable_slots(q)}
    assert july_4th not in booked_dates
    assert booked_dates == {date(2024, 7, d) for d in (1, 2, 3, 5)}
    assert rule(q, datetime(2024, 7, 4, 10, tzinfo=NY)) == "outside_availability"
    assert rule(q, datetime(2024, 7, 5, 10, tzinfo=NY)) is None


# -- viewers in other zones --------------------------------------------------------------------


def test_a_viewer_a_day_behind_sees_the_slot_on_their_own_date():
    monday = date(2024, 6, 3)
    q = query(
        availability=Availability(overrides={monday: (w("09:00", "10:00"),)}),
        tz=SYDNEY,
        start=utc(2024, 6, 2, 14),  # Monday 00:00 in Sydney
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=60),
    )
    slots = bookable_slots(q)
    assert slots == [lesson(utc(2024, 6, 2, 23))]
    ((start, end),) = to_viewer(slots, LOS_ANGELES)
    assert (start.date(), start.strftime("%H:%M"), end.strftime("%H:%M")) == (
        date(2024, 6, 2),
        "16:00",
        "17:00",
    )
    assert list(group_by_viewer_date(slots, LOS_ANGELES)) == [date(2024, 6, 2)]
    assert list(group_by_viewer_date(slots, SYDNEY)) == [monday]
    # Whoever looks, booking checks the instructor's rules on the same instant.
    check_booking(q, start)


# -- busy time and buffers ---------------------------------------------------------------------


def test_buffers_keep_lessons_apart_on_both_sides():
    existing = lesson(datetime(2024, 6, 3, 10, 0, tzinfo=NY))
    q = query(
        busy=[existing],
        start=utc(2024, 6, 3, 4),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, buffer_minutes=15, slot_step_minutes=15),
        availability=Availability(WeeklyTemplate({0: (w("08:00", "13:00"),)})),
    )
    assert local_starts(bookable_slots(q), NY) == [
        "Mon 08:00",
        "Mon 08:15",
        "Mon 08:30",
        "Mon 08:45",
        "Mon 11:15",
        "Mon 11:30",
        "Mon 11:45",
        "Mon 12:00",
    ]
    assert rule(q, datetime(2024, 6, 3, 9, tzinfo=NY)) == "instructor_busy"  # ends 10:00
    assert rule(q, datetime(2024, 6, 3, 11, tzinfo=NY)) == "instructor_busy"  # starts at its end
    assert rule(q, datetime(2024, 6, 3, 8, 45, tzinfo=NY)) is None


def test_without_a_buffer_lessons_may_touch_but_never_overlap():
    existing = lesson(datetime(2024, 6, 3, 10, 0, tzinfo=NY))
    q = query(busy=[existing], start=utc(2024, 6, 3, 4), days=1)
    assert rule(q, datetime(2024, 6, 3, 9, tzinfo=NY)) is None
    assert rule(q, datetime(2024, 6, 3, 11, tzinfo=NY)) is None
    assert rule(q, datetime(2024, 6, 3, 10, 45, tzinfo=NY)) == "instructor_busy"
    assert all(not s.overlaps(existing) for s in bookable_slots(q))


def test_the_students_own_lessons_block_without_the_instructors_buffer():
    theirs = lesson(datetime(2024, 6, 3, 10, 0, tzinfo=NY))
    q = query(
        student_busy=[theirs],
        start=utc(2024, 6, 3, 4),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, buffer_minutes=30, slot_step_minutes=60),
    )
    assert local_starts(bookable_slots(q), NY) == ["Mon 09:00", "Mon 11:00"]
    assert rule(q, datetime(2024, 6, 3, 10, tzinfo=NY)) == "student_busy"


def test_a_lesson_being_rescheduled_is_left_out_of_busy_and_can_move_by_15_minutes():
    own = lesson(datetime(2024, 6, 3, 10, 0, tzinfo=NY))
    q = query(start=utc(2024, 6, 3, 4), days=1)
    assert rule(q, own.start + timedelta(minutes=15)) is None


def test_cancelled_lessons_free_their_time_and_no_shows_keep_it():
    bookings = [
        (lesson(datetime(2024, 6, 3, 9, tzinfo=NY)), BookingStatus.CANCELLED),
        (lesson(datetime(2024, 6, 3, 10, tzinfo=NY)), BookingStatus.NO_SHOW),
        (lesson(datetime(2024, 6, 3, 11, tzinfo=NY)), BookingStatus.COMPLETED),
    ]
    busy = [r for r, status in bookings if status in ACTIVE_STATUSES]
    q = query(
        busy=busy,
        start=utc(2024, 6, 3, 4),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=60),
    )
    assert local_starts(bookable_slots(q), NY) == ["Mon 09:00"]


def test_a_lesson_may_run_across_midnight_when_both_days_are_open():
    template = WeeklyTemplate({0: (w("22:00", "24:00"),), 1: (w("00:00", "01:00"),)})
    q = query(
        availability=Availability(template),
        start=datetime(2024, 6, 3, 23, tzinfo=NY).astimezone(UTC),
        days=1,
        duration=90,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=30),
    )
    assert local_starts(bookable_slots(q), NY) == ["Mon 23:00", "Mon 23:30"]


def test_a_slot_starting_at_local_midnight_is_offered_once():
    template = WeeklyTemplate({0: (w("23:00", "24:00"),), 1: (w("00:00", "02:00"),)})
    q = query(
        availability=Availability(template),
        start=datetime(2024, 6, 3, 23, tzinfo=NY).astimezone(UTC),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, slot_step_minutes=60),
    )
    assert local_starts(bookable_slots(q), NY) == ["Mon 23:00", "Tue 00:00", "Tue 01:00"]


# -- limits ------------------------------------------------------------------------------------


def test_a_weekly_limit_closes_the_rest_of_the_week_and_only_that_week():
    busy = [lesson(datetime(2024, 6, d, 9, tzinfo=NY)) for d in (3, 4, 5)]  # Mon-Wed
    q = query(
        busy=busy,
        start=utc(2024, 6, 6),
        days=7,
        policy=BookingPolicy(min_notice_minutes=0, weekly_limit=3, slot_step_minutes=60),
    )
    dates = sorted({s.start.astimezone(NY).date() for s in bookable_slots(q)})
    assert dates == [date(2024, 6, d) for d in (10, 11, 12)]  # next Monday onwards
    assert rule(q, datetime(2024, 6, 7, 9, tzinfo=NY)) == "weekly_limit"
    assert rule(q, datetime(2024, 6, 10, 9, tzinfo=NY)) is None


def test_weeks_run_monday_to_sunday_for_the_weekly_limit():
    every_day = Availability(WeeklyTemplate({d: (w("09:00", "12:00"),) for d in range(7)}))
    sunday_lesson = lesson(datetime(2024, 6, 9, 9, tzinfo=NY))
    q = query(
        availability=every_day,
        busy=[sunday_lesson],
        start=utc(2024, 6, 3),
        days=8,
        policy=BookingPolicy(min_notice_minutes=0, weekly_limit=1, slot_step_minutes=60),
    )
    # The Sunday lesson fills the week of Monday 3 June; Monday 10 June starts a new week.
    dates = {s.start.astimezone(NY).date() for s in bookable_slots(q)}
    assert dates == {date(2024, 6, 10)}


def test_a_weekly_limit_under_its_count_leaves_the_week_open():
    busy = [lesson(datetime(2024, 6, d, 9, tzinfo=NY)) for d in (3, 4)]
    q = query(
        busy=busy,
        start=utc(2024, 6, 6),
        days=2,
        policy=BookingPolicy(min_notice_minutes=0, weekly_limit=3),
    )
    assert bookable_slots(q)


def test_given_counts_take_precedence_over_the_busy_list():
    q = query(
        start=utc(2024, 6, 3),
        days=2,
        counts={date(2024, 6, 3): 2},
        policy=BookingPolicy(min_notice_minutes=0, daily_limit=2, slot_step_minutes=60),
    )
    assert {s.start.astimezone(NY).date() for s in bookable_slots(q)} == {date(2024, 6, 4)}
    assert rule(q, datetime(2024, 6, 3, 9, tzinfo=NY)) == "daily_limit"


def test_a_daily_limit_counts_by_the_instructors_local_date():
    # 23:30 New York on Monday is Tuesday in UTC; it counts for Monday.
    late = lesson(datetime(2024, 6, 3, 23, 30, tzinfo=NY), 30)
    template = WeeklyTemplate(
        {0: (w("09:00", "12:00"), w("23:00", "24:00")), 1: (w("09:00", "12:00"),)}
    )
    q = query(
        availability=Availability(template),
        busy=[late],
        start=utc(2024, 6, 3),
        days=2,
        policy=BookingPolicy(min_notice_minutes=0, daily_limit=1, slot_step_minutes=60),
    )
    assert {s.start.astimezone(NY).date() for s in bookable_slots(q)} == {date(2024, 6, 4)}


# -- notice, horizon, window, grid -------------------------------------------------------------


def test_min_notice_and_horizon_are_inclusive_bounds_on_the_start():
    now = datetime(2024, 6, 3, 9, tzinfo=NY)  # a Monday
    policy = BookingPolicy(min_notice_minutes=60, booking_horizon_days=7)
    q = query(now=now.astimezone(UTC), start=utc(2024, 6, 1), days=14, policy=policy)
    slots = bookable_slots(q)
    assert slots[0].start == now + timedelta(hours=1)  # exactly the notice
    assert slots[-1].start == now + timedelta(days=7)  # exactly the horizon
    assert rule(q, now + timedelta(minutes=45)) == "too_soon"
    assert rule(q, now + timedelta(days=7, minutes=15)) == "too_far"
    assert rule(q, now + timedelta(minutes=59)) == "off_step"


def test_the_window_bounds_starts_but_a_lesson_may_end_after_it():
    start = datetime(2024, 6, 3, 10, tzinfo=NY)
    q = SlotQuery(
        availability=Availability(WEEKDAYS_9_TO_12),
        tz=NY,
        policy=BookingPolicy(min_notice_minutes=0),
        duration_minutes=60,
        window=TimeRange(start, start + timedelta(minutes=30)),
        now=start - timedelta(days=1),
        instructor_busy=[],
    )
    assert [s.start for s in bookable_slots(q)] == [start, start + timedelta(minutes=15)]


def test_an_empty_window_or_a_past_window_has_no_slots():
    q = query(now=utc(2024, 7, 1))
    assert bookable_slots(q) == []


def test_a_start_with_seconds_is_off_the_grid():
    q = query(start=utc(2024, 6, 3), days=1)
    assert rule(q, datetime(2024, 6, 3, 9, 0, 30, tzinfo=NY)) == "off_step"


def test_the_most_useful_code_comes_first():
    busy = [lesson(datetime(2024, 6, 3, 9, tzinfo=NY))]
    q = query(
        busy=busy,
        student_busy=busy,
        start=utc(2024, 6, 3),
        days=1,
        policy=BookingPolicy(min_notice_minutes=0, daily_limit=1),
    )
    assert rule(q, datetime(2024, 6, 3, 9, tzinfo=NY)) == "instructor_busy"
    q2 = query(
        student_busy=busy,
        start=utc(2024, 6, 3),
        days=1,
        counts={date(2024, 6, 3): 5},
        policy=BookingPolicy(min_notice_minutes=0, daily_limit=1),
    )
    assert rule(q2, datetime(2024, 6, 3, 9, tzinfo=NY)) == "student_busy"
    assert rule(q2, datetime(2024, 6, 3, 10, tzinfo=NY)) == "daily_limit"
    assert rule(q2, datetime(2024, 6, 3, 13, tzinfo=NY)) == "outside_availability"


def test_check_booking_refuses_a_naive_start():
    with pytest.raises(InvalidTimeRange):
        check_booking(query(), datetime(2024, 6, 3, 9))


@pytest.mark.parametrize("duration", [0, -15, 1441, 30.0])
def test_a_query_refuses_impossible_durations(duration):
    with pytest.raises(InvalidTimeRange):
        query(duration=duration)


def test_a_query_refuses_a_naive_now_and_an_invalid_policy():
    with pytest.raises(InvalidTimeRange):
        query(now=datetime(2024, 6, 1))
    with pytest.raises(DomainError) as err:
        query(policy=BookingPolicy(slot_step_minutes=7))
    assert err.value.code == "invalid_policy"
