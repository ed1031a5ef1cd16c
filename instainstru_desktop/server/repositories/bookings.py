"""Bookings: the rows, the busy lists the booking rules need, and the list views."""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Any

from sqlalchemy import (
    DateTime,
    Table,
    and_,
    bindparam,
    cast,
    insert,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from instainstru_desktop.domain.bookings import ACTIVE_STATUSES
from instainstru_desktop.domain.policies import MAX_LESSON_MINUTES
from instainstru_desktop.domain.time_ranges import TimeRange
from instainstru_desktop.server.core.errors import SlotTaken
from instainstru_desktop.server.core.models import (
    AvailabilityOverride,
    Booking,
    Instructor,
    LessonType,
    User,
)
from instainstru_desktop.server.repositories._locks import locking
from instainstru_desktop.server.repositories._types import AnyRow, AnySelect
from instainstru_desktop.server.repositories._written import Written
from instainstru_desktop.server.repositories.compiled import Prepared

_ACTIVE = sorted(str(s) for s in ACTIVE_STATUSES)
#: The same statuses written into the SQL: a list of bound values would be an "expanding"
#: parameter, whose SQL is rendered again on every execution of a statement built once.
_ACTIVE_INLINE: list[Any] = [literal_column(f"'{status}'") for status in _ACTIVE]
#: A lesson overlapping an instant started at most this long before it: lets the overlap query
#: be an index range scan on (instructor_id, start_utc) instead of a scan of all end times.
_LOOKBACK = timedelta(minutes=MAX_LESSON_MINUTES)

_student = aliased(User, name="student")
_instructor_user = aliased(User, name="instructor_user")


@functools.cache  # statements are immutable: built once, refined by each caller's .where()
def booking_view(*, plain_instants: bool = False) -> AnySelect:
    """A booking with the names a client shows next to it, as one flat row named as on the wire.

    ``plain_instants``: read the four instants with the driver's own datetime conversion (naive
    UTC on SQLite, aware on PostgreSQL) instead of the aware-UTC column type. A full sync pull
    has 400k of them; orjson writes both forms as UTC, at a fraction of the cost.
    """

    def instant(column: Any, name: str) -> Any:
        return (type_coerce(column, DateTime()) if plain_instants else column).label(name)

    return (
        select(
            Booking.id,
            Booking.instructor_id,
            Booking.student_id,
            _student.name.label("student_name"),
            _student.time_zone.label("student_time_zone"),
            Booking.lesson_type_id,
            LessonType.name.label("lesson_type_name"),
            instant(Booking.start_utc, "start"),
            instant(Booking.end_utc, "end"),
            Booking.status,
            Booking.cancelled_by,
            Booking.cancel_reason,
            Booking.note,
            Booking.flagged,
            Booking.review_note,
            Booking.price_cents,
            Booking.currency,
            instant(Booking.created_at, "created_at"),
            instant(Booking.updated_at, "updated_at"),
            Booking.version,
            Booking.series_id,
            Booking.series_slot,
            Booking.series_moved,
        )
        .join(_student, _student.id == Booking.student_id)
        .join(LessonType, LessonType.id == Booking.lesson_type_id)
    )


def _busy_lessons(who: Any, suffix: str = "") -> AnySelect:
    """Active lessons of ``who`` (a column compared with ``:who``) overlapping ``[:lo, :hi)``,
    leaving out booking ``:exclude`` (None: none); ``suffix`` ends each parameter's name but
    ``exclude``'s, so that two of them can share a statement."""
    exclude = bindparam("exclude", type_=Booking.id.type)
    return select(Booking.start_utc, Booking.end_utc).where(
        who == bindparam(f"who{suffix}"),
        Booking.start_utc >= bindparam(f"since{suffix}", type_=Booking.start_utc.type),
        Booking.start_utc < bindparam(f"hi{suffix}", type_=Booking.start_utc.type),
        Booking.end_utc > bindparam(f"lo{suffix}", type_=Booking.end_utc.type),
        Booking.status.in_(_ACTIVE_INLINE),
        or_(exclude.is_(None), Booking.id != exclude),
    )


def _busy_statement(who: Any) -> AnySelect:
    """:func:`_busy_lessons` sorted by start."""
    return _busy_lessons(who).order_by(Booking.start_utc)


#: Windows read by one statement of :meth:`BookingRepository.instructor_busy_in` (a year of
#: weekly lessons in two).
_WINDOWS_PER_STATEMENT = 32


@functools.cache
def _busy_in_statement(count: int) -> Prepared:
    """The instructor's busy lessons of ``count`` windows in one statement (``who_0``,
    ``lo_0``, ... per window): each branch is an index range scan of its own, built once per
    count."""
    return Prepared(
        union_all(*(_busy_lessons(Booking.instructor_id, f"_{n}") for n in range(count)))
    )


_O = AvailabilityOverride
#: ``mine`` of a row of :func:`_rule_inputs_statement`: whose lesson it is, or a date override.
_INSTRUCTOR, _STUDENT, _OVERRIDE = 0, 1, 2


def _rule_inputs_statement() -> Any:
    """The instructor's busy lessons (``mine`` 0), the student's (1) and the instructor's date
    overrides from ``:first`` to ``:last`` (2), in one statement: one round trip where a booking
    would otherwise make three. Lessons fill ``start_utc``/``end_utc``, overrides ``day`` and
    ``ranges`` (the other columns NULL). Not sorted: the few rows are sorted by the caller,
    which costs less than the database's sort of the union."""
    # typed NULLs: PostgreSQL matches a union's column types branch by branch
    no_day, no_ranges = cast(null(), _O.day.type), cast(null(), _O.ranges.type)

    def lessons(who: Any, suffix: str, mine: int) -> AnySelect:
        return _busy_lessons(who, suffix).add_columns(
            literal_column(str(mine)).label("mine"), no_day.label("day"), no_ranges.label("ranges")
        )

    overrides = select(
        cast(null(), Booking.start_utc.type).label("start_utc"),
        cast(null(), Booking.end_utc.type).label("end_utc"),
        literal_column(str(_OVERRIDE)).label("mine"),
        _O.day,
        _O.ranges,
    ).where(
        _O.instructor_id == bindparam("who_i"),
        _O.day >= bindparam("first", type_=_O.day.type),
        _O.day <= bindparam("last", type_=_O.day.type),
    )
    return union_all(
        lessons(Booking.instructor_id, "_i", _INSTRUCTOR),
        lessons(Booking.student_id, "_s", _STUDENT),
        overrides,
    )


@dataclass(frozen=True)
class RuleInputs:
    """What :meth:`BookingRepository.rule_inputs` read: both busy lists, sorted by start, and
    the date overrides as ``(day, ranges)``."""

    instructor_busy: list[TimeRange]
    student_busy: list[TimeRange]
    overrides: list[tuple[date, Any]]


_PARTIES = select(Booking.instructor_id, Booking.student_id).where(
    Booking.id == bindparam("booking_id")
)
_INSTRUCTOR_BUSY = _busy_statement(Booking.instructor_id)
_STUDENT_BUSY = _busy_statement(Booking.student_id)
_INSTRUCTOR_BUSY_PREPARED = Prepared(_INSTRUCTOR_BUSY)
_STUDENT_BUSY_PREPARED = Prepared(_STUDENT_BUSY)
_RULE_INPUTS_SELECT = _rule_inputs_statement()
_RULE_INPUTS = Prepared(_RULE_INPUTS_SELECT)


_BOOKINGS: Table = Booking.metadata.tables[Booking.__tablename__]
#: A new lesson, every column given: one statement on the connection, compiled once.
_INSERT = Prepared(insert(_BOOKINGS))


@dataclass(frozen=True, slots=True)
class NewBooking:
    """A lesson about to be written (every column of ``bookings`` but ``seq``), as a single
    booking or a series makes it: plain values, no object for the session to track."""

    id: str
    instructor_id: str
    student_id: str
    lesson_type_id: str
    start_utc: datetime
    end_utc: datetime
    status: str
    price_cents: int
    currency: str
    created_at: datetime
    updated_at: datetime
    cancelled_by: str | None = None
    cancel_reason: str | None = None
    note: str = ""
    flagged: bool = False
    review_note: str = ""
    version: int = 1
    series_id: str | None = None
    series_slot: str | None = None
    series_moved: bool = False

    def row(self, seq: int) -> dict[str, Any]:
        """The values of the ``INSERT``."""
        return {name: getattr(self, name) for name in _NEW_COLUMNS} | {"seq": seq}


_NEW_COLUMNS = tuple(NewBooking.__dataclass_fields__)
_NEW_VALUES = attrgetter(*_NEW_COLUMNS)
assert set(_NEW_COLUMNS) | {"seq"} == set(_BOOKINGS.columns.keys())


#: A row shaped like ``booking_view()``'s: the same names, in the same order.
_row_type: Any = namedtuple
_ViewRow: Any = _row_type("_ViewRow", [c.name for c in booking_view().selected_columns])


#: The filters of a booking list that are one comparison each, in :class:`BookingFilter`.
_PAGE_FILTERS = ("instructor_id", "student_id", "status", "start_from", "start_to", "flagged")


@functools.cache
def _page_statement(*shape: bool) -> AnySelect:
    """A page of ``booking_view()`` for one combination of filters (``shape``: which of
    :data:`_PAGE_FILTERS` apply, then whether a keyset is given), with every value a bound
    parameter: built once, so a page costs no statement building or cache-key walk."""
    instant = Booking.start_utc.type
    compared = {
        "instructor_id": Booking.instructor_id == bindparam("instructor_id"),
        "student_id": Booking.student_id == bindparam("student_id"),
        "status": Booking.status == bindparam("status"),
        "start_from": Booking.start_utc >= bindparam("start_from", type_=instant),
        "start_to": Booking.start_utc < bindparam("start_to", type_=instant),
        "flagged": Booking.flagged == bindparam("flagged", type_=Booking.flagged.type),
    }
    conditions = [compared[name] for name, on in zip(_PAGE_FILTERS, shape, strict=False) if on]
    if shape[len(_PAGE_FILTERS)]:
        start = bindparam("after_start", type_=instant)
        conditions.append(
            or_(
                Booking.start_utc > start,
                and_(Booking.start_utc == start, Booking.id > bindparam("after_id")),
            )
        )
    return (
        booking_view(plain_instants=True)
        .where(*conditions)
        .order_by(Booking.start_utc, Booking.id)
        .limit(bindparam("limit"))
    )


def _page_values(
    where: BookingFilter, after: tuple[datetime, str] | None, limit: int
) -> tuple[dict[str, Any], tuple[bool, ...]]:
    """The parameters of a page of ``where`` after the keyset ``after``, and the shape of its
    statement (the arguments of :func:`_page_statement`)."""
    params: dict[str, Any] = {
        "instructor_id": where.instructor_id,
        "student_id": where.student_id,
        "status": where.status,
        "start_from": where.start_from,
        "start_to": where.start_to,
        "flagged": where.flagged,
        "limit": limit,
    }
    if after is not None:
        params["after_start"], params["after_id"] = after
    shape = tuple(params[name] is not None for name in _PAGE_FILTERS)
    return params, (*shape, after is not None)


def _with_text(stmt: AnySelect, needle: str) -> AnySelect:
    """``stmt`` narrowed to bookings whose names, review note or cancel reason hold ``needle``."""
    return (
        stmt.join(Instructor, Instructor.id == Booking.instructor_id)
        .join(_instructor_user, _instructor_user.id == Instructor.user_id)
        .where(
            or_(
                _student.name.icontains(needle, autoescape=True),
                _student.email.icontains(needle, autoescape=True),
                _instructor_user.name.icontains(needle, autoescape=True),
                LessonType.name.icontains(needle, autoescape=True),
                Booking.review_note.icontains(needle, autoescape=True),
                Booking.cancel_reason.icontains(needle, autoescape=True),
            )
        )
    )


@dataclass(frozen=True)
class BookingFilter:
    """What a booking list is restricted to; ``None`` fields do not restrict."""

    instructor_id: str | None = None
    student_id: str | None = None
    status: str | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None
    text: str | None = None
    flagged: bool | None = None


class BookingRepository:
    def __init__(self, session: Session, written: Written | None = None) -> None:
        self._s = session
        self._written = written if written is not None else Written(None)

    def get(self, booking_id: str) -> Booking | None:
        return self._s.get(Booking, booking_id)

    def parties(self, booking_id: str) -> AnyRow | None:
        """Read-only: the booking's ``instructor_id`` and ``student_id``, without loading it
        into the session (so a later :meth:`for_update` reads it fresh)."""
        self._s.flush()
        return self._s.connection().execute(_PARTIES, {"booking_id": booking_id}).first()

    def for_update(self, booking_id: str) -> Booking | None:
        """The booking, row-locked until commit on PostgreSQL (SQLite: the write lock is held).

        The lock (see :mod:`._locks`) serializes changes of this lesson but lets other
        transactions insert rows naming it (an availability edit's conflict) meanwhile.
        """
        stmt = locking(select(Booking).where(Booking.id == booking_id))
        return self._s.scalars(stmt).first()

    def insert(self, booking: NewBooking | Booking) -> None:
        """Write the lesson now, so the database's safety net answers here (a ``Booking``
        object, as seeding and tests make them, is added to the session and flushed)."""
        if isinstance(booking, Booking):
            self._s.add(booking)
            self.flush_checked()
            return
        self.insert_all([booking])

    def insert_all(self, bookings: Sequence[NewBooking]) -> None:
        """Write new lessons in one statement (a series' lessons), stamped as the transaction's
        other rows are (see ``_written``); a clash with an active lesson is ``slot_taken``.

        A Core ``INSERT`` on the session's connection, not an object added and flushed: the
        session never needs these rows (a later read in the transaction reads them from the
        database), and the ORM's flush of one object cost more than the SQL. Pending changes
        are written first, so a lesson cancelled earlier in the transaction frees its time
        before a new one takes it.
        """
        if not bookings:
            return
        self.flush_checked()
        seq = self._written.seq_for(
            _BOOKINGS,
            [(b.id,) for b in bookings],
            {b.instructor_id for b in bookings},
            {b.student_id for b in bookings},
        )
        try:
            if len(bookings) == 1:
                _INSERT.run(self._s.connection(), [bookings[0].row(seq)])
            else:  # a series' lessons: handed over a column at a time (``Prepared.run_columns``)
                values = zip(*map(_NEW_VALUES, bookings), strict=True)
                columns: dict[str, Sequence[Any]] = dict(zip(_NEW_COLUMNS, values, strict=True))
                columns["seq"] = [seq] * len(bookings)
                _INSERT.run_columns(self._s.connection(), columns, len(bookings))
        except IntegrityError as exc:
            raise SlotTaken("Another lesson was booked at this time a moment ago.") from exc

    def flush_checked(self) -> None:
        """Write pending changes; a clash with another active booking is ``slot_taken``."""
        try:
            self._s.flush()
        except IntegrityError as exc:
            raise SlotTaken("Another lesson was booked at this time a moment ago.") from exc

    def instructor_busy(
        self, instructor_id: str, lo: datetime, hi: datetime, exclude: str | None = None
    ) -> list[TimeRange]:
        """Active lessons of the instructor overlapping ``[lo, hi)``, sorted by start."""
        return self._busy(_INSTRUCTOR_BUSY_PREPARED, instructor_id, lo, hi, exclude)

    def student_busy(
        self, student_id: str, lo: datetime, hi: datetime, exclude: str | None = None
    ) -> list[TimeRange]:
        """Active lessons of the student overlapping ``[lo, hi)``, sorted by start."""
        return self._busy(_STUDENT_BUSY_PREPARED, student_id, lo, hi, exclude)

    def rule_inputs(
        self,
        instructor_id: str,
        instructor_window: tuple[datetime, datetime],
        student_id: str,
        student_window: tuple[datetime, datetime],
        days: tuple[date, date],
        exclude: str | None = None,
    ) -> RuleInputs:
        """:meth:`instructor_busy` and :meth:`student_busy` (each over its own ``(lo, hi)``
        window) and the instructor's date overrides of ``days`` (first, last), read in one
        statement."""
        self._s.flush()
        (lo_i, hi_i), (lo_s, hi_s) = instructor_window, student_window
        params = {
            "who_i": instructor_id,
            "lo_i": lo_i,
            "since_i": lo_i - _LOOKBACK,
            "hi_i": hi_i,
            "who_s": student_id,
            "lo_s": lo_s,
            "since_s": lo_s - _LOOKBACK,
            "hi_s": hi_s,
            "first": days[0],
            "last": days[1],
            "exclude": exclude,
        }
        found = RuleInputs([], [], [])
        for start, end, mine, day, ranges in _RULE_INPUTS.rows(self._s.connection(), params):
            if mine == _OVERRIDE:
                found.overrides.append((day, ranges))
            elif mine == _INSTRUCTOR:
                found.instructor_busy.append(TimeRange(start, end))
            else:
                found.student_busy.append(TimeRange(start, end))
        found.instructor_busy.sort()
        found.student_busy.sort()
        return found

    def instructor_busy_in(
        self, instructor_id: str, windows: Sequence[tuple[datetime, datetime]]
    ) -> list[TimeRange]:
        """:meth:`instructor_busy` over several windows (a weekly series' weeks), sorted."""
        return self._busy_in(instructor_id, windows)

    def _busy_in(self, who: str, windows: Sequence[tuple[datetime, datetime]]) -> list[TimeRange]:
        # One index range scan per window, all windows of a chunk in one statement: a series'
        # forty weeks read a few hundred lessons in one round trip even when the instructor has
        # tens of thousands in between. A lesson reaching into two windows is read twice, hence
        # the set.
        self._s.flush()
        found: set[TimeRange] = set()
        for first in range(0, len(windows), _WINDOWS_PER_STATEMENT):
            chunk = windows[first : first + _WINDOWS_PER_STATEMENT]
            params: dict[str, Any] = {"exclude": None}
            for n, (lo, hi) in enumerate(chunk):
                params |= {f"who_{n}": who, f"lo_{n}": lo, f"since_{n}": lo - _LOOKBACK}
                params[f"hi_{n}"] = hi
            statement = _busy_in_statement(len(chunk))
            rows = statement.rows_by_column(self._s.connection(), params)
            found.update(TimeRange(start, end) for start, end in rows)
        return sorted(found)

    def _busy(
        self, stmt: Prepared, who: str, lo: datetime, hi: datetime, exclude: str | None
    ) -> list[TimeRange]:
        # Pending changes are written first, as autoflush would; then the statement (compiled
        # once) runs on the session's connection, as the booking path's other reads do.
        self._s.flush()
        params = {"who": who, "lo": lo, "since": lo - _LOOKBACK, "hi": hi, "exclude": exclude}
        rows = stmt.rows(self._s.connection(), params)
        return [TimeRange(start, end) for start, end in rows]

    def future_active(self, instructor_id: str, after: datetime) -> Sequence[Booking]:
        """Confirmed lessons of the instructor starting after ``after`` (conflict detection)."""
        stmt = (
            select(Booking)
            .where(
                Booking.instructor_id == instructor_id,
                Booking.start_utc > after,
                Booking.status == "confirmed",
            )
            .order_by(Booking.start_utc)
        )
        return self._s.scalars(stmt).all()

    @staticmethod
    def view_of(
        booking: NewBooking, student_name: str, student_time_zone: str, lesson_type_name: str
    ) -> Any:
        """What :meth:`view` would read back for a booking just written, given the names shown
        next to it (no statement): the same fields, instants as aware UTC datetimes."""
        return _ViewRow(
            *(
                booking.id,
                booking.instructor_id,
                booking.student_id,
                student_name,
                student_time_zone,
                booking.lesson_type_id,
                lesson_type_name,
                booking.start_utc.astimezone(UTC),
                booking.end_utc.astimezone(UTC),
                booking.status,
                booking.cancelled_by,
                booking.cancel_reason,
                booking.note,
                booking.flagged,
                booking.review_note,
                booking.price_cents,
                booking.currency,
                booking.created_at.astimezone(UTC),
                booking.updated_at.astimezone(UTC),
                booking.version,
                booking.series_id,
                booking.series_slot,
                bool(booking.series_moved),
            )
        )

    def view(self, booking_id: str) -> AnyRow | None:
        return self._s.execute(booking_view().where(Booking.id == booking_id)).first()

    def views(self, booking_ids: Sequence[str]) -> list[AnyRow]:
        """The rows of several bookings in one statement, in the order of ``booking_ids``."""
        if not booking_ids:
            return []
        rows = self._s.execute(booking_view().where(Booking.id.in_(booking_ids))).all()
        by_id = {row.id: row for row in rows}
        return [by_id[key] for key in booking_ids if key in by_id]

    def page(
        self, where: BookingFilter, after: tuple[datetime, str] | None, limit: int
    ) -> tuple[list[str], Sequence[AnyRow]]:
        """Column names and bookings matching ``where`` ordered by (start, id), after the
        keyset ``after``; instants as the driver reads them (for orjson, see booking_view)."""
        params, shape = _page_values(where, after, limit)
        stmt = _page_statement(*shape)
        if where.text:
            stmt = _with_text(stmt, where.text)
        result = self._s.connection().execute(stmt, params)
        return list(result.keys()), result.all()

    def spans(self, start_from: datetime | None, start_to: datetime | None) -> Sequence[AnyRow]:
        """(instructor_id, start, end) of active lessons in a range, for statistics."""
        stmt = select(Booking.instructor_id, Booking.start_utc, Booking.end_utc).where(
            Booking.status.in_(_ACTIVE)
        )
        if start_from is not None:
            stmt = stmt.where(Booking.start_utc >= start_from)
        if start_to is not None:
            stmt = stmt.where(Booking.start_utc < start_to)
        return self._s.execute(stmt).all()
