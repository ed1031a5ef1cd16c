"""The hottest reads, run on a driver cursor with statements compiled once.

An uncached slot window and an admin page are read-only and a statement or two each. Through a
session each statement paid for the session and its transaction events, the statement cache's
key walk, and SQLAlchemy's per-value result processing -- several times what the database takes
to answer. Here each statement is compiled once per dialect (:class:`Prepared`), its parameters go
through the column types' own bind processors (the same values SQLAlchemy would send), and its
rows come back as the driver gives them, with only the columns that need it converted: instants
to aware UTC datetimes, flags to booleans, dates and JSON to Python values (SQLite hands all of
those over as text or integers; PostgreSQL's driver has converted most already).

Only statements built once go through :meth:`DirectReads.rows` with ``keep=True`` (the default),
so what is kept stays bounded.
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import repeat
from operator import add
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Date, DateTime
from sqlalchemy.engine import Dialect

from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.server.repositories._types import AnySelect
from instainstru_desktop.server.repositories.bookings import (
    _LOOKBACK,
    _OVERRIDE,
    _RULE_INPUTS_SELECT,
    _STUDENT_BUSY,
    BookingFilter,
    RuleInputs,
    _page_statement,
    _page_values,
    _with_text,
)
from instainstru_desktop.server.repositories.catalog import _FOR_SLOTS

#: Converts one result column (all its values, in row order) to what the column's type reads.
Converter = Callable[[Sequence[Any]], Sequence[Any]]
_UTC_SUFFIX = "+00:00"


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
    """How a column of this type is read from the driver (None: as it comes). Instants of a
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


@dataclass(frozen=True)
class Prepared:
    """A statement compiled for one dialect: its SQL, how its parameters are sent, and which
    result columns need converting."""

    sql: str
    #: Parameter names in the order the SQL takes them (None: sent by name).
    order: tuple[str, ...] | None
    #: Values bound in the statement itself (literals).
    fixed: Mapping[str, Any]
    processors: Mapping[str, Converter]
    keys: tuple[str, ...]
    #: ``(index, converter)`` of the result columns that need one.
    converters: tuple[tuple[int, Converter], ...]

    @classmethod
    def compile(cls, statement: AnySelect, dialect: Dialect) -> Prepared:
        compiled = statement.compile(dialect=dialect)
        if "POSTCOMPILE" in compiled.string:
            raise ValueError("a statement read directly cannot expand its parameters")
        fixed: dict[str, Any] = {}
        processors: dict[str, Converter] = {}
        for bind, name in compiled.bind_names.items():
            if not bind.required:
                fixed[name] = bind.value
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors[name] = process
        columns = statement.selected_columns
        converters = []
        for index, column in enumerate(columns):
            converter = _converter(column.type)
            if converter is not None:
                converters.append((index, converter))
        return cls(
            sql=compiled.string,
            order=tuple(compiled.positiontup or ()) if compiled.positional else None,
            fixed=fixed,
            processors=processors,
            keys=tuple(str(c.key) for c in columns),
            converters=tuple(converters),
        )

    def parameters(self, values: Mapping[str, Any]) -> Any:
        merged = {**self.fixed, **values}
        for name, process in self.processors.items():
            merged[name] = process(merged[name])
        if self.order is None:
            return merged
        return [merged[name] for name in self.order]

    def convert(self, rows: list[Any]) -> list[Any]:
        """``rows`` as the columns' types read them, converted column by column."""
        if not self.converters or not rows:
            return rows
        columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for index, converter in self.converters:
            columns[index] = converter(columns[index])
        return list(zip(*columns, strict=True))


_kept: dict[tuple[Any, str, str], Prepared] = {}
_kept_lock = threading.Lock()


def prepared(statement: AnySelect, dialect: Dialect, *, keep: bool = True) -> Prepared:
    """``statement`` compiled for ``dialect``; kept (by the statement object) when ``keep``."""
    key = (statement, dialect.name, dialect.driver)
    found = _kept.get(key)
    if found is None:
        found = Prepared.compile(statement, dialect)
        if keep:
            with _kept_lock:
                _kept[key] = found
    return found


_SlotSource = namedtuple(  # type: ignore[misc]
    "_SlotSource", [str(c.key) for c in _FOR_SLOTS.selected_columns]
)


class DirectReads:
    """Read-only statements on one driver cursor, in one transaction (see ``Database``)."""

    def __init__(self, cursor: Any, dialect: Dialect) -> None:
        self._cursor = cursor
        self._dialect = dialect

    def rows(
        self, statement: AnySelect, values: Mapping[str, Any], *, keep: bool = True
    ) -> tuple[tuple[str, ...], list[Any]]:
        """The column names and rows of ``statement`` with ``values`` bound."""
        found = prepared(statement, self._dialect, keep=keep)
        self._cursor.execute(found.sql, found.parameters(values))
        return found.keys, found.convert(self._cursor.fetchall())

    def for_slots(self, instructor_id: str, lesson_type_id: str) -> Any | None:
        """What ``InstructorRepository.for_slots`` reads, the same fields by name."""
        values = {"instructor_id": instructor_id, "lesson_type_id": lesson_type_id}
        _keys, rows = self.rows(_FOR_SLOTS, values)
        return _SlotSource(*rows[0]) if rows else None

    def instructor_inputs(
        self,
        instructor_id: str,
        window: tuple[datetime, datetime],
        days: tuple[date, date],
        exclude: str | None = None,
    ) -> RuleInputs:
        """The instructor's active lessons overlapping ``window`` (sorted by start) and date
        overrides of ``days``, in one statement (``BookingRepository.rule_inputs`` without a
        student: its student part matches nothing)."""
        lo, hi = window
        values = {
            "who_i": instructor_id,
            "lo_i": lo,
            "since_i": lo - _LOOKBACK,
            "hi_i": hi,
            "who_s": None,
            "lo_s": lo,
            "since_s": lo,
            "hi_s": lo,
            "first": days[0],
            "last": days[1],
            "exclude": exclude,
        }
        found = RuleInputs([], [], [])
        busy, overrides = found.instructor_busy, found.overrides
        for start, end, mine, day, ranges in self.rows(_RULE_INPUTS_SELECT, values)[1]:
            if mine == _OVERRIDE:
                overrides.append((day, ranges))
            else:
                busy.append(TimeRange(start, end))
        busy.sort()  # the statement leaves the order to the reader
        return found

    def student_busy(
        self, student_id: str, lo: datetime, hi: datetime, exclude: str | None = None
    ) -> list[TimeRange]:
        """``BookingRepository.student_busy``: the student's active lessons overlapping
        ``[lo, hi)``, sorted by start."""
        values = {"who": student_id, "lo": lo, "since": lo - _LOOKBACK, "hi": hi}
        values["exclude"] = exclude
        return [TimeRange(start, end) for start, end in self.rows(_STUDENT_BUSY, values)[1]]

    def bookings_page(
        self, where: BookingFilter, after: tuple[datetime, str] | None, limit: int
    ) -> tuple[Sequence[str], list[Any]]:
        """``BookingRepository.page``: column names and bookings matching ``where`` ordered by
        (start, id) after the keyset ``after``; instants as aware UTC datetimes."""
        values, shape = _page_values(where, after, limit)
        statement = _page_statement(*shape)
        if where.text:  # a statement of its own for every text: compiled, not kept
            return self.rows(_with_text(statement, where.text), values, keep=False)
        return self.rows(statement, values)
