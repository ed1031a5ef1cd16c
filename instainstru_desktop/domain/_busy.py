"""Reading only the relevant part of a busy list.

Busy lists (an instructor's lessons, a student's lessons) may hold thousands of entries while a
query looks at a few weeks. Long lists are expected sorted by start -- repositories return them
``ORDER BY start_utc`` -- and are bisected, so ranges far from the query cost O(log n). Short
lists are scanned whole and may come in any order. A long list that turns out unsorted around
the bisected part is scanned whole too, so a careless caller gets slow answers, not wrong ones,
in every case such a check can see.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise

from instainstru_desktop.domain._clock import MINUTE_US, from_us, to_us
from instainstru_desktop.domain.policies import MAX_LESSON_MINUTES
from instainstru_desktop.domain.time_ranges import TimeRange

#: Lists up to this length are scanned whole (as fast as bisecting them, and order-free).
SCAN_WHOLE_UP_TO = 256

#: A busy range overlapping an instant started at most this long before it.
_LOOKBACK_US = MAX_LESSON_MINUTES * MINUTE_US


def _start(r: TimeRange) -> datetime:
    return r.start


def _starting_in(ranges: Sequence[TimeRange], lo: int, hi: int) -> Sequence[TimeRange]:
    """Entries of ``ranges`` that may start in ``[lo, hi)`` (a superset for short lists)."""
    n = len(ranges)
    if n <= SCAN_WHOLE_UP_TO:
        return ranges
    i = bisect_left(ranges, from_us(lo), key=_start)
    j = bisect_left(ranges, from_us(hi), lo=i, key=_start)
    part = ranges[i:j]
    if not _sorted_around(ranges, part, i, j):
        return ranges
    return part


def _sorted_around(ranges: Sequence[TimeRange], part: Sequence[TimeRange], i: int, j: int) -> bool:
    n = len(ranges)
    probes = [ranges[0].start]
    if i > 0:
        probes.append(ranges[i - 1].start)
    probes.extend(r.start for r in part)
    if j < n:
        probes.append(ranges[j].start)
    probes.append(ranges[n - 1].start)
    return all(a <= b for a, b in pairwise(probes))


def overlapping_pairs(
    ranges: Sequence[TimeRange], lo: int, hi: int, pad: int
) -> list[tuple[int, int]]:
    """``(start - pad, end + pad)`` microsecond pairs of the ranges that, padded, meet ``[lo, hi)``.

    Sorted by start, not merged.
    """
    lo_at, hi_at = from_us(lo - pad), from_us(hi + pad)
    out = [
        (to_us(r.start) - pad, to_us(r.end) + pad)
        for r in _starting_in(ranges, lo - pad - _LOOKBACK_US, hi + pad)
        if r.start < hi_at and lo_at < r.end  # datetime comparisons: cheap, convert only hits
    ]
    out.sort()
    return out


def starts_in(ranges: Sequence[TimeRange], lo: int, hi: int) -> list[int]:
    """Start instants (microseconds) of the ranges starting in ``[lo, hi)``."""
    lo_at, hi_at = from_us(lo), from_us(hi)
    return [to_us(r.start) for r in _starting_in(ranges, lo, hi) if lo_at <= r.start < hi_at]
