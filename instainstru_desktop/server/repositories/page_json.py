"""A page of bookings written as JSON by SQLite itself, each row the object the API sends.

An admin page is a hundred rows of twenty-three columns. Read as Python values, presented as a
dict per row and encoded by orjson, it cost about 0.45 ms, most of it making and dropping some
2,300 Python objects. SQLite's ``json_object`` writes each row's object in C from the values as
stored, and the page is read as a hundred strings. What it writes is what orjson writes for the
same row (``tests/server/test_page_json.py`` compares the bytes for every filter shape):

- text escapes the same way (``"``, ``\\``, control characters; everything else as UTF-8);
- an instant is stored as ``YYYY-MM-DD HH:MM:SS.ffffff`` (naive UTC, the SQLite ``DateTime``
  format, also what ``compiled._utc_sqlite_text`` writes) and goes out as orjson writes a UTC
  instant: ``T`` between date and time, microseconds only when there are any, then ``Z``
  (``benchmarks/read_stages.py`` times it: formatting the four instants in SQL is most of the
  page's cost in SQLite, so it is two ``replace`` calls and nothing more);
- a flag (stored 0/1) goes out as ``true``/``false``.

SQLite only: on PostgreSQL the page is read and presented as values (``DirectReads.bookings_page``).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Boolean, DateTime, case, func, literal_column
from sqlalchemy.sql.elements import ColumnElement, Label

from instainstru_desktop.server.repositories._types import AnySelect
from instainstru_desktop.server.repositories.bookings import _page_statement, _with_text


def _sql_text(value: str) -> Any:
    """A constant written into the statement (a bound value would need a parameter)."""
    return literal_column("'" + value.replace("'", "''") + "'")


def _instant(stored: Any) -> Any:
    """orjson's text of a UTC instant, from SQLite's stored text of it (NULL stays NULL): the
    only ``.`` is the fraction's, dropped when it is zero, as orjson drops it."""
    with_t = func.replace(stored, _sql_text(" "), _sql_text("T"))
    return func.replace(with_t, _sql_text(".000000"), _sql_text("")).concat(_sql_text("Z"))


def _flag(stored: Any) -> Any:
    """JSON ``true``/``false`` of a stored flag (NULL stays NULL); ``json('true')`` is a
    constant, worked out once per statement."""
    true, false = func.json(_sql_text("true")), func.json(_sql_text("false"))
    return case((stored.is_(None), None), (stored != literal_column("0"), true), else_=false)


def json_value(column: ColumnElement[Any]) -> Any:
    """A selected column as SQLite writes it into JSON the way orjson writes its value."""
    value = column.element if isinstance(column, Label) else column
    if isinstance(column.type, DateTime):
        return _instant(value)
    if isinstance(column.type, Boolean):
        return _flag(value)
    return value


def _as_json(statement: AnySelect) -> AnySelect:
    """``statement`` (a page of ``booking_view()``) selecting, per row, its JSON object and then
    its keyset: ``start`` (read as the page reads it) and ``id``."""
    columns = list(statement.selected_columns)
    pairs: list[Any] = []
    for column in columns:
        pairs += [_sql_text(column.name), json_value(column)]
    named = {column.name: column for column in columns}
    return statement.with_only_columns(func.json_object(*pairs), named["start"], named["id"])


@functools.cache
def page_json_statement(*shape: bool) -> AnySelect:
    """``_page_statement(*shape)`` as JSON rows (see :func:`_as_json`); built once per shape."""
    return _as_json(_page_statement(*shape))


def text_page_json_statement(shape: tuple[bool, ...], text: str) -> AnySelect:
    """The same for a page narrowed to ``text`` (a statement of its own, never kept)."""
    return _as_json(_with_text(_page_statement(*shape), text))
