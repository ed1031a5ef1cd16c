"""Applying one pull page: rows, tombstones, rebase of local edits and the cursor, together.

The caller runs this in one transaction, so the cursor only ever advances with the rows it
covers: a crash mid-page leaves the old cursor and none of the page's rows.

A page lists rows and tombstones apart, without their order. A row in a page exists on the
server (a deleted row is never sent), so a tombstone of the same key in the same page is older
than it -- the key was deleted and then written again -- and is skipped: applying it would
delete hours the server has.

A first sync (or a download after ``reset_required``) of many rows is a bulk load: the first page
into an empty table, when it is big or more pages follow, drops that table's indexes; every
later page of the pull only appends rows, and the page that says ``has_more: false`` builds
in that page's transaction every missing index a reader needs: the calendar's, the admin's time
order and filters, the other tables'. So no index is kept up to date row by row, and a pull
that ran through leaves what readers need in place. The indexes that serve only the admin
table's sort by student, lesson type, status, price, length or flag (``sort_only``) are built
after the sync has reported, one per short transaction (``Store.after_sync``): the data is on
screen half a second sooner, and sorting by those columns is only slower until then. A pull
stopped half-way (a kill, a cut connection) leaves committed pages without some indexes: the
engine builds the needed ones when the pull stops, the step after the sync the others, and
opening the file builds any still missing. Readers meanwhile see the rows of committed pages,
only slower to sort (the admin's table names an index only when the file holds it).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from instainstru_desktop.store.local_changes import LocalChanges
from instainstru_desktop.store.mirror import BY_NAME, ENTITIES, Entity, Params
from instainstru_desktop.store.repositories.mirror import MirrorRepository
from instainstru_desktop.store.repositories.sync_state import START_CURSOR, SyncStateRepository
from instainstru_desktop.store.wire_table import UnreadablePageError, table_rows

log = logging.getLogger(__name__)
#: Entities of lessons' conversations: a page holding them changes what those lessons show.
_CONVERSATION = frozenset({"message", "message_read"})


@dataclass(frozen=True)
class PageSummary:
    """What a page changed, so views can refresh only that."""

    rows: int
    deleted: int
    booking_ids: frozenset[str] = frozenset()
    override_keys: frozenset[str] = frozenset()  # "instructor_id/date"
    template_instructors: frozenset[str] = frozenset()
    conflicts: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    kinds: frozenset[str] = frozenset()  # every entity the page wrote or deleted rows of


@dataclass(frozen=True)
class ConvertedRows:
    """One entity's objects of a page, already in column order (see :func:`convert_page`)."""

    rows: list[Params]


def convert_page(page: Mapping[str, Any]) -> dict[str, Any]:
    """The page with each entity's wire objects (or table) turned into rows in column order.

    Pure: no database. The sync engine calls it in the thread that fetched the page, so the
    conversion of the next page runs while SQLite writes the current one (SQLite releases the
    interpreter lock while it works), and the write transaction only writes.
    """
    converted = dict(page)
    for entity in ENTITIES:
        items = page.get(entity.page_field)
        if items and not isinstance(items, ConvertedRows):
            try:
                rows = _rows_of(entity, items)
            except UnreadablePageError:
                raise
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                # objects missing a field, or of the wrong kind: the same verdict as a table
                # that does not hold together, rather than a crash of the sync thread
                raise UnreadablePageError(f"{entity.page_field}: {error!r}") from error
            converted[entity.page_field] = ConvertedRows(rows) if rows else []
    return converted


def _rows_of(entity: Entity, items: Any) -> list[Params]:
    """An entity's part of a page in column order: converted already, a list of objects, or a
    table (:mod:`.wire_table`; one that does not hold together raises ``UnreadablePageError``)."""
    if isinstance(items, ConvertedRows):
        return items.rows
    if isinstance(items, Mapping):
        return table_rows(entity, items)
    return [entity.from_wire(item) for item in items]


class PullApplier:
    """Writes pull pages into the mirror."""

    def __init__(
        self, mirror: MirrorRepository, changes: LocalChanges, sync_state: SyncStateRepository
    ) -> None:
        self._mirror = mirror
        self._changes = changes
        self._state = sync_state

    def start_over(self) -> None:
        """Empty the mirror before a full re-download; the outbox and local edits are kept."""
        self._mirror.clear()
        self._changes.forget_truth()
        self._state.update(cursor=START_CURSOR)

    def apply(self, page: Mapping[str, Any], *, now: str) -> PageSummary:
        """Write a page as the server sent it or as :func:`convert_page` returned it. A page
        that cannot be read raises ``UnreadablePageError`` before anything is written."""
        page = convert_page(page)
        counts: dict[str, int] = {}
        keys: dict[str, set[str]] = defaultdict(set)
        talked: set[str] = set()  # lessons whose conversation changed: their unread counts did
        tombstones = _tombstones_by_entity(page.get("tombstones") or ())
        for entity in ENTITIES:
            rows = _rows_of(entity, page.get(entity.page_field) or ())
            if not rows:
                continue
            self._mirror.fill(entity.name, rows, more=bool(page.get("has_more")))
            self._changes.absorb(entity, rows)
            counts[entity.name] = len(rows)
            if entity.name in ("booking", "override", "template") or entity.name in tombstones:
                keys[entity.name].update(map(entity.key_of_params, rows))
            if entity.name in _CONVERSATION:
                lesson = entity.columns.index("booking_id")
                talked.update(row[lesson] for row in rows)
            if entity.name in tombstones:  # deleted, then written again: the row stands
                standing = keys[entity.name]
                tombstones[entity.name] = [k for k in tombstones[entity.name] if k not in standing]
        deleted = self._apply_tombstones(tombstones, keys)
        kinds = frozenset(counts) | {entity for entity, ids in keys.items() if ids}
        self._state.update(cursor=str(page["cursor"]), last_pull_at=now)
        self._changes.rebase_all()
        if not page.get("has_more"):
            # the end of a bulk load; the sort-only indexes follow the sync (module docstring)
            self._mirror.restore_indexes(sort_indexes=False)
        return PageSummary(
            rows=sum(counts.values()),
            deleted=deleted,
            booking_ids=frozenset(keys["booking"] | talked),
            override_keys=frozenset(keys["override"]),
            template_instructors=frozenset(keys["template"]),
            conflicts=counts.get("conflict", 0),
            counts=counts,
            kinds=kinds,
        )

    def _apply_tombstones(self, tombstones: dict[str, list[str]], keys: dict[str, set[str]]) -> int:
        for entity, ids in tombstones.items():
            if not ids:
                continue
            self._mirror.delete(entity, ids)
            self._changes.absorb_deleted(entity, ids)
            keys[entity].update(ids)
        return sum(len(ids) for ids in tombstones.values())


def _tombstones_by_entity(tombstones: Any) -> dict[str, list[str]]:
    by_entity: dict[str, list[str]] = defaultdict(list)
    for tombstone in tombstones:
        entity = str(tombstone["entity"])
        if entity not in BY_NAME:
            log.warning("ignoring a tombstone of unknown kind %r", entity)
            continue
        by_entity[entity].append(str(tombstone["id"]))
    return by_entity
