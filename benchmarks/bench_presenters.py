"""Writing bookings as JSON: the hand presenters against the response models they document.

Why the presenters of ``server/services/views.py`` are written out rather than generated from
the pydantic models of ``api/schemas.py``: a full sync pull writes every booking the caller may
see (100k for a busy admin). Three ways to turn the same rows (shaped like ``booking_view()``)
into the same JSON body:

(a) the presenter, as the pull does it: ``views.bookings`` (a dict per row by ``zip``), then
    ``views.encode`` (orjson);
(b) through the response model: each row validated into ``BookingOut``, the list dumped by a
    ``TypeAdapter(list[BookingOut])`` -- what deriving the presenter from the model would cost;
(c) baseline: ``orjson`` of the rows' tuples alone (no names), the floor of any JSON writer.

Prints the median of ``--runs`` and the ratios (b)/(a) and (a)/(c).

Run: .venv/bin/python benchmarks/bench_presenters.py [--rows 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pydantic import TypeAdapter  # noqa: E402

from instainstru_desktop.server.api.schemas import BookingOut  # noqa: E402
from instainstru_desktop.server.repositories.bookings import booking_view  # noqa: E402
from instainstru_desktop.server.services import views  # noqa: E402

KEYS = tuple(c.name for c in booking_view().selected_columns)


def rows(count: int) -> list[tuple[Any, ...]]:
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    made = []
    for n in range(count):
        begin = start + timedelta(minutes=30 * n)
        made.append(
            (
                str(uuid.uuid4()),
                str(uuid.uuid4()),
                str(uuid.uuid4()),
                f"Student {n}",
                "Europe/London",
                str(uuid.uuid4()),
                "Piano 60",
                begin,
                begin + timedelta(hours=1),
                "confirmed",
                None,
                None,
                "",
                False,
                "",
                4500,
                "EUR",
                begin - timedelta(days=3),
                begin - timedelta(days=3),
                1,
            )
        )
    return made


def timed(work: Callable[[], bytes], runs: int) -> tuple[float, bytes]:
    times, body = [], b""
    for _ in range(runs):
        began = time.perf_counter()
        body = work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = rows(args.rows)
    adapter = TypeAdapter(list[BookingOut])

    def presenter() -> bytes:
        return views.encode(views.bookings(data, KEYS, see_note=True, see_review=True))

    def model() -> bytes:
        items = [BookingOut.model_validate(dict(zip(KEYS, row, strict=True))) for row in data]
        return adapter.dump_json(items)

    def floor() -> bytes:
        return orjson.dumps(data, option=orjson.OPT_UTC_Z)

    hand, hand_body = timed(presenter, args.runs)
    typed, typed_body = timed(model, args.runs)
    bare, _ = timed(floor, args.runs)
    assert orjson.loads(hand_body) == orjson.loads(typed_body), "the two bodies differ"
    print(f"{args.rows:,} bookings to a JSON body, median of {args.runs} runs")
    print(f"(a) presenter + orjson            {hand * 1000:8.1f} ms")
    print(f"(b) BookingOut + TypeAdapter dump  {typed * 1000:8.1f} ms")
    print(f"(c) orjson of bare tuples          {bare * 1000:8.1f} ms")
    print(f"(b)/(a) = {typed / hand:.1f}x   (a)/(c) = {hand / bare:.1f}x")


if __name__ == "__main__":
    main()
