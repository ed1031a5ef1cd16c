"""Statements of the booking path, compiled once and sent straight to SQLite's driver.

On SQLite a statement of a booking takes the database tens of microseconds, and SQLAlchemy's
execution around it (the cache-key walk, the execution context, the result object, the events)
took as long again: half of what a booking cost the server was SQLAlchemy's own work. A
:class:`Prepared` statement is compiled for the dialect once; on SQLite each run only converts
the parameters with the column types' own processors, sends the SQL on the connection's driver
cursor and converts the result columns the same way. The transaction is still the session's
(the same connection, begun with ``BEGIN IMMEDIATE``), and a driver error is raised as the same
SQLAlchemy exception ``Connection.execute`` raises (``IntegrityError``, ``OperationalError``), so
the callers and the error handlers cannot tell the difference.

On PostgreSQL every statement is a round trip to the server, which costs far more than
SQLAlchemy's part; there the statement runs through ``Connection.execute`` as any other (its
events, its statement cache and the driver's own binding).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.expression import Executable

from instainstru_desktop.server.core.models import UTCDateTime

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    """A statement compiled for one dialect, with how to convert its parameters and results."""

    sql: str
    names: tuple[str, ...]  # the parameters in the order of their placeholders
    fixed: Mapping[str, Any]  # values the statement holds itself (a LIMIT, a compared constant)
    binds: tuple[Processor, ...]
    results: tuple[Processor, ...]
    row: Any  # a named tuple type of the result columns (None: no result)


class Prepared:
    """One statement of the booking path (see the module doc)."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def first(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """The first row (a named tuple; None: none)."""
        rows = self.rows(connection, params)
        return rows[0] if rows else None

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[Any]:
        """Every row, as named tuples (rows of ``Connection.execute`` elsewhere)."""
        if connection.dialect.name != "sqlite":
            return list(connection.execute(self.statement, params))
        compiled = self._for(connection.dialect)
        cursor = self._send(connection, compiled, [self._args(compiled, params)])
        convert, make = compiled.results, compiled.row._make
        return [
            make([value if f is None else f(value) for f, value in zip(convert, raw, strict=True)])
            for raw in cursor.fetchall()
        ]

    def run(self, connection: Connection, params: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per parameter set (no result)."""
        if connection.dialect.name != "sqlite":
            connection.execute(self.statement, params[0] if len(params) == 1 else list(params))
            return
        compiled = self._for(connection.dialect)
        if len(params) == 1:
            self._send(connection, compiled, [self._args(compiled, params[0])])
            return
        self._send(connection, compiled, self._many_args(compiled, params))

    @staticmethod
    def _many_args(compiled: _Compiled, params: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The driver's values of several parameter sets, converted column by column: a
        column without a processor is taken as it is, and an instant the rows share (their
        creation time) is converted once."""
        fixed = compiled.fixed
        columns: list[list[Any]] = []
        for name, f in zip(compiled.names, compiled.binds, strict=True):
            values = [p[name] if name in p else fixed[name] for p in params]
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

    @staticmethod
    def _args(compiled: _Compiled, params: Mapping[str, Any]) -> list[Any]:
        """The driver's values of one parameter set."""
        fixed = compiled.fixed
        values = [params[name] if name in params else fixed[name] for name in compiled.names]
        return [
            value if f is None else f(value)
            for value, f in zip(values, compiled.binds, strict=True)
        ]

    @staticmethod
    def _send(connection: Connection, compiled: _Compiled, args: Sequence[Sequence[Any]]) -> Any:
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

    def _for(self, dialect: Dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _compile(self.statement, dialect)
        return found


#: SQLite's default text of a datetime, which :func:`_utc_text` writes the same way.
_SQLITE_DATETIME = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


def _utc_text(value: datetime | None) -> str | None:
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
    :func:`_utc_text` (a series' statements convert a few hundred instants each)."""
    impl = bind_type.dialect_impl(dialect)
    if (
        isinstance(bind_type, UTCDateTime)
        and dialect.name == "sqlite"
        and getattr(impl.impl_instance, "_storage_format", None) == _SQLITE_DATETIME
    ):
        return _utc_text
    processor: Processor = impl.bind_processor(dialect)
    return processor


def _compile(statement: Any, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)
    if not compiled.positional or compiled.positiontup is None:
        raise ValueError(f"a positional dialect is needed, not {dialect.name}")
    names = tuple(compiled.positiontup)
    binds = tuple(_bind_processor(compiled.binds[name].type, dialect) for name in names)
    columns = list(getattr(statement, "selected_columns", None) or ())
    if not columns:
        columns = list(getattr(statement, "exported_columns", None) or ())
    results = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    fields = [c.key for c in columns]
    row = namedtuple("PreparedRow", fields, rename=True) if columns else None
    fixed = {
        name: bind.effective_value
        for name, bind in compiled.binds.items()
        if bind.value is not None or bind.callable is not None
    }
    return _Compiled(compiled.string, names, fixed, binds, results, row)
