"""Changed bookings of a sync pull as a table, read on the session's driver cursor.

A first sync of 100k bookings spent most of the server's time after the database had answered:
SQLAlchemy's result object made a ``Row`` of each database row (about 0.3 s), and the object
form of the page made a dict of each ``Row`` (0.15 s). The table form of a page (docs/api.md,
"Sync") needs neither: the statement -- ``booking_view`` with the pull's window and scope -- is
compiled once per dialect (:mod:`.compiled`) and run on a cursor of the session's own
connection, inside the pull's snapshot; the rows come back as the driver gives them and only
the columns that need it are converted, a whole column at a time.

The values are those of the object form on every dialect: the same statement, the same column
types' conversions (SQLite's 0/1 flags become booleans; the instants stay as the driver reads
them, which the API's encoder writes in the same canonical UTC text), and the columns an
audience may not see are null.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from itertools import repeat
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.engine import Connection

from instainstru_desktop.server.core.models import Booking
from instainstru_desktop.server.repositories._types import AnySelect
from instainstru_desktop.server.repositories.bookings import booking_view
from instainstru_desktop.server.repositories.compiled import compiled_for


@functools.cache
def _statement(scoped: bool) -> AnySelect:
    """Bookings changed in ``(:after, :upto]`` (of ``:who`` when ``scoped``), built once."""
    statement = booking_view(plain_instants=True).where(
        Booking.seq > bindparam("after"), Booking.seq <= bindparam("upto")
    )
    if scoped:
        statement = statement.where(Booking.instructor_id == bindparam("who"))
    # No ORDER BY: a client applies a page as a whole, and sorting 100k rows costs ~20%.
    return statement


def changed_booking_table(
    connection: Connection,
    after: int,
    upto: int,
    who: str | None,
    *,
    blank: Collection[str] = (),
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows (tuples, in the columns' order) of the bookings changed in
    ``(after, upto]`` that ``who`` may see (None: all); the columns named in ``blank`` are
    null in every row."""
    compiled = compiled_for(_statement(who is not None), connection.dialect)
    keys = list(compiled.keys)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.sql, compiled.arguments({"after": after, "upto": upto, "who": who}))
        fetched = cursor.fetchall()
    finally:
        cursor.close()
    if not fetched:
        return keys, []
    count = len(fetched)
    columns: list[Any] = list(zip(*fetched, strict=True))
    for index, converter in compiled.converters:
        columns[index] = converter(columns[index])
    for name in blank:
        columns[keys.index(name)] = repeat(None, count)
    return keys, list(zip(*columns, strict=True))
