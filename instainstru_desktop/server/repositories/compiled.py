"""Statements compiled once per dialect and sent to the database driver directly.

On SQLite a statement of a booking or a slot window takes the database tens of microseconds, and
SQLAlchemy's execution around it (the cache-key walk, the execution context, the result object,
the events, a session's transaction) took as long again or longer. A :class:`Compiled` statement
holds what that work produced once per dialect: the SQL, the parameter names in the order the
driver takes them, the values bound in the statement itself, and the column types' own bind
processors (the values SQLAlchemy would send) and result conversions. Each run only converts and
sends. Two kinds of caller read the results in two ways:

- :class:`Prepared` runs a statement of the booking path on a session's connection (the same
  transaction, begun with ``BEGIN IMMEDIATE``) and reads its few rows one by one into named
  tuples with SQLAlchemy's result processors. A driver error is raised as the SQLAlchemy
  exception ``Connection.execute`` raises (``IntegrityError``, ``OperationalError``), so callers
  and error handlers cannot tell the difference. That is on SQLite only: on PostgreSQL every
  statement is a round trip, which costs far more than SQLAlchemy's part, and the statement runs
  through ``Connection.execute`` as any other (its events, its cache, the driver's binding).
- The direct reads (``repositories/direct.py``) run on a driver cursor of their own, on SQLite
  and PostgreSQL, and convert their many rows a whole column at a time
  (:meth:`Compiled.rows_by_column`), only the columns that need it: instants to aware UTC
  datetimes, flags to booleans, dates and JSON to Python values (SQLite hands all of those over
  as text or integers; PostgreSQL's driver has converted most already).
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from itertools import repeat
from operator import add
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Date, DateTime
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

from instainstru_desktop.server.core.models import UTCDateTime

#: Converts one value, as SQLAlchemy's bind and result processors do (None: kept as it is).
Processor = Callable[[Any], Any] | None
#: Converts one result column (all its values, in row order) to what the column's type reads.
Converter = Callable[[Sequence[Any]], Sequence[Any]]
_UTC_SUFFIX = "+00:00"


@dataclass(frozen=True, eq=False)
class Compiled:
    """A statement compiled for one dialect: its SQL, how its parameters are sent and how its
    result columns are read (see the module doc)."""

    sql: str
    #: Parameter names in the order the SQL takes them (positional dialects), else every name.
    names: tuple[str, ...]
    positional: bool
    #: Values bound in the statement itself (a LIMIT, a compared constant).
    fixed: Mapping[str, Any]
    #: The bind processor of each of ``names``.
    binds: tuple[Processor, ...]
    #: The result column names.
    keys: tuple[str, ...]
    #: ``(index, converter)`` of the result columns that need converting, a column at a time.
    converters: tuple[tuple[int, Converter], ...]
    #: The result columns (their types give the per-value result processors).
    columns: tuple[Any, ...]
    dialect: Dialect

    @classmethod
    def of(cls, statement: Any, dialect: Dialect) -> Compiled:
        """``statement`` (a select, insert or update) compiled for ``dialect``."""
        compiled: Any = statement.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("a statement sent directly cannot expand its parameters")
        positional = bool(compiled.positional)
        if positional:
            names = tuple(compiled.positiontup or ())
        else:
            names = tuple(dict.fromkeys(compiled.bind_names.values()))
        fixed: dict[str, Any] = {}
        for bind, name in compiled.bind_names.items():
            if not bind.required:
                fixed[name] = bind.effective_value
        columns = tuple(
            getattr(statement, "selected_columns", None)
            or getattr(statement, "exported_columns", None)
            or ()
        )
        converters = []
        for index, column in enumerate(columns):
            converter = _converter(column.type)
            if converter is not None:
                converters.append((index, converter))
        return cls(
            sql=compiled.string,
            names=names,
            positional=positional,
            fixed=fixed,
            binds=tuple(_bind_processor(compiled.binds[name].type, dialect) for name in names),
            keys=tuple(str(c.key) for c in columns),
            converters=tuple(converters),
            columns=columns,
            dialect=dialect,
        )

    def arguments(self, values: Mapping[str, Any]) -> Any:
        """What the driver is given for ``values`` (a list, or a dict for a named paramstyle)."""
        fixed = self.fixed
        given = [values[name] if name in values else fixed[name] for name in self.names]
        sent = [
            value if f is None else f(value) for value, f in zip(given, self.binds, strict=True)
        ]
        return sent if self.positional else dict(zip(self.names, sent, strict=True))

    def arguments_of_rows(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """What the driver is given for several rows written together (positional), converted
        column by column: a column without a processor is taken as it is, and an instant the
        rows share (their creation time) is converted once."""
        fixed = self.fixed
        columns: list[list[Any]] = []
        for name, f in zip(self.names, self.binds, strict=True):
            values = [row[name] if name in row else fixed[name] for row in rows]
            if f is not None:
                memo: dict[datetime, Any] = {}
                converted = []
                for value in values:
                    if type(value) is datetime:
                        found = memo.get(value)
                        if found is None:
                            found = memo[value] = f(value)
                        converted.append(found)
                    else:
                        converted.append(f(value))
                values = converted
            columns.append(values)
        return list(zip(*columns, strict=True))

    def arguments_of_columns(self, columns: Mapping[str, Sequence[Any]], count: int) -> list[Any]:
        """:meth:`arguments_of_rows` for ``count`` rows given a column at a time (the values
        of each named column in row order): what the rows have in common is converted once.

        A column whose values are all one object (a series' instructor, its creation time)
        is converted once and repeated; other columns are mapped through their processor with
        no per-row dictionary lookups. The driver gets the same values as from
        :meth:`arguments_of_rows`."""
        fixed = self.fixed
        converted: list[Sequence[Any]] = []
        for name, f in zip(self.names, self.binds, strict=True):
            values = columns.get(name)
            if values is None:
                values = [fixed[name]] * count
            elif len(values) != count:
                raise ValueError(f"column {name!r} has {len(values)} values, not {count}")
            if f is not None and count:
                first = values[0]
                if len(set(map(id, values))) == 1:
                    values = [f(first)] * count
                else:
                    values = list(map(f, values))
            converted.append(values)
        return list(zip(*converted, strict=True))

    @cached_property
    def row_type(self) -> Any:
        """A named tuple type of the result columns (None: no result)."""
        if not self.keys:
            return None
        return namedtuple("CompiledRow", self.keys, rename=True)

    @cached_property
    def results(self) -> tuple[Processor, ...]:
        """SQLAlchemy's result processor of each column."""
        dialect = self.dialect
        return tuple(
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in self.columns
        )

    def rows(self, fetched: Sequence[Sequence[Any]]) -> list[Any]:
        """``fetched`` as named tuples, converted value by value (a few rows)."""
        convert, make = self.results, self.row_type._make
        return [
            make([value if f is None else f(value) for f, value in zip(convert, raw, strict=True)])
            for raw in fetched
        ]

    def rows_by_column(self, fetched: list[Any]) -> list[Any]:
        """``fetched`` as the columns' types read them, converted a whole column at a time
        (many rows: no Python call per value where a column has no NULLs)."""
        if not self.converters or not fetched:
            return fetched
        columns: list[Sequence[Any]] = list(zip(*fetched, strict=True))
        for index, converter in self.converters:
            columns[index] = converter(columns[index])
        return list(zip(*columns, strict=True))


_kept: dict[tuple[Any, str, str], Compiled] = {}
_kept_lock = threading.Lock()


def compiled_for(statement: Executable, dialect: Dialect, *, keep: bool = True) -> Compiled:
    """``statement`` compiled for ``dialect``; kept (by the statement object) when ``keep``.
    Only statements built once are kept, so what is kept stays bounded."""
    key = (statement, dialect.name, dialect.driver)
    found = _kept.get(key)
    if found is None:
        found = Compiled.of(statement, dialect)
        if keep:
            with _kept_lock:
                _kept[key] = found
    return found


class Prepared:
    """One statement of the booking path, run on a session's connection (see the module doc)."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._sqlite: Compiled | None = None

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """The first row (a named tuple; None: none)."""
        rows = self.rows(connection, params)
        return rows[0] if rows else None

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Every row, as named tuples (rows of ``Connection.execute`` elsewhere)."""
        if connection.dialect.name != "sqlite":
            return list(connection.execute(self.statement, params))
        compiled = self._on_sqlite(connection.dialect)
        cursor = _send(connection, compiled, [compiled.arguments(params)])
        return compiled.rows(cursor.fetchall())

    def rows_by_column(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Every row, as plain tuples converted a whole column at a time
        (:meth:`Compiled.rows_by_column`, as the direct reads convert theirs): for a
        statement of many rows (a series' weeks of lessons)."""
        if connection.dialect.name != "sqlite":
            return [tuple(row) for row in connection.execute(self.statement, params)]
        compiled = self._on_sqlite(connection.dialect)
        cursor = _send(connection, compiled, [compiled.arguments(params)])
        return compiled.rows_by_column(cursor.fetchall())

    def run(self, connection: Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per parameter set (no result)."""
        if connection.dialect.name != "sqlite":
            connection.execute(self.statement, params[0] if len(params) == 1 else list(params))
            return
        compiled = self._on_sqlite(connection.dialect)
        if len(params) == 1:
            _send(connection, compiled, [compiled.arguments(params[0])])
        else:
            _send(connection, compiled, compiled.arguments_of_rows(params))

    def run_columns(
        self, connection: Connection, columns: Mapping[str, Sequence[Any]], count: int
    ) -> None:
        """:meth:`run` for ``count`` rows given a column at a time (see
        :meth:`Compiled.arguments_of_columns`)."""
        if count == 0:
            return
        if connection.dialect.name != "sqlite":
            names = list(columns)
            values = zip(*columns.values(), strict=True)
            rows = [dict(zip(names, row, strict=True)) for row in values]
            connection.execute(self.statement, rows[0] if count == 1 else rows)
            return
        compiled = self._on_sqlite(connection.dialect)
        _send(connection, compiled, compiled.arguments_of_columns(columns, count))

    def _on_sqlite(self, dialect: Dialect) -> Compiled:
        found = self._sqlite
        if found is None:
            found = self._sqlite = compiled_for(self.statement, dialect)
        return found


def _send(connection: Connection, compiled: Compiled, args: list[Any]) -> Any:
    """Run ``compiled`` on the connection's driver, once per argument list; a driver error is
    raised as SQLAlchemy raises it."""
    driver = connection.connection.driver_connection
    assert driver is not None
    dialect = connection.dialect
    try:
        if len(args) == 1:
            return driver.execute(compiled.sql, args[0])
        return driver.executemany(compiled.sql, args)
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            compiled.sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect
        ) from exc


#: SQLite's default text of a datetime, which :func:`_utc_sqlite_text` writes the same way.
_SQLITE_DATETIME = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


def _utc_sqlite_text(value: datetime | None) -> str | None:
    """A ``UTCDateTime`` value as SQLite stores it (naive UTC text with microseconds): what the
    type's own processor and SQLite's text format make of it, in one step."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime given to a UTC column")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def _bind_processor(bind_type: Any, dialect: Dialect) -> Processor:
    """The column type's own processor; for UTC instants on SQLite in its default text form,
    :func:`_utc_sqlite_text` (a series' statements convert a few hundred instants each)."""
    impl = bind_type.dialect_impl(dialect)
    if (
        isinstance(bind_type, UTCDateTime)
        and dialect.name == "sqlite"
        and getattr(impl.impl_instance, "_storage_format", None) == _SQLITE_DATETIME
    ):
        return _utc_sqlite_text
    processor: Processor = impl.bind_processor(dialect)
    return processor


def _from_text(
    convert: Callable[[str], Any], *, otherwise: Callable[[Any], Any] | None = None
) -> Converter:
    """``convert`` applied to the text the driver gives (SQLite); other values (PostgreSQL's,
    already converted) go to ``otherwise``, or are kept as they are. A column without NULLs
    maps a C function over its values, with no Python call per value."""

    def one(value: Any) -> Any:
        if type(value) is str:
            return convert(value)
        return value if otherwise is None or value is None else otherwise(value)

    def column(values: Sequence[Any]) -> Sequence[Any]:
        if not values:
            return values
        if None in values or type(values[0]) is not str:
            return [one(v) for v in values]
        return list(map(convert, values))

    return column


def _aware_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_from_text(value: str) -> datetime:
    return datetime.fromisoformat(value + _UTC_SUFFIX)


_some_utc = _from_text(_utc_from_text, otherwise=_aware_utc)


def _utc_text(values: Sequence[Any]) -> Sequence[Any]:
    """SQLite's naive UTC text as aware UTC datetimes (the suffix makes ``fromisoformat``
    attach UTC: far cheaper than ``replace``); PostgreSQL's datetimes moved to UTC."""
    if values and type(values[0]) is str and None not in values:
        return list(map(datetime.fromisoformat, map(add, values, repeat(_UTC_SUFFIX))))
    return _some_utc(values)


def _flags(values: Sequence[Any]) -> Sequence[Any]:
    """SQLite's 0/1 as booleans (PostgreSQL's are already)."""
    if None in values:
        return [None if v is None else bool(v) for v in values]
    return list(map(bool, values))


def _converter(column_type: Any) -> Converter | None:
    """How a column of this type is read a column at a time (None: as it comes). Instants of a
    plain ``DateTime`` stay as the driver reads them, as through SQLAlchemy (naive UTC on
    SQLite, aware on PostgreSQL); those of ``UTCDateTime`` become aware UTC datetimes."""
    if isinstance(column_type, DateTime):
        return _from_text(datetime.fromisoformat)
    if isinstance(getattr(column_type, "impl_instance", None), DateTime):
        return _utc_text
    if isinstance(column_type, Boolean):
        return _flags
    if isinstance(column_type, Date):
        return _from_text(date.fromisoformat)
    if isinstance(column_type, JSON):
        return _from_text(orjson.loads)
    return None
