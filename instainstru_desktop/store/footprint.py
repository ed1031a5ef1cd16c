"""What is known about a cache file from outside it, so its loss can be noticed and measured.

A small JSON file in the backups folder, rewritten when the app opens or closes the cache and
after a sync (only when something in it changed): the client id, the next mutation id and
whether the file has synced. A cache that has synced but opens empty has lost its data; the
ids tell how many edits existed that a repair could not read back. It also marks a repair in
progress, so one cut short by a crash is finished at the next start instead of forgotten.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from instainstru_desktop.store.backups import backup_folder

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Footprint:
    client_id: str
    next_mutation_id: int
    synced: bool
    #: A damaged file moved here whose edits are not in the new cache yet (a repair under way).
    repairing: str | None = None


def footprint_path(path: Path) -> Path:
    return backup_folder(path) / f"{path.stem}.footprint.json"


def read_footprint(path: Path) -> Footprint | None:
    try:
        data = json.loads(footprint_path(path).read_text(encoding="utf-8"))
        return Footprint(
            client_id=str(data["client_id"]),
            next_mutation_id=int(data["next_mutation_id"]),
            synced=bool(data["synced"]),
            repairing=str(data["repairing"]) if data.get("repairing") else None,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring an unreadable footprint of %s: %s", path, error)
        return None


def write_footprint(path: Path, footprint: Footprint) -> None:
    """Replace the footprint atomically (a crash leaves the old one or the new one)."""
    target = footprint_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(asdict(footprint)), encoding="utf-8")
    os.replace(partial, target)
