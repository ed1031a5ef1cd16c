"""The admin's bookings table on 100,000 bookings: filters, sorts, scrolling, memory.

Each figure is printed beside a baseline measured in the same run:

(a) filter change -> first rows on screen (read on the database executor, put in the model,
    until the view has painted them) and -> the total count; beside the raw ``sqlite3``
    queries of the same filter (``SELECT ... WHERE <filter> ORDER BY start LIMIT 200`` and
    ``SELECT count(*)``).
(b) sort by each column -> first rows on screen, -> count; beside raw ``sqlite3``
    ``ORDER BY <column> LIMIT 200`` and the whole ordered list of rowids.
(c) scrolling top to bottom: the scroll bar dragged from the first row to the last in 1,000
    steps (every step needs a page not read yet: the worst case), and PageDown through 20,000
    rows; per frame a scroll and a synchronous repaint on the UI thread, the pages read on the
    database executor meanwhile. Frames per second, data() calls per second, frames that showed
    a row not read yet (a placeholder).
(d) resident memory (VmRSS, VmHWM) of the process after all of the above; baseline: a process
    showing an empty QTableView.
(e) where the time goes: the service calls of (a) and (b) timed directly on one thread (the
    SQL plus the read models), formatting a page's cells, resetting the model, one repaint
    (beside the same texts painted from Qt's own C++ model).

Times are given on the wall clock and in CPU time (the process's, all threads; in (e) the
calling thread's): on a machine busy with other work the wall clock mostly measures the wait
for a core, and the verdicts are given on CPU time.

Targets: first rows < 50 ms, count < 100 ms, sort < 300 ms, 60 frames per second, RSS < 250 MB.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_admin.py [--bookings 100000]
     [--cache PATH] (a cache built by an earlier run is reused when PATH exists)
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGETS = {"first": 50.0, "count": 100.0, "sort": 300.0, "fps": 60.0, "rss": 250.0}


def rss_mb() -> tuple[float, float]:
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.split()[0] if value.split() else "0"
    return int(fields["VmRSS"]) / 1024, int(fields["VmHWM"]) / 1024


def median_ms(
    fn: Callable[[], object], runs: int = 5, clock: Callable[[], float] = time.perf_counter
) -> float:
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def cpu_ms(fn: Callable[[], object], runs: int = 5) -> float:
    """The median CPU time of ``fn`` on this thread (SQLite runs on the calling thread)."""
    return median_ms(fn, runs, time.thread_time)


# -- the measured process --------------------------------------------------------------------


def child(cache: Path) -> dict[str, Any]:
    from types import SimpleNamespace

    from PySide6.QtCore import QEvent, QEventLoop, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from instainstru_desktop.services.review import ReviewService, stored_filter
    from instainstru_desktop.services.review_views import PAGE_ROWS, ReviewQuery, SortKey
    from instainstru_desktop.store import open_store
    from instainstru_desktop.store.repositories.review import where_clause
    from ui.admin.actions import AdminActions
    from ui.admin.bookings_page import BookingsPage, loaded
    from ui.ops import Ops

    app = QApplication([sys.argv[0]])
    store = open_store(cache)
    review = ReviewService(store)
    ops = Ops()
    # what the page needs of a session: the services and the executors (no server here)
    session = SimpleNamespace(is_ready=True, ops=ops, services=SimpleNamespace(review=review))
    holder = QWidget()
    folder = Path(tempfile.mkdtemp(prefix="bench-admin-"))
    page = BookingsPage(session, AdminActions(session, holder), folder)  # type: ignore[arg-type]
    page.resize(1400, 900)
    page.show()
    model, view = page.model, page.table
    raw = sqlite3.connect(cache)
    raw.execute("PRAGMA cache_size=-16384")

    tick = QTimer()  # wakes the waits below at least every 5 ms
    tick.start(5)

    def settle(condition: Callable[[], bool], limit: float = 60.0) -> None:
        """Run the event loop until ``condition``, sleeping while nothing happens (so that the
        process's CPU time counts work, not waiting)."""
        deadline = time.perf_counter() + limit
        while not condition():
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
            if time.perf_counter() > deadline:
                raise SystemExit("timed out")

    painted = [0]  # the generation whose first rows the view last painted

    class PaintWatch(QObject):
        """Notes each paint of the table that shows a query's first rows read."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and (
                model.row_at(0) is not None or model.rowCount() == 0
            ):
                painted[0] = model.shown_generation
            return False

    watch = PaintWatch()
    view.viewport().installEventFilter(watch)

    def first_shown() -> bool:
        """The view has painted the first rows of the query (its own paint, not one forced)."""
        return painted[0] == generation[0]

    generation = [0]

    def measure(change: Callable[[], None]) -> tuple[float, float, float, float]:
        """Milliseconds to the first rows painted and to the count: on the wall clock, and in
        CPU time of the process (all its threads; what a machine busy with others hides)."""
        settle(lambda: not ops.busy())
        start, cpu = time.perf_counter(), time.process_time()
        change()
        generation[0] = model.generation
        settle(first_shown)
        first = (time.perf_counter() - start) * 1000
        first_cpu = (time.process_time() - cpu) * 1000
        settle(lambda: model.counted)
        count = (time.perf_counter() - start) * 1000
        count_cpu = (time.process_time() - cpu) * 1000
        return first, count, first_cpu, count_cpu

    page.start("Europe/London")
    settle(lambda: model.counted and not ops.busy())
    instructor = review.options().instructors[2][0]
    queries = {
        "status = confirmed": ReviewQuery(statuses=("confirmed",)),
        "one instructor": ReviewQuery(instructor_id=instructor),
        "flagged": ReviewQuery(flagged=True),
        "text 'scales'": ReviewQuery(text="scales"),
        "type + 2 statuses": ReviewQuery(lesson_type="Piano", statuses=("completed", "no_show")),
        "no filter": ReviewQuery(),
    }
    cols = "rowid, id, instructor_id, student_name, lesson_type_name, start_utc, end_utc, status"
    filters = {}
    for name, query in queries.items():
        firsts, counts, cpus = [], [], []
        for _ in range(3):  # from another query each time: a filter *change*
            page.set_query(
                ReviewQuery(statuses=("cancelled",))
                if query.statuses != ("cancelled",)
                else ReviewQuery()
            )
            settle(lambda: model.counted and not ops.busy())
            first, count, first_cpu, count_cpu = measure(lambda q=query: page.set_query(q))
            firsts.append(first)
            counts.append(count)
            cpus.append((first_cpu, count_cpu))
        where, params = where_clause(stored_filter(query))
        raw_first = median_ms(
            lambda w=where, p=params: raw.execute(
                f"SELECT {cols} FROM bookings AS b{w} ORDER BY b.start_utc LIMIT 200", p
            ).fetchall()
        )
        raw_count = median_ms(
            lambda w=where, p=params: raw.execute(
                f"SELECT count(*) FROM bookings AS b{w}", p
            ).fetchall()
        )
        direct_first = cpu_ms(lambda q=query: loaded(review.first_rows(q)), 3)
        direct_order = cpu_ms(lambda q=query: review.order(q), 3)
        filters[name] = {
            "first": statistics.median(firsts),
            "count": statistics.median(counts),
            "first_cpu": statistics.median(c[0] for c in cpus),
            "count_cpu": statistics.median(c[1] for c in cpus),
            "matches": model.rowCount(),
            "raw_first": raw_first,
            "raw_count": raw_count,
            "service_first": direct_first,
            "service_order": direct_order,
        }

    page.set_query(ReviewQuery())
    settle(lambda: model.counted and not ops.busy())
    sorts = {}
    for key in SortKey:
        for descending in (False, True):
            page.set_sort(SortKey.START if key != SortKey.START else SortKey.PRICE, False)
            settle(lambda: model.counted and not ops.busy())
            first, count, first_cpu, count_cpu = measure(
                lambda k=key, d=descending: page.set_sort(k, d)
            )
            column = {
                "start": "start_utc",
                "instructor": "instructor_id",
                "student": "student_name",
                "lesson": "lesson_type_name",
                "length": "end_utc",
                "status": "status",
                "price": "price_cents",
                "review": "flagged",
            }[key.value]
            direction = " DESC" if descending else ""
            raw_first = median_ms(
                lambda c=column, d=direction: raw.execute(
                    f"SELECT {cols} FROM bookings ORDER BY {c}{d} LIMIT 200"
                ).fetchall(),
                3,
            )
            raw_order = median_ms(
                lambda c=column, d=direction: raw.execute(
                    f"SELECT rowid FROM bookings ORDER BY {c}{d}"
                ).fetchall(),
                3,
            )
            direct_order = cpu_ms(lambda k=key, d=descending: review.order(ReviewQuery(), k, d), 3)
            sorts[f"{key.value}{' desc' if descending else ''}"] = {
                "first": first,
                "count": count,
                "first_cpu": first_cpu,
                "count_cpu": count_cpu,
                "raw_first": raw_first,
                "raw_order": raw_order,
                "service_order": direct_order,
            }

    page.set_sort(SortKey.START, False)
    settle(lambda: model.counted and not ops.busy())
    scrolling = {
        "drag": scroll(app, page, steps=1_000, until=model.rowCount() - 1),
        "page down": scroll(app, page, steps=None, until=20_000),
    }
    order = review.order(ReviewQuery())
    page_rows = review.rows(order.rowids[50_000:50_200])
    rss, hwm = rss_mb()
    breakdown = {
        "service.first_rows (200 rows, start order)": cpu_ms(
            lambda: review.first_rows(ReviewQuery())
        ),
        "service.order (100k rowids, start order)": cpu_ms(lambda: review.order(ReviewQuery())),
        "raw sqlite3 SELECT rowid ORDER BY start (fetchall)": cpu_ms(
            lambda: raw.execute("SELECT rowid FROM bookings ORDER BY start_utc").fetchall()
        ),
        "service.rows (one page of 200 by rowid)": cpu_ms(
            lambda: review.rows(order.rowids[50_000:50_200])
        ),
        "cells of one page (200 rows, formatting)": cpu_ms(lambda: loaded(page_rows)),
        "model.show_first (reset, 200 rows)": cpu_ms(
            lambda: model.show_first(
                model.generation, loaded(review.first_rows(ReviewQuery())), False
            )
        ),
        "one repaint of the table (1400x900)": cpu_ms(view.viewport().repaint, 20),
        "  baseline: the same texts in a QStandardItemModel": standard_repaint(model, view),
    }
    rows = order.count
    ops.shutdown()
    store.close()
    return {
        "filters": filters,
        "sorts": sorts,
        "scrolling": scrolling,
        "breakdown": breakdown,
        "rss": rss,
        "hwm": hwm,
        "rows": rows,
        "page_rows": PAGE_ROWS,
        "load": os.getloadavg()[0],
    }


def standard_repaint(model: Any, view: Any) -> float:
    """A repaint of a table as large showing the same texts from Qt's own C++ model."""
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    shown = view.viewport().height() // view.rowHeight(0) + 1
    plain = QStandardItemModel(shown, model.columnCount())
    for row in range(shown):
        for column in range(model.columnCount()):
            plain.setItem(row, column, QStandardItem(str(model.index(row, column).data())))
    table = QTableView()
    table.setModel(plain)
    table.resize(view.size())
    table.show()
    QApplication.processEvents()
    return cpu_ms(table.viewport().repaint, 20)


def scroll(app: Any, page: Any, *, steps: int | None, until: int) -> dict[str, float]:
    """Scroll from the top (``steps`` even jumps of the scroll bar, or PageDown) to ``until``."""
    from ui.admin.table_model import PLACEHOLDER

    model, view = page.model, page.table
    bar = view.verticalScrollBar()
    bar.setValue(0)
    app.processEvents()
    visible = max(1, view.viewport().height() // view.rowHeight(0))
    targets = (
        [round(i * until / steps) for i in range(1, steps + 1)]
        if steps
        else list(range(visible, until, visible))
    )
    calls, frames, cpu_frames, waiting = model.data_calls, [], [], 0
    start, cpu = time.perf_counter(), time.process_time()
    for target in targets:
        frame, frame_cpu = time.perf_counter(), time.thread_time()
        bar.setValue(target)
        view.viewport().repaint()
        frames.append((time.perf_counter() - frame) * 1000)
        cpu_frames.append((time.thread_time() - frame_cpu) * 1000)
        top = bar.value()
        if any(model.index(r, 0).data() == PLACEHOLDER for r in range(top, top + visible)):
            waiting += 1
        app.processEvents()  # the pages read meanwhile arrive
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    return {
        "frames": len(frames),
        "fps": len(frames) / wall,
        "fps_cpu": len(frames) / used,
        "frame_cpu_median_ms": statistics.median(cpu_frames),
        "frame_median_ms": statistics.median(frames),
        "frame_p95_ms": sorted(frames)[int(len(frames) * 0.95)],
        "data_calls_per_s": (model.data_calls - calls) / wall,
        "placeholder_frames": waiting,
    }


def bare() -> dict[str, Any]:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication([sys.argv[0]])
    view = QTableView()
    view.setModel(QStandardItemModel(0, 8))
    view.resize(1400, 900)
    view.show()
    app.processEvents()
    rss, hwm = rss_mb()
    return {"rss": rss, "hwm": hwm}


# -- the report --------------------------------------------------------------------------------


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def verdict(value: float, target: float, *, at_least: bool = False) -> str:
    ok = value >= target if at_least else value <= target
    return "ok" if ok else "MISSED"


def report(result: dict[str, Any], base: dict[str, Any], bookings: int) -> None:
    cores = os.cpu_count() or 1
    print(f"\nAdmin table on {result['rows']:,} bookings (pages of {result['page_rows']})")
    print(
        f"load average at the end {result['load']:.1f} on {cores} cores: wall-clock times grow"
        " with the load; CPU times (the process's, all threads) much less"
    )
    print(
        "\n(a) filter change      first rows      count        | first rows   count    |"
        " raw sqlite3  | matches\n"
        "                       wall     cpu    wall     cpu  | service only (cpu)   |"
        " first  count |"
    )
    for name, f in result["filters"].items():
        print(
            f"  {name:20} {f['first']:6.0f} {f['first_cpu']:7.0f} {f['count']:7.0f}"
            f" {f['count_cpu']:7.0f}  | {f['service_first']:8.1f} {f['service_order']:10.1f}"
            f"  | {f['raw_first']:5.1f} {f['raw_count']:6.1f} | {f['matches']:>7,}"
            f"  [cpu {verdict(f['first_cpu'], TARGETS['first'])}"
            f"/{verdict(f['count_cpu'], TARGETS['count'])}]"
        )
    print(
        "\n(b) sort by            first rows      whole order  | service   | raw sqlite3:"
        " LIMIT 200  all rowids\n"
        "                       wall     cpu    wall     cpu  | order cpu | wall"
    )
    for name, s in result["sorts"].items():
        print(
            f"  {name:20} {s['first']:6.0f} {s['first_cpu']:7.0f} {s['count']:7.0f}"
            f" {s['count_cpu']:7.0f}  | {s['service_order']:7.1f}   |"
            f" {s['raw_first']:9.1f} {s['raw_order']:10.1f}"
            f"   [cpu {verdict(s['count_cpu'], TARGETS['sort'])}]"
        )
    print(
        "\n(c) scrolling          frames  fps   fps by cpu  frame: median  p95   cpu"
        "    data()/s  placeholder frames"
    )
    for name, c in result["scrolling"].items():
        print(
            f"  {name:20} {c['frames']:6} {c['fps']:5.1f} {c['fps_cpu']:8.1f}"
            f"      {c['frame_median_ms']:8.1f} {c['frame_p95_ms']:6.1f}"
            f" {c['frame_cpu_median_ms']:5.1f} ms {c['data_calls_per_s']:9,.0f}"
            f"  {c['placeholder_frames']:4}"
            f"   [cpu {verdict(c['fps_cpu'], TARGETS['fps'], at_least=True)}]"
        )
    print(
        f"\n(d) resident memory: {result['rss']:.0f} MB (peak {result['hwm']:.0f} MB);"
        f" baseline, an empty QTableView: {base['rss']:.0f} MB (peak {base['hwm']:.0f} MB)"
        f"   [{verdict(result['hwm'], TARGETS['rss'])}]"
    )
    print("\n(e) where the time goes (median CPU time on one thread)")
    for name, ms in result["breakdown"].items():
        print(f"  {name:55} {ms:8.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--child", type=Path)
    parser.add_argument("--bare", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    if args.bare:
        print(json.dumps(bare()))
        return
    from tests.store.review_data import build_studio

    with tempfile.TemporaryDirectory(prefix="bench-admin-") as folder:
        cache = args.cache or Path(folder) / "cache.sqlite3"
        if not cache.exists():
            started = time.perf_counter()
            build_studio(cache, args.bookings)
            print(
                f"built a cache of {args.bookings:,} bookings in "
                f"{time.perf_counter() - started:.1f} s"
            )
        base = run_child("--bare")
        result = run_child("--child", str(cache))
        report(result, base, args.bookings)


if __name__ == "__main__":
    main()
