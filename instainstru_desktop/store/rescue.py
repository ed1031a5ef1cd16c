"""Repairing a damaged cache: keep the file, start a new one, carry the unsent edits over.

The order keeps every edit somewhere on disk at every moment:

1. the footprint records the repair before anything moves (a crash mid-way repeats it);
2. the damaged file and its write-ahead log are *moved* aside, into ``damaged/`` beside the
   cache (never deleted: the person or support may want them);
3. what can be read is read back from copies of them (:mod:`.salvage`), and from the newest
   backup for what they no longer hold;
4. a new cache is started from the newest healthy backup (so the week is on screen even
   offline) or empty, its outbox replaced by every edit read back, with their original client
   id and mutation ids (the server answers those it already applied from its stored results),
   marked so that the first contact asks the server how far this client got before new ids
   are used (:meth:`instainstru_desktop.sync.recovery.Recovery.confirm_ids`); its sync
   position is reset, so the first sync downloads everything again;
5. the person is told what was recovered and what was not, with the moved file's path.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from instainstru_desktop.store.backups import backups_of, taken_at
from instainstru_desktop.store.checkup import Damage, wal_of
from instainstru_desktop.store.footprint import Footprint, write_footprint
from instainstru_desktop.store.repositories.notices import CACHE_REPAIRED
from instainstru_desktop.store.repositories.sync_state import START_CURSOR
from instainstru_desktop.store.salvage import Salvage, SavedEdit, salvage

if TYPE_CHECKING:
    from instainstru_desktop.store.uow import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RescueReport:
    """What a repair did, for the person (:meth:`message`) and for tests."""

    reason: str
    moved_to: Path | None  # where the damaged file now is (None: there was no file)
    recovered: int  # unsent edits carried over, to be sent
    unread: int | None  # unsent edits known to have existed but unreadable (None: unknown)
    backup_at: datetime | None  # when the backup that supplied edits was written

    def message(self) -> str:
        parts = [f"InstaInstru's local data file could not be used: {self.reason}."]
        if self.moved_to is not None:
            parts.append(f"It was kept, unchanged, as:\n{self.moved_to}\n")
        parts.append(
            "A new one was started, and your lessons and hours are downloaded again from the "
            "server."
        )
        source = f" (from the backup of {_when(self.backup_at)})" if self.backup_at else ""
        if self.recovered:
            parts.append(
                f"{_changes(self.recovered)} not yet sent {_were(self.recovered)} recovered"
                f"{source} and will be sent."
            )
        elif self.unread == 0:
            parts.append("No changes were waiting to be sent: nothing was lost.")
        else:
            parts.append("No changes waiting to be sent could be recovered from it.")
        if self.unread:
            parts.append(
                f"{_changes(self.unread, 'other ')} could not be read back. Those the server "
                "already has are safe; any it does not have will be listed under Needs "
                "attention after the next sync."
            )
        elif self.unread is None and self.backup_at is not None:
            parts.append(
                f"Changes made after {_when(self.backup_at)} that had not been sent could not "
                "be recovered."
            )
        return " ".join(parts).replace("\n ", "\n")


@dataclass
class Rescue:
    """A damaged cache moved aside, and what was read back from it."""

    report: RescueReport
    identity: dict[str, Any]  # the sync state to continue with (may be empty)
    edits: list[SavedEdit]
    notices: list[tuple[str, str, str]]
    base: Path | None  # the backup the new cache starts from

    def lay_foundation(self, path: Path) -> None:
        """Start the new cache at ``path`` as a copy of the backup (none: it starts empty)."""
        if self.base is None:
            return
        source, dest = sqlite3.connect(self.base), sqlite3.connect(path)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()

    def adopt(self, store: Store) -> RescueReport:
        """Write the edits and the sync state into the new cache at ``store``, in one go."""
        with store.uow() as uow:
            if self.identity.get("client_id"):
                uow.sync_state.update(**self.identity)
            # download everything again; nothing is known of the server until then
            uow.sync_state.update(cursor=START_CURSOR, online=False, last_error=None)
            dirty = uow.changes.dirty_by_entity()  # the base's rows with edits
            shown_again = uow.recovery.replace_with(self.edits) + [
                (entity, key) for entity, keys in dirty.items() for key in keys
            ]
            uow.changes.rematerialize(shown_again)  # unsent edits shown as pending
            known = {(n.kind, n.message, n.created_at) for n in uow.notices.open()}
            for kind, message, at in self.notices:
                if (kind, message, at) not in known:
                    uow.notices.add(kind, message, at)
            uow.notices.add(CACHE_REPAIRED, self.report.message(), uow.now_text())
            uow.commit()
        return self.report


def set_aside(path: Path, damage: Damage, footprint: Footprint | None, now: datetime) -> Rescue:
    """Move the damaged cache at ``path`` aside and read back what it holds (steps 1-3)."""
    log.warning(
        "the cache %s is damaged (%s: %s): repairing it", path, damage.reason, damage.detail
    )
    if footprint is not None and footprint.repairing:
        moved = Path(footprint.repairing)  # an earlier repair stopped: read that file again
        _move_aside(path, _aside_name(path, now, "unfinished"))
    else:
        moved = _aside_name(path, now, "damaged")
        write_footprint(path, _repairing(footprint or Footprint("", 0, False), moved))
        moved = _move_aside(path, moved) or moved
    backup = _newest_backup(path)
    found = salvage([moved, *([wal_of(moved)] if wal_of(moved).exists() else [])], backup)
    older = salvage([backup]) if backup is not None else None
    rescue = _merge(
        damage,
        moved if moved.exists() else None,
        found,
        older,
        taken_at(backup) if backup else None,
        footprint,
    )
    rescue.base = backup if older is not None and older.identity is not None else None
    return rescue


def _merge(
    damage: Damage,
    moved: Path | None,
    found: Salvage,
    older: Salvage | None,
    backup_at: datetime | None,
    footprint: Footprint | None,
) -> Rescue:
    identity: dict[str, Any] = dict(found.identity or (older.identity if older else None) or {})
    client_id = identity.get("client_id") or (footprint.client_id if footprint else None)
    if not client_id and found.edits:
        client_id = next(iter(found.edits.values())).row["client_id"]
    edits: dict[int, SavedEdit] = {}
    from_backup = 0
    if older is not None:
        for edit in older.edits.values():
            if edit.row["client_id"] == client_id and edit.mutation_id not in found.edits:
                edits[edit.mutation_id] = edit
                from_backup += edit.open
    edits.update({i: e for i, e in found.edits.items() if e.row["client_id"] == client_id})
    known_next = [
        int(identity.get("next_mutation_id") or 0),
        int(older.identity["next_mutation_id"]) if older and older.identity else 0,
        footprint.next_mutation_id if footprint and footprint.client_id == client_id else 0,
        max(edits, default=0) + 1,
    ]
    next_id = max(known_next)
    acked = min(int(identity.get("last_acked_mutation_id") or 0), next_id - 1)
    kept = _without_answered_below_a_hole(edits, next_id)
    certain = bool(identity) or (footprint is not None and footprint.client_id == client_id)
    unread = sum(1 for i in range(acked + 1, next_id) if i not in edits) if certain else None
    if client_id:
        identity.update(
            client_id=client_id,
            next_mutation_id=next_id,
            last_acked_mutation_id=acked,
            ids_unconfirmed_from=next_id,
        )
    report = RescueReport(
        reason=damage.reason,
        moved_to=moved,
        recovered=sum(1 for e in kept if e.open),
        unread=unread,
        backup_at=backup_at if from_backup or not found.edits else None,
    )
    return Rescue(report, identity, kept, found.notices, base=None)


def _without_answered_below_a_hole(edits: dict[int, SavedEdit], next_id: int) -> list[SavedEdit]:
    """Every open edit; answered ones only above the last id that could not be read, so the
    ids this cache keeps run without a hole except where unsent edits were lost."""
    hole = max((i for i in range(1, next_id) if i not in edits), default=0)
    return [edits[i] for i in sorted(edits) if edits[i].open or i > hole]


def _newest_backup(path: Path) -> Path | None:
    return next(iter(backups_of(path)), None)


def _aside_name(path: Path, now: datetime, why: str) -> Path:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.parent / "damaged" / f"{path.stem}.{why}-{stamp}{path.suffix}"


def _move_aside(path: Path, target: Path) -> Path | None:
    """Move the file and its log and shared memory to ``target`` (None: there was no file)."""
    if not path.exists() and not wal_of(path).exists():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{target}{suffix}"))
    if path.exists():
        os.replace(path, target)
    return target


def _repairing(footprint: Footprint, moved: Path) -> Footprint:
    return Footprint(
        footprint.client_id, footprint.next_mutation_id, footprint.synced, repairing=str(moved)
    )


def _changes(count: int, other: str = "") -> str:
    return f"1 {other}change" if count == 1 else f"{count} {other}changes"


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def _when(moment: datetime) -> str:
    return f"{moment.astimezone():%-d %b %Y, %H:%M}"
