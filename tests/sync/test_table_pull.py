"""Pull pages whose bookings come as a table, as the app asks for them, against the real server:
the cache they leave is the one objects leave, and a table that does not hold together is a
sync error that writes nothing of its page."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest

from instainstru_desktop.store.mirror import ENTITIES
from instainstru_desktop.sync.errors import UnreadableAnswer
from tests.server.helpers import Person, varied_booking
from tests.sync.consistency import assert_cache_equals_server, cache_snapshot
from tests.sync.harness import Device, ServerHandle

MakeDevice = Callable[..., Device]


def add_history(server: ServerHandle, *, commits: int, per_commit: int, first: int = 0) -> None:
    """Lessons of both instructors, ``per_commit`` in each of ``commits`` commits: every status,
    flags both ways, notes that need escaping (and none), instants with microseconds."""
    studio = server.studio
    start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for part in range(commits):
        with server.uow.write() as tx:
            for n in range(first + part * per_commit, first + (part + 1) * per_commit):
                begin = start + timedelta(hours=n)
                booking_id = f"{n:08d}-0000-4000-8000-000000000000"
                tx.bookings.insert(varied_booking(studio, n, begin, booking_id=booking_id))
            tx.commit()


def set_day(server: ServerHandle, teacher: Person, day: str, *, delete: bool = False) -> None:
    """Give ``teacher`` a date override (``delete``: take it back, which leaves a tombstone)."""
    with server.api(teacher) as api:
        path = f"/instructors/{teacher.instructor_id}/availability/{day}"
        if delete:
            api.request("DELETE", path)
        else:
            api.request("PUT", path, json={"ranges": [{"start": "10:00", "end": "12:00"}]})


def spy_on_shapes(device: Device) -> list[str]:
    """The form of the bookings of each pull page the device receives."""
    shapes: list[str] = []

    def note(request: httpx.Request, body: bytes) -> bytes:
        if request.url.path.endswith("/sync/pull"):
            bookings = orjson.loads(body)["bookings"]
            shapes.append("table" if isinstance(bookings, dict) else "objects")
        return body

    device.switchboard.rewrite = note
    return shapes


def pull_objects(device: Device, limit: int) -> int:
    """Fill the device's cache from object pages, each applied with its cursor as the engine
    does; the number of pages."""
    cursor, pages = "0", 0
    while True:
        page = device.api.pull(cursor, limit, table=False)
        assert isinstance(page["bookings"], list)
        with device.store.uow() as uow:
            uow.pull.apply(page, now=uow.now_text())
            uow.commit()
        pages += 1
        if not page["has_more"]:
            return pages
        cursor = str(page["cursor"])


def booking_rows(device: Device) -> list[dict[str, Any]]:
    with device.store.read() as uow:
        return sorted(uow.mirror.rows("booking"), key=lambda row: str(row["id"]))


@pytest.mark.parametrize("who", ["admin", "instructor"])
def test_table_and_object_pages_leave_the_same_cache(
    server: ServerHandle, make_device: MakeDevice, who: str
) -> None:
    studio = server.studio
    person = studio.admin if who == "admin" else studio.instructors[0]
    add_history(server, commits=4, per_commit=6)
    set_day(server, studio.instructors[0], "2030-03-20")
    tables = make_device("tables", person, pull_limit=5)
    shapes = spy_on_shapes(tables)
    report = tables.sync()
    objects = make_device("objects", person)
    assert pull_objects(objects, 5) == report.pages > 3
    assert set(shapes) == {"table"}
    assert gc.isenabled()  # held off only while each page was parsed and converted
    assert cache_snapshot(tables) == cache_snapshot(objects)  # every column of every row
    rows = booking_rows(tables)
    assert rows == booking_rows(objects)
    if who == "admin":
        assert len(rows) == 24
        assert any(row["review_note"] for row in rows)
    else:
        assert len(rows) == 12
        assert {row["instructor_id"] for row in rows} == {person.instructor_id}
        assert {row["review_note"] for row in rows} == {None}  # the admin's review stays hidden
    assert any(row["note"] for row in rows)
    assert {row["flagged"] for row in rows} == {True, False}
    assert_cache_equals_server(tables, server)


def test_later_table_pages_update_rows_and_carry_tombstones(
    server: ServerHandle, make_device: MakeDevice
) -> None:
    teacher = server.studio.instructors[0]
    add_history(server, commits=2, per_commit=4)
    set_day(server, teacher, "2030-03-20")
    device = make_device("desk", server.studio.admin, pull_limit=3)
    shapes = spy_on_shapes(device)
    device.sync()
    with server.uow.write() as tx:
        booking = tx.bookings.get("00000001-0000-4000-8000-000000000000")
        assert booking is not None
        booking.status, booking.cancel_reason, booking.version = "cancelled", "ill", 9
        tx.commit()
    set_day(server, teacher, "2030-03-20", delete=True)
    add_history(server, commits=3, per_commit=2, first=100)
    report = device.sync()
    assert report.pages >= 3
    assert set(shapes) == {"table"}
    rows = {row["id"]: row for row in booking_rows(device)}
    assert len(rows) == 14
    changed = rows["00000001-0000-4000-8000-000000000000"]
    assert (changed["status"], changed["cancel_reason"], changed["version"]) == (
        "cancelled",
        "ill",
        9,
    )
    with device.store.read() as uow:
        assert uow.mirror.rows("override") == []  # the tombstone came down and was applied
    assert_cache_equals_server(device, server)


def _short_row(table: dict[str, Any]) -> None:
    table["rows"][-1].pop()


def _without_ids(table: dict[str, Any]) -> None:
    at = table["columns"].index("id")
    table["columns"].pop(at)
    for row in table["rows"]:
        row.pop(at)


@pytest.mark.parametrize("damage", [_short_row, _without_ids], ids=["short_row", "no_id"])
def test_a_table_that_does_not_hold_together_stops_the_sync_and_writes_nothing_of_its_page(
    server: ServerHandle, make_device: MakeDevice, damage: Callable[[dict[str, Any]], None]
) -> None:
    add_history(server, commits=1, per_commit=3)
    device = make_device("desk", server.studio.admin, pull_limit=3)
    device.sync()
    before = cache_snapshot(device)
    with device.store.read() as uow:
        cursor = uow.sync_state.get().cursor
    add_history(server, commits=3, per_commit=3, first=100)
    pages: list[str] = []

    def damage_second_page(request: httpx.Request, body: bytes) -> bytes:
        if not request.url.path.endswith("/sync/pull"):
            return body
        pages.append(request.url.params["cursor"])
        page = orjson.loads(body)
        if len(pages) == 2:
            damage(page["bookings"])
        return orjson.dumps(page)

    device.switchboard.rewrite = damage_second_page
    report = device.engine.sync_once(force_push=True)
    assert isinstance(report.error, UnreadableAnswer)
    assert "cannot read" in report.error.message
    with device.store.read() as uow:
        state = uow.sync_state.get()
    assert state.cursor == pages[1]  # the first page was written with its cursor, no more
    assert state.cursor != cursor
    after = cache_snapshot(device)
    added = after["booking"].keys() - before["booking"].keys()
    assert len(added) == 3  # the first page's lessons, none of the damaged page's
    assert {e.name: after[e.name] for e in ENTITIES if e.name != "booking"} == {
        e.name: before[e.name] for e in ENTITIES if e.name != "booking"
    }
    device.switchboard.rewrite = None
    device.sync()
    assert_cache_equals_server(device, server)
