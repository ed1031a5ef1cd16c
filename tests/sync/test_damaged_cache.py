"""A damaged or emptied cache file, with edits not yet sent: nothing is silently lost.

Each case has edits made before the last daily backup (A) and after it (B), offline. The file is
then damaged while the app is closed, and the app starts again. Every edit must end on the
server or be reported to the person; the damaged file is kept; the cache ends equal to the
server's truth. The hours the server must hold are computed here from the edits and from what
the repair said it could not recover.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from instainstru_desktop.services.views import HoursRange
from instainstru_desktop.store.rescue import RescueReport
from instainstru_desktop.sync.engine import SyncReport
from instainstru_desktop.sync.scheduler import SyncScheduler
from tests.sync.consistency import assert_nothing_lost_nothing_duplicated
from tests.sync.harness import Device, ServerHandle, wait_until
from tests.sync.scenarios import Calendar, at, local_day, student_books

pytestmark = [
    # the cases damage the cache on purpose, and the app notes what it finds and repairs
    pytest.mark.expect_log("instainstru_desktop.store", "WARNING", required=False),
    pytest.mark.expect_log(
        "instainstru_desktop.sync.recovery",
        "WARNING",
        match="lost with the damaged cache",
        required=False,
    ),
]

BEFORE_BACKUP = (1, 2, 3)  # edit n paints date n with its own hour
AFTER_BACKUP = (4, 5, 6)


def hours_for(edit: int) -> list[list[int]]:
    return [[6 * 60 + edit * 30, 7 * 60 + edit * 30]]


def paint(device: Device, edits: tuple[int, ...]) -> None:
    for n in edits:
        [[start, end]] = hours_for(n)
        device.availability.set_date_ranges(
            device.instructor_id, local_day(n), [HoursRange(start, end)]
        )


def server_hours(server: ServerHandle, device: Device) -> dict[int, list[list[int]]]:
    """The hours the server holds for the dates the edits painted."""
    rows = dict(
        server.query(
            "SELECT day, ranges FROM availability_overrides WHERE instructor_id = ?",
            device.instructor_id,
        )
    )
    days = {local_day(n).isoformat(): n for n in range(1, 10)}
    return {days[d]: json.loads(r) for d, r in rows.items() if d in days}


def page_of(path: Path, table: str) -> int:
    """The file offset of a page in the middle of ``table``'s pages."""
    conn = sqlite3.connect(path)
    try:
        pages = [
            p
            for (p,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND ncell > 0", (table,)
            )
        ]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    middle = sorted(pages)[len(pages) // 2]
    return (middle - 1) * size


def damage_root_of(path: Path, table: str) -> None:
    """Every read or write of ``table`` passes its root page: spoil it."""
    conn = sqlite3.connect(path)
    try:
        [(root,)] = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,))
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    with path.open("r+b") as file:
        file.seek((root - 1) * size)
        file.write(b"\xff" * 12)  # no b-tree page has this type: any read of it fails


def emptied(path: Path) -> None:
    path.write_bytes(b"")


def damaged_header(path: Path) -> None:
    with path.open("r+b") as file:
        file.write(b"\x00" * 100)


def truncated_to_half(path: Path) -> None:
    with path.open("r+b") as file:
        file.truncate(path.stat().st_size // 2)


def damaged_middle_page(path: Path) -> None:
    offset = page_of(path, "bookings")
    with path.open("r+b") as file:
        file.seek(offset + 8)
        file.write(bytes(range(256)) * 8)


#: The damage, and which of the edits after the backup can still be read from the file
#: (None: it depends on where its pages lay; the edits must then be sent or reported).
DAMAGE: dict[str, tuple[Callable[[Path], None], tuple[int, ...] | None]] = {
    "emptied": (emptied, ()),
    "damaged header": (damaged_header, AFTER_BACKUP),
    "truncated to half": (truncated_to_half, None),
    "a damaged middle page": (damaged_middle_page, AFTER_BACKUP),
}


def lost_in_notices(device: Device) -> int:
    """How many changes the needs-attention list says could not be recovered."""
    lost = 0
    for item in device.attention.items():
        if item.kind == "lost_changes":
            found = re.match(r"(\d+) changes?", item.message)
            assert found, item.message
            lost += int(found.group(1))
    return lost


def edits_then_close(tmp_path: Path, server: ServerHandle, calendar: Calendar) -> Device:
    """A device that synced, painted A offline, made its daily backup, and painted B."""
    instructor = server.studio.instructors[0]
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    for week in range(40):  # enough lessons for the bookings to fill several pages
        student = server.studio.students[week % len(server.studio.students)]
        server.add_lesson(instructor, student, now - timedelta(days=7 * week + 1))
    device = Device(tmp_path, "laptop", server, instructor, clock=calendar)
    device.sync()
    device.switchboard.down = True
    paint(device, BEFORE_BACKUP)
    calendar.advance(1)
    assert device.engine.sync_once().error is not None  # offline
    assert device.engine.after_sync().backup is not None  # today's backup, after the sync
    paint(device, AFTER_BACKUP)
    assert device.open_count() == 6
    return device


def restart(tmp_path: Path, server: ServerHandle, calendar: Calendar) -> Device:
    return Device(tmp_path, "laptop", server, server.studio.instructors[0], clock=calendar)


def check_outcome(
    device: Device, server: ServerHandle, report: RescueReport, readable: tuple[int, ...] | None
) -> None:
    """Every edit on the server, or counted as not recoverable; the cache equals the server."""
    device.sync()
    device.sync()
    held = server_hours(server, device)
    lost = lost_in_notices(device)
    for n in BEFORE_BACKUP:  # the backup holds them whatever happened to the file
        assert held.get(n) == hours_for(n)
    reached = [n for n in AFTER_BACKUP if held.get(n) == hours_for(n)]
    assert len(reached) + lost == len(AFTER_BACKUP)
    if readable is not None:
        assert tuple(reached) == readable
    assert set(held) & {*BEFORE_BACKUP, *AFTER_BACKUP} == {*BEFORE_BACKUP, *reached}
    assert device.status.status().pending_changes == 0
    repaired = [i for i in device.attention.items() if i.kind == "cache_repaired"]
    assert [i.message for i in repaired] == [report.message()]
    assert_nothing_lost_nothing_duplicated(device, server)


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_cache_is_kept_rebuilt_and_its_unsent_edits_sent_or_reported(
    tmp_path: Path, server: ServerHandle, damage: str
) -> None:
    calendar = Calendar()
    device = edits_then_close(tmp_path, server, calendar)
    device.close()
    path = device.path
    spoil, readable = DAMAGE[damage]
    spoil(path)
    damaged = path.read_bytes()

    again = restart(tmp_path, server, calendar)
    try:
        report = again.store.rescue
        assert report is not None, "the damage went unnoticed"
        assert report.moved_to is not None
        assert report.moved_to.read_bytes() == damaged  # kept as found
        assert str(report.moved_to) in report.message()
        assert report.recovered + (report.unread or 0) == 6
        again.switchboard.down = False
        check_outcome(again, server, report, readable)
    finally:
        again.close()


def test_an_empty_file_beside_a_leftover_log_gives_back_the_edits_in_the_log(
    tmp_path: Path, server: ServerHandle
) -> None:
    calendar = Calendar()
    device = edits_then_close(tmp_path, server, calendar)
    crashed = tmp_path / "crashed"  # the files as a power cut leaves them
    crashed.mkdir()
    for part in tmp_path.glob("laptop.sqlite3*"):
        shutil.copy(part, crashed / part.name)
    assert (crashed / "laptop.sqlite3-wal").stat().st_size > 0
    device.close()
    for part in tmp_path.glob("laptop.sqlite3*"):
        part.unlink()
    for part in crashed.iterdir():
        shutil.copy(part, tmp_path / part.name)
    (tmp_path / "laptop.sqlite3").write_bytes(b"")

    again = restart(tmp_path, server, calendar)
    try:
        report = again.store.rescue
        assert report is not None
        assert report.moved_to is not None
        assert Path(f"{report.moved_to}-wal").stat().st_size > 0  # the log is kept too
        again.switchboard.down = False
        check_outcome(again, server, report, AFTER_BACKUP)
    finally:
        again.close()


def test_a_healthy_cache_is_opened_as_it_is(tmp_path: Path, server: ServerHandle) -> None:
    calendar = Calendar()
    device = edits_then_close(tmp_path, server, calendar)
    device.close()
    again = restart(tmp_path, server, calendar)
    try:
        assert again.store.rescue is None
        assert again.open_count() == 6
    finally:
        again.close()


@pytest.mark.expect_log("instainstru_desktop.sync.scheduler", "ERROR", match="sync failed")
def test_a_file_damaged_while_the_app_runs_is_the_last_sync_error(
    tmp_path: Path, server: ServerHandle
) -> None:
    """Pushes may still work while every pull fails: the status must say so, not "synced"."""
    calendar = Calendar()
    device = edits_then_close(tmp_path, server, calendar)
    reports: list[SyncReport] = []
    scheduler = SyncScheduler(device.engine, interval_seconds=3600, on_report=reports.append)
    try:
        with device.store.database.engine.connect() as conn:  # the pages into the file itself
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        device.store.database.engine.dispose()  # no connection keeps the pages it read before
        damage_root_of(device.path, "bookings")
        student = server.studio.students[0]
        student_books(server, student, device.person, at(local_day(9), 11))
        device.switchboard.down = False

        scheduler.start()
        wait_until(lambda: any(r.storage_error for r in reports), what="a failed sync report")

        status = device.status.status()
        assert "damaged" in status.last_error
        assert "open it again to repair it" in status.last_error
        assert status.pending_known
    finally:
        scheduler.stop()
        device.close()
    again = restart(tmp_path, server, calendar)  # the next start repairs it
    try:
        assert again.store.rescue is not None
        assert again.store.trouble is None
        again.sync()
        assert_nothing_lost_nothing_duplicated(again, server)
    finally:
        again.close()


def test_edits_made_after_a_repair_never_reuse_ids_the_server_already_applied(
    tmp_path: Path, server: ServerHandle
) -> None:
    """The backup knew ids up to 3; the lost file had sent 4-6. New edits made offline after
    the repair must not take ids 4-6: the server would answer them as replays of the old ones
    and never apply them."""
    calendar = Calendar()
    device = edits_then_close(tmp_path, server, calendar)
    device.switchboard.down = False
    device.sync()  # 1-6 applied; the backup holds 1-3 as unsent
    device.close()
    emptied(device.path)

    again = restart(tmp_path, server, calendar)
    try:
        again.switchboard.down = True
        later = (7, 8)
        paint(again, later)
        again.switchboard.down = False
        check_outcome(again, server, again.store.rescue, AFTER_BACKUP)
        held = server_hours(server, again)
        assert all(held.get(n) == hours_for(n) for n in later)
    finally:
        again.close()
