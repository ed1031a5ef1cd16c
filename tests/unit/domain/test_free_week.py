"""The arrangement of a week of free times, and the span a slot query reads: pure rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from instainstru_desktop.domain import BookingPolicy, TimeRange, zone
from instainstru_desktop.domain.free_week import LONGEST_WINDOW, free_week
from instainstru_desktop.domain.slot_inputs import slot_reads

NOW = datetime(2026, 10, 22, 9, 30, tzinfo=UTC)  # Thursday; Europe moves its clocks on Sunday 25


class Starts:
    """Starts at given instants; remembers the windows it was asked about."""

    def __init__(self, *starts: datetime) -> None:
        self.starts = sorted(starts)
        self.asked: list[TimeRange] = []

    def __call__(self, window: TimeRange) -> Sequence[datetime]:
        self.asked.append(window)
        return [s for s in self.starts if window.start <= s < window.end]


def test_days_follow_the_viewers_calendar_across_a_clock_change() -> None:
    london = zone("Europe/London")
    # 23:30 London on Saturday 24 (BST, 22:30 UTC) and 23:30 on Sunday 25 (GMT, 23:30 UTC)
    saturday = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)
    sunday = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)
    starts = Starts(saturday, sunday)

    week = free_week(starts, viewer_zone="Europe/London", now=NOW, horizon_days=28)

    by_day = {d.day: d for d in week.days}
    assert by_day[date(2026, 10, 24)].starts == (saturday,)
    assert by_day[date(2026, 10, 25)].starts == (sunday,)
    assert [d.day for d in week.days] == [date(2026, 10, 22) + timedelta(days=n) for n in range(7)]
    # the week's window is whole London days: Sunday is 25 hours long
    assert starts.asked[0] == TimeRange(
        datetime(2026, 10, 21, 23, tzinfo=UTC), datetime(2026, 10, 29, 0, tzinfo=UTC)
    )
    assert sunday.astimezone(london).date() == date(2026, 10, 25)


def test_empty_days_name_the_next_free_time_looking_past_the_week_once() -> None:
    later = datetime(2026, 11, 10, 14, tzinfo=UTC)
    starts = Starts(datetime(2026, 10, 23, 10, tzinfo=UTC), later)

    week = free_week(starts, viewer_zone="UTC", now=NOW, horizon_days=28)

    assert week.days[0].starts == ()
    assert week.days[0].next_free == datetime(2026, 10, 23, 10, tzinfo=UTC)
    assert all(d.next_free == later for d in week.days[2:])
    assert len(starts.asked) == 2  # the week, then once past it for every empty day at its end
    assert starts.asked[1].end - starts.asked[1].start <= LONGEST_WINDOW
    assert not any(d.beyond_horizon for d in week.days)


def test_the_weeks_offered_stay_between_today_and_the_end_of_the_booking_window() -> None:
    starts = Starts()

    first = free_week(starts, viewer_zone="UTC", now=NOW, horizon_days=10)
    paged = free_week(starts, viewer_zone="UTC", now=NOW, horizon_days=10, first=first.next)
    too_far = free_week(starts, viewer_zone="UTC", now=NOW, horizon_days=10, first=date(2027, 1, 1))
    past = free_week(starts, viewer_zone="UTC", now=NOW, horizon_days=10, first=date(2026, 1, 1))

    assert (first.previous, first.next) == (None, date(2026, 10, 29))
    assert (paged.previous, paged.next) == (date(2026, 10, 22), None)
    assert too_far.first == date(2026, 11, 1)  # the horizon's last day opens the last week
    assert past.first == date(2026, 10, 22)
    # the window ends on 1 November at 09:30: the days after it are not open yet
    assert [d.beyond_horizon for d in paged.days] == [False] * 4 + [True] * 3
    assert all(d.next_free is None for d in paged.days)


def test_a_slot_query_reads_a_day_either_side_and_whole_weeks_under_a_limit() -> None:
    tz = zone("America/New_York")
    window = TimeRange(datetime(2026, 10, 22, 4, tzinfo=UTC), datetime(2026, 10, 29, 4, tzinfo=UTC))

    plain = slot_reads(BookingPolicy(buffer_minutes=15), tz, 60, window)
    limited = slot_reads(BookingPolicy(weekly_limit=5), tz, 60, window)

    assert (plain.first_day, plain.last_day) == (date(2026, 10, 21), date(2026, 10, 30))
    assert plain.instructor_busy == TimeRange(
        window.start - timedelta(minutes=75), window.end + timedelta(minutes=75)
    )
    assert plain.student_busy == TimeRange(
        window.start - timedelta(hours=1), window.end + timedelta(hours=1)
    )
    # Monday 19 October 00:00 to Monday 2 November 00:00, New York time
    assert limited.instructor_busy == TimeRange(
        datetime(2026, 10, 19, 4, tzinfo=UTC), datetime(2026, 11, 2, 5, tzinfo=UTC)
    )
