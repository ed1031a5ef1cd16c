"""Hypothesis strategies shared by the domain tests."""

from datetime import UTC, datetime, timedelta

from hypothesis import strategies as st

from instainstru_desktop.domain import TimeRange, WallRange

BASE = datetime(2024, 3, 9, tzinfo=UTC)


@st.composite
def wall_ranges(draw, limit: int = 1440, max_len: int | None = None) -> WallRange:
    start = draw(st.integers(0, limit - 1))
    longest = limit - start if max_len is None else min(limit - start, max_len)
    return WallRange(start, start + draw(st.integers(1, longest)))


@st.composite
def time_ranges(draw, limit: int = 600) -> TimeRange:
    start = draw(st.integers(0, limit - 1))
    end = draw(st.integers(start + 1, limit))
    return TimeRange(BASE + timedelta(minutes=start), BASE + timedelta(minutes=end))


def minutes_of(r: WallRange | TimeRange) -> set[int]:
    """The model: a range is the set of minutes it covers."""
    if isinstance(r, WallRange):
        return set(range(r.start, r.end))
    first = int((r.start - BASE).total_seconds()) // 60
    last = int((r.end - BASE).total_seconds()) // 60
    return set(range(first, last))


def minute_set(ranges) -> set[int]:
    out: set[int] = set()
    for r in ranges:
        out |= minutes_of(r)
    return out
