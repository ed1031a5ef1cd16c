"""A brute-force model of the booking rules, minute by minute, for property tests.

It shares no code with the slot engine: it walks every UTC minute of a short period, reads the
instructor's wall clock with ``astimezone`` and applies each rule literally. Range boundaries
follow the documented DST rule stated as "the first instant at which the instructor's clock
shows that wall time or later", computed here by a running maximum of the clock readings.
"""

from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from instainstru_desktop.domain import SlotQuery, TimeRange

_WALL_EPOCH = datetime(2000, 1, 1)
_MIN = timedelta(minutes=1)


def minute_index(instant: datetime, origin: datetime) -> int:
    return (instant - origin) // _MIN


@dataclass(frozen=True)
class Clock:
    """Wall-clock readings of ``tz`` for every UTC minute from ``origin`` on."""

    origin: datetime
    walls: tuple[int, ...]  # wall minutes since 2000-01-01 00:00, per UTC minute
    running_max: tuple[int, ...]

    def boundary(self, d: date, minute: int) -> int:
        """UTC minute index of the first instant the clock shows ``d`` + ``minute`` or later."""
        wall = (datetime(d.year, d.month, d.day) - _WALL_EPOCH) // _MIN + minute
        i = bisect_left(self.running_max, wall)
        assert 0 < i < len(self.walls), "period too short for this date"
        return i

    def local_date(self, i: int) -> date:
        return (_WALL_EPOCH + self.walls[i] * _MIN).date()

    def minute_of_day(self, i: int) -> int:
        return self.walls[i] % 1440


@lru_cache(maxsize=32)
def clock(tz: ZoneInfo, origin: datetime, minutes: int) -> Clock:
    walls = []
    for i in range(minutes):
        local = (origin + i * _MIN).astimezone(tz).replace(tzinfo=None)
        walls.append((local - _WALL_EPOCH) // _MIN)
    running, best = [], walls[0]
    for wall in walls:
        best = max(best, wall)
        running.append(best)
    return Clock(origin, tuple(walls), tuple(running))


def model_slot_starts(q: SlotQuery, c: Clock) -> set[int]:
    """UTC minute indexes (from ``c.origin``) of every start the rules allow in ``q.window``."""
    n = len(c.walls)
    free = [False] * n
    first = c.local_date(0) + timedelta(days=1)
    last = c.local_date(n - 1) - timedelta(days=1)
    d = first
    while d <= last:
        for r in q.availability.effective_ranges(d):
            for i in range(c.boundary(d, r.start), c.boundary(d, r.end)):
                free[i] = True
        d += timedelta(days=1)
    avail_prefix = [0]
    for f in free:
        avail_prefix.append(avail_prefix[-1] + f)

    policy = q.policy
    buffer = timedelta(minutes=policy.buffer_minutes)
    duration = timedelta(minutes=q.duration_minutes)
    counts: dict[date, int] = {}
    for b in q.instructor_busy:
        day = b.start.astimezone(q.tz).date()
        counts[day] = counts.get(day, 0) + 1
    if q.lessons_per_local_date:
        counts = dict(q.lessons_per_local_date)

    def week_total(day: date) -> int:
        monday = day - timedelta(days=day.weekday())
        return sum(counts.get(monday + timedelta(days=k), 0) for k in range(7))

    def overlaps(busy: list[TimeRange], start: datetime, end: datetime, pad: timedelta) -> bool:
        return any(b.start - pad < end and start < b.end + pad for b in busy)

    starts = set()
    lo = max(0, minute_index(q.window.start, c.origin))
    hi = min(n, -(-(q.window.end - c.origin) // _MIN))
    for i in range(lo, hi):
        start = c.origin + i * _MIN
        end = start + duration
        if not q.window.start <= start < q.window.end:
            continue
        if c.minute_of_day(i) % policy.slot_step_minutes:
            continue
        if start < q.now + timedelta(minutes=policy.min_notice_minutes):
            continue
        if start > q.now + timedelta(days=policy.booking_horizon_days):
            continue
        j = i + q.duration_minutes
        if j > n or avail_prefix[j] - avail_prefix[i] != q.duration_minutes:
            continue
        if overlaps(list(q.instructor_busy), start, end, buffer):
            continue
        if overlaps(list(q.student_busy), start, end, timedelta(0)):
            continue
        day = c.local_date(i)
        if policy.daily_limit is not None and counts.get(day, 0) >= policy.daily_limit:
            continue
        if policy.weekly_limit is not None and week_total(day) >= policy.weekly_limit:
            continue
        starts.add(i)
    return starts


def utc_midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)
