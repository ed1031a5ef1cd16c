"""Bulk writes to the mirror tables with SQLAlchemy Core: what a pull page and a replay need.

Pull pages arrive by the thousand, so rows go in through one ``INSERT ... ON CONFLICT DO
UPDATE`` executed for the whole list (the driver's ``executemany``), not through ORM objects,
which are an order of magnitude slower for this.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Index, and_, delete, exists, func, literal, select, tuple_
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex, DropIndex

from instainstru_desktop.store.mirror import BY_NAME, ENTITIES, Entity, Params, Row
from instainstru_desktop.store.models import SORT_ONLY, Shadow

_QMARK = sqlite.dialect(paramstyle="qmark")

#: From this many rows, a page going into an empty table is written with the table's indexes
#: built afterwards (so is the first of several pages, whatever its size), once every page of
#: the pull is in: building an index over 100k bookings costs about half of keeping it up to
#: date row by row (bookings have eleven, most for a column the admin sorts on), and keeping
#: them dropped across pages saves the row-by-row upkeep of every page after the first.
BULK_FILL_ROWS = 5_000


def sort_only(index: Index) -> bool:
    """Whether only the admin table's sort by some column reads ``index`` (see
    :data:`instainstru_desktop.store.models.SORT_ONLY`): a first download builds it after the
    sync, not with its last page."""
    return bool(index.info.get(SORT_ONLY))


def held_indexes(connection: Connection) -> frozenset[str]:
    """The declared indexes the file holds now (SQLite's own have no SQL): a bulk load drops
    some for a while, so plans name an index only when it is here."""
    found = connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    )
    return frozenset(str(name) for (name,) in found)


@cache
def _declared_indexes(entity: str) -> tuple[Index, ...]:
    """The indexes the models declare on an entity's table, in name order."""
    return tuple(sorted(BY_NAME[entity].table.indexes, key=lambda index: str(index.name)))


@cache
def _upsert_sql(entity: str) -> str:
    """``INSERT ... ON CONFLICT DO UPDATE`` of every column, compiled once to positional SQL.

    Built with SQLAlchemy Core, then executed as plain SQL with a list of tuples: the driver's
    ``executemany`` then runs at close to raw speed (no per-row parameter processing).
    """
    spec = BY_NAME[entity]
    statement = insert(spec.table)
    keys = [c.name for c in spec.table.primary_key.columns]
    upsert = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: statement.excluded[name] for name in spec.columns if name not in keys},
    )
    compiled = upsert.compile(dialect=_QMARK, column_keys=list(spec.columns))
    if tuple(compiled.positiontup or ()) != spec.columns:
        raise AssertionError(f"parameter order of the {entity} upsert is not the column order")
    return compiled.string


def _key_matches(entity: Entity, key: Any) -> ColumnElement[bool]:
    """SQL: the row of ``entity``'s table is the one ``key`` (a text column, ``a/b`` for a
    two-column key) names; each key column compared alone, so the primary key answers it."""
    columns = [entity.table.c[name] for name in entity.key_columns]
    if len(columns) == 1:
        same: ColumnElement[bool] = columns[0] == key
        return same
    if len(columns) != 2:
        raise AssertionError(f"{entity.name}: keys of more than two columns are not named")
    slash = func.instr(key, "/")
    first, second = func.substr(key, 1, slash - 1), func.substr(key, slash + 1)
    return and_(columns[0] == first, columns[1] == second)


def _truth_count(entity: Entity) -> Any:
    """SQL: how many rows of ``entity`` the server sent, as a scalar subquery.

    The table shows the server's rows with this device's unsynced edits replayed on them; a row
    with such edits has a shadow holding the server's version (NULL: the server has none). So
    the server's rows are the table's rows without a shadow plus the shadows holding a row:
    the table's count, less the shadowed keys present in it, plus the shadows with a payload.
    Shadows are few (one per edited row), so only the first count reads the whole table.
    """
    table = entity.table
    shadowed = Shadow.entity == entity.name
    present = exists().where(_key_matches(entity, Shadow.key)).correlate(Shadow)
    total = select(func.count()).select_from(table).scalar_subquery()
    overlaid = select(func.count()).where(shadowed, present).scalar_subquery()
    held = select(func.count()).where(shadowed, Shadow.payload.is_not(None)).scalar_subquery()
    return total - overlaid + held


def _where_key(entity: Entity, key: str) -> Any:
    values = entity.key_values(key)
    return and_(*(entity.table.c[name] == value for name, value in values.items()))


class MirrorRepository:
    """Row-level and bulk access to the mirror tables, by entity name and key."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def upsert(self, entity: str, rows: Sequence[Params]) -> None:
        """Insert or replace rows given in column order (see ``Entity.from_wire``)."""
        if rows:
            self._session.connection().exec_driver_sql(_upsert_sql(entity), list(rows))

    def fill(self, entity: str, rows: Sequence[Params], *, more: bool = False) -> None:
        """Write the rows of a pull page (``more``: pages of the same pull follow). A page going
        into an empty table starts a bulk load when it is big or more pages follow: the table's
        indexes are dropped first, in the caller's transaction, and stay dropped while the
        later pages of the pull go in; :meth:`restore_indexes` builds them once, after the last
        page, except the sort-only ones, built after the sync (see
        :mod:`instainstru_desktop.store.pull`)."""
        if (more or len(rows) >= BULK_FILL_ROWS) and self.is_empty(entity):
            connection = self._session.connection()
            present = self.index_names()
            for index in _declared_indexes(entity):
                if index.name in present:
                    connection.execute(DropIndex(index))
        self.upsert(entity, rows)

    def index_names(self) -> frozenset[str]:
        """The indexes the file holds now (declared ones only: SQLite's own have no SQL)."""
        return held_indexes(self._session.connection())

    def missing_indexes(self) -> list[Index]:
        """The declared indexes of the mirror tables that the file does not hold (a bulk load
        in progress, or one a crash or a cut connection stopped half-way)."""
        present = self.index_names()
        return [
            index
            for spec in ENTITIES
            for index in _declared_indexes(spec.name)
            if index.name not in present
        ]

    def restore_indexes(self, *, sort_indexes: bool = True) -> int:
        """Build the missing indexes of the mirror tables; returns how many were built.

        ``sort_indexes=False`` leaves out the :func:`sort_only` ones: what readers need is
        built, and the rest waits until the data is on screen (``Store.after_sync``)."""
        missing = [i for i in self.missing_indexes() if sort_indexes or not sort_only(i)]
        for index in missing:
            self.build_index(index)
        return len(missing)

    def build_index(self, index: Index) -> None:
        """Build one declared index (its table's rows are read once, then sorted)."""
        self._session.connection().execute(CreateIndex(index))

    def is_empty(self, entity: str) -> bool:
        table = BY_NAME[entity].table
        found = self._session.connection().execute(select(literal(1)).select_from(table).limit(1))
        return found.first() is None

    def delete(self, entity: str, keys: Iterable[str]) -> None:
        spec = BY_NAME[entity]
        keys = list(keys)
        columns = [spec.table.c[name] for name in spec.key_columns]
        for start in range(0, len(keys), 400):
            chunk = keys[start : start + 400]
            if len(columns) == 1:
                condition = columns[0].in_(chunk)
            else:
                condition = tuple_(*columns).in_(
                    [tuple(spec.key_values(k).values()) for k in chunk]
                )
            self._session.connection().execute(delete(spec.table).where(condition))

    def get(self, entity: str, key: str) -> Row | None:
        spec = BY_NAME[entity]
        found = (
            self._session.connection()
            .execute(select(spec.table).where(_where_key(spec, key)))
            .mappings()
            .first()
        )
        return None if found is None else dict(found)

    def put(self, entity: str, key: str, row: Row | None) -> None:
        """Make the row of ``(entity, key)`` exactly ``row`` (``None`` deletes it)."""
        if row is None:
            self.delete(entity, [key])
        else:
            self.upsert(entity, [BY_NAME[entity].params(row)])

    def clear(self) -> None:
        """Empty every mirror table (before a full re-download; outbox and shadows stay)."""
        connection = self._session.connection()
        for spec in ENTITIES:
            connection.execute(delete(spec.table))

    def rows(self, entity: str) -> list[Row]:
        """Every row of an entity (diagnostics and consistency checks; not for the UI)."""
        spec = BY_NAME[entity]
        result = self._session.connection().execute(select(spec.table)).mappings()
        return [dict(r) for r in result]

    def server_counts(self, entities: Iterable[str]) -> dict[str, int]:
        """How many rows of each entity the server sent, as of the stored cursor: the mirror's
        rows without the local edits laid over them (:func:`_truth_count`). Compared with the
        server's own counts after a download from the start; one statement for all."""
        names = list(dict.fromkeys(entities))
        if not names:
            return {}
        columns = [_truth_count(BY_NAME[name]).label(name) for name in names]
        found = self._session.connection().execute(select(*columns)).one()
        return {name: int(value) for name, value in zip(names, found, strict=True)}

    def count(self, entity: str) -> int:
        spec = BY_NAME[entity]
        counted = self._session.connection().execute(select(func.count()).select_from(spec.table))
        return int(counted.scalar_one())
