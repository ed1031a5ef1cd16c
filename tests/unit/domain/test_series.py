"""Weekly series: the dates a rule gives, terms and breaks, DST, ids, and changes of the rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from instainstru_desktop.domain import Availability, BookingPolicy, TimeRange, WallRange
from instainstru_desktop.domain.availability import WeeklyTemplate
from instainstru_desktop.domain.errors import DomainError
from instainstru_desktop.domain.series import (
    SeriesDefinition,
    SeriesEnd,
    WeeklyRule,
    occurrence_id,
    slot_start,
    slots,
)
from instainstru_desktop.domain.series_plan import (
    NO_SUCH_TIME,
    BookedLesson,
    Outcome,
    RuleInputs,
    plan_change,
    plan_series,
)
from instainstru_desktop.domain.terms import Term, TermBreak
from instainstru_desktop.domain.zones import zone

NEW_YORK = zone("America/New_York")
LONDON = zone("Europe/London")
SERIES = "0b9c7d7e-3f55-4a61-9d0e-5b7f8c7a1e11"


def weekly(start: date, weekdays: tuple[int, ...], minute: int, **end: object) -> SeriesDefinition:
    rule = WeeklyRule(1, start, weekdays, minute, int(end.pop("every", 1)))  # type: ignore[call-overload]
    return SeriesDefinition(start, (rule,), SeriesEnd(**end))  # type: ignore[arg-type]


def open_all_day() -> Availability:
    return Availability(WeeklyTemplate({d: (WallRange(0, 1440),) for d in range(7)}))


def inputs(now: datetime, busy: list[TimeRange] | None = None, **policy: int) -> RuleInputs:
    return RuleInputs(
        availability=open_all_day(),
        policy=BookingPolicy(**{"booking_horizon_days": 400, "min_notice_minutes": 0, **policy}),
        now=now,
        instructor_busy=busy or [],
    )


def test_a_count_gives_that_many_dates_on_the_chosen_weekdays() -> None:
    got = slots(weekly(date(2026, 3, 3), (1, 3), 17 * 60, count=5))  # Tuesdays and Thursdays
    assert [s.day for s in got] == [
        date(2026, 3, 3),
        date(2026, 3, 5),
        date(2026, 3, 10),
        date(2026, 3, 12),
        date(2026, 3, 17),
    ]


def test_every_two_weeks_counts_weeks_from_the_start_week() -> None:
    # Starting on a Thursday: that week has its Thursday (the Tuesday is before the start).
    got = slots(weekly(date(2026, 3, 5), (1, 3), 600, until=date(2026, 4, 5), every=2))
    assert [s.day for s in got] == [
        date(2026, 3, 5),
        date(2026, 3, 17),
        date(2026, 3, 19),
        date(2026, 3, 31),
        date(2026, 4, 2),
    ]


def test_a_term_gives_no_lesson_outside_it_and_marks_its_breaks() -> None:
    term = Term(
        "Spring term",
        date(2026, 1, 6),
        date(2026, 3, 27),
        (TermBreak(date(2026, 2, 16), date(2026, 2, 20), "Half term"),),
    )
    got = slots(weekly(date(2025, 12, 1), (1,), 17 * 60, term=term))
    assert got[0].day == date(2026, 1, 6)
    assert got[-1].day == date(2026, 3, 24)
    in_break = [s for s in got if s.in_break]
    assert [(s.day, s.break_name) for s in in_break] == [(date(2026, 2, 17), "Half term")]
    assert len(got) == 12


def test_wall_time_holds_across_the_spring_and_autumn_changes() -> None:
    got = slots(weekly(date(2024, 3, 5), (1,), 17 * 60, until=date(2024, 11, 12)))
    starts = {s.day: slot_start(s, NEW_YORK) for s in got}
    assert starts[date(2024, 3, 5)] == datetime(2024, 3, 5, 22, tzinfo=UTC)  # EST
    assert starts[date(2024, 3, 12)] == datetime(2024, 3, 12, 21, tzinfo=UTC)  # EDT
    assert starts[date(2024, 11, 5)] == datetime(2024, 11, 5, 22, tzinfo=UTC)  # EST again
    for day, start in starts.items():
        assert start is not None
        local = start.astimezone(NEW_YORK)
        assert (local.date(), local.hour, local.minute) == (day, 17, 0)


def test_a_wall_time_inside_the_gap_is_refused_and_an_ambiguous_one_is_its_first() -> None:
    # Sundays at 02:30 / 01:30 around New York's 2024 changes.
    spring = weekly(date(2024, 3, 3), (6,), 150, count=2)
    now = datetime(2024, 3, 1, tzinfo=UTC)
    planned = plan_series(spring, NEW_YORK, 30, inputs(now))
    assert [p.outcome for p in planned] == [Outcome.BOOK, Outcome.REFUSED]
    assert planned[1].code == NO_SUCH_TIME
    assert "02:30" in planned[1].reason
    autumn = weekly(date(2024, 11, 3), (6,), 90, count=1)
    [first] = plan_series(autumn, NEW_YORK, 30, inputs(now))
    assert first.start == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)  # 01:30 EDT, the first


def test_ids_are_derived_from_the_series_and_the_slot() -> None:
    [a, b] = slots(weekly(date(2026, 3, 3), (1,), 600, count=2))
    assert occurrence_id(SERIES, a) == occurrence_id(SERIES, "1/2026-03-03")
    assert occurrence_id(SERIES, a) != occurrence_id(SERIES, b)


def test_the_series_own_lessons_count_towards_the_limits_and_the_horizon_waits() -> None:
    now = datetime(2026, 3, 2, 8, tzinfo=UTC)
    definition = weekly(date(2026, 3, 2), (0, 1, 2), 600, count=9)  # Mon-Wed for three weeks
    planned = plan_series(
        definition, LONDON, 60, inputs(now, weekly_limit=2, booking_horizon_days=15)
    )
    outcomes = [(p.slot.day.isoformat(), p.outcome, p.code) for p in planned]
    assert outcomes == [
        ("2026-03-02", Outcome.BOOK, ""),
        ("2026-03-03", Outcome.BOOK, ""),
        ("2026-03-04", Outcome.REFUSED, "weekly_limit"),
        ("2026-03-09", Outcome.BOOK, ""),
        ("2026-03-10", Outcome.BOOK, ""),
        ("2026-03-11", Outcome.REFUSED, "weekly_limit"),
        ("2026-03-16", Outcome.BOOK, ""),
        ("2026-03-17", Outcome.LATER, ""),
        ("2026-03-18", Outcome.LATER, ""),
    ]


def test_a_clash_refuses_only_that_week() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    clash = TimeRange(
        datetime(2026, 3, 10, 17, 30, tzinfo=UTC), datetime(2026, 3, 10, 18, tzinfo=UTC)
    )
    planned = plan_series(
        weekly(date(2026, 3, 3), (1,), 17 * 60, count=3), LONDON, 60, inputs(now, [clash])
    )
    assert [(p.outcome, p.code) for p in planned] == [
        (Outcome.BOOK, ""),
        (Outcome.REFUSED, "instructor_busy"),
        (Outcome.BOOK, ""),
    ]


def test_changing_the_rule_moves_each_lesson_to_its_place_in_the_same_week() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    before = weekly(date(2026, 3, 3), (1, 3), 17 * 60, count=6)  # Tue, Thu for three weeks
    after = before.changed_from(date(2026, 3, 10), (2,), 18 * 60, 1)  # Wednesdays 18:00
    booked = []
    for planned in plan_series(before, LONDON, 60, inputs(now)):
        assert planned.span is not None
        booked.append(
            BookedLesson(
                occurrence_id(SERIES, planned.slot), planned.slot, planned.span, "confirmed"
            )
        )
    busy = [b.span for b in booked]
    steps = plan_change(before, after, booked, LONDON, 60, inputs(now, busy))
    got = sorted((s.slot.day.isoformat(), s.outcome.value) for s in steps)
    assert got == [
        ("2026-03-11", "move"),  # Tue 10 -> Wed 11
        ("2026-03-12", "cancel"),  # Thu 12: the new rule has one lesson a week
        ("2026-03-18", "move"),
        ("2026-03-19", "cancel"),
        ("2026-03-25", "book"),  # the rest of the six lessons, under the new rule
        ("2026-04-01", "book"),
    ]
    # the count holds over both rules: 2 lessons before the change, 4 under the new rule
    assert [s.day.isoformat() for s in slots(after) if s.revision == 2] == [
        "2026-03-11",
        "2026-03-18",
        "2026-03-25",
        "2026-04-01",
    ]


def test_a_lesson_moved_on_its_own_keeps_its_time_and_its_place() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    before = weekly(date(2026, 3, 3), (1,), 17 * 60, count=2)
    after = before.changed_from(date(2026, 3, 3), (1,), 16 * 60, 1)
    first, second = slots(before)
    moved = BookedLesson(
        "a",
        first,
        TimeRange(datetime(2026, 3, 4, 9, tzinfo=UTC), datetime(2026, 3, 4, 10, tzinfo=UTC)),
        "confirmed",
        moved=True,
    )
    normal = BookedLesson(
        "b",
        second,
        TimeRange(datetime(2026, 3, 10, 17, tzinfo=UTC), datetime(2026, 3, 10, 18, tzinfo=UTC)),
        "confirmed",
    )
    steps = plan_change(
        before, after, [moved, normal], LONDON, 60, inputs(now, [moved.span, normal.span])
    )
    assert [(s.booking_id, s.outcome.value, s.start) for s in steps] == [
        ("b", "move", datetime(2026, 3, 10, 16, tzinfo=UTC))
    ]


def test_a_move_that_breaks_a_rule_stays_with_the_reason() -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    before = weekly(date(2026, 3, 3), (1,), 17 * 60, count=1)
    after = before.changed_from(date(2026, 3, 3), (1,), 9 * 60, 1)
    [slot] = slots(before)
    lesson = BookedLesson(
        "a",
        slot,
        TimeRange(datetime(2026, 3, 3, 17, tzinfo=UTC), datetime(2026, 3, 3, 18, tzinfo=UTC)),
        "confirmed",
    )
    other = TimeRange(datetime(2026, 3, 3, 9, tzinfo=UTC), datetime(2026, 3, 3, 10, tzinfo=UTC))
    [step] = plan_change(before, after, [lesson], LONDON, 60, inputs(now, [other, lesson.span]))
    assert (step.outcome, step.code, step.booking_id) == (Outcome.STAY, "instructor_busy", "a")


@pytest.mark.parametrize(
    ("definition", "words"),
    [
        (weekly(date(2026, 3, 3), (), 600, count=3), "weekday"),
        (weekly(date(2026, 3, 3), (1,), 600, count=0), "1 to 260"),
        (weekly(date(2026, 3, 3), (1,), 600, until=date(2026, 3, 1)), "ends before"),
        (weekly(date(2026, 3, 3), (1,), 600, every=5, count=3), "every 1 to 4"),
        (weekly(date(2026, 3, 3), (1,), 600, count=3, until=date(2026, 5, 1)), "ends after"),
        (
            weekly(date(2026, 3, 3), (1,), 600, term=Term("T", date(2026, 1, 1), date(2026, 2, 1))),
            "over by",
        ),
    ],
)
def test_a_series_no_calendar_can_hold_is_refused_in_words(
    definition: SeriesDefinition, words: str
) -> None:
    with pytest.raises(DomainError, match=words):
        definition.validate()


@pytest.mark.parametrize(
    ("term", "words"),
    [
        (Term(" ", date(2026, 1, 1), date(2026, 2, 1)), "name"),
        (Term("T", date(2026, 2, 1), date(2026, 1, 1)), "ends before it starts"),
        (
            Term(
                "T",
                date(2026, 1, 1),
                date(2026, 2, 1),
                (TermBreak(date(2026, 2, 1), date(2026, 2, 3)),),
            ),
            "not inside",
        ),
        (
            Term(
                "T",
                date(2026, 1, 1),
                date(2026, 3, 1),
                (
                    TermBreak(date(2026, 2, 1), date(2026, 2, 3)),
                    TermBreak(date(2026, 2, 3), date(2026, 2, 4)),
                ),
            ),
            "overlaps",
        ),
    ],
)
def test_a_term_that_makes_no_sense_is_refused_in_words(term: Term, words: str) -> None:
    with pytest.raises(DomainError, match=words):
        term.validate()


def test_cancelling_from_a_date_ends_the_series_the_day_before() -> None:
    definition = weekly(date(2026, 3, 3), (1,), 600, count=10).cancelled_after(date(2026, 3, 17))
    assert [s.day for s in slots(definition)] == [date(2026, 3, 3), date(2026, 3, 10)]
    assert timedelta(days=7) == slots(definition)[1].day - slots(definition)[0].day
