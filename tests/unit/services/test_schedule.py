"""Judging a start from the cache with the domain's booking check, in the instructor's words;
moving a lesson through the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from instainstru_desktop.domain import (
    BookingPolicy,
    BookingRuleViolation,
    SlotQuery,
    TimeRange,
    check_booking,
)
from instainstru_desktop.services import ActionNotAllowedError, ScheduleService
from instainstru_desktop.services._local_rules import LocalRules
from instainstru_desktop.services.views import SyncMark, Verdict
from tests.store import factories as f
from tests.unit.services.conftest import NOW  # Wednesday 4 March 2026, 12:00 (London = UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A time of March 2026 (London is on UTC then)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def service(store, pokes):
    return ScheduleService(store, on_change=lambda: pokes.append("poke"))


@pytest.fixture
def booked(store) -> str:
    """Mon–Fri 09:00–17:00; one hour-long lesson on Thursday at 10:00."""
    lesson = f.booking(at(5, 10))
    f.seed(store, bookings=[lesson])
    return str(lesson["id"])


def verdict(service, start) -> Verdict:
    return service.booking_checks(f.INSTRUCTOR_ID, start).verdict(f.LESSON_TYPE_ID)


def test_a_time_inside_the_hours_and_free_may_be_booked(service, booked):
    assert verdict(service, at(5, 14)) == Verdict(True)


def test_inside_the_minimum_notice_says_so_and_when_booking_opens(service, booked):
    assert verdict(service, at(4, 13)) == Verdict(
        False,
        "too_soon",
        "This is inside your minimum notice of 2 hours: the earliest time that can be booked "
        "now is Wed 4 Mar, 14:00.",
    )


def test_the_notice_is_judged_by_the_servers_clock_not_this_computers(store, service, booked):
    store.server_clock.set_skew(-3600.0)  # this computer runs an hour behind the server
    assert verdict(service, at(4, 14, 30)) == Verdict(
        False,
        "too_soon",
        "This is inside your minimum notice of 2 hours: the earliest time that can be booked "
        "now is Wed 4 Mar, 15:00.",
    )
    today = [s for s in service.move_choices(booked).starts if s.date() == date(2026, 3, 4)]
    assert today[0] == at(4, 15)


def test_outside_the_hours_names_the_days_hours(service, booked):
    assert verdict(service, at(5, 16, 30)).message == (  # an hour-long lesson ends at 17:30
        "This time is outside your teaching hours on Thu 5 Mar (09:00–17:00)."
    )
    assert verdict(service, at(7, 10)).message == (
        "This time is outside your teaching hours: Sat 7 Mar is a day off."
    )


def test_another_lesson_in_the_way_is_named(service, booked):
    assert verdict(service, at(5, 10, 30)) == Verdict(
        False, "instructor_busy", "You have another lesson at this time."
    )


def test_the_verdict_is_the_domains_own_on_the_same_inputs(store, service, booked):
    """Not a copy of the rules: the same SlotQuery the server would build, judged by
    check_booking; a start it allows is allowed here, one it refuses is refused with its code."""
    for start in (at(4, 13), at(5, 10, 30), at(5, 14), at(7, 10), at(30, 10), at(5, 14, 5)):
        with store.read() as uow:
            rules = LocalRules.read(uow, f.INSTRUCTOR_ID)
            query = rules.query(uow, 60, TimeRange(start, start + timedelta(minutes=1)), NOW)
        assert isinstance(query, SlotQuery)
        assert rules.policy == BookingPolicy()  # the seeded policy is the default one
        code = ""
        try:
            check_booking(query, start)
        except BookingRuleViolation as refusal:
            code = refusal.code
        judged = verdict(service, start)
        assert (judged.allowed, judged.code) == (not code, code)


def test_the_move_picker_offers_only_free_times(service, booked):
    options = service.move_options(booked, date(2026, 3, 5), date(2026, 3, 6))
    assert options.minutes == 60
    assert options.time_zone == "Europe/London"
    thursday = [s for s in options.starts if s.date() == date(2026, 3, 5)]
    assert thursday[0] == at(5, 9)
    assert at(5, 10) not in options.starts  # where it is now
    assert at(5, 9, 15) in options.starts  # its own time is free for it
    assert at(5, 16) in options.starts
    assert at(5, 16, 15) not in options.starts  # would end after 17:00
    assert all(s >= NOW + timedelta(hours=2) for s in options.starts)


def test_move_offers_the_whole_booking_window_from_today(service, booked):
    options = service.move_choices(booked)
    assert min(options.starts) == NOW + timedelta(hours=2)  # today, after the minimum notice
    days = {s.date() for s in options.starts}
    assert max(days) == date(2026, 4, 1)  # 28 days ahead (a Wednesday), not beyond
    assert date(2026, 3, 7) not in days  # Saturday: no hours
    assert at(5, 10) not in options.starts


def test_moving_queues_the_change_and_shows_it_at_once(store, service, booked, pokes):
    changed = service.move(booked, at(6, 15))
    assert changed.dates == {date(2026, 3, 5), date(2026, 3, 6)}  # both days repaint
    assert changed.booking_ids == {booked}
    assert pokes == ["poke"]
    with store.read() as uow:
        [queued] = uow.outbox.all()
        row = uow.bookings.get(booked)
    assert (queued.name, queued.args) == (
        "booking.reschedule",
        {"booking_id": booked, "start": "2026-03-06T15:00:00Z"},
    )
    assert row is not None
    assert (row.start_utc, row.end_utc) == ("2026-03-06T15:00:00Z", "2026-03-06T16:00:00Z")
    from instainstru_desktop.services import LessonService

    [card] = [c for c in LessonService(store).upcoming(f.INSTRUCTOR_ID) if c.booking_id == booked]
    assert card.mark is SyncMark.PENDING


def test_a_move_the_rules_refuse_is_not_queued(store, service, booked):
    with pytest.raises(ActionNotAllowedError, match="outside your teaching hours"):
        service.move(booked, at(7, 10))
    with pytest.raises(ActionNotAllowedError, match="already starts at this time"):
        service.move(booked, at(5, 10))
    with store.read() as uow:
        assert uow.outbox.all() == []


def test_only_a_confirmed_lesson_moves(store, service):
    done = f.booking(at(2, 10), status="completed")
    f.seed(store, bookings=[done])
    with pytest.raises(ActionNotAllowedError, match="already completed"):
        service.move(done["id"], at(5, 14))
