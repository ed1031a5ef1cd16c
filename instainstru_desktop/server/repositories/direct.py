"""The hottest reads, run on a driver cursor with statements compiled once.

An uncached slot window and an admin page are read-only and a statement or two each. Through a
session each statement paid for the session and its transaction events, the statement cache's
key walk, and SQLAlchemy's per-value result processing -- several times what the database takes
to answer. Here each statement is compiled once per dialect (:mod:`.compiled`), its parameters go
through the column types' own bind processors, and its rows come back as the driver gives them,
converted a whole column at a time where a column needs it.

Only statements built once go through :meth:`DirectReads.rows` with ``keep=True`` (the default),
so what is kept stays bounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

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
from instainstru_desktop.server.repositories.compiled import Compiled, compiled_for
from instainstru_desktop.server.repositories.page_json import (
    page_json_statement,
    text_page_json_statement,
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
        found, rows = self._fetch(statement, values, keep=keep)
        return found.keys, rows

    def _fetch(
        self, statement: AnySelect, values: Mapping[str, Any], *, keep: bool = True
    ) -> tuple[Compiled, list[Any]]:
        found = compiled_for(statement, self._dialect, keep=keep)
        self._cursor.execute(found.sql, found.arguments(values))
        return found, found.rows_by_column(self._cursor.fetchall())

    def for_slots(self, instructor_id: str, lesson_type_id: str) -> Any | None:
        """What ``InstructorRepository.for_slots`` reads, the same fields by name."""
        values = {"instructor_id": instructor_id, "lesson_type_id": lesson_type_id}
        found, rows = self._fetch(_FOR_SLOTS, values)
        return found.row_type._make(rows[0]) if rows else None

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

    def bookings_page_json(
        self, where: BookingFilter, after: tuple[datetime, str] | None, limit: int
    ) -> list[Any] | None:
        """The page :meth:`bookings_page` reads, as rows of (the booking's JSON object as the
        API writes it, start, id) -- written by the database (see ``page_json``); None where the
        database does not write them (PostgreSQL)."""
        if self._dialect.name != "sqlite":
            return None
        values, shape = _page_values(where, after, limit)
        if where.text:
            statement = text_page_json_statement(shape, where.text)
            return self.rows(statement, values, keep=False)[1]
        return self.rows(page_json_statement(*shape), values)[1]
