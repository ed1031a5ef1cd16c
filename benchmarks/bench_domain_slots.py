"""Bookable slots for 4 weeks: cost with 200 vs 20,000 existing bookings.

The slot engine bisects the sorted busy list down to the window, so the cost must not grow with
the instructor's booking history: the ratio printed last should stay at or below 1.5.

Run: .venv/bin/python benchmarks/bench_domain_slots.py
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from instainstru_desktop.domain import (
    Availability,
    BookingPolicy,
    SlotQuery,
    TimeRange,
    WallRange,
    WeeklyTemplate,
    bookable_slots,
    zone,
)

TZ = zone("America/New_York")
NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)
WINDOW = TimeRange(NOW, NOW + timedelta(days=28))
TEMPLATE = WeeklyTemplate(
    {d: (WallRange.parse("08:00", "12:00"), WallRange.parse("13:00", "19:00")) for d in range(6)}
)
POLICY = BookingPolicy(min_notice_minutes=120, buffer_minutes=10, daily_limit=6, weekly_limit=30)


def busy_list(count: int) -> list[TimeRange]:
    """``count`` one-hour lessons every 3 hours, a few dozen inside the window, the rest in the
    years before and after it (an instructor's history and the far future), sorted by start."""
    inside = [NOW + timedelta(hours=5 + 27 * i) for i in range(25)]
    outside = count - len(inside)
    before = [WINDOW.start - timedelta(days=2, hours=3 * i) for i in range(outside // 2)]
    after = [WINDOW.end + timedelta(days=2, hours=3 * i) for i in range(outside - outside // 2)]
    starts = sorted(before + inside + after)
    return [TimeRange(s, s + timedelta(hours=1)) for s in starts]


def make_query(count: int) -> SlotQuery:
    return SlotQuery(
        availability=Availability(TEMPLATE, {}),
        tz=TZ,
        policy=POLICY,
        duration_minutes=60,
        window=WINDOW,
        now=NOW,
        instructor_busy=busy_list(count),
    )


def once(query: SlotQuery) -> float:
    t0 = time.perf_counter()
    bookable_slots(query)
    return time.perf_counter() - t0


def main() -> None:
    rounds = 400
    small_query, large_query = make_query(200), make_query(20_000)
    slots = bookable_slots(small_query)
    assert slots == bookable_slots(large_query)
    for _ in range(20):  # warm up
        once(small_query)
        once(large_query)
    # Interleaved, so a noisy neighbour slows both sides alike.
    small, large = [], []
    for _ in range(rounds):
        small.append(once(small_query))
        large.append(once(large_query))
    s, g = statistics.median(small), statistics.median(large)
    print(f"bookable_slots over 4 weeks ({len(slots)} slots), median of {rounds} interleaved runs")
    print(f"   200 busy ranges: {s * 1e3:7.3f} ms  ({1 / s:,.0f} queries/s)")
    print(f"20,000 busy ranges: {g * 1e3:7.3f} ms  ({1 / g:,.0f} queries/s)")
    print(f"ratio 20,000 / 200: {g / s:.2f} (required <= 1.5)")


if __name__ == "__main__":
    main()
