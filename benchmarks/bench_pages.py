"""Speed and weight of the student pages, against the JSON slots endpoint in the same run.

Usage:  .venv/bin/python benchmarks/bench_pages.py [--seconds 3] [--clients 16]

The demo studio is seeded into a SQLite file and the standalone server runs in its own process
(uvicorn, one worker, pages on, as ``instainstru-server`` runs it). Load comes from another
process, with the keep-alive client of ``bench_server.py`` (16 connections, one request in flight
each). Measured, in this order and again in reverse so drift on a shared machine evens out:

* the JSON slots of the demo instructor's first lesson type for a rolling week (from today's
  midnight in Europe/London, seven days) -- the baseline;
* the profile page showing that same week (``/maria-lopez?tz=Europe/London``) to a visitor not
  signed in, on a first visit (no cookies: each answer also sets the CSRF and zone cookies): the
  same slot answer plus the profile and the week's arrangement, the page kept rendered until a
  commit touches the instructor (``server/web/kept.py``).

Then the page's weight (the HTML with its CSS, script and icon) and the time to its first
contentful paint in headless Chromium on loopback (median of fresh visits, zone cookie preset
so the page does not reload itself). Targets: the page at least 0.5 of the JSON throughput,
under 100 KB, first paint under 300 ms.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import bench_server  # noqa: E402  (the load client and its result type)

from instainstru_desktop.domain.zones import wall_time_to_utc  # noqa: E402
from instainstru_desktop.server.app import create_app  # noqa: E402
from instainstru_desktop.server.core.settings import Settings  # noqa: E402

CHROMIUM = os.environ.get("INSTAINSTRU_CHROMIUM", "/usr/bin/chromium")
ZONE = "Europe/London"


def serve(database_url: str, port_file: str) -> None:
    import uvicorn

    app = create_app(Settings(database_url=database_url, web_pages=True))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    Path(port_file).write_text(str(sock.getsockname()[1]))
    uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--serve", nargs=2, metavar=("DATABASE_URL", "PORT_FILE"))
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return
    folder = Path(tempfile.mkdtemp(prefix="instainstru-bench-pages-"))
    url = f"sqlite:///{folder / 'pages.sqlite3'}"
    create_app(Settings(database_url=url, seed_demo=True)).state.context.uow.database.dispose()
    port_file = folder / "port"
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", url, str(port_file)],
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    try:
        port = bench_server._wait_for(server, port_file)
        run(port, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def run(port: int, clients: int, seconds: float) -> None:
    base = f"http://127.0.0.1:{port}"
    maria = httpx.get(f"{base}/maria-lopez?tz={ZONE}")
    maria.raise_for_status()
    instructor_id = maria.text.split("/api/v1/instructors/")[1].split("/")[0]
    type_id = maria.text.split('aria-current="true"')[0].rsplit("type=", 1)[1].split('"')[0]
    tz = ZoneInfo(ZONE)
    today = datetime.now(UTC).astimezone(tz).date()
    start = wall_time_to_utc(today, 0, tz)
    end = wall_time_to_utc(today + timedelta(days=7), 0, tz)
    json_path = (
        f"/api/v1/instructors/{instructor_id}/slots?lesson_type_id={type_id}"
        f"&from={_iso(start)}&to={_iso(end)}&tz={ZONE.replace('/', '%2F')}"
    )
    page_path = f"/maria-lopez?tz={ZONE.replace('/', '%2F')}"
    rows = [
        bench_server.Row("GET slots JSON (7 days)", bench_server.Get(json_path), port),
        bench_server.Row("GET profile page (same 7 days)", bench_server.Get(page_path), port),
    ]
    spawn = multiprocessing.get_context("spawn")
    results: dict[str, list[bench_server.Result]] = {row.name: [] for row in rows}
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        for row in [*rows, *reversed(rows)]:
            results[row.name].append(
                bench_server.load(pool, row, "", clients=clients, seconds=seconds)
            )
    print(f"\n{clients} concurrent clients, {seconds:.0f} s per run, each endpoint run twice")
    print(f"{'endpoint':34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} errors")
    rps = {}
    for name, runs in results.items():
        merged = bench_server.Result(
            name,
            [lat for r in runs for lat in r.latencies],
            sum(r.elapsed for r in runs),
            sum(r.errors for r in runs),
        )
        rps[name] = merged.rps
        print(
            f"{name:34} {merged.rps:8.0f} {merged.pct(0.5):8.2f} {merged.pct(0.99):8.2f} "
            f"{merged.errors}"
        )
    page_rps, json_rps = rps[rows[1].name], rps[rows[0].name]
    print(f"page / JSON throughput: {page_rps / json_rps:.2f} (target >= 0.5)")
    weight(base, page_path)
    first_paint(base, page_path)


def weight(base: str, page_path: str) -> None:
    with httpx.Client(base_url=base) as client:
        html = client.get(page_path).content
        parts = {"HTML": len(html)}
        for asset in ("/static/site.css", "/static/site.js", "/static/icon.svg"):
            parts[asset.rsplit("/", 1)[1]] = len(client.get(asset).content)
    total = sum(parts.values()) / 1024
    listed = ", ".join(f"{k} {v / 1024:.1f}" for k, v in parts.items())
    print(f"page weight: {total:.1f} KB ({listed}; uncompressed) (target < 100 KB)")


def first_paint(base: str, page_path: str, visits: int = 7) -> None:
    if not Path(CHROMIUM).exists():
        print(f"first contentful paint: skipped (no Chromium at {CHROMIUM})")
        return
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        for _ in range(visits):
            context = browser.new_context(timezone_id=ZONE)
            context.add_cookies([{"name": "ii_tz", "value": ZONE, "url": base}])
            page = context.new_page()
            page.goto(base + page_path, wait_until="load")
            times.append(
                page.evaluate(
                    """() => new Promise((done) => new PerformanceObserver((list) => {
                        const paint = list.getEntriesByName('first-contentful-paint')[0];
                        if (paint) { done(paint.startTime); }
                    }).observe({ type: 'paint', buffered: true }))"""
                )
            )
            context.close()
        browser.close()
    print(
        f"first contentful paint: median {statistics.median(times):.0f} ms, "
        f"max {max(times):.0f} ms over {visits} fresh visits (target < 300 ms)"
    )


if __name__ == "__main__":
    started = time.monotonic()
    main()
    print(f"(benchmark took {time.monotonic() - started:.0f} s)")
