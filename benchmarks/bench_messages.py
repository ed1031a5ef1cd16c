"""How fast a message reaches the people listening, across server processes, and how many
messages one process takes with 100 listeners connected.

Usage:  scripts/test-postgres --run .venv/bin/python benchmarks/bench_messages.py [--rounds 200]
        (or INSTAINSTRU_TEST_POSTGRES=<admin URL> .venv/bin/python benchmarks/bench_messages.py)

Two ``instainstru-server`` processes, A and B, run on one fresh PostgreSQL database, as the CLI
runs them. A fourth process holds 100 event streams open on B (an instructor's apps: each hears
a poke when a message arrives in one of their lessons) and notes when each poke arrives.

Fan-out latency: a student posts a message; the time from just before the ``POST`` is sent
until each of the 100 listeners has the poke, one message at a time (the next one is posted once
all 100 have heard the last), so every poke is measured alone. Posted through A, the poke crosses
processes by ``LISTEN/NOTIFY``; posted through B -- the baseline, in the same run -- it goes
through B's own hub. Both include the ``POST`` itself (the commit is what the listeners wait for).
The clocks agree: every process reads the same monotonic system clock.

Throughput: students post through B from 8 threads for a few seconds, with the 100 listeners
connected and again with none (the baseline); the ratio is what the listeners cost.
Target (issue): p99 under 50 ms across processes on loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from tests.server.helpers import Person, Studio, build_studio, new_id

API = "/api/v1"
LISTENERS = 100
POSTERS = 8
_RUNNING = re.compile(r"Uvicorn running on (http://\S+)")
#: No pace limit for the benchmark's students; keep-alive lines rare (they are not measured).
SERVER_ENV = {
    "INSTAINSTRU_SERVER_MESSAGES_PER_WINDOW": "100000000",
    "INSTAINSTRU_SERVER_EVENTS_KEEPALIVE_SECONDS": "25",
}


# -- the database and the servers ----------------------------------------------------------------
@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def studio_with_lessons(url: str, lessons: int) -> tuple[Studio, list[tuple[Person, str]]]:
    """The test studio, and ``lessons`` lessons of its first instructor (student, lesson id)."""
    app = create_app(Settings(database_url=url))
    uow = app.state.context.uow
    now = datetime.now(UTC)
    studio = build_studio(uow, students=POSTERS, now=now)
    teacher = studio.instructors[0]
    from instainstru_desktop.server.core.models import Booking

    found = []
    with uow.write() as tx:
        for i in range(lessons):
            student = studio.students[i % POSTERS]
            start = now.replace(minute=0, second=0, microsecond=0) + timedelta(days=2, hours=i)
            booking_id = new_id()
            tx.bookings.insert(
                Booking(
                    id=booking_id,
                    instructor_id=teacher.instructor_id,
                    student_id=student.user_id,
                    lesson_type_id=teacher.lesson_type_id,
                    start_utc=start,
                    end_utc=start + timedelta(minutes=60),
                    status="confirmed",
                    note="",
                    flagged=False,
                    review_note="",
                    price_cents=4000,
                    currency="EUR",
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            found.append((student, booking_id))
        tx.commit()
    uow.database.dispose()
    return studio, found


@contextmanager
def server(url: str, log: Path) -> Iterator[str]:
    """An ``instainstru-server`` process; yields its base URL."""
    with log.open("w+") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "instainstru_desktop.server.cli", "--port", "0",
             "--database-url", url],
            stdout=subprocess.DEVNULL, stderr=out, env={**os.environ, **SERVER_ENV},
        )
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                found = _RUNNING.search(log.read_text())
                if found:
                    yield found.group(1)
                    return
                if process.poll() is not None:
                    raise SystemExit(f"the server did not start:\n{log.read_text()}")
                time.sleep(0.1)
            raise SystemExit("the server did not start within 120 s")
        finally:
            process.terminate()
            process.wait(timeout=30)


# -- the listeners (a process of their own) ------------------------------------------------------
async def _listen(base_url: str, token: str, arrivals: list[int], ready: asyncio.Event,
                  heard: asyncio.Event) -> None:
    host, port = base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"GET {API}/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    while line := await reader.readline():
        if line.startswith(b": connected"):
            ready.set()
        elif line.startswith(b"event: poke"):
            arrivals.append(time.monotonic_ns())
            heard.set()


def listeners_main(base_url: str, token: str, pipe: Connection) -> None:
    """Opens the streams, says "ready", then for each "round N" says "done" once every stream
    has heard N pokes; "stop" answers every arrival time."""

    async def run() -> None:
        arrivals: list[list[int]] = [[] for _ in range(LISTENERS)]
        ready = [asyncio.Event() for _ in range(LISTENERS)]
        heard = asyncio.Event()
        tasks = [
            asyncio.create_task(_listen(base_url, token, arrivals[i], ready[i], heard))
            for i in range(LISTENERS)
        ]
        await asyncio.gather(*(r.wait() for r in ready))
        loop = asyncio.get_running_loop()
        pipe.send("ready")
        while True:
            order = await loop.run_in_executor(None, pipe.recv)
            if order == "stop":
                break
            wanted = int(order.split()[1])
            while min(len(a) for a in arrivals) < wanted:
                heard.clear()
                try:
                    await asyncio.wait_for(heard.wait(), 10)
                except TimeoutError:
                    break
            pipe.send("done")
        for task in tasks:
            task.cancel()
        pipe.send(arrivals)

    asyncio.run(run())


@contextmanager
def listening(base_url: str, token: str) -> Iterator[Connection]:
    mine, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=listeners_main, args=(base_url, token, theirs), daemon=True
    )
    process.start()
    if not mine.poll(60) or mine.recv() != "ready":
        raise SystemExit("the listeners did not connect")
    try:
        yield mine
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()


# -- the measurements ----------------------------------------------------------------------------
def fan_out(post_to: str, listen_on: str, studio: Studio, lessons: list[tuple[Person, str]],
            rounds: int) -> list[float]:
    """Milliseconds from posting to each listener hearing, for every message and listener."""
    teacher = studio.instructors[0]
    sent: list[int] = []
    with listening(listen_on, teacher.token) as pipe, httpx.Client(base_url=post_to) as client:
        for i in range(rounds):
            student, lesson = lessons[i % len(lessons)]
            started = time.monotonic_ns()
            answer = client.post(
                f"{API}/bookings/{lesson}/messages",
                json={"id": str(uuid.uuid4()), "body": f"message {i}"},
                headers=student.headers,
            )
            assert answer.status_code == 201, answer.text
            sent.append(started)
            pipe.send(f"round {i + 1}")
            assert pipe.recv() == "done"
        pipe.send("stop")
        arrivals: list[list[int]] = pipe.recv()
    missing = sum(max(0, rounds - len(a)) for a in arrivals)
    extra = sum(max(0, len(a) - rounds) for a in arrivals)
    if missing or extra:
        print(f"  note: {missing} pokes missing, {extra} extra (latencies use the first ones)")
    return [
        (a[i] - sent[i]) / 1e6 for a in arrivals for i in range(min(rounds, len(a)))
    ]


def throughput(base_url: str, lessons: list[tuple[Person, str]], seconds: float) -> float:
    """Messages per second ``POSTERS`` threads get posted through one process."""
    stop = time.monotonic() + seconds
    counts = [0] * POSTERS

    def post(k: int) -> None:
        mine = [pair for i, pair in enumerate(lessons) if i % POSTERS == k]
        with httpx.Client(base_url=base_url) as client:
            n = 0
            while time.monotonic() < stop:
                student, lesson = mine[n % len(mine)]
                answer = client.post(
                    f"{API}/bookings/{lesson}/messages",
                    json={"id": str(uuid.uuid4()), "body": f"load {n}"},
                    headers=student.headers,
                )
                assert answer.status_code == 201, answer.text
                n += 1
            counts[k] = n

    started = time.monotonic()
    threads = [threading.Thread(target=post, args=(k,)) for k in range(POSTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49], cuts[98], max(latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="messages per latency figure")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of a throughput run")
    parser.add_argument("--admin-url", default=os.environ.get("INSTAINSTRU_TEST_POSTGRES"))
    args = parser.parse_args()
    if not args.admin_url:
        raise SystemExit(
            "needs PostgreSQL: run it as  scripts/test-postgres --run .venv/bin/python "
            "benchmarks/bench_messages.py  (or set INSTAINSTRU_TEST_POSTGRES to an admin URL)"
        )
    logs = Path(tempfile.mkdtemp(prefix="bench-messages-"))
    with fresh_database(args.admin_url) as url:
        studio, lessons = studio_with_lessons(url, lessons=4 * POSTERS)
        with server(url, logs / "a.log") as a, server(url, logs / "b.log") as b:
            print(f"{LISTENERS} listeners on process B, {args.rounds} messages each, one at a time")
            figures = {}
            for label, post_to in (("posted on B (same process)", b),
                                   ("posted on A (LISTEN/NOTIFY)", a)):
                fan_out(post_to, b, studio, lessons, 10)  # warm-up
                figures[label] = percentiles(fan_out(post_to, b, studio, lessons, args.rounds))
            print(f"  {'fan-out latency, ms':32} {'p50':>7} {'p99':>7} {'max':>7}")
            for label, (p50, p99, most) in figures.items():
                print(f"  {label:32} {p50:7.2f} {p99:7.2f} {most:7.2f}")
            same, across = figures["posted on B (same process)"], figures[
                "posted on A (LISTEN/NOTIFY)"]
            print(f"  across / same process: p50 x{across[0] / same[0]:.2f}, "
                  f"p99 x{across[1] / same[1]:.2f}; target p99 < 50 ms across: "
                  f"{'met' if across[1] < 50 else 'NOT met'}")

            alone = throughput(b, lessons, args.seconds)
            with listening(b, studio.instructors[0].token) as pipe:
                crowded = throughput(b, lessons, args.seconds)
                pipe.send("stop")
                pipe.recv()
            print(f"messages/s through one process, {POSTERS} posting threads:")
            print(f"  no listeners (baseline)          {alone:7.0f}")
            print(f"  {LISTENERS} listeners connected         {crowded:7.0f}"
                  f"   (x{crowded / alone:.2f} of the baseline)")


if __name__ == "__main__":
    main()
