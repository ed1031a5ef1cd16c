"""AvailabilityService: the week snapshot and every way of painting hours."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from instainstru_desktop.services import (
    AvailabilityService,
    InvalidInputError,
    UnknownItemError,
)
from instainstru_desktop.services.views import HoursRange, SyncMark
from tests.store import factories as f

MONDAY = date(2026, 3, 2)
NINE_TO_FIVE = (HoursRange(9 * 60, 17 * 60),)


@pytest.fixture
def service(store, pokes):
    return AvailabilityService(store, on_change=lambda: pokes.append("poke"))


def outbox(store):
    with store.read() as uow:
        return [(m.name, m.args) for m in uow.outbox.all()]


def test_the_week_shows_usual_hours_own_hours_time_off_and_active_lessons(store, service):
    lesson = f.booking(datetime(2026, 3, 3, 10, tzinfo=UTC))
    cancelled = f.booking(datetime(2026, 3, 3, 12, tzinfo=UTC), status="cancelled")
    next_week = f.booking(datetime(2026, 3, 9, 10, tzinfo=UTC))
    f.seed(
        store,
        overrides=[
            f.override("2026-03-04", [("13:00", "15:00"), ("08:00", "10:00")]),
            f.override("2026-03-05", []),
        ],
        bookings=[lesson, cancelled, next_week],
    )

    week = service.week(f.INSTRUCTOR_ID, MONDAY)

    assert (week.time_zone, week.week_start, len(week.days)) == ("Europe/London", MONDAY, 7)
    monday, _, wednesday, thursday, _, saturday, _ = week.days
    assert (monday.ranges, monday.from_override, monday.time_off) == (NINE_TO_FIVE, False, False)
    assert wednesday.ranges == (HoursRange(480, 600), HoursRange(780, 900))
    assert (thursday.ranges, thursday.from_override, thursday.time_off) == ((), True, True)
    assert (saturday.ranges, saturday.time_off) == ((), False)
    assert [card.booking_id for card in week.lessons] == [lesson["id"]]
    card = week.lessons[0]
    assert (card.color, card.student_name, card.mark) == ("#3366CC", "Ana Student", SyncMark.SYNCED)
    assert all(day.mark is SyncMark.SYNCED for day in week.days)


def test_the_week_is_cut_at_the_instructors_local_midnights(store, service):
    f.seed(store, instructors=[f.instructor(time_zone="America/New_York")])
    sunday_evening_local = f.booking(datetime(2026, 3, 2, 3, tzinfo=UTC))  # Sun 22:00 in NY
    monday_evening_local = f.booking(datetime(2026, 3, 3, 3, tzinfo=UTC))  # Mon 22:00 in NY
    f.seed(
        store,
        instructors=[f.instructor(time_zone="America/New_York")],
        bookings=[sunday_evening_local, monday_evening_local],
    )

    week = service.week(f.INSTRUCTOR_ID, MONDAY)

    assert [c.booking_id for c in week.lessons] == [monday_evening_local["id"]]


def test_an_unknown_instructor_is_a_readable_error(store, service):
    with pytest.raises(UnknownItemError, match="not in your local data"):
        service.week("nobody", MONDAY)


def test_painting_a_day_shows_at_once_as_pending_and_queues_the_intent(store, service, pokes):
    f.seed(store)

    changed = service.set_date_ranges(
        f.INSTRUCTOR_ID,
        date(2026, 3, 4),
        [HoursRange(600, 720), HoursRange(660, 780), HoursRange(900, 960)],
    )

    assert (changed.dates, changed.mutation_ids) == ({date(2026, 3, 4)}, (1,))
    assert pokes == ["poke"]
    wednesday = service.week(f.INSTRUCTOR_ID, MONDAY).days[2]
    assert wednesday.ranges == (HoursRange(600, 780), HoursRange(900, 960))
    assert wednesday.mark is SyncMark.PENDING
    assert outbox(store) == [
        (
            "availability.set_date",
            {
                "instructor_id": f.INSTRUCTOR_ID,
                "date": "2026-03-04",
                "ranges": [{"start": "10:00", "end": "13:00"}, {"start": "15:00", "end": "16:00"}],
                "base_ranges": [{"start": "09:00", "end": "17:00"}],  # the usual week it had
            },
        )
    ]


def test_impossible_hours_are_refused_and_nothing_is_written(store, service, pokes):
    f.seed(store)
    with pytest.raises(InvalidInputError):
        service.set_date_ranges(f.INSTRUCTOR_ID, date(2026, 3, 4), [HoursRange(600, 600)])
    assert outbox(store) == []
    assert pokes == []


def test_clearing_a_day_returns_it_to_the_usual_week(store, service):
    f.seed(store, overrides=[f.override("2026-03-04", [])])

    changed = service.clear_date(f.INSTRUCTOR_ID, date(2026, 3, 4))
    nothing = service.clear_date(f.INSTRUCTOR_ID, date(2026, 3, 2))

    assert changed.dates == {date(2026, 3, 4)}
    assert nothing.mutation_ids == ()
    wednesday = service.week(f.INSTRUCTOR_ID, MONDAY).days[2]
    assert (wednesday.ranges, wednesday.from_override) == (NINE_TO_FIVE, False)
    assert [name for name, _ in outbox(store)] == ["availability.clear_date"]


def test_a_new_usual_week_changes_every_day_without_own_hours(store, service):
    f.seed(store, overrides=[f.override("2026-03-04", [("12:00", "13:00")])])

    changed = service.set_template(f.INSTRUCTOR_ID, {5: [HoursRange(600, 720)]})

    assert changed.template
    week = service.week(f.INSTRUCTOR_ID, MONDAY)
    assert [d.ranges for d in week.days] == [
        (),
        (),
        (HoursRange(720, 780),),
        (),
        (),
        (HoursRange(600, 720),),
        (),
    ]
    assert [d.mark for d in week.days].count(SyncMark.PENDING) == 6  # all but own-hours Wed
    assert service.template(f.INSTRUCTOR_ID) == {5: (HoursRange(600, 720),)}


def test_copying_last_week_writes_only_the_days_that_differ(store, service):
    f.seed(
        store,
        overrides=[f.override("2026-02-24", []), f.override("2026-02-28", [("10:00", "11:00")])],
    )

    changed = service.copy_last_week(f.INSTRUCTOR_ID, MONDAY)

    assert changed.dates == {date(2026, 3, 3), date(2026, 3, 7)}
    week = service.week(f.INSTRUCTOR_ID, MONDAY)
    assert week.days[1].time_off
    assert week.days[5].ranges == (HoursRange(600, 660),)
    assert week.days[0].ranges == NINE_TO_FIVE


def test_making_this_my_usual_week(store, service):
    f.seed(
        store,
        overrides=[f.override("2026-03-04", []), f.override("2026-03-07", [("10:00", "12:00")])],
    )

    changed = service.make_usual_week(f.INSTRUCTOR_ID, MONDAY)

    assert changed.template
    assert service.template(f.INSTRUCTOR_ID) == {
        0: NINE_TO_FIVE,
        1: NINE_TO_FIVE,
        3: NINE_TO_FIVE,
        4: NINE_TO_FIVE,
        5: (HoursRange(600, 720),),
    }
    week = service.week(f.INSTRUCTOR_ID, MONDAY)
    assert not any(d.from_override for d in week.days)
    assert week.days[2].ranges == ()
    assert [name for name, _ in outbox(store)] == [
        "availability.set_template",
        "availability.clear_date",
        "availability.clear_date",
    ]


def test_time_off_closes_every_day_and_keeps_the_lessons(store, service):
    lesson = f.booking(datetime(2026, 3, 5, 10, tzinfo=UTC))
    f.seed(store, bookings=[lesson])

    changed = service.time_off(f.INSTRUCTOR_ID, date(2026, 3, 4), date(2026, 3, 10))

    assert len(changed.dates) == 7
    assert len(changed.mutation_ids) == 7
    week = service.week(f.INSTRUCTOR_ID, MONDAY)
    assert [d.time_off for d in week.days] == [False, False, True, True, True, True, True]
    assert [c.booking_id for c in week.lessons] == [lesson["id"]]


def test_time_off_must_run_forwards_and_for_at_most_a_year(store, service):
    f.seed(store)
    with pytest.raises(InvalidInputError, match="before its first day"):
        service.time_off(f.INSTRUCTOR_ID, date(2026, 3, 4), date(2026, 3, 3))
    with pytest.raises(InvalidInputError, match="at most a year"):
        service.time_off(f.INSTRUCTOR_ID, date(2026, 1, 1), date(2027, 1, 2))


def test_a_refused_day_shows_as_rejected_with_the_servers_truth(store, service):
    f.seed(store)
    changed = service.set_date_ranges(f.INSTRUCTOR_ID, date(2026, 3, 4), [])
    with store.uow() as uow:
        uow.outbox.record_result(
            changed.mutation_ids[0],
            applied=False,
            code="forbidden",
            message="Not yours",
            result=None,
            applied_seq=0,
        )
        uow.changes.rebase_all()
        uow.commit()

    wednesday = service.week(f.INSTRUCTOR_ID, MONDAY).days[2]
    assert (wednesday.ranges, wednesday.mark) == (NINE_TO_FIVE, SyncMark.REJECTED)


def test_a_paint_is_queued_as_the_hours_it_added(store, service, pokes):
    f.seed(store)
    wednesday = date(2026, 3, 4)

    changed = service.edit_date_hours(
        f.INSTRUCTOR_ID, wednesday, NINE_TO_FIVE, (HoursRange(9 * 60, 18 * 60),)
    )

    assert (changed.dates, changed.mutation_ids, pokes) == ({wednesday}, (1,), ["poke"])
    assert outbox(store) == [
        (
            "availability.add_date_hours",
            {
                "instructor_id": f.INSTRUCTOR_ID,
                "date": "2026-03-04",
                "ranges": [{"start": "17:00", "end": "18:00"}],
            },
        )
    ]
    shown = service.week(f.INSTRUCTOR_ID, MONDAY).days[2]
    assert (shown.ranges, shown.from_override, shown.mark) == (
        (HoursRange(9 * 60, 18 * 60),),
        True,
        SyncMark.PENDING,
    )


def test_a_stroke_that_closes_and_opens_hours_queues_both_in_that_order(store, service):
    f.seed(store, overrides=[f.override("2026-03-04", [("09:00", "12:00")])])

    service.edit_date_hours(
        f.INSTRUCTOR_ID,
        date(2026, 3, 4),
        (HoursRange(9 * 60, 12 * 60),),
        (HoursRange(10 * 60, 13 * 60),),
    )

    assert [(name, args["ranges"]) for name, args in outbox(store)] == [
        ("availability.remove_date_hours", [{"start": "09:00", "end": "10:00"}]),
        ("availability.add_date_hours", [{"start": "12:00", "end": "13:00"}]),
    ]
    assert service.week(f.INSTRUCTOR_ID, MONDAY).days[2].ranges == (
        HoursRange(10 * 60, 13 * 60),
    )


def test_an_erase_on_a_date_with_its_own_hours_keeps_the_rest_of_them(store, service):
    f.seed(store, overrides=[f.override("2026-03-04", [("08:00", "10:00"), ("13:00", "15:00")])])
    before = (HoursRange(8 * 60, 10 * 60), HoursRange(13 * 60, 15 * 60))

    service.edit_date_hours(
        f.INSTRUCTOR_ID, date(2026, 3, 4), before, (HoursRange(8 * 60, 10 * 60),)
    )

    [(name, args)] = outbox(store)
    assert (name, args["ranges"]) == (
        "availability.remove_date_hours",
        [{"start": "13:00", "end": "15:00"}],
    )
    assert service.week(f.INSTRUCTOR_ID, MONDAY).days[2].ranges == (HoursRange(480, 600),)


def test_a_stroke_that_changes_nothing_queues_nothing(store, service, pokes):
    f.seed(store)
    changed = service.edit_date_hours(f.INSTRUCTOR_ID, date(2026, 3, 4), NINE_TO_FIVE, NINE_TO_FIVE)
    assert (changed.mutation_ids, pokes, outbox(store)) == ((), [], [])
