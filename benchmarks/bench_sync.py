"""Sync speed: first syncs of an instructor's year and of an admin over 100k bookings, a week read
from the cache, and the apply rate against raw ``sqlite3.executemany`` of the same rows.

Targets: instructor year < 1 s end to end; admin 100k < 2 s; apply >= 0.5 of raw; week < 1 ms.
The raw baseline is measured in the same run on the same disk, so the ratio holds on a noisy
machine even when the absolute figures do not. The admin's first sync is also set beside its
floor from the same run: the same pages fetched and parsed without applying them (the server
and the transfer), plus a raw ``executemany`` of the same bookings.

The admin's first sync is timed twice: against the server in this process, and against the
server in a process of its own, as the app runs it (``ui.embedded``), with its own floor. Each is
run ``--repeats`` times into a new cache (median and best printed, with the CPU time the client
process and, for the child, the server process spent), beside the same pages pulled the old way
in the same run: fetched, parsed and applied one after another (the ``split`` line's total).

The split asks for the pages as the app does, with the bookings as a table (``shape=table``);
the child's split is also run with the pages as objects, as older clients get them, and the two
are printed stage by stage with the bytes each sent.

A first sync writes its pages without the bookings' indexes and builds those readers need once
with the last page, inside the sync (``store/pull.py``); the indexes only the admin table's
other sorts read, and the daily backup, follow in the step after the sync
(``SyncEngine.after_sync``), which the app runs once the report is out. "First sync" is timed
from the sign-in to ``sync_once`` returning, as before; the step after it is timed apart and
printed beside it (``after``), with their sum: when everything is in place. The ``split`` line
says how long each group of index builds takes.

Run: .venv/bin/python benchmarks/bench_sync.py [--bookings 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import orjson

from instainstru_desktop.domain import week_start
from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.server.seed.demo import (
    DEMO_ADMIN,
    DEMO_INSTRUCTOR,
    add_past_lessons,
)
from instainstru_desktop.services import AvailabilityService
from instainstru_desktop.store import Store, open_store
from instainstru_desktop.store.mirror import BY_NAME
from instainstru_desktop.sync.api import API_PREFIX, ApiClient
from instainstru_desktop.sync.collector import collector_paused
from instainstru_desktop.sync.engine import SyncEngine
from instainstru_desktop.sync.pages import readable_page

YEAR_OF_LESSONS = 2_000


class Served(Protocol):
    """A running server: in this process (``EmbeddedServer``) or in its own, as the app runs
    it (``ui.embedded.ChildServer``)."""

    @property
    def base_url(self) -> str | None: ...

    @property
    def access_headers(self) -> dict[str, str]: ...


def seed(server: EmbeddedServer, total: int) -> tuple[str, int]:
    """Give the demo instructor a year of lessons, and spread the rest over everyone."""
    assert server.app is not None
    uow = server.app.state.context.uow
    with uow.read() as tx:
        instructors = [i.id for i, _ in tx.instructors.all_with_users()]
    existing = len(server_bookings(server))
    maria = _instructor_of(server, DEMO_INSTRUCTOR.email)
    today = date.today()
    add_past_lessons(uow, maria, YEAR_OF_LESSONS, week_start(today) - timedelta(weeks=6))
    rest = max(0, total - YEAR_OF_LESSONS - existing)
    others = [i for i in instructors if i != maria]
    for index, instructor_id in enumerate(others):
        share = rest // len(others) + (1 if index < rest % len(others) else 0)
        add_past_lessons(uow, instructor_id, share, today - timedelta(days=60), per_day=12)
    return maria, existing


def server_bookings(server: EmbeddedServer) -> list[Any]:
    db = str(server.settings.database_url).removeprefix("sqlite:///")
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id FROM bookings").fetchall()
    finally:
        conn.close()


def _instructor_of(server: EmbeddedServer, email: str) -> str:
    with ApiClient(str(server.base_url), headers=server.access_headers) as api:
        return str(api.sign_in(email, DEMO_INSTRUCTOR.password).user["instructor_id"])


def first_sync(server: Served, email: str, password: str, path: Path) -> tuple[float, Store, int]:
    """End to end, as the app does it: sign in, open a new cache, one sync_once."""
    elapsed, _after, store, rows = first_sync_and_after(server, email, password, path)
    return elapsed, store, rows


def first_sync_and_after(
    server: Served, email: str, password: str, path: Path
) -> tuple[float, float, Store, int]:
    """The first sync as :func:`first_sync` times it, then the step after it, timed apart
    (the sort indexes and the daily backup: the app runs it once the report is out)."""
    started = time.perf_counter()
    api = ApiClient(str(server.base_url), headers=server.access_headers)
    api.sign_in(email, password)
    store = open_store(path)
    engine = SyncEngine(store, api)
    report = engine.sync_once()
    elapsed = time.perf_counter() - started
    assert report.error is None, report.error
    started = time.perf_counter()
    done = engine.after_sync()
    after = time.perf_counter() - started
    assert done.backup is not None, "a first sync's step writes the daily backup"
    api.close()
    return elapsed, after, store, report.rows


class Runs:
    """Repeated first syncs: wall time, the client's CPU time and (when known) the server's."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.after: list[float] = []  # the step after each sync
        self.client_cpu: list[float] = []
        self.server_cpu: list[float] = []

    def add(self, wall: float, after: float, client_cpu: float, server_cpu: float | None) -> None:
        self.wall.append(wall)
        self.after.append(after)
        self.client_cpu.append(client_cpu)
        if server_cpu is not None:
            self.server_cpu.append(server_cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    def describe(self) -> str:
        cpu = f"client CPU {statistics.median(self.client_cpu):.2f} s"
        if self.server_cpu:
            cpu += f", server CPU {statistics.median(self.server_cpu):.2f} s"
        each = ", ".join(f"{w:.2f}" for w in self.wall)
        return f"median of {len(self.wall)} (best {min(self.wall):.3f} s; each {each}; {cpu})"

    def describe_after(self) -> str:
        """The step after the sync beside the sync: when everything is in place."""
        after = statistics.median(self.after)
        whole = statistics.median(w + a for w, a in zip(self.wall, self.after, strict=True))
        each = ", ".join(f"{a:.2f}" for a in self.after)
        return (
            f"after the report, the step after the sync (sort indexes + daily backup): median "
            f"{after:.3f} s (each {each}); everything in place at {whole:.3f} s"
        )


def own_cpu() -> float:
    """CPU seconds (user + system) this process has spent, every thread included."""
    times = os.times()
    return times.user + times.system


def process_cpu(pid: int | None) -> float | None:
    """CPU seconds (user + system) another process has spent so far (Linux; else ``None``)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def admin_first_syncs(
    server: Served, folder: Path, name: str, repeats: int, server_pid: int | None = None
) -> tuple[Runs, Store, int]:
    """The admin's first sync ``repeats`` times, each into a new cache; the last cache is kept."""
    runs = Runs()
    store: Store | None = None
    rows = 0
    for run in range(repeats):
        if store is not None:
            store.close()
        client_before, server_before = own_cpu(), process_cpu(server_pid)
        elapsed, after, store, rows = first_sync_and_after(
            server, DEMO_ADMIN.email, DEMO_ADMIN.password, folder / f"{name}-{run}.sqlite3"
        )
        client_after, server_after = own_cpu(), process_cpu(server_pid)
        server_spent = (
            None if server_before is None or server_after is None else server_after - server_before
        )
        runs.add(elapsed, after, client_after - client_before, server_spent)
    assert store is not None
    return runs, store, rows


def split_sync(server: Served, token: str, path: Path, shape: str = "table") -> dict[str, float]:
    """The same first sync, timed per stage: server (to the first byte), transfer, parse, apply.

    Calls the same code as the engine: the page is parsed and turned into the cache's column
    order as the fetch thread does it (``ApiClient.pull``, ``sync.pages.readable_page``, with
    the cycle collector held off), which is the ``parse`` stage; then ``uow.pull.apply`` per
    page, one transaction each. The pages are asked for in ``shape``: ``table`` (bookings as
    column names and rows), as the app asks for them; ``objects``, as older clients get them.
    """
    store = open_store(path)
    times = {"server": 0.0, "transfer": 0.0, "parse": 0.0, "apply": 0.0, "bytes": 0.0}
    rows = 0
    cursor = "0"
    headers = {"Authorization": f"Bearer {token}", **server.access_headers}
    base_url = f"{server.base_url}{API_PREFIX}"
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as http:
        while True:
            t0 = time.perf_counter()
            params = {"cursor": cursor, "shape": shape}
            with http.stream("GET", "/sync/pull", params=params) as response:
                t1 = time.perf_counter()
                body = response.read()
            t2 = time.perf_counter()
            with collector_paused():
                page: dict[str, Any] = readable_page(orjson.loads(body))
            t3 = time.perf_counter()
            with store.uow() as uow:
                summary = uow.pull.apply(page, now=uow.now_text())
                uow.commit()
            t4 = time.perf_counter()
            times["server"] += t1 - t0
            times["transfer"] += t2 - t1
            times["parse"] += t3 - t2
            times["apply"] += t4 - t3
            times["bytes"] += len(body)
            rows += summary.rows
            cursor = page["cursor"]
            if not page["has_more"]:
                break
    store.close()
    times["rows"] = rows
    times["indexes"], times["sort_indexes"] = index_build(path)
    return times


def index_build(path: Path) -> tuple[float, float]:
    """Seconds to build the bookings' indexes over the cache at ``path`` once: those readers
    need, as the last page of a first sync does (that page's apply includes it), and the
    sort-only ones, as the step after the sync does (one transaction each)."""
    store = open_store(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        names = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bookings'"
            " AND sql IS NOT NULL"
        ).fetchall()
        for (name,) in names:
            conn.execute(f"DROP INDEX {name}")
    finally:
        conn.close()
    started = time.perf_counter()
    built = store.restore_indexes(sort_indexes=False)
    needed = time.perf_counter() - started
    started = time.perf_counter()
    later = store.after_sync().indexes  # no backup: the opening above wrote today's
    sort_only = time.perf_counter() - started
    store.close()
    assert built + len(later) == len(names), (built, later, len(names))
    return needed, sort_only


def raw_ceiling(source: Store, folder: Path) -> tuple[float, int]:
    """``sqlite3.executemany`` of the cached bookings into an empty table of the same schema,
    same pragmas, one transaction: the fastest these rows can go in."""
    with source.read() as uow:
        rows = uow.mirror.rows("booking")
    table = BY_NAME["booking"].table
    columns = [c.name for c in table.columns]
    tuples = [tuple(r[c] for c in columns) for r in rows]
    empty = open_store(folder / "raw.sqlite3")
    empty.close()
    conn = sqlite3.connect(folder / "raw.sqlite3", isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "cache_size=-65536"):
        conn.execute(f"PRAGMA {pragma}")
    sql = f"INSERT INTO bookings ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(sql, tuples)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, len(tuples)


def apply_only(store_rows: list[dict[str, Any]], folder: Path) -> tuple[float, int]:
    """The apply path alone for the same bookings: wire dicts in, one page, one transaction."""
    store = open_store(folder / "apply.sqlite3")
    page = {"cursor": "1.x", "has_more": False, "bookings": store_rows}
    started = time.perf_counter()
    with store.uow() as uow:
        uow.pull.apply(page, now=uow.now_text())
        uow.commit()
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed, len(store_rows)


def wire_bookings(store: Store) -> list[dict[str, Any]]:
    """The cached bookings back in the wire's shape (what a pull page carries)."""
    with store.read() as uow:
        rows = uow.mirror.rows("booking")
    renamed = {"start_utc": "start", "end_utc": "end"}
    return [{renamed.get(k, k): v for k, v in row.items()} for row in rows]


def week_reads(store: Store, instructor_id: str, repeats: int = 2000) -> list[float]:
    service = AvailabilityService(store)
    monday = week_start(date.today())
    service.week(instructor_id, monday)  # warm the statement cache
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        service.week(instructor_id, monday)
        samples.append(time.perf_counter() - started)
    return samples


def admin_in_child(
    folder: Path, repeats: int
) -> tuple[Runs, dict[str, float], dict[str, float], int]:
    """The admin's first syncs and the split against the server started as the app starts it,
    and the split of the same pages asked for as objects (older clients), for comparison."""
    from ui.embedded import ChildServer, start_embedded_server

    _url, child = start_embedded_server(folder / "server.sqlite3")
    assert isinstance(child, ChildServer)
    try:
        runs, store, _rows = admin_first_syncs(child, folder, "admin-child", repeats, child.pid)
        with store.read() as uow:
            bookings = uow.mirror.count("booking")
        store.close()
        with ApiClient(child.base_url, headers=child.access_headers) as api:
            token = api.sign_in(DEMO_ADMIN.email, DEMO_ADMIN.password).token
        stages = split_sync(child, token, folder / "admin-child-split.sqlite3")
        objects = split_sync(child, token, folder / "admin-child-objects.sqlite3", "objects")
    finally:
        child.stop()
    return runs, stages, objects, bookings


def split_line(stages: dict[str, float], first_sync_s: float) -> str:
    """The stages of the old way (one after another) and their sum beside the first sync."""
    names = ("server", "transfer", "parse", "apply")
    total = sum(stages[name] for name in names)
    return (
        "  split, the same pages one stage after another: "
        + ", ".join(f"{name} {stages[name]:.3f} s" for name in names)
        + f" = {total:.3f} s ({int(stages['rows']):,} rows) -> first sync / this = "
        + f"{first_sync_s / total:.2f}\n"
        + "    the apply includes building the bookings' indexes readers need once, with the "
        + f"last page: {stages['indexes']:.3f} s; the sort-only ones, in the step after the "
        + f"sync: {stages['sort_indexes']:.3f} s (both measured again on the same cache)"
    )


def shapes_line(table: dict[str, float], objects: dict[str, float]) -> str:
    """The split of the pages asked for as a table (as the app does) beside the same pages as
    objects, stage by stage, with the bytes sent."""
    names = ("server", "transfer", "parse", "apply")
    return (
        "  bookings as a table vs as objects (older clients), same pages: "
        + ", ".join(f"{name} {table[name]:.3f} vs {objects[name]:.3f} s" for name in names)
        + f"; {table['bytes'] / 1e6:.1f} vs {objects['bytes'] / 1e6:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3, help="first syncs of the admin timed")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    print(f"seeding a server with about {args.bookings:,} bookings in {folder} ...", flush=True)
    server = EmbeddedServer(f"sqlite:///{folder / 'server.sqlite3'}", seed_demo=True)
    base_url = server.start()
    try:
        maria, _ = seed(server, args.bookings)
        year_s, year_store, year_rows = first_sync(
            server, DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password, folder / "maria.sqlite3"
        )
        with year_store.read() as uow:
            year_bookings = uow.mirror.count("booking")
        admin_runs, admin_store, admin_rows = admin_first_syncs(
            server, folder, "admin", args.repeats
        )
        admin_s = admin_runs.median
        with admin_store.read() as uow:
            admin_bookings = uow.mirror.count("booking")
        with ApiClient(base_url, headers=server.access_headers) as api:
            token = api.sign_in(DEMO_ADMIN.email, DEMO_ADMIN.password).token
        stages = split_sync(server, token, folder / "admin-split.sqlite3")
        raw_s, raw_n = raw_ceiling(admin_store, folder)
        apply_s, apply_n = apply_only(wire_bookings(admin_store), folder)
        reads = week_reads(year_store, maria)
    finally:
        server.stop()
    # the app's way: the same database served by the server's own process
    child_runs, child_stages, child_objects, child_bookings = admin_in_child(folder, args.repeats)
    child_s = child_runs.median

    raw_rate, apply_rate = raw_n / raw_s, apply_n / apply_s
    median_ms = statistics.median(reads) * 1000
    p95_ms = statistics.quantiles(reads, n=20)[-1] * 1000
    print()
    print(
        f"instructor first sync: {year_bookings:,} bookings ({year_rows:,} rows) "
        f"in {year_s:.3f} s end to end (target < 1 s)"
    )
    print(
        f"admin first sync:      {admin_bookings:,} bookings ({admin_rows:,} rows) "
        f"in {admin_s:.3f} s end to end (target < 2 s -> {admin_s / 2:.2f} of target)"
    )
    print(f"  {admin_runs.describe()}")
    print(f"  {admin_runs.describe_after()}")
    fetched = stages["server"] + stages["transfer"] + stages["parse"]
    floor = fetched + raw_s
    print(
        f"  baseline, same run: pages fetched and parsed {fetched:.3f} s + raw executemany of "
        f"the bookings {raw_s:.3f} s = {floor:.3f} s -> first sync / floor = {admin_s / floor:.2f}"
    )
    print(split_line(stages, admin_s))
    child_fetched = child_stages["server"] + child_stages["transfer"] + child_stages["parse"]
    child_floor = child_fetched + raw_s
    print(
        f"admin first sync, the server in its own process (as the app runs it): "
        f"{child_bookings:,} bookings in {child_s:.3f} s (target < 2 s -> {child_s / 2:.2f} of "
        f"target); floor {child_fetched:.3f} + {raw_s:.3f} = {child_floor:.3f} s -> "
        f"{child_s / child_floor:.2f}; in this process above: {admin_s:.3f} s"
    )
    print(f"  {child_runs.describe()}")
    print(f"  {child_runs.describe_after()}")
    print(split_line(child_stages, child_s))
    print(shapes_line(child_stages, child_objects))
    print(f"week read from cache:  median {median_ms:.3f} ms, p95 {p95_ms:.3f} ms (target < 1 ms)")
    print(f"raw executemany:       {raw_rate:,.0f} bookings/s (ceiling)")
    print(
        f"apply (convert+upsert): {apply_rate:,.0f} bookings/s = "
        f"{apply_rate / raw_rate:.2f} of raw (target >= 0.5)"
    )
    year_store.close()
    admin_store.close()
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
