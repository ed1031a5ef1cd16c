"""What keeping the cache safe costs: the check at open, the daily backup, a repair.

On a cache of N bookings (an admin's 100k by default) it prints, each the median of a few runs:

- opening the file without the check (the schema step and the engine: the baseline) and with
  it (``PRAGMA quick_check`` on a read-only connection, the footprint);
- the daily backup (SQLite's online backup API, then ``quick_check`` of the copy);
- a full repair of the same file with its header destroyed (move aside, read back, rebuild from
  the backup), against a plain copy of the file.

Ratios against the baseline measured in the same run hold on a noisy machine.
Run: .venv/bin/python benchmarks/bench_cache_safety.py [--bookings 100000]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from instainstru_desktop.store import open_store
from instainstru_desktop.store.backups import backup_if_due, backups_of
from instainstru_desktop.store.db import open_database

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
INSTRUCTOR = str(uuid.uuid4())


def booking(index: int) -> dict[str, Any]:
    start = START + timedelta(hours=index)
    return {
        "id": str(uuid.uuid4()),
        "instructor_id": INSTRUCTOR,
        "student_id": str(uuid.uuid4()),
        "student_name": "Ana Student",
        "student_time_zone": "UTC",
        "lesson_type_id": INSTRUCTOR,
        "lesson_type_name": "Piano 60",
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "status": "confirmed",
        "cancelled_by": None,
        "cancel_reason": None,
        "note": "scales and arpeggios",
        "flagged": False,
        "review_note": None,
        "price_cents": 4500,
        "currency": "EUR",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "version": 1,
    }


def build(path: Path, bookings: int) -> None:
    store = open_store(path)
    with store.uow() as uow:
        for first in range(0, bookings, 10_000):
            rows = [booking(i) for i in range(first, min(bookings, first + 10_000))]
            page = {"cursor": "1.bench", "has_more": False, "bookings": rows}
            uow.pull.apply(page, now="2026-01-01T00:00:00Z")
        for day in range(20):  # a few unsent edits, the part a repair must carry over
            uow.changes.record(
                "availability.set_date",
                {"instructor_id": INSTRUCTOR, "date": f"2026-04-{day + 1:02d}", "ranges": []},
            )
        uow.commit()
    store.close()


def median_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="instainstru-bench-safety-"))
    try:
        path = folder / "caches" / "cache.sqlite3"
        build(path, args.bookings)
        size_mb = path.stat().st_size / 1e6
        print(f"cache: {args.bookings} bookings, {size_mb:.1f} MB")

        baseline = median_of(args.runs, lambda: open_database(path).close())
        checked = median_of(args.runs, lambda: open_store(path).close())
        print(f"open without the check (baseline): {baseline * 1000:8.1f} ms")
        print(
            f"open with the check:               {checked * 1000:8.1f} ms"
            f"  ({checked / baseline:.1f}x the baseline)"
        )

        moment = [datetime.now(UTC)]

        def next_day_backup() -> None:
            moment[0] += timedelta(days=1)
            backup_if_due(path, moment[0])

        backup = median_of(args.runs, next_day_backup)
        copied = median_of(args.runs, lambda: shutil.copyfile(path, folder / "plain-copy"))
        print(
            f"daily backup:                      {backup * 1000:8.1f} ms"
            f"  ({backup / copied:.1f}x a plain file copy of {copied * 1000:.1f} ms)"
        )

        def repair() -> None:
            trial = folder / f"trial-{uuid.uuid4().hex[:6]}" / "cache.sqlite3"
            trial.parent.mkdir()
            shutil.copyfile(path, trial)
            shutil.copytree(path.parent / "backups", trial.parent / "backups")
            with trial.open("r+b") as file:
                file.write(b"\x00" * 100)
            store = open_store(trial)
            if store.rescue is None or store.rescue.recovered != 20:
                raise SystemExit(f"the repair did not carry the 20 edits over: {store.rescue}")
            store.close()

        repaired = median_of(max(1, args.runs // 2), repair)
        print(
            f"repair of a file without header:   {repaired * 1000:8.1f} ms"
            f"  ({repaired / copied:.1f}x a plain file copy)"
        )
        print(f"backups kept: {len(backups_of(path))}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
