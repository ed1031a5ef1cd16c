"""Weekly series: creating a 40-week series against 40 single bookings, and the app's preview.

Usage:  .venv/bin/python benchmarks/bench_series.py [--rounds 3] [--previews 20]

It seeds a SQLite database with an instructor who has 20,000 bookings (usual hours on weekdays
09-17 UTC, a booking window of 400 days) and a term of 42 weeks with two one-week breaks. Each
round then, in the same process and on the same instructor:

* creates a weekly series to the end of the term (40 lessons, every rule checked for each, in one
  transaction: the server's use case, without HTTP), and
* books 40 single lessons one after another at another weekly time (40 transactions, each with
  the same checks: what an app booking them one by one costs the server),

alternating which goes first, and prints the median of each and their ratio (target: the
series at most 0.25 of the 40 singles). The instructor's app then syncs the whole calendar into
its cache (through a real server on loopback), and the "Book weekly" preview of a 40-week series
is timed on that cache (target: under 50 ms), then booked there and the preview of changing its
weekly time from its first lesson ("Weekly time…", every lesson moved) is timed too, both
against the week view's own read of one week (``AvailabilityService.week``), measured in the
same run as their baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_server import _bench_instructors, new_id  # the server benchmark's instructors

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.permissions import Principal, Role
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.seed.demo import add_past_lessons
from instainstru_desktop.server.services import bookings, series, terms
from instainstru_desktop.server.services.auth import issue_token
from instainstru_desktop.server.services.common import run_use_case
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.services.availability import AvailabilityService
from instainstru_desktop.services.series import SeriesService
from instainstru_desktop.services.views import WeeklyChange, WeeklyRequest
from instainstru_desktop.store import open_store
from instainstru_desktop.sync.api import ApiClient
from instainstru_desktop.sync.engine import SyncEngine

WEEKS = 40
BREAKS = ((10, "Half term"), (25, "Spring break"))  # week numbers of the two one-week breaks


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def seed(url: str, now: datetime) -> dict[str, Any]:
    started = time.perf_counter()
    app = create_app(Settings(database_url=url), clock=lambda: now)
    uow: UnitOfWork = app.state.context.uow
    made = _bench_instructors(uow, now, count=2)
    heavy = made["instructors"][1]
    with uow.write() as tx:
        instructor = tx.instructors.get(heavy["id"])
        assert instructor is not None
        instructor.booking_horizon_days = 400
        tx.commit()
    add_past_lessons(uow, heavy["id"], 20_000, now.date(), per_day=16)
    principal = Principal(
        user_id=new_id(1, 1),
        role=Role.INSTRUCTOR,
        name="Bench 1",
        email="bench1@bench.example",
        time_zone="UTC",
        instructor_id=heavy["id"],
    )
    caller = Caller(principal=principal, device="bench", now=now)
    first = now.date() + timedelta(days=7 - now.weekday())  # next Monday
    last = first + timedelta(weeks=WEEKS + len(BREAKS)) - timedelta(days=1)
    gaps = [
        (first + timedelta(weeks=w), first + timedelta(weeks=w, days=6), name)
        for w, name in BREAKS
    ]
    term_id = new_id(1, 9)
    run_use_case(uow, caller, terms.set_term_in, term_id, heavy["id"], "Year", first, last, gaps)
    token = issue_token(uow, principal.user_id, now=now, ttl=timedelta(days=1))
    uow.database.dispose()
    print(f"seeded in {time.perf_counter() - started:.1f} s: 20,000 bookings, a 42-week term")
    return {
        "heavy": heavy,
        "students": made["students"],
        "caller": caller,
        "term_id": term_id,
        "first": first,
        "token": token,
        "user_id": principal.user_id,
    }


def server_rounds(url: str, now: datetime, data: dict[str, Any], rounds: int) -> None:
    app = create_app(Settings(database_url=url), clock=lambda: now)
    uow: UnitOfWork = app.state.context.uow
    heavy, caller, first = data["heavy"], data["caller"], data["first"]
    series_times: list[float] = []
    single_times: list[float] = []

    def make_series(hour: int, student: str) -> None:
        request = series.WeeklyRequest(
            instructor_id=heavy["id"],
            lesson_type_id=heavy["type"],
            weekdays=(1,),  # Tuesdays
            time=f"{hour:02d}:00",
            start_date=first,
            student_id=student,
            term_id=data["term_id"],
        )
        answer = run_use_case(uow, caller, series.create_in, request)
        assert len(answer["booked"]) == WEEKS, (len(answer["booked"]), answer["refused"][:1])

    def make_singles(hour: int, student: str) -> None:
        for week in range(WEEKS):
            day = first + timedelta(weeks=week, days=2)  # Wednesdays
            start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            run_use_case(
                uow,
                caller,
                bookings.create_in,
                instructor_id=heavy["id"],
                lesson_type_id=heavy["type"],
                start=start,
                student_id=student,
            )

    for n in range(rounds):
        hour, student = 9 + n, data["students"][n]
        jobs = [
            (series_times, lambda h=hour, s=student: make_series(h, s)),
            (single_times, lambda h=hour, s=student: make_singles(h, s)),
        ]
        for sink, job in jobs if n % 2 == 0 else reversed(jobs):
            sink.append(timed(job))
    series_s, singles_s = statistics.median(series_times), statistics.median(single_times)
    print(f"server, median of {rounds} rounds, instructor with 20,000 bookings:")
    print(f"  40-week series (one term, two breaks): {series_s * 1000:8.1f} ms")
    print(f"  40 single bookings, one after another: {singles_s * 1000:8.1f} ms")
    print(f"  ratio series / singles: {series_s / singles_s:.3f} (target at most 0.25)")
    uow.database.dispose()


def preview_rounds(url: str, folder: Path, data: dict[str, Any], previews: int) -> None:
    with EmbeddedServer(url, seed_demo=False, require_secret=False) as server:
        assert server.base_url is not None
        store = open_store(folder / "client.sqlite3")
        heavy = data["heavy"]
        with store.uow() as uow:
            uow.sync_state.update(
                user_id=data["user_id"], role="instructor", instructor_id=heavy["id"]
            )
            uow.commit()
        with ApiClient(server.base_url, token=data["token"], device="bench") as api:
            took = timed(lambda: SyncEngine(store, api).sync_once())
        print(f"app: the instructor's calendar synced into the cache in {took:.1f} s")
        request = WeeklyRequest(
            instructor_id=heavy["id"],
            student_id=data["students"][10],
            lesson_type_id=heavy["type"],
            weekdays=(3,),  # Thursdays
            time="14:00",
            start_date=data["first"],
            term_id=data["term_id"],
        )
        service = SeriesService(store)
        week = AvailabilityService(store)
        shown = service.preview(request)
        assert shown.count("book") == WEEKS, shown.count("book")
        monday: date = data["first"]
        preview_times = [timed(lambda: service.preview(request)) for _ in range(previews)]
        week_times = [
            timed(lambda: week.week(heavy["id"], monday)) for _ in range(previews)
        ]
        # booked here (queued, shown at once), then "Weekly time…" from its first lesson
        series_id, _ = service.book_weekly(request)
        first = service.lesson_ids(series_id)[0]
        rule = service.rule_of_lesson(first)
        change = WeeklyChange(series_id, rule.from_date, (3,), "15:00")
        moves = service.preview_change(change)
        assert moves.count("move") == WEEKS, moves.count("move")
        change_times = [timed(lambda: service.preview_change(change)) for _ in range(previews)]
        store.close()
    preview_ms = statistics.median(preview_times) * 1000
    change_ms = statistics.median(change_times) * 1000
    week_ms = statistics.median(week_times) * 1000
    print(f"app, median of {previews}: the preview of a 40-week series (42-week term)")
    print(f"  preview: {preview_ms:6.1f} ms (target under 50 ms)")
    print(f"  preview of changing its weekly time (each lesson moved): {change_ms:6.1f} ms")
    print(f"  baseline, the week view's read of one week: {week_ms:6.1f} ms")
    print(f"  ratio preview / week read: {preview_ms / week_ms:.1f}")
    print(f"  ratio change preview / week read: {change_ms / week_ms:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--previews", type=int, default=20)
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'server.sqlite3'}"
        data = seed(url, now)
        server_rounds(url, now, data, args.rounds)
        preview_rounds(url, Path(folder), data, args.previews)


if __name__ == "__main__":
    main()
