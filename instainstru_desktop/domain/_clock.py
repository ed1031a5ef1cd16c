"""Integer-microsecond instants and UTC-offset lookups for the hot paths.

The slot engine sweeps plain ``int`` microseconds since the Unix epoch instead of datetimes:
integer comparisons are exact and several times cheaper. Only the edges (input ranges, output
slots) are converted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_US = timedelta(microseconds=1)
SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
DAY_US = 24 * 60 * MINUTE_US
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def to_us(instant: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (instant - EPOCH) // ONE_US


def from_us(us: int) -> datetime:
    """UTC datetime of microseconds since the epoch."""
    return EPOCH + timedelta(microseconds=us)


def offset_us(us: int, tz: ZoneInfo) -> int:
    """UTC offset of ``tz`` at the instant ``us``, in microseconds."""
    offset = from_us(us).astimezone(tz).utcoffset()
    assert offset is not None
    return offset // ONE_US


def local_ordinal(us: int, offset: int) -> int:
    """Proleptic ordinal of the local date at instant ``us`` given the offset in force there."""
    return (us + offset) // DAY_US + EPOCH_ORDINAL


def first_instant_with_new_offset(lo: int, hi: int, tz: ZoneInfo) -> int:
    """Smallest whole second in ``(lo, hi]`` whose offset differs from the offset at ``lo``.

    The caller guarantees that the offset at ``hi`` differs from the one at ``lo`` (one change
    between them). Offset changes happen on whole seconds, so a binary search over seconds finds
    the exact instant in about 17 lookups for a day.
    """
    before = offset_us(lo, tz)
    low = lo // SECOND_US
    high = -(-hi // SECOND_US)
    while high - low > 1:
        mid = (low + high) // 2
        if offset_us(mid * SECOND_US, tz) == before:
            low = mid
        else:
            high = mid
    return high * SECOND_US
