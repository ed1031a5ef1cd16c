"""Local midnights read through the zone's offset stretches are the ones ``zoneinfo`` gives day
by day: across DST changes, at midnight changes (Santiago, Havana: the day starts at 01:00),
30-minute changes (Lord Howe) and offsets that are not whole hours."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from instainstru_desktop.domain._clock import offset_us, to_us
from instainstru_desktop.domain._local_days import LocalDays
from instainstru_desktop.domain.zones import local_datetime_to_utc, wall_time_to_utc

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "America/Havana",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Pacific/Apia",
]


def _day_by_day(first: date, last: date, zone: ZoneInfo) -> tuple[list[int], list[int]]:
    """Each midnight asked of ``zoneinfo`` on its own, as the rule in ``zones`` states it."""
    midnights, offsets = [], []
    wall = (first - date(1970, 1, 1)).days * 86_400_000_000
    for i in range((last - first).days + 2):
        d = first + timedelta(days=i)
        exact = local_datetime_to_utc(d, 0, zone)
        if exact is not None:
            midnights.append(to_us(exact))
            offsets.append(wall + i * 86_400_000_000 - midnights[-1])
        else:
            midnights.append(to_us(wall_time_to_utc(d, 0, zone)))
            offsets.append(offset_us(midnights[-1], zone))
    return midnights, offsets


@pytest.mark.parametrize("name", ZONES)
def test_midnights_of_a_year_in_62_day_runs(name: str) -> None:
    zone = ZoneInfo(name)
    first = date(2025, 12, 20)
    while first < date(2027, 1, 10):
        last = first + timedelta(days=61)
        days = LocalDays.build(first, last, zone)
        assert (list(days.midnights), list(days.offsets)) == _day_by_day(first, last, zone)
        first += timedelta(days=17)  # runs starting on every weekday, changes at every place


#: Dates of daylight-saving changes (both directions) in the zones below, and plain dates.
CHANGE_DATES = [
    date(2026, 3, 8),  # New York, spring
    date(2026, 11, 1),  # New York, autumn
    date(2026, 3, 29),  # Berlin, spring
    date(2026, 10, 25),  # Berlin, autumn
    date(2026, 4, 5),  # Lord Howe, autumn (30 minutes)
    date(2026, 10, 4),  # Lord Howe, spring (30 minutes)
    date(2026, 6, 15),
]


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe"])
def test_kept_runs_are_the_runs_resolved_afresh(name: str) -> None:
    """A run answered from the kept ones is the run worked out again, day by day as
    ``zoneinfo`` states it, for every short run around each change (asked twice: the second
    answer is the kept one)."""
    zone = ZoneInfo(name)
    for change in CHANGE_DATES:
        for lead in range(-3, 2):
            for length in range(0, 9):
                first = change + timedelta(days=lead)
                last = first + timedelta(days=length)
                fresh = LocalDays.resolve(first, last, zone)
                for _ in range(2):
                    kept = LocalDays.build(first, last, zone)
                    assert kept == fresh
                    assert (list(kept.midnights), list(kept.offsets)) == _day_by_day(
                        first, last, zone
                    )
