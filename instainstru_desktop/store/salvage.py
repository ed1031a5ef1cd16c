"""Reading back what can be read of a damaged cache: its unsent edits above all.

Everything here works on a temporary copy, never on the damaged file (which is kept as found)
nor on its write-ahead log (SQLite deletes a log beside an empty file when it opens it).

- A copy is first brought to this app's schema where it still can be, then read.
- The outbox is read whole; if that fails, in small ranges, then row by row, so one bad page
  costs the rows on it and no more.
- An empty file beside a write-ahead log is rebuilt from the newest backup with the log on top
  (the backup API keeps page numbers, so this is the file as it was when the log was last
  written, unless a checkpoint ran after the backup), or from the log alone: its copy of the
  first page (the schema) and the pages written since the last checkpoint.
- A file whose header was destroyed gets the backup's header (with its own page count) back.
- A row read back is kept only if it looks like one this app wrote (a known mutation, JSON
  arguments, a known status): a page mixed up by damage yields no made-up edits.
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from instainstru_desktop.store.effects import MUTATION_VERSIONS
from instainstru_desktop.store.migrations import upgrade
from instainstru_desktop.store.models import OUTBOX_STATUSES

log = logging.getLogger(__name__)

#: Outbox columns read back, in this order (schema 2 onwards).
EDIT_COLUMNS = (
    "mutation_id",
    "client_id",
    "name",
    "name_version",
    "args",
    "base_version",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "error_code",
    "result",
    "created_at",
    "applied_seq",
    "dismissed",
)
IDENTITY_COLUMNS = (
    "client_id",
    "next_mutation_id",
    "last_acked_mutation_id",
    "server_identity",
    "user_id",
    "role",
    "instructor_id",
)
#: How far below the newest known id row-by-row reading looks.
PROBE_SPAN = 20_000
_CHUNK = 64


@dataclass(frozen=True)
class SavedEdit:
    """An outbox row read back, with the rows it touches (empty: not readable)."""

    row: dict[str, Any]
    subjects: tuple[tuple[str, str], ...]

    @property
    def mutation_id(self) -> int:
        return int(self.row["mutation_id"])

    @property
    def open(self) -> bool:
        return self.row["status"] in ("pending", "sent")


@dataclass
class Salvage:
    """What one file gave back."""

    identity: dict[str, Any] | None = None  # the sync state row, if readable
    edits: dict[int, SavedEdit] = field(default_factory=dict)
    notices: list[tuple[str, str, str]] = field(default_factory=list)  # kind, message, at


def salvage(files: list[Path], base: Path | None = None) -> Salvage:
    """Read back the database in ``files`` (the main file first, then its log if any);
    ``base``: a healthy older copy (a backup) to rebuild a lost header or an emptied file."""
    with _copy(files, base) as copy:
        if copy is None:
            return Salvage()
        try:
            upgrade(copy)
        except Exception as error:  # a damaged copy often cannot be upgraded; read it as it is
            log.info("salvage: %s could not be upgraded (%s)", files[0], error)
        try:
            conn = sqlite3.connect(copy, timeout=1.0)
        except sqlite3.Error:
            return Salvage()
        try:
            found = Salvage(identity=_identity(conn))
            upper = int(found.identity["next_mutation_id"]) if found.identity else None
            for row in filter(_plausible, _outbox_rows(conn, upper)):
                edit = SavedEdit(row, _subjects(conn, int(row["mutation_id"])))
                found.edits[edit.mutation_id] = edit
            found.notices = _notices(conn)
            return found
        finally:
            conn.close()


@contextmanager
def _copy(files: list[Path], base: Path | None) -> Iterator[Path | None]:
    folder = Path(tempfile.mkdtemp(prefix="instainstru-salvage-"))
    try:
        main, logs = files[0], files[1:]
        copy = folder / "copy.sqlite3"
        if main.exists() and main.stat().st_size > 0:
            shutil.copyfile(main, copy)
            if base is not None and not _readable(copy):
                _put_header_back(copy, base)
        elif logs and base is not None:
            shutil.copyfile(base, copy)
        else:
            first = _first_page_from_log(logs[0]) if logs else None
            if first is None:
                yield None
                return
            copy.write_bytes(first)
        for wal in logs:
            shutil.copyfile(wal, Path(f"{copy}-wal"))
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _readable(copy: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    return True


def _put_header_back(copy: Path, base: Path) -> None:
    """Give ``copy`` the 100-byte file header of ``base``, with ``copy``'s own page count."""
    with base.open("rb") as file:
        header = bytearray(file.read(100))
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    header[28:32] = (copy.stat().st_size // page_size).to_bytes(4, "big")
    with copy.open("r+b") as file:
        file.write(header)


def _first_page_from_log(wal: Path) -> bytes | None:
    """The newest image of page 1 in a write-ahead log (frames of its current generation)."""
    try:
        data = wal.read_bytes()
    except OSError:
        return None
    if len(data) < 32:
        return None
    _magic, _version, page_size, _ckpt, salt1, salt2, _c1, _c2 = struct.unpack(">8I", data[:32])
    if page_size < 512 or page_size & (page_size - 1):
        return None
    first = None
    offset = 32
    while offset + 24 + page_size <= len(data):
        page, _commit, s1, s2 = struct.unpack(">4I", data[offset : offset + 16])
        if (s1, s2) != (salt1, salt2):
            break
        if page == 1:
            first = data[offset + 24 : offset + 24 + page_size]
        offset += 24 + page_size
    return first


def _plausible(row: dict[str, Any]) -> bool:
    """Whether a row read back looks like an outbox row this app wrote."""
    try:
        args = json.loads(row["args"])
        created = str(row["created_at"])
    except (TypeError, ValueError):
        return False
    return (
        row["name"] in MUTATION_VERSIONS
        and isinstance(args, dict)
        and row["status"] in OUTBOX_STATUSES
        and isinstance(row["mutation_id"], int)
        and row["mutation_id"] > 0
        and isinstance(row["client_id"], str)
        and created[:2] == "20"
    )


def _identity(conn: sqlite3.Connection) -> dict[str, Any] | None:
    try:
        row = conn.execute(
            f"SELECT {', '.join(IDENTITY_COLUMNS)} FROM sync_state WHERE id = 1"
        ).fetchone()
    except sqlite3.Error:
        return None
    return dict(zip(IDENTITY_COLUMNS, row, strict=True)) if row else None


def _outbox_rows(conn: sqlite3.Connection, upper: int | None) -> list[dict[str, Any]]:
    select = f"SELECT {', '.join(EDIT_COLUMNS)} FROM outbox"
    try:
        rows = conn.execute(f"{select} ORDER BY mutation_id").fetchall()
        return [dict(zip(EDIT_COLUMNS, r, strict=True)) for r in rows]
    except sqlite3.Error as error:
        log.info("salvage: the outbox cannot be read whole (%s): reading it row by row", error)
    if upper is None:
        upper = _highest_id(conn)
    found: list[dict[str, Any]] = []
    for start in range(max(1, upper - PROBE_SPAN), upper + 1, _CHUNK):
        ids = range(start, min(start + _CHUNK, upper + 1))
        for rows in _read_range(conn, select, ids):
            found.extend(dict(zip(EDIT_COLUMNS, r, strict=True)) for r in rows)
    return found


def _read_range(conn: sqlite3.Connection, select: str, ids: range) -> Iterator[list[Any]]:
    where = " WHERE mutation_id BETWEEN ? AND ? ORDER BY mutation_id"
    try:
        yield conn.execute(select + where, (ids.start, ids.stop - 1)).fetchall()
        return
    except sqlite3.Error:
        pass
    for mutation_id in ids:
        try:
            yield conn.execute(select + " WHERE mutation_id = ?", (mutation_id,)).fetchall()
        except sqlite3.Error:
            continue


def _highest_id(conn: sqlite3.Connection) -> int:
    try:
        return int(conn.execute("SELECT max(mutation_id) FROM outbox").fetchone()[0] or 0)
    except sqlite3.Error:
        return 0


def _subjects(conn: sqlite3.Connection, mutation_id: int) -> tuple[tuple[str, str], ...]:
    try:
        rows = conn.execute(
            'SELECT entity, "key" FROM outbox_subjects WHERE mutation_id = ?', (mutation_id,)
        ).fetchall()
    except sqlite3.Error:
        return ()
    return tuple((str(e), str(k)) for e, k in rows)


def _notices(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    try:
        rows = conn.execute(
            "SELECT kind, message, created_at FROM notices WHERE dismissed = 0 ORDER BY id"
        ).fetchall()
    except sqlite3.Error:
        return []
    return [(str(k), str(m), str(a)) for k, m, a in rows]
