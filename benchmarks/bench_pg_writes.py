"""Bookings on PostgreSQL with one and with several server processes, side by side.

Usage (a throw-away PostgreSQL cluster, dropped afterwards)::

    scripts/test-postgres --run .venv/bin/python benchmarks/bench_pg_writes.py [--seconds 10]

or ``--database-url postgresql+psycopg://...`` naming an empty database of your own (``--admin-url``
/ ``INSTAINSTRU_TEST_POSTGRES``: a server where a database is created for the run and dropped).

It seeds ``--instructors`` instructors (default 240; open around the clock, 15-minute lessons)
and a student per client per run, then runs ``instainstru-server --workers 1`` and ``--workers N``
(default 2) in turn on the same database. ``--clients`` clients (default 16; one keep-alive
connection each, one request in flight, from a separate load process: see ``bench_server``) book
lessons as fast as they are answered, client ``k``'s ``n``-th booking going to instructor
``(k + clients * n) mod instructors`` at a time of its own, so every instructor is booked and no
booking is refused. Then the same clients book at a steady 100 per second against the N-process
server (latency counted from when each booking was due), the issue's "sustained" target.

Printed per run: bookings/s, p50 and p99, errors, and the CPU time the server processes (each
one), the PostgreSQL backends and the load process used per booking (from ``/proc``: the
processes' own time plus that of children they reaped). ``GET /meta`` (the framework's floor)
runs at 1 and N processes first, as a baseline of what a second process can give on this machine
in this run. During the booking runs a separate connection samples ``pg_stat_activity`` every
``--sample-ms`` (``pg_waits``): what the backends were doing, how many waited for a lock and for
which (the ``change_sequence`` row, NOTIFY's commit lock), who blocked them, and how much of the
time the ``change_sequence`` row was held (what it alone would allow).

A fair reading: the machine may have fewer cores than the processes that want them -- the load
process, PostgreSQL and the server processes share them, and other work may run besides. The ratio
of bookings/s from 1 to N processes can only approach N when the server has N cores of its own;
the CPU time per booking does not depend on how busy the machine is. So the closing lines put the
measured ratio beside two ceilings from it: N / (server CPU per booking), the rate with a core per
server process, and cores / (all CPU per booking), the rate this machine's cores allow; a run far
below its ceiling is held down by waits (see the samples), one at it by cores. On a machine with
more cores than N the measured ratio is what counts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_server import (
    API,
    TICKS,
    WARMUP_SECONDS,
    BookingPosts,
    Get,
    Result,
    Row,
    _children,
    _stat,
    cpu_seconds,
    load,
)
from pg_waits import Sampler, Waits, describe

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.models import (
    Instructor,
    LessonType,
    User,
    WeeklyTemplate,
)
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services.auth import issue_token

ADMIN_ENV = "INSTAINSTRU_TEST_POSTGRES"
ROOT = Path(__file__).resolve().parents[1]
#: Each run books on a stretch of days of its own (runs share the instructors).
DAYS_PER_RUN = 60
SUSTAINED_RATE = 100.0  # bookings/s: the issue's sustained target, with p99 under 100 ms


# -- seeding -------------------------------------------------------------------------------------


def _id(n: int, kind: int) -> str:
    return f"{kind:08x}-0000-4000-8000-{n:012x}"


def seed(url: str, instructors: int, students: int, now: datetime) -> dict[str, Any]:
    """Instructors open around the clock with 15-minute lessons, students, and an admin token."""
    app = create_app(Settings(database_url=url), clock=lambda: now)
    uow: UnitOfWork = app.state.context.uow
    people = [("admin", 0, "admin")] + [("instructor", n, "teacher") for n in range(instructors)]
    people += [("student", n, "student") for n in range(students)]
    kinds = {"admin": 9, "instructor": 1, "student": 4}
    with uow.write() as tx:
        for role, n, label in people:
            tx.users.add(
                User(
                    id=_id(n, kinds[role]),
                    email=f"{label}{n}@bench.example",
                    name=f"{label.title()} {n}",
                    role=role,
                    password_hash="x",  # never used: tokens are issued directly
                    time_zone="UTC",
                    created_at=now,
                )
            )
        tx.commit()
    booked: list[tuple[str, str]] = []
    with uow.write() as tx:
        for n in range(instructors):
            instructor_id, type_id = _id(n, 2), _id(n, 3)
            tx.instructors.add(
                Instructor(
                    id=instructor_id,
                    user_id=_id(n, 1),
                    slug=f"teacher-{n}",
                    bio="",
                    min_notice_minutes=0,
                    booking_horizon_days=3 * DAYS_PER_RUN + 10,
                    buffer_minutes=0,
                    slot_step_minutes=15,
                    daily_limit=None,
                    weekly_limit=None,
                    version=1,
                )
            )
            tx.lesson_types.add(
                LessonType(
                    id=type_id,
                    instructor_id=instructor_id,
                    name="Lesson",
                    duration_minutes=15,
                    price_cents=100,
                    currency="EUR",
                    color="#123456",
                    active=True,
                    version=1,
                )
            )
            tx.availability.add_template(
                WeeklyTemplate(
                    instructor_id=instructor_id, ranges=[[d, 0, 1440] for d in range(7)], version=1
                )
            )
            booked.append((instructor_id, type_id))
        tx.commit()
    token = issue_token(uow, _id(0, 9), now=now, ttl=timedelta(days=1))
    uow.database.dispose()
    return {
        "token": token,
        "instructors": booked,
        "students": [_id(n, 4) for n in range(students)],
    }


# -- the requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpreadBookings(BookingPosts):
    """Client ``k``'s ``n``-th booking: instructor ``(k + clients * n) mod len(instructors)``,
    for the client's own student, ``n`` quarter hours after ``day0``. An instructor is booked by
    one client only (the one whose number it is modulo the clients), never twice at a time, and
    a student never has two lessons at once: nothing is refused."""

    instructors: tuple[tuple[str, str], ...]
    students: tuple[str, ...]
    day0: datetime

    def body(self, k: int, n: int) -> dict[str, str]:
        instructor_id, type_id = self.instructors[
            (k + len(self.students) * n) % len(self.instructors)
        ]
        start = self.day0 + timedelta(minutes=15 * n)
        return {
            "instructor_id": instructor_id,
            "lesson_type_id": type_id,
            "student_id": self.students[k],
            "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


# -- PostgreSQL's processes ----------------------------------------------------------------------


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine and can be read."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            folder = connection.execute(text("SHOW data_directory")).scalar_one()
        pid = int(Path(folder, "postmaster.pid").read_text().split()[0])
        _stat(pid)
        return pid
    except Exception:  # not superuser, another machine, no /proc: no PostgreSQL figure
        return None
    finally:
        engine.dispose()


# -- servers -------------------------------------------------------------------------------------


def start_server(url: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """``instainstru-server --workers N`` on a free port, every worker answering; and its port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "instainstru_desktop.server.cli", "--port", str(port)]
    command += ["--database-url", url, "--workers", str(workers), "--log-level", "warning"]
    # the server runs the code of this checkout, as the seeding here did
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("instainstru-server exited")
        try:
            for _ in range(4 * workers):
                httpx.get(f"http://127.0.0.1:{port}{API}/meta", timeout=5).raise_for_status()
            return server, port
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("instainstru-server did not answer")


@contextmanager
def running(url: str, workers: int) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    server, port = start_server(url, workers)
    try:
        yield server, port
    finally:
        server.terminate()
        server.wait(timeout=30)


def own_cpu(pid: int) -> float:
    """CPU time of one process, plus what it reaped of its children (0 once it has exited)."""
    try:
        fields = _stat(pid)
    except OSError:
        return 0.0
    return sum(int(v) for v in fields[11:15]) / TICKS


def process_tree(root: int) -> list[int]:
    """``root`` and every process under it."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += _children(pid)
    return found


@dataclass
class Measured:
    """A run's answers, the CPU time used for its measured part (warm-up left out) by each
    server process, by PostgreSQL and by the load process, and what PostgreSQL's backends did."""

    result: Result
    server_cpus: list[float]  # per server process: the supervisor (if any) first
    postgres_cpu: float | None
    load_cpu: float
    waits: Waits | None = None

    @property
    def server_cpu(self) -> float:
        return sum(self.server_cpus)

    @property
    def total_cpu(self) -> float | None:
        return None if self.postgres_cpu is None else self.server_cpu + self.postgres_cpu

    @property
    def count(self) -> int:
        return len(self.result.latencies)

    def ms_per_booking(self, seconds: float | None) -> float | None:
        return None if seconds is None or not self.count else seconds / self.count * 1000

    def per_request(self, seconds: float | None) -> str:
        ms = self.ms_per_booking(seconds)
        return "-" if ms is None else f"{ms:.2f}"


@dataclass(frozen=True)
class Watched:
    """The processes whose CPU time a run counts."""

    server: subprocess.Popen[bytes]
    postmaster: int | None
    load_pid: int
    sample_interval: float  # seconds; 0: no pg_stat_activity sampling
    url: str


def measure(
    pool: Executor,
    row: Row,
    token: str,
    watched: Watched,
    *,
    clients: int,
    seconds: float,
    rate: float | None = None,
    sample: bool = False,
) -> Measured:
    """One load run, with the CPU time the server, PostgreSQL and the load process used
    meanwhile, and (``sample``) what PostgreSQL's backends were doing."""
    servers = process_tree(watched.server.pid)
    server_before = [own_cpu(pid) for pid in servers]
    pg_before = cpu_seconds(watched.postmaster) if watched.postmaster else None
    load_before = own_cpu(watched.load_pid)
    waits: Waits | None = None
    sampler_cpu = 0.0
    if sample and watched.sample_interval > 0:
        with Sampler(watched.url, watched.sample_interval) as sampler:
            sampler_pid = sampler.waits.sampler_pid
            sampler_before = own_cpu(sampler_pid) if sampler_pid else 0.0
            result = load(pool, row, token, clients=clients, seconds=seconds, rate=rate)
            sampler_cpu = own_cpu(sampler_pid) - sampler_before if sampler_pid else 0.0
        if sampler.error is not None:
            print(f"  pg_stat_activity could not be sampled: {sampler.error}")
        waits = sampler.waits
    else:
        result = load(pool, row, token, clients=clients, seconds=seconds, rate=rate)
    server_cpus = [own_cpu(pid) - was for pid, was in zip(servers, server_before, strict=True)]
    pg_cpu = None
    if watched.postmaster and pg_before is not None:
        # the sampler's own backend is PostgreSQL's work for the benchmark, not for the bookings
        pg_cpu = cpu_seconds(watched.postmaster) - pg_before - sampler_cpu
    load_cpu = own_cpu(watched.load_pid) - load_before
    # the warm-up's requests used CPU too but are not counted: its share of the time is left out
    share = result.elapsed / (result.elapsed + WARMUP_SECONDS)
    return Measured(
        result,
        [cpu * share for cpu in server_cpus],
        pg_cpu * share if pg_cpu is not None else None,
        load_cpu * share,
        waits,
    )


# -- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per run, after a warm-up")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--instructors", type=int, default=240)
    parser.add_argument("--workers", type=int, default=2, help="processes compared with one")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use")
    parser.add_argument("--admin-url", default=os.environ.get(ADMIN_ENV))
    parser.add_argument(
        "--sample-ms",
        type=float,
        default=10.0,
        help="sample pg_stat_activity this often during the booking runs (0: never)",
    )
    args = parser.parse_args()
    with database(args.database_url, args.admin_url) as url:
        bench(url, args)


@contextmanager
def database(url: str | None, admin_url: str | None) -> Iterator[str]:
    """``url``, or a new database on ``admin_url``'s server, dropped afterwards."""
    if url:
        yield url
        return
    if not admin_url:
        raise SystemExit(f"name --database-url or --admin-url (or set {ADMIN_ENV})")
    name = f"bench_writes_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def bench(url: str, args: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    runs = 3  # bookings at 1 process, at N, and paced at N: each its own students and days
    started = time.perf_counter()
    data = seed(url, args.instructors, args.clients * runs, now)
    print(
        f"seeded {args.instructors} instructors and {args.clients * runs} students in "
        f"{time.perf_counter() - started:.1f} s"
    )
    postmaster = postmaster_pid(url)
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)

    def plan(run: int) -> SpreadBookings:
        return SpreadBookings(
            instructors=tuple(data["instructors"]),
            students=tuple(data["students"][run * args.clients : (run + 1) * args.clients]),
            day0=day0 + timedelta(days=run * DAYS_PER_RUN),
        )

    token, clients, seconds = data["token"], args.clients, args.seconds
    counts = (1, args.workers)
    spawn = multiprocessing.get_context("spawn")
    meta: dict[int, Measured] = {}
    booked: dict[int, Measured] = {}
    paced: Measured | None = None
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        load_pid = pool.submit(os.getpid).result()
        for run, count in enumerate(counts):
            with running(url, count) as (server, port):
                watched = Watched(server, postmaster, load_pid, args.sample_ms / 1000, url)
                floor = Row("GET meta", Get(f"{API}/meta"), port)
                meta[count] = measure(
                    pool, floor, token, watched, clients=clients, seconds=seconds / 2
                )
                row = Row("POST booking", plan(run), port, frozenset({201}))
                booked[count] = measure(
                    pool, row, token, watched, clients=clients, seconds=seconds, sample=True
                )
                if count == counts[-1]:
                    row = Row("POST booking, paced", plan(runs - 1), port, frozenset({201}))
                    paced = measure(
                        pool,
                        row,
                        token,
                        watched,
                        clients=clients,
                        seconds=seconds,
                        rate=SUSTAINED_RATE,
                        sample=True,
                    )
    report(args, meta, booked, paced)


def cores() -> int:
    """The CPUs this process (and the server it starts) may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def report(
    args: argparse.Namespace,
    meta: dict[int, Measured],
    booked: dict[int, Measured],
    paced: Measured | None,
) -> None:
    one, many = 1, args.workers
    print(
        f"\n{args.clients} clients booking across {args.instructors} instructors on one "
        f"PostgreSQL database, {args.seconds:g} s per run ({cores()} cores for this run, shared "
        "by the server processes, PostgreSQL and the load process)"
    )
    print(
        f"{'run':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'server CPU':>11} "
        f"{'PG CPU':>8} {'load CPU':>9} errors"
    )
    print(f"{'':34} {'':>8} {'':>8} {'':>8} {'ms/request':>11} {'ms/req':>8} {'ms/req':>9}")
    lines = [(f"GET meta, {c} process(es)", meta[c]) for c in (one, many)]
    lines += [(f"POST booking, {c} process(es)", booked[c]) for c in (one, many)]
    if paced is not None:
        lines.append((f"POST booking, {many} procs, {SUSTAINED_RATE:.0f}/s", paced))
    for name, m in lines:
        r = m.result
        print(
            f"{name:34} {r.rps:8.0f} {r.pct(0.5):8.2f} {r.pct(0.99):8.2f} "
            f"{m.per_request(m.server_cpu):>11} {m.per_request(m.postgres_cpu):>8} "
            f"{m.per_request(m.load_cpu):>9} {r.errors}"
        )
    for name, m in lines[2:]:
        if m.waits is not None:
            print(f"\nPostgreSQL's backends during {name}:")
            print("\n".join(describe(m.waits, m.count, m.result.elapsed)))
    print()
    print_ceilings(booked, meta, one, many)
    if paced is not None:
        r = paced.result
        print(
            f"sustained {SUSTAINED_RATE:.0f} bookings/s with {many} processes: served "
            f"{r.rps:.0f}/s, p99 {r.pct(0.99):.1f} ms (target: p99 < 100 ms), {r.errors} errors"
        )


def ceiling(m: Measured, processes: int, cpus: int) -> tuple[float, float] | None:
    """Bookings/s the run's CPU time per booking allows: with each of ``processes`` server
    processes on a core of its own (PostgreSQL and the load elsewhere), and with everything on
    this machine's ``cpus`` cores."""
    server = m.ms_per_booking(m.server_cpu)
    pg = m.ms_per_booking(m.postgres_cpu)
    load_ms = m.ms_per_booking(m.load_cpu)
    if server is None or pg is None or load_ms is None or server <= 0:
        return None
    return processes * 1000 / server, cpus * 1000 / (server + pg + load_ms)


def print_ceilings(
    booked: dict[int, Measured], meta: dict[int, Measured], one: int, many: int
) -> None:
    """The measured 1 -> N ratio beside what cores could give, so that a reader sees whether
    the ratio is held down by cores or by waits."""
    cpus = cores()
    for count in (one, many):
        m = booked[count]
        shown = ", ".join(f"{m.ms_per_booking(c) or 0:.2f}" for c in m.server_cpus)
        print(
            f"CPU per booking, {count} process(es): server {m.per_request(m.server_cpu)} ms "
            f"(per process, supervisor first when there is one: {shown}), PostgreSQL "
            f"{m.per_request(m.postgres_cpu)} ms, load process {m.per_request(m.load_cpu)} ms"
        )
    spread = booked[many]
    busiest = max(spread.server_cpus, default=0.0)
    if spread.server_cpu > 0:
        shares = sorted((c / spread.server_cpu for c in spread.server_cpus), reverse=True)
        print(
            f"server CPU of the {many}-process run by process: "
            + " / ".join(f"{share:.0%}" for share in shares[:many])
            + " (the kernel spreads the connections by a hash: 16 of them seldom evenly)"
        )
    limits = {count: ceiling(booked[count], count, cpus) for count in (one, many)}
    rates = {count: booked[count].result.rps for count in (one, many)}
    ratio = rates[many] / rates[one]
    floor_ratio = meta[many].result.rps / meta[one].result.rps
    print(
        f"bookings/s from 1 to {many} processes, measured: {rates[one]:.0f} -> {rates[many]:.0f}"
        f" = {ratio:.2f}x (target >= 1.8); GET meta (no database) in the same run: "
        f"{floor_ratio:.2f}x"
    )
    first, last = limits[one], limits[many]
    busiest_ms = spread.ms_per_booking(busiest)
    if first is None or last is None or not busiest_ms:
        print("(PostgreSQL's CPU time could not be read: no ceilings)")
        return
    print(
        f"CPU-bound ceilings: with a core per server process, 1 process {first[0]:.0f}/s and "
        f"{many} processes {last[0]:.0f}/s ({last[0] / first[0]:.2f}x; with this run's split "
        f"over the processes, the busiest caps it at {1000 / busiest_ms:.0f}/s, "
        f"{1000 / busiest_ms / first[0]:.2f}x); with this machine's {cpus} cores for "
        f"everything: {first[1]:.0f}/s and {last[1]:.0f}/s"
    )
    allowed = min(last) / min(first)
    print(
        f"measured rate / ceiling on this machine: 1 process {rates[one] / min(first):.0%}, "
        f"{many} processes {rates[many] / min(last):.0%}; the 1 -> {many} ratio these cores "
        f"allow: {allowed:.2f}x, measured {ratio:.2f}x"
    )
    print(f"reading: {verdict(booked[many], rates[many], min(last), cpus, many)}")


def verdict(m: Measured, rate: float, limit: float, cpus: int, many: int) -> str:
    """Which of cores, waits or other work on the machine held the N-process run down."""
    waits = m.waits
    waited = (
        f"; PostgreSQL's busy backends spent {waits.count('waits for') / waits.busy_samples:.0%}"
        " of their time waiting for a lock"
        if waits is not None and waits.busy_samples
        else ""
    )
    load = os.getloadavg()[0]
    crowded = (
        f" Other work ran too (load average {load:.1f} on {cpus} cores): these processes had "
        "less than the cores, so the measured rates are lower bounds."
        if load > cpus + 1
        else ""
    )
    if cpus > many:
        shared = (
            ""
            if cpus >= many + 2
            else " (PostgreSQL and the load process share the cores beyond them)"
        )
        return (
            f"{cpus} cores: more than the {many} server processes{shared}, so the measured ratio "
            f"is what counts{waited}.{crowded}"
        )
    if rate >= 0.85 * limit:
        return (
            f"the {many}-process run used about all the CPU this machine has for it: the ratio is "
            f"limited by cores, and the ratio with a core per process is the CPU-bound ceiling "
            f"above{waited}.{crowded}"
        )
    return f"the {many}-process run stayed below what the cores allow{waited}.{crowded}"


if __name__ == "__main__":
    main()
