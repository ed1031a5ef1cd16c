"""Changed bookings of a sync pull as a table, read on the session's driver cursor.

A first sync of 100k bookings spent most of the server's time after the database had answered:
SQLAlchemy's result object made a ``Row`` of each database row (about 0.3 s), and the object
form of the page made a dict of each ``Row`` (0.15 s). The table form of a page (docs/api.md,
"Sync") needs neither. The statement -- ``booking_view`` with the pull's window and scope, and
NULL in place of what the caller may not see -- is compiled once per dialect (:mod:`.compiled`)
and run on a cursor of the session's own connection, inside the pull's snapshot:

- on SQLite, SQLite writes each row as a JSON array itself (in C, as :mod:`.page_json` writes
  an admin page: the same text orjson writes for the same values, flags as ``true``/``false``,
  instants in the API's UTC text), and the rows go out as one pre-written JSON fragment: no
  Python object per value at all;
- elsewhere (PostgreSQL) the rows come back as the driver gives them, converted a whole column
  at a time where a column needs it, and orjson writes them.

Either way the values are those of the object form (``tests/server/test_sync_table.py`` holds
the two to each other on both databases).
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import bindparam, func, null
from sqlalchemy.engine import Connection

from instainstru_desktop.server.core.models import Booking
from instainstru_desktop.server.repositories._types import AnySelect
from instainstru_desktop.server.repositories.bookings import booking_view
from instainstru_desktop.server.repositories.compiled import Compiled, compiled_for
from instainstru_desktop.server.repositories.page_json import json_value


@dataclass(frozen=True)
class BookingTable:
    """The changed bookings as a table: column names, the rows (in any form orjson writes as
    a JSON array of arrays) and the students the rows name."""

    columns: list[str]
    rows: Any
    student_ids: set[str]


@functools.cache
def _statement(scoped: bool, blank: frozenset[str]) -> AnySelect:
    """Bookings changed in ``(:after, :upto]`` (of ``:who`` when ``scoped``), NULL in the
    columns named in ``blank``; built once per shape."""
    view = booking_view(plain_instants=True)
    columns = [null().label(c.name) if c.name in blank else c for c in view.selected_columns]
    statement = view.with_only_columns(*columns).where(
        Booking.seq > bindparam("after"), Booking.seq <= bindparam("upto")
    )
    if scoped:
        statement = statement.where(Booking.instructor_id == bindparam("who"))
    # No ORDER BY: a client applies a page as a whole, and sorting 100k rows costs ~20%.
    return statement


@functools.cache
def _json_statement(scoped: bool, blank: frozenset[str]) -> AnySelect:
    """:func:`_statement` selecting each row as the JSON array SQLite writes, and its student."""
    statement = _statement(scoped, blank)
    values = [json_value(column) for column in statement.selected_columns]
    return statement.with_only_columns(func.json_array(*values), Booking.student_id)


def changed_booking_table(
    connection: Connection,
    after: int,
    upto: int,
    who: str | None,
    *,
    blank: Collection[str] = (),
) -> BookingTable:
    """The bookings changed in ``(after, upto]`` that ``who`` may see (None: all); the
    columns named in ``blank`` are null in every row."""
    shape = (who is not None, frozenset(blank))
    columns = [str(column.name) for column in _statement(*shape).selected_columns]
    values = {"after": after, "upto": upto, "who": who}
    if connection.dialect.name == "sqlite":
        fetched = _fetch(
            connection, compiled_for(_json_statement(*shape), connection.dialect), values
        )
        written = ",".join(map(itemgetter(0), fetched))
        students = set(map(itemgetter(1), fetched))
        return BookingTable(columns, orjson.Fragment(f"[{written}]"), students)
    compiled = compiled_for(_statement(*shape), connection.dialect)
    rows = compiled.rows_by_column(_fetch(connection, compiled, values))
    students = set(map(itemgetter(columns.index("student_id")), rows))
    return BookingTable(columns, rows, students)


def _fetch(connection: Connection, compiled: Compiled, values: Mapping[str, Any]) -> list[Any]:
    """Every row of ``compiled`` on a driver cursor of ``connection`` (its transaction)."""
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.sql, compiled.arguments(values))
        return list(cursor.fetchall())
    finally:
        cursor.close()
