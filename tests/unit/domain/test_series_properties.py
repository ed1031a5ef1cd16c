"""Properties of weekly series over random rules, terms, breaks, zones and DST dates.

For every planned series: each lesson is at the rule's wall time on its date (the first of an
ambiguous time), none is in a break or outside the term, none overlaps another lesson (the
instructor's with buffers, the student's, or the series' own), and every refused slot carries the
reason a single booking at that time would get, judged independently against the calendar as it
stood when the slot's turn came.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from instainstru_desktop.domain import (
    Availability,
    BookingPolicy,
    BookingRuleViolation,
    SlotQuery,
    TimeRange,
    WallRange,
    check_booking,
    local_datetime_to_utc,
    zone,
)
from instainstru_desktop.domain.availability import WeeklyTemplate
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    SeriesEnd,
    WeeklyRule,
    slots,
)
from instainstru_desktop.domain.series_plan import NO_SUCH_TIME, Outcome, RuleInputs, plan_series
from instainstru_desktop.domain.terms import Term, TermBreak

ZONES = (
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "Europe/Berlin",
    "UTC",
)
#: Days around DST changes of several zones (spring and autumn, both hemispheres).
DST_DAYS = (
    date(2024, 3, 10),
    date(2024, 3, 31),
    date(2024, 4, 7),
    date(2024, 10, 6),
    date(2024, 10, 27),
    date(2024, 11, 3),
    date(2025, 3, 30),
    date(2026, 3, 8),
)


@st.composite
def terms(draw: st.DrawFn, start: date) -> Term:
    first = start + timedelta(days=draw(st.integers(-20, 20)))
    last = first + timedelta(days=draw(st.integers(14, 160)))
    breaks: list[TermBreak] = []
    cursor = first
    for n in range(draw(st.integers(0, 3))):
        begin = cursor + timedelta(days=draw(st.integers(1, 40)))
        end = begin + timedelta(days=draw(st.integers(0, 9)))
        if end > last:
            break
        breaks.append(TermBreak(begin, end, f"Break {n}"))
        cursor = end + timedelta(days=1)
    return Term("Term", first, last, tuple(breaks))


@st.composite
def series(draw: st.DrawFn) -> tuple[SeriesDefinition, str]:
    start = draw(st.sampled_from(DST_DAYS)) + timedelta(days=draw(st.integers(-30, 10)))
    weekdays = tuple(draw(st.sets(st.integers(0, 6), min_size=1, max_size=3)))
    # Night times too: they land in DST gaps and repeats.
    minute = draw(
        st.one_of(
            st.integers(0, 16).map(lambda q: q * 15), st.integers(0, 95).map(lambda q: q * 15)
        )
    )
    rule = WeeklyRule(1, start, weekdays, minute, draw(st.integers(1, 3)))
    kind = draw(st.sampled_from(("count", "until", "term")))
    if kind == "count":
        end = SeriesEnd(count=draw(st.integers(1, 30)))
    elif kind == "until":
        end = SeriesEnd(until=start + timedelta(days=draw(st.integers(0, 200))))
    else:
        end = SeriesEnd(term=draw(terms(start)))
    return SeriesDefinition(start, (rule,), end), draw(st.sampled_from(ZONES))


@st.composite
def calendars(
    draw: st.DrawFn, start: date
) -> tuple[Availability, list[TimeRange], list[TimeRange]]:
    template = {}
    for weekday in range(7):
        begin = draw(st.integers(0, 20)) * 60
        length = draw(st.integers(0, 24 * 60 - begin))
        if length:
            template[weekday] = (WallRange(begin, begin + length),)
    overrides = {
        start + timedelta(days=draw(st.integers(0, 200))): ()
        for _ in range(draw(st.integers(0, 4)))
    }
    base = datetime.combine(start, datetime.min.time(), UTC)
    busy = []
    for _ in range(draw(st.integers(0, 40))):
        at = base + timedelta(minutes=15 * draw(st.integers(-96, 96 * 200)))
        busy.append(TimeRange(at, at + timedelta(minutes=draw(st.sampled_from((30, 45, 60, 90))))))
    mine = draw(st.lists(st.sampled_from(busy), max_size=10)) if busy else []
    return Availability(WeeklyTemplate(template), overrides), sorted(busy), sorted(mine)


@st.composite
def policies(draw: st.DrawFn) -> BookingPolicy:
    return BookingPolicy(
        min_notice_minutes=draw(st.sampled_from((0, 60, 24 * 60))),
        booking_horizon_days=draw(st.integers(7, 250)),
        buffer_minutes=draw(st.sampled_from((0, 15, 30))),
        slot_step_minutes=draw(st.sampled_from((15, 30, 60))),
        daily_limit=draw(st.one_of(st.none(), st.integers(1, 4))),
        weekly_limit=draw(st.one_of(st.none(), st.integers(1, 8))),
    )


def wall_of(start: datetime, tz_name: str) -> tuple[date, int]:
    local = start.astimezone(zone(tz_name))
    return local.date(), local.hour * 60 + local.minute


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(series(), st.data())
def test_a_planned_series_keeps_every_rule(
    drawn: tuple[SeriesDefinition, str], data: st.DataObject
) -> None:
    definition, tz_name = drawn
    tz = zone(tz_name)
    availability, busy, mine = data.draw(calendars(definition.start))
    policy = data.draw(policies())
    duration = data.draw(st.sampled_from((30, 45, 60, 120)))
    now = datetime.combine(definition.start, datetime.min.time(), UTC) + timedelta(
        hours=data.draw(st.integers(-72, 72))
    )
    inputs = RuleInputs(availability, policy, now, busy, mine)
    planned = plan_series(definition, tz, duration, inputs)
    rule = definition.rules[0]
    term = definition.end.term

    assert [p.slot for p in planned] == sorted(slots(definition), key=lambda s: s.day)
    booked_so_far: list[TimeRange] = []
    for item in planned:
        day = item.slot.day
        assert rule.gives(day)
        assert day >= definition.start
        if term is not None:
            assert term.holds(day)
            assert (item.outcome is Outcome.BREAK) == (term.break_of(day) is not None)
        if definition.end.until is not None:
            assert day <= definition.end.until
        if item.outcome is Outcome.BREAK:
            continue
        exact = local_datetime_to_utc(day, rule.minute, tz)
        if item.code == NO_SUCH_TIME:
            assert exact is None
            continue
        assert item.start == exact  # the wall time on its date; the first of a repeated one
        assert item.start is not None
        assert wall_of(item.start, tz_name) == (day, rule.minute)
        span = TimeRange(item.start, item.start + timedelta(minutes=duration))
        if item.outcome is Outcome.LATER:
            assert item.start > now + timedelta(days=policy.booking_horizon_days)
            continue
        # Judge the slot as a single booking at that moment would be.
        query = SlotQuery(
            availability=availability,
            tz=tz,
            policy=policy,
            duration_minutes=duration,
            window=span,
            now=now,
            instructor_busy=sorted(busy + booked_so_far),
            student_busy=sorted(mine + booked_so_far),
        )
        try:
            check_booking(query, item.start)
            single = ""
        except BookingRuleViolation as refusal:
            single = refusal.code
        if item.outcome is Outcome.BOOK:
            assert single == ""
            pad = timedelta(minutes=policy.buffer_minutes)
            padded = TimeRange(span.start - pad, span.end + pad)
            assert not any(padded.overlaps(b) for b in busy)
            assert not any(span.overlaps(b) for b in mine + booked_so_far)
            booked_so_far.append(span)
        else:
            assert item.outcome is Outcome.REFUSED
            assert item.code == single != ""
            assert item.reason


@settings(max_examples=60, deadline=None)
@given(series())
def test_a_count_gives_exactly_that_many_lessons_and_an_end_date_none_after(
    drawn: tuple[SeriesDefinition, str],
) -> None:
    definition, _ = drawn
    got = slots(definition)
    if definition.end.count is not None:
        assert len([s for s in got if not s.in_break]) == definition.end.count
    rule = definition.rules[0]
    assert len(got) == len({s.day for s in got})  # one lesson a date at most
    assert all(s.day.weekday() in rule.weekdays for s in got)
    first_monday = definition.start - timedelta(days=definition.start.weekday())
    for s in got:
        monday = s.day - timedelta(days=s.day.weekday())
        assert ((monday - first_monday).days // 7) % rule.every_weeks == 0
