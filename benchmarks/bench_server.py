"""Speed of the bundled API server, with baselines measured in the same run.

Usage:  .venv/bin/python benchmarks/bench_server.py [--seconds 3] [--clients 16]

It seeds a database (the demo studio, 100k past bookings, and two identical benchmark
instructors with 200 and 20,000 bookings), starts the server in its own process (uvicorn, one
worker, as the CLI runs it), and drives it from this process with threads using ``httpx.Client``.
Two baselines run on the same stack and are added only to this benchmark's app: a bare ASGI
endpoint and a FastAPI endpoint reading one row through the ORM. Each endpoint's requests/s is
also printed as a ratio to the one-row baseline, so the figures mean something on any machine.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.models import (
    Booking,
    Instructor,
    LessonType,
    User,
    WeeklyTemplate,
)
from instainstru_desktop.server.seed import add_past_lessons
from instainstru_desktop.server.services.auth import issue_token
from instainstru_desktop.server.settings import Settings
from instainstru_desktop.server.uow import UnitOfWork

API = "/api/v1"
TOTAL_HISTORY = 78_000  # with the demo studio and the slot instructors: ~100k bookings in all


# -- the server process --------------------------------------------------------------------------


def serve(database_url: str, port_file: str) -> None:
    """Run the product app plus the two baseline endpoints under uvicorn."""
    import uvicorn

    app = create_app(Settings(database_url=database_url, pool_size=32))
    uow: UnitOfWork = app.state.context.uow
    with uow.read() as tx:
        any_user = next(iter(tx.users.students_page(None, None, 1))).id

    @app.get("/bench/orm-row")
    def orm_row() -> dict[str, str]:
        with uow.read() as tx:
            user = tx.users.get(any_user)
            assert user is not None
            return {"id": user.id, "name": user.name}

    async def bare(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": b'{"ok":true}'})

    app.mount("/bench/bare", bare)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    Path(port_file).write_text(str(sock.getsockname()[1]))
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


# -- seeding -------------------------------------------------------------------------------------


def new_id(n: int, kind: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def seed(database_url: str, now: datetime) -> dict[str, Any]:
    started = time.perf_counter()
    app = create_app(Settings(database_url=database_url, seed_demo=True), clock=lambda: now)
    uow: UnitOfWork = app.state.context.uow
    with uow.read() as tx:
        demo = [i.id for i, _ in tx.instructors.all_with_users()]
        admin = next(u for u in [tx.users.by_email("admin@demo.instainstru.app")] if u)
    benchers = _bench_instructors(uow, now, count=6)
    history_from = now.date() - timedelta(weeks=6)
    per = TOTAL_HISTORY // len(demo)
    for instructor_id in demo:
        add_past_lessons(uow, instructor_id, per, history_from)
    # slots: the same instructor twice, with 200 and with 20,000 bookings
    light, heavy = benchers["instructors"][0], benchers["instructors"][1]
    _upcoming(uow, [light, heavy], benchers, now)
    add_past_lessons(uow, light["id"], 160, now.date(), per_day=16)
    add_past_lessons(uow, heavy["id"], 19_960, now.date(), per_day=16)
    token = issue_token(uow, admin.id, now=now, ttl=timedelta(days=1))
    app.state.context.uow.database.dispose()
    print(
        f"seeded in {time.perf_counter() - started:.1f} s: demo studio + "
        f"{per * len(demo):,} past lessons + 20,240 on the slot instructors"
    )
    return {"admin_token": token, "demo": demo, **benchers, "light": light, "heavy": heavy}


def _bench_instructors(uow: UnitOfWork, now: datetime, count: int) -> dict[str, Any]:
    """Two slot instructors with a usual week (weekdays 09-17, 60-minute lessons), then booking
    instructors open around the clock with 15-minute lessons, and students for the clients."""
    instructors, students = [], []
    password = "x"  # never used to sign in: tokens are issued directly
    with uow.write() as tx:  # users first: the unit of work orders rows by relationships only
        for n in range(count):
            tx.users.add(
                User(
                    id=new_id(n, 1),
                    email=f"bench{n}@bench.example",
                    name=f"Bench {n}",
                    role="instructor",
                    password_hash=password,
                    time_zone="UTC",
                    created_at=now,
                )
            )
        tx.commit()
    with uow.write() as tx:
        for n in range(count):
            user_id, instructor_id, type_id = new_id(n, 1), new_id(n, 2), new_id(n, 3)
            tx.instructors.add(
                Instructor(
                    id=instructor_id,
                    user_id=user_id,
                    bio="",
                    min_notice_minutes=0,
                    booking_horizon_days=28,
                    buffer_minutes=0,
                    slot_step_minutes=15,
                    daily_limit=None,
                    weekly_limit=None,
                    version=1,
                )
            )
            usual = n < 2
            tx.lesson_types.add(
                LessonType(
                    id=type_id,
                    instructor_id=instructor_id,
                    name="Lesson",
                    duration_minutes=60 if usual else 15,
                    price_cents=100,
                    currency="EUR",
                    color="#123456",
                    active=True,
                    version=1,
                )
            )
            hours = (
                [[d, 540, 1020] for d in range(5)] if usual else [[d, 0, 1440] for d in range(7)]
            )
            tx.availability.add_template(
                WeeklyTemplate(instructor_id=instructor_id, ranges=hours, version=1)
            )
            instructors.append({"id": instructor_id, "type": type_id})
        for n in range(64):
            tx.users.add(
                User(
                    id=new_id(n, 4),
                    email=f"bench-student{n}@bench.example",
                    name=f"Student {n}",
                    role="student",
                    password_hash=password,
                    time_zone="UTC",
                    created_at=now,
                )
            )
            students.append(new_id(n, 4))
        tx.commit()
    return {"instructors": instructors, "students": students}


def _upcoming(
    uow: UnitOfWork, pair: list[dict[str, Any]], benchers: dict[str, Any], now: datetime
) -> None:
    """40 identical upcoming lessons for each of the two slot-benchmark instructors."""
    base = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    base += timedelta(days=(7 - base.weekday()) % 7)  # next Monday: weekdays, in the hours
    with uow.write() as tx:
        for k, instructor in enumerate(pair):
            for n in range(40):
                start = base + timedelta(weeks=n // 10, days=n % 5, hours=9 + n % 7)
                tx.bookings.insert(
                    Booking(
                        id=new_id(k * 100 + n, 5),
                        instructor_id=instructor["id"],
                        student_id=benchers["students"][n],
                        lesson_type_id=instructor["type"],
                        start_utc=start,
                        end_utc=start + timedelta(minutes=60),
                        status="confirmed",
                        note="",
                        flagged=False,
                        review_note="",
                        price_cents=100,
                        currency="EUR",
                        created_at=now,
                        updated_at=now,
                        version=1,
                    )
                )
        tx.commit()


# -- load ----------------------------------------------------------------------------------------


class Result:
    def __init__(self, name: str, latencies: list[float], elapsed: float, errors: int) -> None:
        self.name, self.latencies, self.elapsed, self.errors = name, latencies, elapsed, errors

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def load(
    base: str,
    name: str,
    make: Callable[[int, int], tuple[str, str, Any]],
    *,
    clients: int,
    seconds: float,
    headers: dict[str, str],
    ok: set[int],
) -> Result:
    """``clients`` threads, each with its own connection, for ``seconds``."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start_line = threading.Barrier(clients + 1)
    stop_at = [float("inf")]  # the real deadline is set once every client is at the line

    def worker(k: int) -> None:
        try:
            run_worker(k)
        except Exception as exc:  # reported, not lost in a silent thread
            errors[k] += 1
            print(f"{name}: client {k} failed: {exc!r}", file=sys.stderr)

    def run_worker(k: int) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            try:
                client.get(f"{API}/meta")
            finally:
                start_line.wait()
            for n in itertools.count():
                if time.perf_counter() >= stop_at[0]:
                    return
                method, url, body = make(k, n)
                t = time.perf_counter()
                response = client.request(method, url, json=body)
                latencies[k].append(time.perf_counter() - t)
                if response.status_code not in ok:
                    errors[k] += 1

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    for thread in threads:
        thread.join()
    return Result(
        name, [x for part in latencies for x in part], time.perf_counter() - began, sum(errors)
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--serve", nargs=2, metavar=("DATABASE_URL", "PORT_FILE"))
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return
    folder = Path(tempfile.mkdtemp(prefix="instainstru-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    now = datetime.now(UTC)
    data = seed(url, now)
    port_file = folder / "port"
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port_file)],
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        base = _wait_for(server, port_file)
        run(base, data, now, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(server: subprocess.Popen[bytes], port_file: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server process exited")
        if port_file.exists() and port_file.read_text():
            base = f"http://127.0.0.1:{port_file.read_text()}"
            try:
                httpx.get(f"{base}{API}/meta", timeout=1).raise_for_status()
                return base
            except httpx.HTTPError:
                pass
        time.sleep(0.05)
    raise SystemExit("the server did not start")


def run(base: str, data: dict[str, Any], now: datetime, clients: int, seconds: float) -> None:
    admin = {"Authorization": f"Bearer {data['admin_token']}"}
    maria = data["demo"][0]
    week_from = now.date()
    week = (
        f"{API}/instructors/{maria}/availability?from={week_from}"
        f"&to={week_from + timedelta(days=6)}"
    )
    window = f"from={_iso(now)}&to={_iso(now + timedelta(days=28))}"

    def slots_of(instructor: dict[str, Any]) -> str:
        return (
            f"{API}/instructors/{instructor['id']}/slots"
            f"?lesson_type_id={instructor['type']}&{window}"
        )

    bookers = data["instructors"][2:6]
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)

    def booking(k: int, n: int) -> tuple[str, str, Any]:
        instructor = bookers[k % len(bookers)]
        start = day0 + timedelta(days=(k // len(bookers)) * 6 + n // 96, minutes=15 * (n % 96))
        return (
            "POST",
            f"{API}/bookings",
            {
                "instructor_id": instructor["id"],
                "lesson_type_id": instructor["type"],
                "student_id": data["students"][k],
                "start": _iso(start),
            },
        )

    plan: list[tuple[str, Callable[[int, int], tuple[str, str, Any]], set[int]]] = [
        ("baseline: bare ASGI", lambda k, n: ("GET", "/bench/bare/", None), {200}),
        ("baseline: FastAPI + ORM one row", lambda k, n: ("GET", "/bench/orm-row", None), {200}),
        ("GET availability (1 week)", lambda k, n: ("GET", week, None), {200}),
        ("GET slots (4 weeks)", lambda k, n: ("GET", slots_of(data["light"]), None), {200}),
        ("POST booking", booking, {201}),
        (
            "GET admin bookings page",
            lambda k, n: ("GET", f"{API}/admin/bookings?limit=100", None),
            {200},
        ),
        ("GET slots, 200 bookings", lambda k, n: ("GET", slots_of(data["light"]), None), {200}),
        ("GET slots, 20,000 bookings", lambda k, n: ("GET", slots_of(data["heavy"]), None), {200}),
    ]
    results = {}
    print(f"\n{clients} concurrent clients, {seconds:.0f} s per endpoint (httpx.Client threads)")
    print(f"{'endpoint':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs ORM row':>10} errors")
    for name, make, ok in plan:
        result = load(base, name, make, clients=clients, seconds=seconds, headers=admin, ok=ok)
        results[name] = result
        ratio = (
            result.rps / results["baseline: FastAPI + ORM one row"].rps
            if "baseline: FastAPI + ORM one row" in results
            else float("nan")
        )
        print(
            f"{name:34} {result.rps:8.0f} {result.pct(0.5):8.2f} {result.pct(0.99):8.2f} "
            f"{ratio:10.2f} {result.errors}"
        )
    light = results["GET slots, 200 bookings"]
    heavy = results["GET slots, 20,000 bookings"]
    print(
        f"\nslots with 20,000 vs 200 bookings: time per request {light.rps / heavy.rps:.2f}x, "
        f"p50 {heavy.pct(0.5) / light.pct(0.5):.2f}x (target <= 1.5)"
    )
    _full_pull(base, admin)


def _full_pull(base: str, admin: dict[str, str]) -> None:
    """Time to have every page served (request to last byte); parsing is timed apart."""
    served, parsed, rows = [], [], 0
    head = re.compile(rb'"cursor":"([^"]+)","has_more":(true|false)')
    with httpx.Client(base_url=base, headers=admin, timeout=120) as client:
        for _ in range(3):
            started, cursor, bodies = time.perf_counter(), "0", []
            while True:
                body = client.get(f"{API}/sync/pull", params={"cursor": cursor}).content
                bodies.append(body)
                found = head.search(body[:300])
                assert found is not None
                cursor = found.group(1).decode()
                if found.group(2) == b"false":
                    break
            served.append(time.perf_counter() - started)
            started = time.perf_counter()
            rows = sum(len(orjson.loads(b)["bookings"]) for b in bodies)
            parsed.append(time.perf_counter() - started)
    print(
        f"full admin sync pull: {rows:,} bookings served in {statistics.median(served):.2f} s "
        f"(median of 3; best {min(served):.2f} s; target < 2 s); "
        f"client-side JSON parse {statistics.median(parsed):.2f} s more"
    )


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    main()
