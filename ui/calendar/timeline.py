"""A week snapshot seen from one display time zone: columns, wall-clock minutes, lesson lanes.

The snapshot is in the instructor's zone; the time zone switcher may show the same week in
another one. Everything zone-related happens here, once per snapshot or zone change, so that
painting and hit testing work on plain integers (day column, minute of the wall-clock day).

The vertical axis is the wall clock (00:00–24:00) in every column, as in every desktop calendar:
on a 23-hour day the skipped hour is marked as not existing, on a 25-hour day the repeated hour
holds the lessons of both passes side by side (the lane layout puts overlaps next to each other).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from instainstru_desktop.services.week_views import (
    DayHours,
    HoursRange,
    LessonCard,
    SyncMark,
    WeekSnapshot,
)
from ui.calendar import ranges as rng

SLOT_MINUTES = 15
SLOTS_PER_DAY = rng.DAY_MINUTES // SLOT_MINUTES


@dataclass(frozen=True, slots=True)
class LessonSegment:
    """The part of one lesson that falls on one display day (lessons may cross midnight)."""

    card: LessonCard
    day: int  # display column, 0 = Monday
    start: int  # wall-clock minutes in the display zone
    end: int
    lane: int = 0  # side-by-side position among overlapping lessons
    lanes: int = 1
    continues_before: bool = False
    continues_after: bool = False


@dataclass(frozen=True, slots=True)
class DisplayDay:
    """One column: its date in the display zone, hours and DST oddities."""

    date: date
    ranges: tuple[HoursRange, ...]  # effective hours, display wall minutes
    time_off: bool  # the whole column is time off
    from_override: bool
    mark: SyncMark
    gap: HoursRange | None = None  # wall times that do not exist (clocks go forward)
    repeated: HoursRange | None = None  # wall times that happen twice (clocks go back)
    length_minutes: int = rng.DAY_MINUTES
    off: tuple[HoursRange, ...] = ()  # wall ranges that are time off (part of a day abroad)


def wall_minute(moment: datetime) -> int:
    """Minutes after local midnight of an aware local datetime (seconds dropped)."""
    return moment.hour * 60 + moment.minute


def _utc(day: date, minute: int, zone: ZoneInfo) -> datetime:
    """The instant of a wall time; 1440 is the next midnight, a skipped time uses fold=0."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def day_oddities(day: date, zone: ZoneInfo) -> tuple[HoursRange | None, HoursRange | None, int]:
    """(skipped wall times, repeated wall times, real length in minutes) of a date in a zone."""
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    length = int((end - start).total_seconds() // 60)
    if length == rng.DAY_MINUTES:
        return None, None, length
    gap: list[int] = []
    repeated: list[int] = []
    for slot in range(SLOTS_PER_DAY):
        naive = datetime.combine(day, time()) + timedelta(minutes=slot * SLOT_MINUTES)
        first = naive.replace(tzinfo=zone, fold=0)
        second = naive.replace(tzinfo=zone, fold=1)
        if first.utcoffset() != second.utcoffset():
            round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
            (gap if round_trip != naive else repeated).append(slot * SLOT_MINUTES)
    gap_range = HoursRange(gap[0], gap[-1] + SLOT_MINUTES) if gap else None
    rep_range = HoursRange(repeated[0], repeated[-1] + SLOT_MINUTES) if repeated else None
    return gap_range, rep_range, length


def _segments_of(card: LessonCard, dates: list[date], zone: ZoneInfo) -> list[LessonSegment]:
    """Cut a lesson into per-column segments in wall-clock minutes of ``zone``."""
    local_start = card.start.astimezone(zone)
    local_end = card.end.astimezone(zone)
    if local_end <= local_start:
        local_end = local_start + timedelta(minutes=1)
    last_day = (local_end - timedelta(microseconds=1)).date()
    out: list[LessonSegment] = []
    for index, day in enumerate(dates):
        if day < local_start.date() or day > last_day:
            continue
        starts_here = day == local_start.date()
        ends_here = day == local_end.date()
        start = wall_minute(local_start) if starts_here else 0
        end = wall_minute(local_end) if ends_here else rng.DAY_MINUTES
        if starts_here and ends_here:
            # Clocks went back inside the lesson: the wall clock shows less time than passed,
            # so draw its real length from its start (over the first pass of the hour).
            elapsed = int((card.end - card.start).total_seconds() // 60)
            end = min(rng.DAY_MINUTES, max(end, start + elapsed))
        out.append(
            LessonSegment(
                card,
                index,
                start,
                max(end, start + 1),
                continues_before=not starts_here,
                continues_after=not ends_here,
            )
        )
    return out


def assign_lanes(segments: list[LessonSegment]) -> list[LessonSegment]:
    """Place overlapping segments of one day side by side (classic calendar cluster layout)."""
    ordered = sorted(segments, key=lambda s: (s.start, -s.end, s.card.booking_id))
    out: list[LessonSegment] = []
    cluster: list[tuple[LessonSegment, int]] = []
    lane_ends: list[int] = []
    cluster_end = -1

    def flush() -> None:
        lanes = len(lane_ends)
        for seg, lane in cluster:
            out.append(
                LessonSegment(
                    seg.card,
                    seg.day,
                    seg.start,
                    seg.end,
                    lane,
                    lanes,
                    seg.continues_before,
                    seg.continues_after,
                )
            )

    for seg in ordered:
        if cluster and seg.start >= cluster_end:
            flush()
            cluster, lane_ends, cluster_end = [], [], -1
        for lane, lane_end in enumerate(lane_ends):
            if lane_end <= seg.start:
                lane_ends[lane] = seg.end
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(seg.end)
        cluster.append((seg, lane))
        cluster_end = max(cluster_end, seg.end)
    if cluster:
        flush()
    return out


@dataclass(frozen=True)
class DisplayWeek:
    """The week as painted: what the painter, the geometry's hit testing and the editor share."""

    source: WeekSnapshot
    zone_name: str
    days: tuple[DisplayDay, ...]
    segments: tuple[LessonSegment, ...]
    by_day: tuple[tuple[LessonSegment, ...], ...] = field(repr=False)

    @property
    def same_zone(self) -> bool:
        """True when the display zone is the instructor's (the usual case)."""
        return self.zone_name == self.source.time_zone

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    @property
    def dates(self) -> list[date]:
        return [d.date for d in self.days]

    @classmethod
    def build(cls, snapshot: WeekSnapshot, zone_name: str | None = None) -> DisplayWeek:
        """Convert a snapshot to a display zone (``None`` = the instructor's own)."""
        zone_name = zone_name or snapshot.time_zone
        zone = ZoneInfo(zone_name)
        dates = [snapshot.week_start + timedelta(days=i) for i in range(7)]
        source_days = {d.date: d for d in snapshot.days}
        same = zone_name == snapshot.time_zone
        src_zone = ZoneInfo(snapshot.time_zone)
        foreign = None if same else _source_intervals(snapshot.days, src_zone)
        off_intervals = _source_intervals(
            tuple(
                DayHours(d.date, (rng.WHOLE_DAY,), True, True) for d in snapshot.days if d.time_off
            ),
            src_zone,
        )
        days: list[DisplayDay] = []
        for day in dates:
            gap, repeated, length = day_oddities(day, zone)
            src = source_days.get(day)
            if foreign is None:
                hours = rng.normalize(src.ranges) if src else ()
                off: tuple[HoursRange, ...] = (rng.WHOLE_DAY,) if src and src.time_off else ()
            else:
                hours = _display_ranges(foreign, day, zone)
                off = _display_ranges(off_intervals, day, zone)
            days.append(
                DisplayDay(
                    day,
                    hours,
                    time_off=off == (rng.WHOLE_DAY,),
                    from_override=bool(src and src.from_override),
                    mark=src.mark if src else SyncMark.SYNCED,
                    gap=gap,
                    repeated=repeated,
                    length_minutes=length,
                    off=off,
                )
            )
        per_day: dict[int, list[LessonSegment]] = defaultdict(list)
        for card in snapshot.lessons:
            if card.status == "cancelled":
                continue
            for seg in _segments_of(card, dates, zone):
                per_day[seg.day].append(seg)
        by_day = tuple(tuple(assign_lanes(per_day[i])) for i in range(7))
        segments = tuple(seg for day_segs in by_day for seg in day_segs)
        return cls(snapshot, zone_name, tuple(days), segments, by_day)

    # -- editing: display wall ranges back to the instructor's dates --------------------------

    def to_source(self, day: int, span: HoursRange) -> list[tuple[date, HoursRange]]:
        """The instructor-zone (date, range) pieces a display-column range stands for.

        Pieces that fall on dates outside this snapshot's week are dropped: their current hours
        are not known here, and editing them blind could wipe hours the user cannot see.
        """
        when = self.days[day].date
        if self.same_zone:
            return [(when, span)]
        src_zone = ZoneInfo(self.source.time_zone)
        start = _utc(when, span.start, self.zone)
        end = _utc(when, span.end, self.zone)
        known = {d.date for d in self.source.days}
        out: list[tuple[date, HoursRange]] = []
        local = start.astimezone(src_zone)
        local_end = end.astimezone(src_zone)
        while local < local_end:
            next_midnight = datetime.combine(
                local.date() + timedelta(days=1), time(), tzinfo=src_zone
            )
            piece_end = min(local_end, next_midnight)
            end_minute = rng.DAY_MINUTES if piece_end == next_midnight else wall_minute(piece_end)
            if local.date() in known and end_minute > wall_minute(local):
                out.append((local.date(), HoursRange(wall_minute(local), end_minute)))
            local = piece_end.astimezone(src_zone)
        return out

    def preview_ranges(
        self, after: dict[date, tuple[HoursRange, ...]]
    ) -> dict[int, tuple[HoursRange, ...]]:
        """Display hours per column if the instructor dates in ``after`` had those hours."""
        if self.same_zone:
            index = {d.date: i for i, d in enumerate(self.days)}
            return {index[when]: r for when, r in after.items() if when in index}
        days = tuple(
            DayHours(d.date, after[d.date], True, not after[d.date]) if d.date in after else d
            for d in self.source.days
        )
        intervals = _source_intervals(days, ZoneInfo(self.source.time_zone))
        out = {}
        for i, day in enumerate(self.days):
            ranges = _display_ranges(intervals, day.date, self.zone)
            if ranges != day.ranges:
                out[i] = ranges
        return out

    def source_day(self, when: date) -> DayHours | None:
        """The snapshot's own hours of an instructor date."""
        for day in self.source.days:
            if day.date == when:
                return day
        return None


def _source_intervals(
    days: tuple[DayHours, ...], zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The instructor's hours as absolute UTC intervals."""
    out = []
    for day in days:
        for r in day.ranges:
            start, end = _utc(day.date, r.start, zone), _utc(day.date, r.end, zone)
            if end > start:
                out.append((start, end))
    return out


def _display_ranges(
    intervals: list[tuple[datetime, datetime]], day: date, zone: ZoneInfo
) -> tuple[HoursRange, ...]:
    """UTC intervals seen as wall ranges of one display date."""
    day_start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    out: list[HoursRange] = []
    for start, end in intervals:
        lo, hi = max(start, day_start), min(end, day_end)
        if hi <= lo:
            continue
        first = wall_minute(lo.astimezone(zone))
        last = rng.DAY_MINUTES if hi == day_end else wall_minute(hi.astimezone(zone))
        if last <= first:
            last = min(rng.DAY_MINUTES, first + int((hi - lo).total_seconds() // 60))
        out.append(HoursRange(first, last))
    return rng.normalize(out)
