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
