"""Small interval algebra on wall-clock hours, in minutes after midnight.

The week view edits hours as "add this block" or "remove this block" on top of whatever the day
already has, so unaligned ranges coming from the server (09:10–11:50) survive an edit untouched
instead of being snapped to the 15-minute grid. Kept free of Qt so it is trivially testable.
"""

from __future__ import annotations

from collections.abc import Iterable

from instainstru_desktop.services.week_views import HoursRange

DAY_MINUTES = 1440
WHOLE_DAY = HoursRange(0, DAY_MINUTES)


def normalize(ranges: Iterable[HoursRange]) -> tuple[HoursRange, ...]:
    """Sorted, merged (touching ranges joined), empty ranges dropped, clamped to one day."""
    spans = sorted((max(0, r.start), min(DAY_MINUTES, r.end)) for r in ranges if r.end > r.start)
    merged: list[list[int]] = []
    for start, end in spans:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(HoursRange(start, end) for start, end in merged)


def union(ranges: Iterable[HoursRange], extra: HoursRange) -> tuple[HoursRange, ...]:
    """The ranges with ``extra`` added."""
    return normalize([*ranges, extra])


def subtract(ranges: Iterable[HoursRange], gone: HoursRange) -> tuple[HoursRange, ...]:
    """The ranges with ``gone`` removed (a range may split in two)."""
    out: list[HoursRange] = []
    for r in normalize(ranges):
        if r.end <= gone.start or r.start >= gone.end:
            out.append(r)
            continue
        if r.start < gone.start:
            out.append(HoursRange(r.start, gone.start))
        if r.end > gone.end:
            out.append(HoursRange(gone.end, r.end))
    return tuple(out)


def contains(ranges: Iterable[HoursRange], minute: int) -> bool:
    """Whether ``minute`` (a point, start-inclusive) lies inside one of the ranges."""
    return any(r.start <= minute < r.end for r in ranges)


def covers(ranges: Iterable[HoursRange], span: HoursRange) -> bool:
    """Whether the whole of ``span`` is inside the ranges."""
    return any(r.start <= span.start and span.end <= r.end for r in normalize(ranges))


def block_at(ranges: Iterable[HoursRange], minute: int) -> HoursRange | None:
    """The (merged) range containing ``minute``, for "clear these hours"."""
    for r in normalize(ranges):
        if r.start <= minute < r.end:
            return r
    return None


def format_minutes(minute: int) -> str:
    """``HH:MM`` for a minute of the day; 1440 prints as 24:00 like the API does."""
    return f"{minute // 60:02d}:{minute % 60:02d}"
