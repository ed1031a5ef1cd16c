"""Where an uncached slot window and an uncached admin page spend their time, stage by stage.

Run by ``bench_server.py`` on its own database, in its own process, after the load runs: each
stage is called on its own many times and its time is the tenth percentile of single calls,
so the other work on a shared machine (which preempts a call now and then) drops out. Beside
them, the floor's own read (one user row through the ORM) and the encoding the slots had before
(``astimezone`` per instant for the viewer, one dict per slot for orjson).

What the framework adds (routing, dependencies, parameters, middleware, the response) is the
rest of each endpoint's time per request in the load table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from instainstru_desktop.domain.availability import Availability
from instainstru_desktop.domain.slot_inputs import slot_reads
from instainstru_desktop.domain.slots import SlotQuery, open_slots
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.domain.zones import zone
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.permissions import Principal, Role
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.repositories.bookings import BookingFilter
from instainstru_desktop.server.repositories.uow import UnitOfWork
from instainstru_desktop.server.services import admin, slots, views
from instainstru_desktop.server.services.bookings import BookingQuery
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.rules import (
    overrides_of,
    policy_of,
    slot_query,
    template_from,
)
from instainstru_desktop.server.services.slot_json import _kept_pattern, encode_slots

CALLS = 400
VIEWERS = ("UTC", "Europe/Berlin", "Australia/Lord_Howe")


def per_call(work: Callable[[], object], calls: int = CALLS) -> float:
    """Milliseconds of one call: the tenth percentile of ``calls`` single calls."""
    work()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 10] * 1000


def print_read_stages(url: str, data: dict[str, Any], now: datetime) -> None:
    app = create_app(Settings(database_url=url, slot_cache_entries=0, answer_cache_entries=0))
    context = app.state.context
    uow: UnitOfWork = context.uow
    rows: list[tuple[str, float]] = []
    student = data["students"][0]

    def floor() -> object:
        with uow.read() as tx:
            user = tx.users.get(student)
            assert user is not None
            return {"id": user.id, "name": user.name}

    rows.append(("floor's read: one user row through the ORM", per_call(floor)))
    rows += _slot_stages(uow, context, data["light"], now)
    rows += _page_stages(uow, context, now)
    print("\nwhere the uncached reads spend their time (ms per call, in-process, 10th percentile)")
    for name, ms in rows:
        print(f"  {name:58} {ms:7.3f}")
    uow.database.dispose()


def _slot_stages(
    uow: UnitOfWork, context: Any, light: dict[str, str], now: datetime
) -> list[tuple[str, float]]:
    request = slots.SlotRequest(light["id"], light["type"], now, now + timedelta(days=28), "UTC")
    anyone = Caller(principal=None, device="", now=now)
    window = TimeRange(request.start, request.end)

    def inputs(reads: Any) -> tuple[Any, Any]:
        found = reads.for_slots(request.instructor_id, request.lesson_type_id)
        assert found is not None
        span = slot_reads(policy_of(found), zone(found.time_zone), found.duration_minutes, window)
        busy = span.instructor_busy
        days = (span.first_day, span.last_day)
        return found, reads.instructor_inputs(request.instructor_id, (busy.start, busy.end), days)

    def read() -> Any:
        with uow.direct_read() as reads:
            return inputs(reads)

    found, read_inputs = read()
    tz = zone(found.time_zone)
    reads = slot_reads(policy_of(found), tz, found.duration_minutes, window)

    def busy() -> object:
        with uow.direct_read() as direct:
            lessons = reads.instructor_busy
            days = (reads.first_day, reads.last_day)
            return direct.instructor_inputs(
                request.instructor_id, (lessons.start, lessons.end), days
            )

    def through_session() -> Any:
        with uow.read() as tx:
            row = tx.instructors.for_slots(request.instructor_id, request.lesson_type_id)
            assert row is not None
            return slot_query(
                tx,
                request.instructor_id,
                policy_of(row),
                tz,
                row.duration_minutes,
                window,
                request.start,
                student_id=None,
                template=template_from(row.template),
            )

    q = SlotQuery(
        availability=Availability(
            template_from(found.template), overrides_of(read_inputs.overrides)
        ),
        tz=tz,
        policy=policy_of(found),
        duration_minutes=found.duration_minutes,
        window=window,
        now=request.start,
        instructor_busy=read_inputs.instructor_busy,
    )
    found_open = open_slots(q)
    duration = found_open.duration // timedelta(microseconds=1)
    rows = [
        (
            "slots: whole service call (reads, sweep, encoding)",
            per_call(lambda: slots.list_slots(uow, context.slots, anyone, request)),
        ),
        ("slots: reads (2 statements on a driver cursor)", per_call(read)),
        ("slots:   of which the lessons in the way + overrides", per_call(busy)),
        ("slots: reads as before (3 statements, a session)", per_call(through_session)),
        (
            f"slots: domain sweep ({len(found_open.starts_us)} starts)",
            per_call(lambda: open_slots(q)),
        ),
    ]
    for name in VIEWERS:
        encode = partial(encode_slots, found_open.starts_us, duration, zone(name))
        rows.append((f"slots: encoding for {name}", per_call(encode)))

    def cold() -> object:
        _kept_pattern.cache_clear()
        return encode_slots(found_open.starts_us, duration, zone("Europe/Berlin"))

    rows.append(("slots: encoding for Europe/Berlin, no pattern kept yet", per_call(cold)))
    before = partial(_as_before, found_open.starts, found_open.duration, zone("Europe/Berlin"))
    rows.append(("slots: encoding as before (astimezone), Europe/Berlin", per_call(before)))
    return rows


def _as_before(starts: Sequence[datetime], duration: timedelta, viewer: ZoneInfo) -> bytes:
    """The encoding the slots had before: ``astimezone`` per instant, a dict per slot."""
    return orjson.dumps(
        [
            {
                "start": start,
                "end": start + duration,
                "local_start": start.astimezone(viewer),
                "local_end": (start + duration).astimezone(viewer),
            }
            for start in starts
        ],
        option=orjson.OPT_UTC_Z,
    )


def _page_stages(uow: UnitOfWork, context: Any, now: datetime) -> list[tuple[str, float]]:
    principal = Principal("bench", Role.ADMIN, "Bench", "bench@example.invalid", "UTC")
    caller = Caller(principal=principal, device="", now=now)
    query = BookingQuery()

    def read() -> Any:
        with uow.direct_read() as reads:
            return reads.bookings_page(BookingFilter(), None, 101)

    def through_session() -> Any:
        with uow.read() as tx:
            return tx.bookings.page(BookingFilter(), None, 101)

    def read_json() -> Any:
        with uow.direct_read() as reads:
            return reads.bookings_page_json(BookingFilter(), None, 101)

    keys, page = read()
    items = views.bookings(page[:100], keys, see_note=True, see_review=True)
    return [
        (
            "admin page: whole service call (rows written as JSON by SQLite)",
            per_call(lambda: admin.bookings_page(uow, context.answers, caller, query, None, 100)),
        ),
        ("admin page: read of 101 rows (driver cursor)", per_call(read)),
        ("admin page: the same rows written as JSON by SQLite", per_call(read_json)),
        ("admin page: read as before (a session)", per_call(through_session)),
        (
            "admin page: presenters (a dict per row)",
            per_call(lambda: views.bookings(page[:100], keys, see_note=True, see_review=True)),
        ),
        ("admin page: JSON", per_call(lambda: views.encode({"items": items, "next_cursor": "x"}))),
    ]
