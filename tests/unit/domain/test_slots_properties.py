"""Property tests of bookable slots across DST changes in four zones.

Each example draws an instructor (zone, weekly template, overrides, policy), existing lessons,
a "now" and a window of a few days around a DST change, then checks the slot engine against a
minute-by-minute brute-force model and against check_booking.
"""

from dataclasses import replace
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instainstru_desktop.domain import (
    Availability,
    BookingPolicy,
    BookingRuleViolation,
    SlotQuery,
    TimeRange,
    WallRange,
    WeeklyTemplate,
    bookable_slots,
    check_booking,
    contains,
    local_date,
    open_slots,
    zone,
)

from .slot_model import clock, minute_index, model_slot_starts, utc_midnight

# (zone name, a date on which its clocks change, or an ordinary date for Kolkata)
SCENARIOS = [
    ("America/New_York", date(2024, 3, 10)),
    ("America/New_York", date(2024, 11, 3)),
    ("Europe/London", date(2024, 3, 31)),
    ("Europe/London", date(2024, 10, 27)),
    ("Australia/Sydney", date(2024, 10, 6)),
    ("Australia/Sydney", date(2024, 4, 7)),
    ("Asia/Kolkata", date(2024, 3, 10)),
    ("Asia/Kolkata", date(2024, 10, 27)),
]

# Period the model covers: from 4 days before the change to 5 days after (UTC midnights).
BEFORE, AFTER = 4, 5


@st.composite
def day_ranges(draw) -> tuple[WallRange, ...]:
    """A day's hours: often around the small hours where clocks change or reaching midnight."""
    count = draw(st.sampled_from([0, 1, 1, 2, 2, 3]))
    out = []
    for _ in range(count):
        start = draw(st.one_of(st.just(0), st.integers(0, 60), st.integers(12, 287))) * 5
        length = draw(st.integers(6, 72)) * 5
        end = 1440 if draw(st.integers(0, 4)) == 0 else min(start + length, 1440)
        out.append(WallRange(start, end))
    return tuple(out)


@st.composite
def queries(draw) -> SlotQuery:
    name, change = draw(st.sampled_from(SCENARIOS))
    tz = zone(name)
    origin = utc_midnight(change - timedelta(days=BEFORE))
    template = WeeklyTemplate({d: draw(day_ranges()) for d in range(7)})
    override_dates = draw(
        st.lists(st.integers(-2, 2).map(lambda k: change + timedelta(days=k)), max_size=3)
    )
    overrides = {d: draw(day_ranges()) for d in override_dates}
    step = draw(st.sampled_from([5, 15, 30, 60, 90]))
    policy = BookingPolicy(
        min_notice_minutes=draw(st.sampled_from([0, 45, 120, 600])),
        booking_horizon_days=draw(st.integers(1, 8)),
        buffer_minutes=draw(st.sampled_from([0, 5, 15, 30])),
        slot_step_minutes=step,
        daily_limit=draw(st.one_of(st.none(), st.integers(1, 3))),
        weekly_limit=draw(st.one_of(st.none(), st.integers(1, 4))),
    )
    duration = draw(st.sampled_from([15, 30, 45, 60, 90, 120]))
    window_start = origin + timedelta(minutes=draw(st.integers(2 * 1440, 4 * 1440)))
    window = TimeRange(
        window_start,
        window_start
        + timedelta(
            minutes=draw(st.one_of(st.sampled_from([1440, 2880, 4320]), st.integers(360, 4320)))
        ),
    )
    now = window_start + timedelta(
        minutes=draw(st.integers(-1440, 360)), seconds=draw(st.integers(0, 59))
    )

    def lessons(max_size: int) -> list[TimeRange]:
        # Mostly in and around the window, where they matter; on 5-minute marks so that they
        # touch slots and buffer edges exactly.
        span = int((window.end - window.start).total_seconds() // 60)
        items = []
        for _ in range(draw(st.integers(0, max_size))):
            offset = draw(st.integers(-1440 // 5, (span + 1440) // 5)) * 5
            start = window.start + timedelta(minutes=offset)
            length = draw(st.integers(1, 36)) * 5
            items.append(TimeRange(start, start + timedelta(minutes=length)))
        return sorted(items)

    counts = {}
    if draw(st.booleans()):
        days = st.integers(-3, 3).map(lambda k: change + timedelta(days=k))
        counts = draw(st.dictionaries(days, st.integers(0, 4), max_size=4))

    return SlotQuery(
        availability=Availability(template, overrides),
        tz=tz,
        policy=policy,
        duration_minutes=duration,
        window=window,
        now=now,
        instructor_busy=lessons(10),
        student_busy=lessons(5),
        lessons_per_local_date=counts,
    )


def _origin(q: SlotQuery) -> datetime:
    return utc_midnight(q.window.start.date()) - timedelta(days=BEFORE)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@given(queries())
@PROPERTY
def test_slots_are_exactly_the_starts_the_rules_allow(q):
    origin = _origin(q)
    c = clock(q.tz, origin, (BEFORE + AFTER + 4) * 1440)
    got = [minute_index(s.start, origin) for s in bookable_slots(q)]
    assert got == sorted(set(got)), "slots must be sorted and unique"
    assert set(got) == model_slot_starts(q, c)


@given(queries())
@PROPERTY
def test_every_slot_obeys_every_rule(q):
    slots = bookable_slots(q)
    policy = q.policy
    first = local_date(q.window.start, q.tz) - timedelta(days=1)
    last = local_date(q.window.end, q.tz) + timedelta(days=2)
    availability = q.availability.utc_ranges_between(first, last, q.tz)
    buffer = timedelta(minutes=policy.buffer_minutes)
    for s in slots:
        # duration exact in real elapsed time, even across a DST change
        assert s.end - s.start == timedelta(minutes=q.duration_minutes)
        assert s.start.utcoffset() == timedelta(0)
        assert q.window.start <= s.start < q.window.end
        # on the step of the instructor's wall clock
        wall = s.start.astimezone(q.tz)
        assert wall.second == 0
        assert wall.microsecond == 0
        assert (wall.hour * 60 + wall.minute) % policy.slot_step_minutes == 0
        # notice and horizon
        assert s.start >= q.now + timedelta(minutes=policy.min_notice_minutes)
        assert s.start <= q.now + timedelta(days=policy.booking_horizon_days)
        # wholly inside availability
        assert contains(availability, s)
        # never overlapping busy time plus buffers on both sides
        for b in q.instructor_busy:
            assert s.end <= b.start - buffer or s.start >= b.end + buffer
        for b in q.student_busy:
            assert not s.overlaps(b)


def _refusal(q: SlotQuery, start: datetime) -> str | None:
    try:
        check_booking(q, start)
    except BookingRuleViolation as err:
        return err.code
    return None


@given(queries(), st.data())
@PROPERTY
def test_check_booking_agrees_with_the_slot_list(q, data):
    slots = bookable_slots(q)
    starts = {s.start for s in slots}
    for s in slots:
        assert _refusal(q, s.start) is None
    # Any other start inside the window is refused, with off_step when it is off the grid.
    step = q.policy.slot_step_minutes
    window_minutes = int((q.window.end - q.window.start).total_seconds() // 60)
    for _ in range(20):
        candidate = q.window.start + timedelta(
            minutes=data.draw(st.integers(0, window_minutes - 1))
        )
        wall = candidate.astimezone(q.tz)
        on_grid = (wall.hour * 60 + wall.minute) % step == 0 and wall.second == 0
        code = _refusal(q, candidate)
        if candidate in starts:
            assert code is None
        elif not on_grid:
            assert code == "off_step"
        else:
            assert code is not None, f"{candidate} passes check_booking but is not a slot"


@given(queries(), st.data())
@PROPERTY
def test_open_slots_at_any_now_equal_the_slot_list(q, data):
    """What a server keeps between changes (computed without the clock or the student) answers
    every later request exactly as a fresh computation would, at the edges too: a start exactly
    at ``now + notice`` or ``now + horizon``, a student lesson touching a slot."""
    kept = open_slots(replace(q, student_busy=(), now=q.now - timedelta(days=30)))
    notice = timedelta(minutes=q.policy.min_notice_minutes)
    horizon = timedelta(days=q.policy.booking_horizon_days)
    duration = timedelta(minutes=q.duration_minutes)
    for _ in range(4):
        if kept.starts and data.draw(st.booleans()):
            edge = data.draw(st.sampled_from(kept.starts))
            now = edge - data.draw(st.sampled_from([notice, horizon]))
            now += timedelta(microseconds=data.draw(st.sampled_from([-1, 0, 0, 1])))
        else:
            now = q.window.start + timedelta(minutes=data.draw(st.integers(-2 * 1440, 2 * 1440)))
        student_busy = list(q.student_busy)
        for start in (
            data.draw(st.lists(st.sampled_from(kept.starts), max_size=3)) if kept.starts else []
        ):
            # lessons ending where a slot starts, or starting where it ends
            student_busy.append(TimeRange(start - duration, start))
            student_busy.append(TimeRange(start + duration, start + 2 * duration))
        student_busy.sort()
        fresh = bookable_slots(replace(q, now=now, student_busy=student_busy))
        got = [kept.starts[i] for i in kept.at(now, student_busy)]
        assert got == [s.start for s in fresh]
