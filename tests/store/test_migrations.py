"""Schema upgrades: fresh files, previous-version files with pending edits, newer files, crashes."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from instainstru_desktop.store import (
    DatabaseNewerThanAppError,
    MigrationError,
    open_store,
)
from instainstru_desktop.store.backups import backup_folder
from instainstru_desktop.store.migrations import MIGRATIONS, SCHEMA_VERSION, Migration, upgrade
from instainstru_desktop.store.models import Base

REPO = Path(__file__).resolve().parents[2]

V1_OUTBOX = [
    # mutation_id, name, subject, args, status
    (
        1,
        "availability.set_date",
        "override:i1/2026-03-05",
        '{"date":"2026-03-05","instructor_id":"i1","ranges":[]}',
        "applied",
    ),
    (2, "booking.complete", "booking:b1", '{"booking_id":"b1"}', "sent"),
    (3, "booking.note", "booking:b1", '{"booking_id":"b1","note":"bring scales"}', "pending"),
]


def make_v1_file(path: Path) -> None:
    """A cache file as the first release left it, with edits not yet accepted by the server."""
    upgrade(path, MIGRATIONS[:1])
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO outbox (mutation_id, client_id, name, subject, args, base_version,"
            " status, attempts, created_at) VALUES (?, 'c1', ?, ?, ?, NULL, ?, 0,"
            " '2026-03-01T10:00:00Z')",
            V1_OUTBOX,
        )
        conn.execute(
            "INSERT INTO sync_state (id, client_id, cursor, last_acked_mutation_id,"
            " next_mutation_id) VALUES (1, 'c1', '7.abc', 1, 4)"
        )
        conn.execute(
            "INSERT INTO bookings VALUES ('b1', 'i1', 's1', 'Ana', 'UTC', 'lt1', 'Piano',"
            " '2026-03-02T10:00:00Z', '2026-03-02T11:00:00Z', 'completed', NULL, NULL,"
            " 'bring scales', 4500, 'EUR', '', '', 3)"
        )
    conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def schema(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        out: dict[str, object] = {}
        for table in tables:
            columns = [
                (name, kind.upper(), bool(notnull), pk)
                for _, name, kind, notnull, _default, pk in conn.execute(
                    f"PRAGMA table_info({table})"
                )
            ]
            indexes = sorted(
                (r[1], tuple(c[2] for c in conn.execute(f"PRAGMA index_info({r[1]})")))
                for r in conn.execute(f"PRAGMA index_list({table})")
                if not r[1].startswith("sqlite_autoindex")
            )
            out[table] = (columns, indexes)
        return out
    finally:
        conn.close()


def test_a_new_file_gets_the_newest_schema_and_it_matches_the_models(tmp_path):
    migrated = tmp_path / "migrated.sqlite3"
    report = upgrade(migrated)
    assert (report.from_version, report.to_version, report.backup) == (0, SCHEMA_VERSION, None)

    declared = tmp_path / "declared.sqlite3"
    engine = create_engine(f"sqlite:///{declared}")
    Base.metadata.create_all(engine)
    engine.dispose()
    assert schema(migrated) == schema(declared)


def booking_index_names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'bookings'")
        return {str(name) for (name,) in found if str(name).startswith("ix_")}
    finally:
        conn.close()


@pytest.mark.parametrize("mid_download", [False, True])
def test_schema_9_drops_the_start_index_the_filters_index_begins_with(tmp_path, mid_download):
    """A file of schema 8 loses ``ix_bookings_start`` and nothing else, also when a first
    download killed half-way had dropped it already (its other indexes are built at open)."""
    path = tmp_path / "cache.sqlite3"
    upgrade(path, MIGRATIONS[:8])
    before = booking_index_names(path)
    assert {"ix_bookings_start", "ix_bookings_review_start"} <= before
    if mid_download:
        conn = sqlite3.connect(path)
        for name in before:
            conn.execute(f"DROP INDEX {name}")
        conn.commit()
        conn.close()

    assert upgrade(path).to_version == SCHEMA_VERSION
    open_store(path).close()

    assert booking_index_names(path) == before - {"ix_bookings_start"}


def test_upgrading_a_previous_version_file_keeps_every_pending_edit(tmp_path):
    path = tmp_path / "cache.sqlite3"
    make_v1_file(path)

    store = open_store(path)
    try:
        report = store.database.upgrade_report
        assert (report.from_version, report.to_version) == (1, SCHEMA_VERSION)
        with store.read() as uow:
            rows = uow.outbox.all()
            state = uow.sync_state.get()
            assert [(r.mutation_id, r.name, r.status) for r in rows] == [
                (m, n, s) for m, n, _, _, s in V1_OUTBOX
            ]
            assert rows[2].args == {"booking_id": "b1", "note": "bring scales"}
            assert uow.outbox.subjects_of(1) == [("override", "i1/2026-03-05")]
            assert uow.outbox.subjects_of(3) == [("booking", "b1")]
            assert [m.mutation_id for m in uow.outbox.due(10, "2026-03-01T10:00:00Z")] == [2, 3]
            assert (state.client_id, state.cursor, state.next_mutation_id) == ("c1", "7.abc", 4)
            booking = uow.bookings.get("b1")
            assert booking is not None
            assert (booking.flagged, booking.review_note, booking.note) == (
                False,
                None,
                "bring scales",
            )
    finally:
        store.close()

    assert report.backup is not None
    assert report.backup.parent == backup_folder(path)
    backup = sqlite3.connect(report.backup)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM outbox").fetchone()[0] == len(V1_OUTBOX)
    backup.close()


def test_a_file_from_a_newer_app_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "cache.sqlite3"
    upgrade(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = digest(path)

    with pytest.raises(DatabaseNewerThanAppError) as caught:
        open_store(path)

    assert caught.value.file_version == SCHEMA_VERSION + 5
    assert "newer version of InstaInstru" in caught.value.message
    assert "Update the app" in caught.value.message
    assert digest(path) == before


def failing_step(conn: sqlite3.Connection) -> None:
    MIGRATIONS[1].apply(conn)
    conn.execute("INSERT INTO no_such_table VALUES (1)")


def test_a_failing_step_rolls_the_whole_upgrade_back(tmp_path):
    path = tmp_path / "cache.sqlite3"
    make_v1_file(path)
    before = schema(path)

    with pytest.raises(MigrationError, match="left as it was"):
        upgrade(path, (MIGRATIONS[0], Migration(2, "broken", failing_step)))

    assert schema(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == len(V1_OUTBOX)
    conn.close()
    assert upgrade(path).to_version == SCHEMA_VERSION


def dropping_step(conn: sqlite3.Connection) -> None:
    MIGRATIONS[1].apply(conn)
    conn.execute("DELETE FROM outbox WHERE status = 'pending'")


def test_an_upgrade_that_would_lose_outbox_rows_is_refused(tmp_path):
    path = tmp_path / "cache.sqlite3"
    make_v1_file(path)

    with pytest.raises(MigrationError, match="would have lost 1 unsynced change"):
        upgrade(path, (MIGRATIONS[0], Migration(2, "lossy", dropping_step)))

    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == len(V1_OUTBOX)
    conn.close()


CRASHING_UPGRADE = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from instainstru_desktop.store.migrations import MIGRATIONS, Migration, upgrade

    def crash_after_step_two(conn):
        MIGRATIONS[1].apply(conn)
        conn.execute("UPDATE outbox SET args = '{}'")  # damage that must never be seen
        os.kill(os.getpid(), signal.SIGKILL)

    upgrade(Path(sys.argv[1]), (MIGRATIONS[0], Migration(2, "crash", crash_after_step_two)))
    """
)


def test_a_crash_mid_upgrade_leaves_the_old_file_intact(tmp_path):
    path = tmp_path / "cache.sqlite3"
    make_v1_file(path)
    before = schema(path)

    result = subprocess.run(
        [sys.executable, "-c", CRASHING_UPGRADE, str(path)],
        cwd=REPO,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == -9, result.stderr
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT mutation_id, name, args, status FROM outbox").fetchall() == [
        (m, n, a, s) for m, n, _, a, s in V1_OUTBOX
    ]
    conn.close()
    assert schema(path) == before
    # and the next start upgrades it properly
    assert upgrade(path).to_version == SCHEMA_VERSION


def test_only_the_latest_backups_are_kept(tmp_path):
    path = tmp_path / "cache.sqlite3"
    for _ in range(5):
        path.unlink(missing_ok=True)
        make_v1_file(path)
        upgrade(path)
    assert len(list(backup_folder(path).glob("cache.schema1.*"))) == 3
