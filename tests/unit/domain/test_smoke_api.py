"""The public names other packages build against exist and work end to end."""

from datetime import UTC, datetime, timedelta

import instainstru_desktop.domain as domain


def test_every_public_name_is_exported():
    for name in domain.__all__:
        assert hasattr(domain, name), name


def test_a_week_of_slots_round_trips_through_check_booking():
    tz = domain.zone("Europe/London")
    template = domain.WeeklyTemplate({0: (domain.WallRange.parse("09:00", "12:00"),)})
    now = datetime(2024, 6, 1, 8, tzinfo=UTC)
    query = domain.SlotQuery(
        availability=domain.Availability(template, {}),
        tz=tz,
        policy=domain.BookingPolicy(),
        duration_minutes=60,
        window=domain.TimeRange(now, now + timedelta(days=7)),
        now=now,
        instructor_busy=[],
    )
    slots = domain.bookable_slots(query)
    # Monday 3 June 2024, 09:00-12:00 BST: starts 09:00 .. 11:00 every 15 minutes.
    assert slots[0].start == datetime(2024, 6, 3, 8, tzinfo=UTC)
    assert len(slots) == 9
    for s in slots:
        domain.check_booking(query, s.start)
