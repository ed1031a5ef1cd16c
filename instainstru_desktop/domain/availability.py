"""Availability: a weekly template plus per-date overrides, in the instructor's wall clock.

Availability is stored as wall-clock ranges because "Mondays 9-12" must stay 9-12 after the
clocks change. It becomes UTC only when slots are computed, using the DST rule of
:mod:`instainstru_desktop.domain.zones`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from instainstru_desktop.domain._clock import from_us
from instainstru_desktop.domain._local_days import LocalDays
from instainstru_desktop.domain.errors import InvalidTimeRange
from instainstru_desktop.domain.time_ranges import (
    TimeRange,
    WallRange,
    merge_sorted_pairs,
    normalize,
)

Weekday = int  # 0 = Monday ... 6 = Sunday


def _normalized(ranges: Iterable[WallRange]) -> tuple[WallRange, ...]:
    items = tuple(ranges)
    for r in items:
        if not isinstance(r, WallRange):
            raise InvalidTimeRange(f"expected WallRange, got {type(r).__name__}")
    return tuple(normalize(items))


@dataclass(frozen=True)
class WeeklyTemplate:
    """The instructor's usual week: per weekday, sorted non-overlapping wall-clock ranges.

    Ranges are normalized on construction and weekdays without ranges are dropped, so two
    templates describing the same hours are equal.
    """

    days: Mapping[Weekday, tuple[WallRange, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        for weekday in self.days:
            if type(weekday) is not int or not 0 <= weekday <= 6:
                raise InvalidTimeRange(f"weekday must be 0 (Monday) to 6 (Sunday): {weekday!r}")
        days: dict[Weekday, tuple[WallRange, ...]] = {}
        for weekday, ranges in sorted(self.days.items()):
            normalized = _normalized(ranges)
            if normalized:
                days[weekday] = normalized
        object.__setattr__(self, "days", MappingProxyType(days))

    def __hash__(self) -> int:
        return hash(tuple(self.days.items()))

    @classmethod
    def empty(cls) -> WeeklyTemplate:
        """A week with no teaching hours: nothing is bookable until hours are painted."""
        return cls({})

    def ranges_for(self, weekday: Weekday) -> tuple[WallRange, ...]:
        """The usual hours of ``weekday``; a weekday missing from the template is a day off."""
        return self.days.get(weekday, ())


@dataclass(frozen=True)
class Availability:
    """A weekly template plus date overrides; an override replaces the template for its date.

    An override with no ranges is time off: the date is closed even if the template has hours
    on that weekday. An override with ranges can open a weekday the template leaves off.
    """

    template: WeeklyTemplate = field(default_factory=WeeklyTemplate.empty)
    overrides: Mapping[date, tuple[WallRange, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        for d in self.overrides:
            if not isinstance(d, date) or isinstance(d, datetime):
                raise InvalidTimeRange(f"override keys must be dates, got {d!r}")
        overrides = {d: _normalized(ranges) for d, ranges in sorted(self.overrides.items())}
        object.__setattr__(self, "overrides", MappingProxyType(overrides))

    def __hash__(self) -> int:
        return hash((self.template, tuple(self.overrides.items())))

    def effective_ranges(self, d: date) -> tuple[WallRange, ...]:
        """The wall-clock hours of date ``d``: its override if it has one, else the template's.

        The rule: an override wins even when empty, which is how time off on a holiday closes a
        normally open weekday.
        """
        if d in self.overrides:
            return self.overrides[d]
        return self.template.ranges_for(d.weekday())

    def utc_ranges(self, d: date, tz: ZoneInfo) -> list[TimeRange]:
        """The effective hours of date ``d`` as UTC ranges, by the DST rule of ``zones``.

        The rule: each boundary maps with :func:`~instainstru_desktop.domain.zones.wall_time_to_utc`
        -- an ambiguous wall time takes its first occurrence, a nonexistent one the instant the
        clocks jumped -- so the part of a range inside a spring-forward gap is dropped, a range
        wholly inside the gap vanishes, and 24:00 is the next local midnight. On a fall-back day
        a range covering the whole repeated hour (e.g. 01:00-02:00 in New York) lasts two real
        hours; one ending inside it ends at the first occurrence of its end.
        """
        return [TimeRange(from_us(s), from_us(e)) for s, e in self.utc_pairs(d, tz)]

    def utc_ranges_between(self, first: date, last: date, tz: ZoneInfo) -> list[TimeRange]:
        """The effective hours of every date from ``first`` to ``last`` inclusive, normalized.

        The rule: hours ending at 24:00 and hours starting at 00:00 the next day merge into one
        range, so a lesson may run across local midnight.
        """
        return [
            TimeRange(from_us(s), from_us(e)) for s, e in self.utc_pairs_between(first, last, tz)
        ]

    def with_override(self, d: date, ranges: Iterable[WallRange]) -> Availability:
        """A copy where date ``d`` has exactly ``ranges`` (empty = time off)."""
        overrides = dict(self.overrides)
        overrides[d] = tuple(ranges)
        return Availability(self.template, overrides)

    def without_override(self, d: date) -> Availability:
        """A copy where date ``d`` follows the template again."""
        overrides = dict(self.overrides)
        overrides.pop(d, None)
        return Availability(self.template, overrides)

    # -- integer-microsecond forms used by the slot engine ---------------------------------------

    def utc_pairs(self, d: date, tz: ZoneInfo) -> list[tuple[int, int]]:
        """:meth:`utc_ranges` as normalized ``(start_us, end_us)`` pairs."""
        return self.pairs_on(LocalDays.build(d, d, tz))

    def utc_pairs_between(self, first: date, last: date, tz: ZoneInfo) -> list[tuple[int, int]]:
        """:meth:`utc_ranges_between` as normalized ``(start_us, end_us)`` pairs."""
        return self.pairs_on(LocalDays.build(first, last, tz))

    def pairs_on(self, days: LocalDays) -> list[tuple[int, int]]:
        """The effective hours of every date of ``days`` as normalized microsecond pairs."""
        pairs: list[tuple[int, int]] = []
        for i in range(days.count):
            for r in self.effective_ranges(days.first + timedelta(days=i)):
                pairs.append((days.wall_to_us(i, r.start), days.wall_to_us(i, r.end)))
        return merge_sorted_pairs(pairs)
