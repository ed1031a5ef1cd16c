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

from instainstru_desktop.domain import (  # noqa: E402
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


def measure(count: int, rounds: int) -> tuple[float, int]:
    query = SlotQuery(
        availability=Availability(TEMPLATE, {}),
        tz=TZ,
        policy=POLICY,
        duration_minutes=60,
        window=WINDOW,
        now=NOW,
        instructor_busy=busy_list(count),
    )
    n_slots = len(bookable_slots(query))
    timings = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        bookable_slots(query)
        timings.append(time.perf_counter() - t0)
    return statistics.median(timings), n_slots


def main() -> None:
    rounds = 300
    measure(200, 20)  # warm up
    small, slots_small = measure(200, rounds)
    large, slots_large = measure(20_000, rounds)
    assert slots_small == slots_large, (slots_small, slots_large)
    print(f"4 weeks, {slots_small} slots, median of {rounds} runs")
    print(f"   200 busy ranges: {small * 1e3:7.3f} ms  ({1 / small:,.0f} queries/s)")
    print(f"20,000 busy ranges: {large * 1e3:7.3f} ms  ({1 / large:,.0f} queries/s)")
    print(f"ratio 20,000 / 200: {large / small:.2f} (required <= 1.5)")


if __name__ == "__main__":
    main()
