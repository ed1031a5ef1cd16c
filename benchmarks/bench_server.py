"""Speed of the bundled API server, with baselines measured in the same run.

Usage:  .venv/bin/python benchmarks/bench_server.py [--seconds 3] [--clients 16]
        [--reads | --bookings]

It seeds a database (the demo studio, 100k past bookings, and two identical benchmark
instructors with 200 and 20,000 bookings) and starts the server in its own process (uvicorn, one
worker, as the CLI runs it), plus a second one on the same file that keeps no answers in memory
(``INSTAINSTRU_SERVER_SLOT_CACHE_ENTRIES=0``, ``..._ANSWER_CACHE_ENTRIES=0``), so the uncached cost
of slots and admin pages stays visible.

Load comes from a third process: one event loop (uvloop when installed) holding one keep-alive
HTTP/1.1 connection per client, each with one request in flight, written as pre-encoded bytes
and read back with a minimal parser. A client written with threads and ``httpx`` in this process
used most of a core and the GIL on a two-core machine, so it measured itself as much as the
server; in its own process, with next to no work per request, the client stays out of the way of
the server's and the orchestrator's interpreters. Every endpoint gets a short warm-up first.

Baselines run on the same stack and are added only to this benchmark's app: a bare ASGI
endpoint; a FastAPI endpoint that reads nothing (the framework's floor); one reading one row
through the ORM in the thread pool (the plain way to write a FastAPI read, and the issue's
baseline); and the same read on the event loop, for information. Each endpoint's requests/s is
also printed as a ratio to the threaded one-row baseline, so the figures mean something on any
machine. That baseline is measured first and again last, and the ratios use the
mean of both runs: on a shared two-core machine one run alone moved by up to 1.5x.

Last, the product's own server (``instainstru-server``, answers not kept) runs with one process
and then with ``--workers N`` (``--workers``, default 2) on the same database, the two servers
above stopped: each endpoint's req/s with N processes is printed beside the one process's. The
load process shares the machine's cores with them, so on two cores the ratio understates what
N processes give a server with a machine of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import httpx
import orjson
from starlette.responses import Response

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from read_stages import print_read_stages

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.models import (
    Booking,
    Instructor,
    LessonType,
    User,
    WeeklyTemplate,
)
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.seed.demo import add_past_lessons
from instainstru_desktop.server.services.auth import issue_token

API = "/api/v1"
TOTAL_HISTORY = 78_000  # with the demo studio and the slot instructors: ~100k bookings in all
WARMUP_SECONDS = 0.3
#: The second server keeps no answers (slot windows, admin pages): the uncached cost stays visible.
CACHE_OFF_ENV = {
    "INSTAINSTRU_SERVER_SLOT_CACHE_ENTRIES": "0",
    "INSTAINSTRU_SERVER_ANSWER_CACHE_ENTRIES": "0",
}
ORM_ROW = "baseline: FastAPI + ORM one row"  # with the run below, the ratios' denominator
ORM_ROW_AGAIN = "baseline: FastAPI + ORM one row, again"
#: Students for the booking clients: each server the bookings run on gets its own (a student
#: cannot have two lessons at once, and every run books the same times); and, after them, the
#: students of the slot instructors' upcoming lessons, which no booking client may share (a
#: client reaching their hours would be refused as busy).
BOOKING_STUDENTS = 4 * 64
UPCOMING = 40
STUDENTS = BOOKING_STUDENTS + UPCOMING
TICKS = os.sysconf("SC_CLK_TCK")


# -- the server process --------------------------------------------------------------------------


def serve(database_url: str, port_file: str) -> None:
    """Run the product app plus the baseline endpoints under uvicorn."""
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

    @app.get("/bench/no-database")
    async def no_database() -> Response:
        """The framework's own floor: routing and an async endpoint, no dependency, no read."""
        return Response(b'{"ok":true}', media_type="application/json")

    @app.get("/bench/orm-row-inline")
    async def orm_row_inline() -> dict[str, str]:
        """The same read without the hop to the thread pool: what that hop costs."""
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
    # two slot instructors, then four booking instructors for each server the bookings run on
    benchers = _bench_instructors(uow, now, count=2 + 4 * 4)
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

    def user(n: int, kind: int, role: str, label: str) -> User:
        return User(
            id=new_id(n, kind),
            email=f"{label.lower()}{n}@bench.example",
            name=f"{label} {n}",
            role=role,
            password_hash=password,
            time_zone="UTC",
            created_at=now,
        )

    with uow.write() as tx:  # users first: the unit of work orders rows by relationships only
        for n in range(count):
            tx.users.add(user(n, 1, "instructor", "Bench"))
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
        for n in range(STUDENTS):
            tx.users.add(user(n, 4, "student", "Student"))
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
            for n in range(UPCOMING):
                start = base + timedelta(weeks=n // 10, days=n % 5, hours=9 + n % 7)
                tx.bookings.insert(
                    Booking(
                        id=new_id(k * 100 + n, 5),
                        instructor_id=instructor["id"],
                        student_id=benchers["students"][BOOKING_STUDENTS + n],
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


# -- load: runs in its own process ---------------------------------------------------------------


class RequestPlan(Protocol):
    """What an endpoint's clients send, as plain data so it can be pickled to the load process."""

    def encoder(self, head: bytes) -> Callable[[int, int], bytes]:
        """Bytes of client ``k``'s ``n``-th request; ``head`` holds the Host and auth headers."""
        ...


@dataclass(frozen=True)
class Get:
    """The same GET on every request, so it is encoded once."""

    path: str

    def encoder(self, head: bytes) -> Callable[[int, int], bytes]:
        raw = b"GET %s HTTP/1.1\r\n%s\r\n" % (self.path.encode(), head)
        return lambda k, n: raw


class BookingPosts(ABC):
    """Requests that each post a new booking, its body made by ``body(k, n)`` (client ``k``'s
    ``n``-th request)."""

    @abstractmethod
    def body(self, k: int, n: int) -> dict[str, str]:
        """The booking client ``k`` posts as its ``n``-th request."""

    def encoder(self, head: bytes) -> Callable[[int, int], bytes]:
        start = b"POST %s/bookings HTTP/1.1\r\n%sContent-Type: application/json\r\n" % (
            API.encode(),
            head,
        )

        def encode(k: int, n: int) -> bytes:
            body = orjson.dumps(self.body(k, n))
            return b"%sContent-Length: %d\r\n\r\n%s" % (start, len(body), body)

        return encode


@dataclass(frozen=True)
class Bookings(BookingPosts):
    """A new lesson on every request: client ``k`` books for its own student, 15 minutes after
    its previous booking, on a stretch of days no other client of its instructor uses. A repeat
    would be refused (409), so the bodies are made per request instead of cycled; that leaves
    room for 576 requests per client (six days of quarter hours), far more than a run sends."""

    bookers: tuple[tuple[str, str], ...]  # (instructor id, lesson type id)
    students: tuple[str, ...]
    day0: datetime

    def body(self, k: int, n: int) -> dict[str, str]:
        instructor_id, type_id = self.bookers[k % len(self.bookers)]
        days = (k // len(self.bookers)) * 6 + n // 96
        start = self.day0 + timedelta(days=days, minutes=15 * (n % 96))
        return {
            "instructor_id": instructor_id,
            "lesson_type_id": type_id,
            "student_id": self.students[k],
            "start": _iso(start),
        }


@dataclass(frozen=True)
class LoadJob:
    """One endpoint's run, sent to the load process."""

    name: str
    port: int
    token: str
    plan: RequestPlan
    ok: frozenset[int]
    clients: int
    seconds: float
    warmup: float = WARMUP_SECONDS
    rate: float | None = None  # requests/s from all clients together; None: as fast as answered


@dataclass
class Tally:
    """What the clients of one run saw; one per run, shared by its connections (one thread)."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    reported: bool = False  # the first unexpected answer is printed, the rest only counted

    def error(self, job: LoadJob, what: str) -> None:
        self.errors += 1
        if not self.reported:
            self.reported = True
            print(f"{job.name}: {what}", file=sys.stderr)


def drive(job: LoadJob) -> tuple[list[float], float, int]:
    """Entry point of the load process: latencies of the measured requests, the measured time
    and the error count, as plain data so nothing of this module has to be pickled back."""
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(_drive(job))


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop when it is installed: less client time per request than asyncio's own."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


async def _drive(job: LoadJob) -> tuple[list[float], float, int]:
    """``job.clients`` connections, each with one request in flight (a closed loop); only
    requests sent after the warm-up count, but all of them are checked."""
    head = f"Host: 127.0.0.1:{job.port}\r\nAuthorization: Bearer {job.token}\r\n".encode()
    encode = job.plan.encoder(head)
    streams = await asyncio.gather(*(_connect(job.port) for _ in range(job.clients)))
    tally = Tally()
    began = time.perf_counter() + job.warmup
    stop = began + job.seconds
    await asyncio.gather(
        *(
            _client(job, k, reader, writer, encode, began, stop, tally)
            for k, (reader, writer) in enumerate(streams)
        )
    )
    return tally.latencies, time.perf_counter() - began, tally.errors


async def _connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", port)


async def _client(
    job: LoadJob,
    k: int,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    encode: Callable[[int, int], bytes],
    began: float,
    stop: float,
    tally: Tally,
) -> None:
    if job.rate is None:
        await _closed_client(job, k, reader, writer, encode, began, stop, tally)
    else:
        await _paced_client(job, k, reader, writer, encode, began, stop, tally)


async def _paced_client(
    job: LoadJob,
    k: int,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    encode: Callable[[int, int], bytes],
    began: float,
    stop: float,
    tally: Tally,
) -> None:
    """Client ``k`` sends on a fixed schedule (its share of ``job.rate``), clients staggered.

    When an answer comes back after the next request was due, the next latency is counted from
    when it was due, not from when it could be sent: otherwise a slow server would be measured
    only at the pace it allows (coordinated omission). A timer waking a little late is the
    client's own delay, so on schedule a latency counts from the actual send.
    """
    assert job.rate is not None
    interval = job.clients / job.rate
    first = began - job.warmup + k * interval / job.clients
    try:
        for n in itertools.count():
            due = first + n * interval
            if due >= stop:
                return
            now = time.perf_counter()
            if now < due:
                await asyncio.sleep(due - now)
                sent = time.perf_counter()
            else:
                sent = due
            writer.write(encode(k, n))
            status, body, _keep_alive = await read_response(reader)
            if due >= began:
                tally.latencies.append(time.perf_counter() - sent)
            if status not in job.ok:
                tally.error(job, f"first unexpected answer {status}: {body[:1000]!r}")
    except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        tally.error(job, f"client {k} failed: {exc!r}")
    finally:
        writer.close()


async def _closed_client(
    job: LoadJob,
    k: int,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    encode: Callable[[int, int], bytes],
    began: float,
    stop: float,
    tally: Tally,
) -> None:
    """Client ``k``: the next request as soon as the previous answer is read, until ``stop``.
    ``n`` runs on through the warm-up, so no request is sent twice."""
    try:
        for n in itertools.count():
            sent = time.perf_counter()
            if sent >= stop:
                return
            writer.write(encode(k, n))
            status, body, keep_alive = await read_response(reader)
            if sent >= began:
                tally.latencies.append(time.perf_counter() - sent)
            if status not in job.ok:
                tally.error(job, f"first unexpected answer {status}: {body[:1000]!r}")
            if not keep_alive:
                writer.close()
                reader, writer = await _connect(job.port)
    except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        tally.error(job, f"client {k} failed: {exc!r}")
    finally:
        writer.close()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """One HTTP/1.1 response: status, body, and whether the connection may be reused.

    The body is exactly ``Content-Length`` bytes, or the chunks of a chunked answer, or (with
    neither) everything up to the server closing the connection; 1xx answers are skipped.
    """
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head[:-4].split(b"\r\n")
        version, status_text = lines[0].split(b" ", 2)[:2]
        status = int(status_text)
        if status >= 200:
            break
    length, chunked, keep_alive = None, False, version == b"HTTP/1.1"
    for line in lines[1:]:
        name, _, raw_value = line.partition(b":")
        name, value = name.strip().lower(), raw_value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = value.split(b",")[-1].strip() == b"chunked"
        elif name == b"connection":
            tokens = {token.strip() for token in value.split(b",")}
            keep_alive = b"close" not in tokens and (keep_alive or b"keep-alive" in tokens)
    if status in (204, 304):
        return status, b"", keep_alive
    if chunked:
        return status, await _read_chunked(reader), keep_alive
    if length is not None:
        return status, await reader.readexactly(length), keep_alive
    return status, await reader.read(), False


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    """The body of a chunked answer, its trailers read and dropped."""
    parts = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        if await reader.readexactly(2) != b"\r\n":
            raise ValueError("a chunk does not end in CRLF")


# -- CPU time from /proc (what a run cost, however busy the machine) -----------------------------


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(c) for c in task.read_text().split()]
        except OSError:
            continue
    return found


def cpu_seconds(root: int) -> float:
    """CPU time of ``root`` and every process under it, plus what they reaped of theirs."""
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        try:
            fields = _stat(pid)  # after the command: state, ppid, ... utime is the 12th
        except OSError:
            continue  # exited meanwhile: its parent reaps it (counted there, next time)
        utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
        total += (utime + stime + cutime + cstime) / TICKS
        todo += _children(pid)
    return total


# -- orchestration -------------------------------------------------------------------------------


class Result:
    def __init__(self, name: str, latencies: list[float], elapsed: float, errors: int) -> None:
        self.name, self.latencies, self.elapsed, self.errors = name, latencies, elapsed, errors

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@dataclass(frozen=True)
class Row:
    """One line of the table: what to send, to which server, and the answers that are right."""

    name: str
    plan: RequestPlan
    port: int
    ok: frozenset[int] = frozenset({200})


def load(
    pool: Executor,
    row: Row,
    token: str,
    *,
    clients: int,
    seconds: float,
    rate: float | None = None,
) -> Result:
    """One endpoint, driven from the load process while this one waits."""
    job = LoadJob(row.name, row.port, token, row.plan, row.ok, clients, seconds, rate=rate)
    latencies, elapsed, errors = pool.submit(drive, job).result()
    return Result(row.name, latencies, elapsed, errors)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="worker processes of the instainstru-server run compared with one process",
    )
    parser.add_argument(
        "--bookings",
        action="store_true",
        help="only POST /bookings and the one-row baseline, at 1 client and at --clients",
    )
    parser.add_argument(
        "--reads",
        action="store_true",
        help="only the uncached reads (slots, admin page) beside the one-row baseline, "
        "with server CPU per request, then where their time goes",
    )
    parser.add_argument("--serve", nargs=2, metavar=("DATABASE_URL", "PORT_FILE"))
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return
    folder = Path(tempfile.mkdtemp(prefix="instainstru-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    now = datetime.now(UTC)
    data = seed(url, now)
    port_files = {folder / "port": {}, folder / "port-cache-off": CACHE_OFF_ENV}
    servers: list[subprocess.Popen[bytes]] = []
    try:
        for port_file, env in port_files.items():  # both start up side by side
            servers.append(_start_server(url, port_file, env))
        ports = [_wait_for(s, f) for s, f in zip(servers, port_files, strict=True)]
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter, not a fork of this one
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
            if args.bookings:
                bookings_only(pool, ports[0], servers[0], data, now, args.clients, args.seconds)
                return
            if args.reads:
                rows = _rows(ports[0], ports[1], data, now)
                reads_only(pool, rows, servers, ports, data, args.clients, args.seconds)
                print_read_stages(url, data, now)
                return
            run(pool, ports[0], ports[1], data, now, args.clients, args.seconds)
            for server in servers:  # the process comparison has the machine to itself
                server.terminate()
            processes(pool, url, data, now, args.clients, args.seconds, args.workers)
        print_read_stages(url, data, now)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _start_server(url: str, port_file: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """``--serve`` mode of this script; ``env`` adds server settings to this environment."""
    return subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port_file)],
        env={**os.environ, "PYTHONWARNINGS": "ignore", **env},
    )


def _wait_for(server: subprocess.Popen[bytes], port_file: Path) -> int:
    """The server's port, once it answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server process exited")
        if port_file.exists() and port_file.read_text():
            port = int(port_file.read_text())
            try:
                httpx.get(f"http://127.0.0.1:{port}{API}/meta", timeout=1).raise_for_status()
                return port
            except httpx.HTTPError:
                pass
        time.sleep(0.05)
    raise SystemExit("the server did not start")


def run(
    pool: Executor,
    port: int,
    port_cache_off: int,
    data: dict[str, Any],
    now: datetime,
    clients: int,
    seconds: float,
) -> None:
    rows = _rows(port, port_cache_off, data, now)
    results: dict[str, Result] = {}
    loop = "uvloop" if _loop_factory() else "asyncio"
    print(
        f"\n{clients} concurrent clients, {seconds:.0f} s per endpoint after a "
        f"{WARMUP_SECONDS:.1f} s warm-up (keep-alive HTTP/1.1 connections on one {loop} loop "
        "in a separate process)"
    )
    for row in rows:
        results[row.name] = load(pool, row, data["admin_token"], clients=clients, seconds=seconds)
    baseline = statistics.mean([results[ORM_ROW].rps, results[ORM_ROW_AGAIN].rps])
    print(f"{'endpoint':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs ORM row':>10} errors")
    for name, result in results.items():
        print(
            f"{name:40} {result.rps:8.0f} {result.pct(0.5):8.2f} {result.pct(0.99):8.2f} "
            f"{result.rps / baseline:10.2f} {result.errors}"
        )
    print(f"(ratios against the mean of both one-row runs: {baseline:.0f} req/s)")
    print()
    _paced(pool, rows, data["admin_token"], clients, seconds)
    print()
    for suffix in ("", ", cache off"):
        _print_pair(
            results[f"GET slots, 200 bookings{suffix}"],
            results[f"GET slots, 20,000 bookings{suffix}"],
            suffix,
        )
    _full_pull(f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {data['admin_token']}"})


def bookings_only(
    pool: Executor,
    port: int,
    server: subprocess.Popen[bytes],
    data: dict[str, Any],
    now: datetime,
    clients: int,
    seconds: float,
) -> None:
    """``POST /bookings`` beside the threaded one-row baseline (measured before and after), at
    one client and at ``clients``: the booking target is a ratio at both. Also the server's CPU
    time per request (from ``/proc``), whose ratio does not depend on how busy the machine is."""
    print(f"\nPOST /bookings at 1 and {clients} clients, {seconds:.0f} s per run")
    if Settings().sqlite_durable_commits:
        print(
            "(each commit is on disk before its answer, the syncs shared by the writers of the "
            "moment; INSTAINSTRU_SERVER_SQLITE_DURABLE_COMMITS=false measures without)"
        )
    else:
        print("(commits do not wait for the disk: INSTAINSTRU_SERVER_SQLITE_DURABLE_COMMITS=false)")
    print(
        f"{'endpoint':40} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU ms/req':>10} errors"
    )
    orm_row = Row(ORM_ROW, Get("/bench/orm-row"), port)
    ratios = []
    for count, run_of in ((1, 3), (clients, 0)):
        booking = Row("POST booking", _bookings(data, now, run_of), port, frozenset({201}))
        results, cpu = [], []
        for row in (orm_row, booking, orm_row):
            before = cpu_seconds(server.pid)
            result = load(pool, row, data["admin_token"], clients=count, seconds=seconds)
            used = (
                (cpu_seconds(server.pid) - before)
                * result.elapsed
                / (result.elapsed + WARMUP_SECONDS)
            )
            results.append(result)
            cpu.append(used / max(1, len(result.latencies)))
            print(
                f"{result.name:40} {count:7} {result.rps:8.0f} {result.pct(0.5):8.2f} "
                f"{result.pct(0.99):8.2f} {cpu[-1] * 1000:10.2f} {result.errors}"
            )
        baseline = statistics.mean([results[0].rps, results[2].rps])
        cpu_baseline = statistics.mean([cpu[0], cpu[2]])
        ratios.append((count, results[1].rps / baseline, cpu_baseline / cpu[1]))
    for count, ratio, by_cpu in ratios:
        print(
            f"POST booking vs ORM one row at {count} client(s): {ratio:.2f} in req/s, "
            f"{by_cpu:.2f} in server CPU per request (target >= 0.5)"
        )


#: The uncached reads the floor target is about, in ``reads_only``.
UNCACHED_READS = (
    "GET slots (4 weeks), cache off",
    "GET slots, 200 bookings, cache off",
    "GET slots, 20,000 bookings, cache off",
    "GET admin bookings page, cache off",
)


def reads_only(
    pool: Executor,
    rows: list[Row],
    servers: list[subprocess.Popen[bytes]],
    ports: list[int],
    data: dict[str, Any],
    clients: int,
    seconds: float,
) -> None:
    """The uncached reads between two runs of the threaded one-row baseline: requests/s as a
    ratio to the baseline, and the serving process's CPU time per request, whose ratio depends
    far less on what else the machine runs (target: both >= 1.0)."""
    print(f"\nuncached reads vs the one-row baseline, {clients} clients, {seconds:.0f} s per run")
    print(
        f"{'endpoint':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs ORM row':>10} "
        f"{'CPU ms/req':>10} {'CPU vs row':>10} errors"
    )
    by_port = dict(zip(ports, servers, strict=True))
    chosen = [r for r in rows if r.name in (ORM_ROW, *UNCACHED_READS, ORM_ROW_AGAIN)]
    measured: list[tuple[Result, float]] = []
    for row in chosen:
        server = by_port[row.port]
        before = cpu_seconds(server.pid)
        result = load(pool, row, data["admin_token"], clients=clients, seconds=seconds)
        share = result.elapsed / (result.elapsed + WARMUP_SECONDS)
        used = (cpu_seconds(server.pid) - before) * share
        measured.append((result, used / max(1, len(result.latencies))))
    baselines = [(r, c) for r, c in measured if r.name in (ORM_ROW, ORM_ROW_AGAIN)]
    rps = statistics.mean(r.rps for r, _ in baselines)
    cpu = statistics.mean(c for _, c in baselines)
    for result, per_request in measured:
        print(
            f"{result.name:40} {result.rps:8.0f} {result.pct(0.5):8.2f} {result.pct(0.99):8.2f} "
            f"{result.rps / rps:10.2f} {per_request * 1000:10.3f} {cpu / per_request:10.2f} "
            f"{result.errors}"
        )
    print(
        f"(ratios against the mean of both one-row runs: {rps:.0f} req/s, {cpu * 1000:.3f} ms CPU)"
    )


#: The paced runs: the read endpoints as served, and the framework's floor for comparison.
PACED = (
    "baseline: FastAPI, no database",
    "GET availability (1 week)",
    "GET slots (4 weeks)",
    "GET admin bookings page",
)
PACED_RATE = 1000.0  # requests/s from all clients: the rate the slot target asks for


def _paced(pool: Executor, rows: list[Row], token: str, clients: int, seconds: float) -> None:
    """Latency at a steady load instead of at saturation.

    With every client sending its next request the moment an answer arrives, latency is just
    clients / throughput plus the wait for a turn on one event loop: it says how busy the server
    is, not how fast it answers. Here the same clients send 1,000 requests/s in all.
    """
    print(
        f"{clients} clients sending {PACED_RATE:.0f} requests/s in all (latency from when each "
        "request was due)"
    )
    print(f"{'endpoint':40} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} errors")
    for row in (r for r in rows if r.name in PACED):
        result = load(pool, row, token, clients=clients, seconds=seconds, rate=PACED_RATE)
        print(
            f"{row.name:40} {result.rps:8.0f} {result.pct(0.5):8.2f} {result.pct(0.99):8.2f} "
            f"{result.errors}"
        )


def _rows(port: int, port_cache_off: int, data: dict[str, Any], now: datetime) -> list[Row]:
    """The table, in order: baselines first, as the ratios need the threaded one-row read."""
    maria = data["demo"][0]
    week_from = now.date()
    week = (
        f"{API}/instructors/{maria}/availability?from={week_from}"
        f"&to={week_from + timedelta(days=6)}"
    )
    window = f"from={_iso(now)}&to={_iso(now + timedelta(days=28))}"

    def slots_of(instructor: dict[str, Any]) -> Get:
        return Get(
            f"{API}/instructors/{instructor['id']}/slots"
            f"?lesson_type_id={instructor['type']}&{window}"
        )

    bookings = _bookings(data, now, 0)
    light, heavy = slots_of(data["light"]), slots_of(data["heavy"])
    return [
        Row("baseline: bare ASGI", Get("/bench/bare/"), port),
        Row("baseline: FastAPI, no database", Get("/bench/no-database"), port),
        Row(ORM_ROW, Get("/bench/orm-row"), port),
        Row("baseline: ORM one row on the event loop", Get("/bench/orm-row-inline"), port),
        Row("GET availability (1 week)", Get(week), port),
        Row("GET slots (4 weeks)", light, port),
        Row("GET slots (4 weeks), cache off", light, port_cache_off),
        Row("POST booking", bookings, port, frozenset({201})),
        Row("GET admin bookings page", Get(f"{API}/admin/bookings?limit=100"), port),
        Row(
            "GET admin bookings page, cache off",
            Get(f"{API}/admin/bookings?limit=100"),
            port_cache_off,
        ),
        Row("GET slots, 200 bookings", light, port),
        Row("GET slots, 20,000 bookings", heavy, port),
        Row("GET slots, 200 bookings, cache off", light, port_cache_off),
        Row("GET slots, 20,000 bookings, cache off", heavy, port_cache_off),
        Row(ORM_ROW_AGAIN, Get("/bench/orm-row"), port),
    ]


def _bookings(data: dict[str, Any], now: datetime, run: int) -> Bookings:
    """Booking requests of run ``run`` (0 to 3): instructors and students of its own."""
    first = 2 + 4 * run
    return Bookings(
        bookers=tuple((i["id"], i["type"]) for i in data["instructors"][first : first + 4]),
        students=tuple(data["students"][64 * run : 64 * (run + 1)]),
        day0=now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1),
    )


def processes(
    pool: Executor,
    url: str,
    data: dict[str, Any],
    now: datetime,
    clients: int,
    seconds: float,
    workers: int,
) -> None:
    """The product's own server (``instainstru-server``, answers not kept) with one process
    and with ``workers``, one after the other, each endpoint's req/s beside the one process's."""
    window = f"from={_iso(now)}&to={_iso(now + timedelta(days=28))}"
    light = data["light"]
    slots = Get(f"{API}/instructors/{light['id']}/slots?lesson_type_id={light['type']}&{window}")
    admin = Get(f"{API}/admin/bookings?limit=100")
    results: list[dict[str, Result]] = []
    for run, count in enumerate((1, workers), start=1):
        server, port = _start_cli(url, count)
        try:
            rows = [
                Row("GET meta (framework + middleware)", Get(f"{API}/meta"), port),
                Row("GET slots (4 weeks), cache off", slots, port),
                Row("GET admin bookings page, cache off", admin, port),
                Row("POST booking", _bookings(data, now, run), port, frozenset({201})),
            ]
            token = data["admin_token"]
            results.append(
                {r.name: load(pool, r, token, clients=clients, seconds=seconds) for r in rows}
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    one, many = results
    print(
        f"\ninstainstru-server, 1 vs {workers} worker processes ({clients} clients, answers not "
        "kept; the load process shares the same cores)"
    )
    print(
        f"{'endpoint':40} {'1 proc':>8} {f'{workers} procs':>8} {'ratio':>6} {'p99 ms':>8} errors"
    )
    for name, single in one.items():
        several = many[name]
        print(
            f"{name:40} {single.rps:8.0f} {several.rps:8.0f} {several.rps / single.rps:6.2f} "
            f"{several.pct(0.99):8.2f} {single.errors + several.errors}"
        )


def _start_cli(url: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """``instainstru-server --workers N`` on a free port, keeping no answers; and its port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:  # a port free just now
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "instainstru_desktop.server.cli", "--port", str(port)]
    command += ["--database-url", url, "--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(
        command, env={**os.environ, "PYTHONWARNINGS": "ignore", **CACHE_OFF_ENV}
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # every worker up: a few rounds of answers
        if server.poll() is not None:
            raise SystemExit("instainstru-server exited")
        try:
            for _ in range(4 * workers):
                httpx.get(f"http://127.0.0.1:{port}{API}/meta", timeout=5).raise_for_status()
            return server, port
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("instainstru-server did not answer")


def _print_pair(light: Result, heavy: Result, suffix: str) -> None:
    print(
        f"slots with 20,000 vs 200 bookings{suffix}: time per request "
        f"{light.rps / heavy.rps:.2f}x, p50 {heavy.pct(0.5) / light.pct(0.5):.2f}x "
        "(target <= 1.5)"
    )


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
