"""The slot encoder writes, byte for byte, what orjson writes for the same instants through
``astimezone``: across DST changes, in zones whose change is not an hour (Lord Howe: 30
minutes), with offsets that are not whole hours (Kathmandu, Chatham, St John's), with lessons
that straddle a change or a midnight, and on uneven steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson
import pytest

from instainstru_desktop.domain.offsets import OffsetStretches
from instainstru_desktop.server.services.slot_json import (
    _kept_pattern,
    encode_slots,
    encode_slots_slowly,
)

MINUTE = 60_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

ZONES = [
    "UTC",
    "Europe/Berlin",
    "Europe/London",  # offset zero half the year: written "Z"
    "America/New_York",
    "America/St_Johns",  # -03:30 / -02:30
    "Australia/Lord_Howe",  # +10:30 / +11:00: a 30-minute change
    "Pacific/Chatham",  # +12:45 / +13:45
    "Asia/Kathmandu",  # +05:45, no DST
    "Asia/Kolkata",
    "America/Santiago",  # changes at midnight
    "Pacific/Apia",
]

#: Windows of 62 days around the changes of 2026 in both hemispheres.
WINDOW_STARTS = [datetime(2026, 2, 20, tzinfo=UTC), datetime(2026, 9, 15, tzinfo=UTC)]


def _us(instant: datetime) -> int:
    return (instant - EPOCH) // timedelta(microseconds=1)


def _expected(starts: list[int], duration: int, viewer: ZoneInfo) -> list[dict[str, str]]:
    """The slot objects written the plain way: a datetime per instant, ``astimezone``."""
    objects = []
    for us in starts:
        start = EPOCH + timedelta(microseconds=us)
        end = start + timedelta(microseconds=duration)
        objects.append(
            {
                "start": start,
                "end": end,
                "local_start": start.astimezone(viewer),
                "local_end": end.astimezone(viewer),
            }
        )
    return objects


def _check(starts: list[int], duration: int, viewer: ZoneInfo) -> None:
    encoded, offsets = encode_slots(starts, duration, viewer)
    assert encoded == orjson.dumps(_expected(starts, duration, viewer), option=orjson.OPT_UTC_Z)
    assert len(offsets) == len(starts) + 1
    assert offsets[-1] == len(encoded)
    for i in range(len(starts)):  # each object is where the offsets say
        piece = encoded[offsets[i] : offsets[i + 1] - 1]
        assert orjson.loads(piece)["start"] == _iso_utc(starts[i])


def _iso_utc(us: int) -> str:
    return (EPOCH + timedelta(microseconds=us)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("name", ZONES)
@pytest.mark.parametrize("first", WINDOW_STARTS, ids=["february", "september"])
def test_every_quarter_hour_of_62_days_across_dst_changes(name: str, first: datetime) -> None:
    begin = _us(first)
    starts = list(range(begin, begin + 62 * 1440 * MINUTE, 15 * MINUTE))
    for duration in (15, 45, 90):  # lessons ending past the next change or midnight too
        _check(starts, duration * MINUTE, ZoneInfo(name))


@pytest.mark.parametrize("name", ZONES)
def test_uneven_steps_and_gaps(name: str) -> None:
    """Starts as a sweep leaves them: runs broken by lessons, steps of 5 and 7 minutes."""
    begin = _us(datetime(2026, 3, 26, 20, tzinfo=UTC))
    starts, at, k = [], begin, 0
    while at < begin + 20 * 1440 * MINUTE:
        starts.append(at)
        k += 1
        at += (5 if k % 3 else 7) * MINUTE + (6 * 60 * MINUTE if k % 41 == 0 else 0)
    _check(starts, 60 * MINUTE, ZoneInfo(name))


@pytest.mark.parametrize("name", ["UTC", "Australia/Lord_Howe", "America/St_Johns"])
def test_sparse_starts_a_day_or_more_apart(name: str) -> None:
    """One lesson a day at the same time, then one every few days and weeks: even steps of a
    day and more, which no run may span."""
    begin = _us(datetime(2026, 3, 20, 23, 30, tzinfo=UTC))
    daily = [begin + day * 1440 * MINUTE for day in range(12)]
    sparse = [daily[-1] + days * 1440 * MINUTE for days in (3, 6, 9, 16, 23, 30, 37)]
    _check(daily + sparse, 45 * MINUTE, ZoneInfo(name))


def test_a_single_slot_and_none() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    _check([_us(datetime(2026, 3, 29, 0, 45, tzinfo=UTC))], 60 * MINUTE, berlin)
    assert encode_slots([], 60 * MINUTE, berlin) == (b"[]", (2,))


def test_offsets_of_local_mean_time_are_written_as_orjson_does() -> None:
    """Before standard time Amsterdam was 00:19:32 ahead: not a whole minute, so the slots
    are written the slow way, which gives the same bytes as ever."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    begin = _us(datetime(1935, 5, 1, tzinfo=UTC))
    starts = list(range(begin, begin + 3 * 1440 * MINUTE, 60 * MINUTE))
    _check(starts, 60 * MINUTE, amsterdam)
    assert encode_slots(starts, 60 * MINUTE, amsterdam) == encode_slots_slowly(
        starts, 60 * MINUTE, amsterdam
    )


@pytest.mark.parametrize("name", ZONES)
def test_offset_stretches_agree_with_astimezone(name: str) -> None:
    """Every stretch's offset holds from its first microsecond to its last."""
    zone = ZoneInfo(name)
    lo, hi = _us(datetime(2025, 12, 1, tzinfo=UTC)), _us(datetime(2027, 1, 31, tzinfo=UTC))
    stretches = OffsetStretches.build(lo, hi, zone)
    for i, (start, offset) in enumerate(zip(stretches.starts, stretches.offsets, strict=True)):
        last = min(stretches.stretch_end(i) - 1, hi)
        for us in (start, (start + last) // 2, last):
            local = (EPOCH + timedelta(microseconds=us)).astimezone(zone).utcoffset()
            assert local == timedelta(microseconds=offset), (name, us)
    # no change in these four since 2021; two a year in the others
    steady = name in ("UTC", "Asia/Kathmandu", "Asia/Kolkata", "Pacific/Apia")
    assert len(stretches.starts) == (1 if steady else 3)


@pytest.mark.parametrize(
    "name", ["UTC", "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham"]
)
def test_long_runs_and_kept_patterns_write_the_same_bytes(name: str) -> None:
    """Runs longer than a kept pattern (every minute, every five minutes of a day) are written
    fresh; shorter ones the same whether their pattern was kept already or not."""
    viewer = ZoneInfo(name)
    begin = _us(datetime(2026, 4, 4, 6, tzinfo=UTC))  # Lord Howe and Chatham leave DST
    for step in (1, 5, 15):
        starts = list(range(begin, begin + 2 * 1440 * MINUTE, step * MINUTE))
        _kept_pattern.cache_clear()
        _check(starts, 30 * MINUTE, viewer)  # patterns written
        _check(starts, 30 * MINUTE, viewer)  # patterns kept, when short enough
    assert _kept_pattern.cache_info().hits > 0


def _stretches_day_by_day(lo: int, hi: int, zone: ZoneInfo) -> tuple[list[int], list[int]]:
    """The stretches as ``OffsetStretches.build`` found them before: ``zoneinfo`` asked a day
    after each instant looked at, from ``lo`` on, with nothing kept."""
    day = 1440 * MINUTE

    def offset(us: int) -> int:
        found = (EPOCH + timedelta(microseconds=us)).astimezone(zone).utcoffset()
        assert found is not None
        return found // timedelta(microseconds=1)

    starts, offsets, at = [lo], [offset(lo)], lo
    while at < hi:
        step = min(at + day, hi)
        if offset(step) != offsets[-1]:
            low, high = at, step  # the first second with the new offset
            while high - low > 1_000_000:
                mid = low + (high - low) // 2_000_000 * 1_000_000
                low, high = (mid, high) if offset(mid) == offsets[-1] else (low, mid)
            starts.append(high)
            offsets.append(offset(step))
        at = step
    return starts, offsets


@pytest.mark.parametrize("name", ZONES)
def test_stretches_from_kept_midnight_offsets_are_the_ones_found_day_by_day(name: str) -> None:
    """Offsets at UTC midnights are worked out once per zone and day; the stretches built from
    them, for spans starting at any time of day and ending on or off a midnight, are the ones
    asking ``zoneinfo`` a day at a time finds."""
    zone = ZoneInfo(name)
    changes = 0
    for first in WINDOW_STARTS:
        for hours, minutes in ((0, 0), (7, 13), (23, 59)):
            lo = _us(first + timedelta(hours=hours, minutes=minutes))
            for days in (1, 28, 62):
                for hi in (lo + days * 1440 * MINUTE, _us(first) + days * 1440 * MINUTE):
                    if hi <= lo:
                        continue
                    built = OffsetStretches.build(lo, hi, zone)
                    assert OffsetStretches.build(lo, hi, zone) == built  # kept: the same
                    starts, offsets = _stretches_day_by_day(lo, hi, zone)
                    assert (list(built.starts), list(built.offsets)) == (starts, offsets)
                    changes += len(starts) - 1
    steady = name in ("UTC", "Asia/Kathmandu", "Asia/Kolkata", "Pacific/Apia")
    assert (changes == 0) if steady else (changes > 0)
