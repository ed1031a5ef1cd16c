"""Keeping the cache safe: daily backups, the check at open, reading back a damaged file, and a
repair cut short by a crash. Real SQLite files throughout; damage is done to the bytes."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from instainstru_desktop.protocol import SetDateHours
from instainstru_desktop.services import StatusService
from instainstru_desktop.store import DatabaseLockedError, open_store
from instainstru_desktop.store.backups import KEEP, backup_if_due, backups_of, write_backup
from instainstru_desktop.store.checkup import examine
from instainstru_desktop.store.footprint import Footprint, read_footprint, write_footprint
from instainstru_desktop.store.rescue import set_aside
from instainstru_desktop.store.salvage import salvage
from tests.store import factories as f
from tests.store.conftest import NOW


def queue(store, count: int) -> None:
    with store.uow() as uow:
        for i in range(count):
            uow.changes.record(SetDateHours(f.INSTRUCTOR_ID, date(2026, 4, 1 + i % 28), ()))
        uow.commit()


def page_offsets(path: Path, table: str) -> list[int]:
    """File offsets of the pages holding ``table``'s rows."""
    conn = sqlite3.connect(path)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf'", (table,)
        ).fetchall()
    finally:
        conn.close()
    return [(p - 1) * size for (p,) in sorted(pages)]


def spoil(path: Path, offset: int) -> None:
    with path.open("r+b") as file:
        file.seek(offset)
        file.write(b"\xff" * 64)


def test_a_daily_backup_is_written_once_a_day_and_a_few_are_kept(db_path, clock):
    store = open_store(db_path, clock=clock)
    f.seed(store)
    store.close()
    for day in range(KEEP + 2):
        assert backup_if_due(db_path, NOW + timedelta(days=day)) is not None
        assert backup_if_due(db_path, NOW + timedelta(days=day, hours=23)) is None
    daily = [b for b in backups_of(db_path) if ".daily." in b.name]
    assert len(daily) == KEEP
    conn = sqlite3.connect(daily[0])
    assert conn.execute("SELECT count(*) FROM instructors").fetchone() == (1,)
    conn.close()


@pytest.mark.expect_log("instainstru_desktop.store.backups", "WARNING", match="failed its check")
def test_a_copy_of_a_damaged_file_is_not_kept_as_a_backup(db_path, store):
    queue(store, 120)
    store.close()
    spoil(db_path, page_offsets(db_path, "outbox")[1])
    source = sqlite3.connect(db_path)
    try:
        assert write_backup(source, db_path, "daily", NOW) is None
    finally:
        source.close()
    assert backups_of(db_path) == []


def test_the_check_at_open(db_path, store):
    queue(store, 3)
    store.close()
    synced = Footprint("c1", 4, synced=True)
    assert examine(db_path, synced) is None  # healthy
    assert examine(db_path.with_name("new.sqlite3"), None) is None  # new
    assert examine(db_path.with_name("gone.sqlite3"), synced) is not None  # synced, now gone
    db_path.write_bytes(b"")
    assert examine(db_path, None) is None  # empty, never synced, no log: new
    assert examine(db_path, synced) is not None


def test_a_file_another_program_holds_is_locked_not_damaged(db_path, store):
    store.close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseLockedError):
            examine(db_path, None, timeout=0.1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_outbox_with_a_damaged_page_is_read_back_row_by_row(db_path, store):
    queue(store, 120)
    store.close()
    offsets = page_offsets(db_path, "outbox")
    assert len(offsets) > 3
    spoil(db_path, offsets[1])

    found = salvage([db_path])

    ids = sorted(found.edits)
    assert 80 < len(ids) < 120  # only the rows of the spoiled page are missing
    assert ids[-1] == 120
    assert found.identity is not None
    assert found.identity["next_mutation_id"] == 121
    assert all(e.subjects for e in found.edits.values())
    assert db_path.read_bytes()[offsets[1] : offsets[1] + 64] == b"\xff" * 64  # not touched


@pytest.mark.expect_log("instainstru_desktop.store.rescue", "WARNING", match="is damaged")
def test_a_repair_cut_short_is_finished_at_the_next_start(db_path, clock):
    store = open_store(db_path, clock=clock)
    f.seed(store)
    queue(store, 4)
    store.close()
    footprint = read_footprint(db_path)
    assert footprint is not None
    db_path.write_bytes(db_path.read_bytes()[:100])  # the header survives, nothing else

    damage = examine(db_path, footprint)
    assert damage is not None
    set_aside(db_path, damage, footprint, NOW)  # the file is moved; then the power goes
    moved = read_footprint(db_path)
    assert moved is not None
    assert moved.repairing is not None
    assert not db_path.exists()

    store = open_store(db_path, clock=clock)  # the next start
    try:
        assert store.rescue is not None
        assert store.rescue.moved_to == Path(moved.repairing)
        with store.read() as uow:
            assert uow.sync_state.get().client_id == footprint.client_id
        after = read_footprint(db_path)
        assert after is not None
        assert after.repairing is None
    finally:
        store.close()


def test_the_status_says_so_when_the_file_cannot_even_be_counted(db_path, store):
    queue(store, 3)
    # no background checkpoint may copy the log back over the damage below
    store.database.checkpoints.close()
    with store.database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.database.engine.dispose()
    conn = sqlite3.connect(db_path)
    roots = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'outbox' AND rootpage > 0"
    ).fetchall()
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    for (root,) in roots:  # the table and its index: no way to count the queue
        spoil(db_path, (root - 1) * size)

    status = StatusService(store).status()

    assert not status.pending_known
    assert "damaged" in status.last_error


@pytest.mark.expect_log("instainstru_desktop.store.footprint", "WARNING", match="unreadable")
def test_a_footprint_survives_only_whole(db_path):
    write_footprint(db_path, Footprint("c1", 7, synced=True))
    assert read_footprint(db_path) == Footprint("c1", 7, synced=True)
    path = db_path.parent / "backups" / f"{db_path.stem}.footprint.json"
    path.write_text("{not json", encoding="utf-8")
    assert read_footprint(db_path) is None
