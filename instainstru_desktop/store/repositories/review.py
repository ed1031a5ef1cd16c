"""The admin's bookings table, straight from SQLite: filters, orders, pages and totals.

How the table reads 100,000 bookings without holding them:

- :meth:`ReviewRepository.order` answers the *order* of the matching bookings as their rowids
  (8 bytes each, in one ``array``), never the rows: the count is its length, a page is any
  slice of it, and a booking's place after a sync is found in it without asking SQLite again.
- :meth:`ReviewRepository.rows` reads one page of rows by rowid; :meth:`first_rows` reads the
  first page without waiting for the order (the table shows it, then counts).
- Every sort has its index (cache schema 6), each ending on the start time and the rowid, so
  ties are in time order and the order is total. Without filters SQLite walks that index and
  touches no table row. The time order walks ``ix_bookings_review_start`` (schema 8), which
  starts with the start time (schema 9 dropped the plain start index, its prefix); bookings
  that start together are put in rowid order as they are read, never the whole table sorted.
- With filters the plan is chosen here, per filter (:func:`order_plan`, :func:`first_page_plan`),
  not left to the planner, which has no statistics and cannot weigh a ``LIMIT``:

  * in time order, without text: the index that answers the filter in time order. One exact
    term (an instructor, a student, one status or the flag; a date range may come with it) has
    its own ``(column, start)`` index, read in order with nothing to sort; any other mix, a date
    range alone, and a term whose own index is not built yet walk ``ix_bookings_review_start``
    (schema 8), which is in start order and holds every column an exact filter tests, so no
    booking is read to test it. A first page stops after its rows.
  * otherwise (text, or another sort) the whole order filters first and sorts what matched:
    the sort key is written ``+key`` so SQLite picks the index that *filters* best (or one pass
    over the table) instead of walking the sort index and reading a table row per booking to
    test the filter, which costs ten times more when few bookings match. The first page first
    looks at the first :data:`WALK_ROWS` bookings of the sort order only: when a page of them
    matches, those are the first page (nothing before them in the order can match); when not,
    the filter is selective and the page is read the whole-order way with a ``LIMIT``.

- A first download builds the bookings' indexes after its last page, and those only the sorts
  by student, lesson type, status, price, length and flag read after the sync has reported
  (see :mod:`instainstru_desktop.store.pull`); the table may be read meanwhile: a plan names an
  index (``INDEXED BY``) only when the file holds it (:meth:`ReviewRepository.indexes`), and
  otherwise asks the same question without it, sorting what it reads.
- The instructor sort walks the instructors by name (``CROSS JOIN`` fixes that loop order) and
  each one's bookings by start time through ``ix_bookings_instructor_start``: ordered without
  sorting anything. Bookings whose instructor is not in the cache come first (as a ``NULL``
  name sorts), so the count never depends on the sort.

Everything is plain SQL on the session's connection: the planner sees exactly these statements.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, cast

from sqlalchemy.orm import Session

from instainstru_desktop.store.errors import classify
from instainstru_desktop.store.migrations.steps import LENGTH_SECONDS
from instainstru_desktop.store.repositories.mirror import held_indexes

#: The sort keys, by name (the services' ``SortKey`` spells the same names): the terms each
#: sorts on before the start time and the rowid.
INSTRUCTOR = "instructor"


@dataclass(frozen=True)
class ReviewFilter:
    """Filters in stored form (instants as canonical text); empty values match everything."""

    instructor_id: str | None = None
    student_id: str | None = None
    statuses: tuple[str, ...] = ()
    lesson_type: str | None = None  # a lesson type's name: the same name at every instructor
    start_from: str | None = None  # inclusive
    start_before: str | None = None  # exclusive
    flagged: bool | None = None
    text: str = ""

    @property
    def empty(self) -> bool:
        return not (
            self.instructor_id
            or self.student_id
            or self.statuses
            or self.lesson_type
            or self.start_from
            or self.start_before
            or self.flagged is not None
            or self.text
        )


class ReviewRecord(NamedTuple):
    """One row of the table, as stored."""

    rowid: int
    id: str
    instructor_id: str
    student_id: str
    student_name: str
    student_time_zone: str
    lesson_type_name: str
    start_utc: str
    end_utc: str
    status: str
    price_cents: int
    currency: str
    flagged: bool
    review_note: str | None
    cancel_reason: str | None
    cancelled_by: str | None
    note: str | None
    created_at: str
    updated_at: str
    version: int
    color: str | None


_COLUMNS = (
    "b.rowid, b.id, b.instructor_id, b.student_id, b.student_name, b.student_time_zone,"
    " b.lesson_type_name, b.start_utc, b.end_utc, b.status, b.price_cents, b.currency,"
    " b.flagged, b.review_note, b.cancel_reason, b.cancelled_by, b.note, b.created_at,"
    " b.updated_at, b.version, t.color"
)
_LENGTH = LENGTH_SECONDS.replace("end_utc", "b.end_utc").replace("start_utc", "b.start_utc")
_KEYS: dict[str, tuple[str, ...]] = {
    "start": (),
    INSTRUCTOR: ("i.name COLLATE NOCASE", "i.id"),
    "student": ("b.student_name COLLATE NOCASE",),
    "lesson": ("b.lesson_type_name COLLATE NOCASE",),
    "length": (_LENGTH,),
    "status": ("b.status",),
    "price": ("b.price_cents",),
    "review": ("b.flagged",),
}
SORT_KEYS = tuple(_KEYS)
_TEXT_COLUMNS = (
    "b.student_name",
    "b.lesson_type_name",
    "b.note",
    "b.cancel_reason",
    "b.review_note",
)


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards in ``text`` taken literally (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def where_clause(f: ReviewFilter) -> tuple[str, list[Any]]:
    """``WHERE ...`` (or ``""``) over bookings ``b``, and its parameters."""
    terms: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("b.instructor_id", f.instructor_id),
        ("b.student_id", f.student_id),
        ("b.lesson_type_name", f.lesson_type),
    ):
        if value:
            terms.append(f"{column} = ?")
            params.append(value)
    if f.statuses:
        terms.append(f"b.status IN ({', '.join('?' * len(f.statuses))})")
        params.extend(f.statuses)
    if f.start_from:
        terms.append("b.start_utc >= ?")
        params.append(f.start_from)
    if f.start_before:
        terms.append("b.start_utc < ?")
        params.append(f.start_before)
    if f.flagged is not None:
        terms.append("b.flagged = ?")
        params.append(1 if f.flagged else 0)
    if f.text:
        pattern = like_pattern(f.text)
        matches = [f"{column} LIKE ? ESCAPE '\\'" for column in _TEXT_COLUMNS]
        matches.append(
            "b.instructor_id IN (SELECT id FROM instructors WHERE name LIKE ? ESCAPE '\\')"
        )
        terms.append(f"({' OR '.join(matches)})")
        params.extend([pattern] * len(matches))
    return (" WHERE " + " AND ".join(terms) if terms else ""), params


def _order_by(sort: str, descending: bool, *, hinted: bool) -> str:
    if sort not in _KEYS:
        raise ValueError(f"no sort key {sort!r}; one of {', '.join(SORT_KEYS)}")
    terms = [*_KEYS[sort], "b.start_utc", "b.rowid"]
    if hinted:
        terms[0] = f"+{terms[0]}"  # see the module docstring: filter by index, then sort
    direction = " DESC" if descending else ""
    return " ORDER BY " + ", ".join(f"{term}{direction}" for term in terms)


#: The indexes of the plans, by name; ``None``: every declared index is in the file.
Indexes = Collection[str] | None
_NAMES_INDEX = "ix_instructors_name_id"


def _held(index: str, indexes: Indexes) -> bool:
    return indexes is None or index in indexes


def _from(sort: str, f: ReviewFilter, indexes: Indexes = None) -> str:
    if sort == INSTRUCTOR and f.empty:
        hint = f" INDEXED BY {_NAMES_INDEX}" if _held(_NAMES_INDEX, indexes) else ""
        return f" FROM instructors AS i{hint} CROSS JOIN bookings AS b ON b.instructor_id = i.id"
    if sort == INSTRUCTOR:
        return " FROM bookings AS b LEFT JOIN instructors AS i ON i.id = b.instructor_id"
    return " FROM bookings AS b"


#: How many bookings of the sort order a filtered first page looks at before it filters the
#: whole table instead (see the module docstring): a filter that a twentieth of the bookings
#: pass finds its page there.
WALK_ROWS = 4_000
#: The index in start order that holds every column an exact filter tests (schema 8).
FILTER_INDEX = "ix_bookings_review_start"
#: The exact filters whose own index is in start order after the filtered column.
_OWN_INDEX = {
    "instructor_id": "ix_bookings_instructor_start",
    "student_id": "ix_bookings_student_id_start",
    "statuses": "ix_bookings_status_start",
    "flagged": "ix_bookings_flagged_start",
}


def time_index(f: ReviewFilter, indexes: Indexes = None) -> str | None:
    """The index that answers ``f`` in start order, or None (text, no filter at all, or no
    such index is in the file: ``indexes`` names those that are).

    One exact term reads its own ``(column, start)`` index: the matches come in time order.
    A date range alone, any other mix, and a term whose own index a first download has not
    built yet (the status and flag ones come after the sync) walk :data:`FILTER_INDEX`.
    """
    if f.text or f.empty:
        return None
    for index in (_time_index(f), FILTER_INDEX):
        if _held(index, indexes):
            return index
    return None


def _time_index(f: ReviewFilter) -> str:
    exact = [
        name
        for name, present in (
            ("instructor_id", f.instructor_id),
            ("student_id", f.student_id),
            ("statuses", f.statuses),
            ("lesson_type", f.lesson_type),
            ("flagged", f.flagged is not None),
        )
        if present
    ]
    if len(exact) == 1 and exact[0] in _OWN_INDEX and len(f.statuses) <= 1:
        return _OWN_INDEX[exact[0]]
    return FILTER_INDEX


Statement = tuple[str, list[Any]]


def order_plan(f: ReviewFilter, sort: str, descending: bool, indexes: Indexes = None) -> Statement:
    """The statement that reads the rowids of every match in table order."""
    where, params = where_clause(f)
    index = time_index(f, indexes) if sort == "start" else None
    if index is not None:
        order_by = _order_by(sort, descending, hinted=False)
        return f"SELECT b.rowid FROM bookings AS b INDEXED BY {index}{where}{order_by}", params
    order_by = _order_by(sort, descending, hinted=bool(where))
    return f"SELECT b.rowid{_from(sort, f, indexes)}{where}{order_by}", params


def first_page_plan(
    f: ReviewFilter,
    sort: str,
    descending: bool,
    limit: int,
    walk: int = WALK_ROWS,
    indexes: Indexes = None,
) -> list[Statement]:
    """The statements that read the first ``limit`` rows of a filtered order, tried in turn:
    a later one runs only when an earlier one found fewer than ``limit`` rows."""
    where, params = where_clause(f)
    index = time_index(f, indexes) if sort == "start" else None
    if index is not None:
        order_by = _order_by(sort, descending, hinted=False)
        in_time = f"{_COLUMNS}{_with_type(f' FROM bookings AS b INDEXED BY {index}')}"
        return [(f"SELECT {in_time}{where}{order_by} LIMIT ?", [*params, limit])]
    whole = (
        f"SELECT {_COLUMNS}{_with_type(_from(sort, f, indexes))}{where}"
        f"{_order_by(sort, descending, hinted=True)} LIMIT ?"
    )
    if sort == INSTRUCTOR:
        return [(whole, [*params, limit])]
    order_by = _order_by(sort, descending, hinted=False)
    walked = (
        f"SELECT {_COLUMNS} FROM (SELECT b.rowid AS walked FROM bookings AS b{order_by} LIMIT ?)"
        f" AS w CROSS JOIN bookings AS b ON b.rowid = w.walked"
        f" LEFT JOIN lesson_types AS t ON t.id = b.lesson_type_id{where}{order_by} LIMIT ?"
    )
    return [(walked, [walk, *params, limit]), (whole, [*params, limit])]


def unfiltered_page_plan(
    sort: str, descending: bool, limit: int, indexes: Indexes = None
) -> Statement:
    """The first ``limit`` rows of the whole table in a sort other than the instructor's: the
    planner walks the sort's index (time order: :data:`FILTER_INDEX`, which starts with the
    start time) and stops after ``limit`` rows."""
    select_from = _with_type(_from(sort, ReviewFilter(), indexes))
    return (
        f"SELECT {_COLUMNS}{select_from}{_order_by(sort, descending, hinted=False)} LIMIT ?",
        [limit],
    )


def _with_type(select_from: str) -> str:
    return select_from + " LEFT JOIN lesson_types AS t ON t.id = b.lesson_type_id"


#: The instructors the bookings name, one index seek each (a "skip scan" written out).
_PRESENT = (
    "WITH RECURSIVE named(id) AS (SELECT min(instructor_id) FROM bookings"
    " UNION ALL SELECT (SELECT min(instructor_id) FROM bookings WHERE instructor_id > named.id)"
    " FROM named WHERE named.id IS NOT NULL) SELECT id FROM named WHERE id IS NOT NULL"
)


_FLAGGED = ReviewRecord._fields.index("flagged")


def _record(row: Sequence[Any]) -> ReviewRecord:
    return ReviewRecord._make((*row[:_FLAGGED], bool(row[_FLAGGED]), *row[_FLAGGED + 1 :]))


class ReviewRepository:
    """Reads of the admin's bookings table (see the module docstring)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._session.connection().exec_driver_sql(sql, tuple(params))

    def indexes(self) -> frozenset[str]:
        """The declared indexes the file holds now (all of them, except while a first download
        is going in and until the sort-only ones follow it)."""
        return held_indexes(self._session.connection())

    def _rowids(self, sql: str, params: Sequence[Any] = ()) -> array[int]:
        """The first column of every row, read through the driver's own cursor: for 100,000
        rows SQLAlchemy's result rows would cost more than the query itself."""
        cursor = self._session.connection().connection.cursor()
        try:
            cursor.execute(sql, tuple(params))
            rows = cast(Iterable[tuple[int]], cursor)  # a sqlite3 cursor iterates its rows
            return array("q", (r for (r,) in rows))
        except sqlite3.Error as error:
            raise classify(error) from error
        finally:
            cursor.close()

    def order(self, f: ReviewFilter, sort: str, descending: bool = False) -> array[int]:
        """The rowids of the matching bookings, in table order."""
        sql, params = order_plan(f, sort, descending, self.indexes())
        found = self._rowids(sql, params)
        if sort == INSTRUCTOR and f.empty:
            orphans = self._orphans(descending)
            return found + orphans if descending else orphans + found
        return found

    def first_rows(
        self,
        f: ReviewFilter,
        sort: str,
        descending: bool = False,
        limit: int = 200,
        walk: int = WALK_ROWS,
    ) -> list[ReviewRecord]:
        """The first ``limit`` rows in table order (what the order's first page holds)."""
        if sort == INSTRUCTOR and f.empty:
            return self.rows(self.order_head(f, sort, descending, limit))
        if f.empty:
            sql, params = unfiltered_page_plan(sort, descending, limit, self.indexes())
            return [_record(r) for r in self._execute(sql, params)]
        found: list[ReviewRecord] = []
        for sql, params in first_page_plan(f, sort, descending, limit, walk, self.indexes()):
            found = [_record(r) for r in self._execute(sql, params)]
            if len(found) == limit:
                break
        return found

    def order_head(self, f: ReviewFilter, sort: str, descending: bool, limit: int) -> list[int]:
        """The first ``limit`` rowids of the instructor sort, orphans included."""
        orphans = self._orphans(descending, limit)
        select_from = _from(sort, f, self.indexes())
        sql = f"SELECT b.rowid{select_from}{_order_by(sort, descending, hinted=False)} LIMIT ?"
        named = self._rowids(sql, [limit])
        head = named + orphans if descending else orphans + named
        return list(head[:limit])

    def _orphans(self, descending: bool, limit: int = -1) -> array[int]:
        """Bookings whose instructor is not in the cache, in start order (usually none: the
        instructors the bookings name are read from the index, and only missing ones are
        looked for)."""
        present = [str(i) for (i,) in self._execute(_PRESENT)]
        known = {str(i) for (i,) in self._execute("SELECT id FROM instructors")}
        missing = [i for i in present if i not in known]
        if not missing:
            return array("q")
        direction = " DESC" if descending else ""
        sql = (
            f"SELECT b.rowid FROM bookings AS b WHERE b.instructor_id IN"
            f" ({', '.join('?' * len(missing))})"
            f" ORDER BY b.start_utc{direction}, b.rowid{direction} LIMIT ?"
        )
        return self._rowids(sql, [*missing, limit])

    def rows(self, rowids: Sequence[int]) -> list[ReviewRecord]:
        """The rows of ``rowids``, in that order (rows deleted meanwhile are left out).

        Read through the driver's own cursor, as :meth:`_rowids` does: a page is read on every
        scroll step, and SQLAlchemy's result rows cost more than the statement."""
        found: dict[int, ReviewRecord] = {}
        cursor = self._session.connection().connection.cursor()
        try:
            for start in range(0, len(rowids), 500):
                chunk = tuple(rowids[start : start + 500])
                cursor.execute(
                    f"SELECT {_COLUMNS}{_with_type(' FROM bookings AS b')}"
                    f" WHERE b.rowid IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
                for row in cast(Iterable[Sequence[Any]], cursor):
                    found[row[0]] = _record(row)
        except sqlite3.Error as error:
            raise classify(error) from error
        finally:
            cursor.close()
        return [found[r] for r in rowids if r in found]

    def ids_of(self, rowids: Sequence[int]) -> list[str]:
        """The booking ids of ``rowids``, in that order (rows deleted meanwhile left out)."""
        found: dict[int, str] = {}
        for start in range(0, len(rowids), 500):
            chunk = list(rowids[start : start + 500])
            sql = f"SELECT rowid, id FROM bookings WHERE rowid IN ({', '.join('?' * len(chunk))})"
            found.update(dict(self._execute(sql, chunk).fetchall()))
        return [found[r] for r in rowids if r in found]

    def rowids_of(self, booking_ids: Sequence[str]) -> dict[str, int]:
        """The rowid of each booking id still in the cache."""
        found: dict[str, int] = {}
        for start in range(0, len(booking_ids), 500):
            chunk = list(booking_ids[start : start + 500])
            sql = f"SELECT id, rowid FROM bookings WHERE id IN ({', '.join('?' * len(chunk))})"
            found.update(dict(self._execute(sql, chunk).fetchall()))
        return found

    def lesson_type_names(self) -> list[str]:
        """Every lesson type name once (the filter offers a name across instructors)."""
        rows = self._execute("SELECT DISTINCT name FROM lesson_types ORDER BY name COLLATE NOCASE")
        return [str(name) for (name,) in rows]

    def total(self) -> int:
        """Every booking in the cache, filters or not."""
        return int(self._execute("SELECT count(*) FROM bookings").scalar_one())

    def instructor_ids(self, f: ReviewFilter) -> list[str]:
        """The instructors the matching bookings belong to (in the cache or not)."""
        if f.empty:
            return [str(i) for (i,) in self._execute(_PRESENT)]
        where, params = where_clause(f)
        sql = f"SELECT DISTINCT b.instructor_id FROM bookings AS b{where}"
        return [str(i) for (i,) in self._execute(sql, params)]

    def span(self, f: ReviewFilter) -> tuple[str | None, str | None]:
        """The first and last start of the matching bookings."""
        where, params = where_clause(f)
        row = self._execute(
            f"SELECT min(b.start_utc), max(b.start_utc) FROM bookings AS b{where}", params
        ).one()
        return row[0], row[1]

    def weekly(self, f: ReviewFilter, weeks_json: str) -> list[tuple[str, str, int, int]]:
        """``(week, status, lessons, seconds)`` of the matching bookings per week.

        ``weeks_json`` lists ``[instructor_id, first instant, end instant, week]``: each
        instructor's own weeks (their Mondays, in their zone), so a lesson counts in the week
        its instructor's calendar shows it in. Each week is one range read of the instructor's
        index; the sums are SQLite's.
        """
        where, params = where_clause(f)
        condition = where.replace(" WHERE ", " AND ", 1) if where else ""
        sql = (
            "WITH w(iid, first, stop, week) AS (SELECT json_extract(value, '$[0]'),"
            " json_extract(value, '$[1]'), json_extract(value, '$[2]'),"
            " json_extract(value, '$[3]') FROM json_each(?))"
            f" SELECT w.week, b.status, count(*), sum({_LENGTH})"
            " FROM w CROSS JOIN bookings AS b ON b.instructor_id = w.iid"
            f" AND b.start_utc >= w.first AND b.start_utc < w.stop{condition}"
            " GROUP BY w.week, b.status"
        )
        rows = self._execute(sql, [weeks_json, *params])
        return [(str(w), str(s), int(n), int(sec or 0)) for w, s, n, sec in rows]

    def per_instructor(self, f: ReviewFilter) -> list[tuple[str, str, str, int, int, int]]:
        """``(instructor, currency, status, lessons, seconds, cents)`` sums of the matches."""
        where, params = where_clause(f)
        sql = (
            f"SELECT b.instructor_id, b.currency, b.status, count(*), sum({_LENGTH}),"
            f" sum(b.price_cents) FROM bookings AS b{where}"
            " GROUP BY b.instructor_id, b.currency, b.status"
        )
        return [
            (str(i), str(c), str(s), int(n), int(sec or 0), int(cents or 0))
            for i, c, s, n, sec, cents in self._execute(sql, params)
        ]

    def stream(
        self, f: ReviewFilter, sort: str, descending: bool = False, batch: int = 500
    ) -> Iterator[list[ReviewRecord]]:
        """Every matching row in table order, ``batch`` at a time (exports)."""
        order = self.order(f, sort, descending)
        for start in range(0, len(order), batch):
            yield self.rows(order[start : start + batch])
