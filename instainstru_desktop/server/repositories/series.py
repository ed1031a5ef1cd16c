"""Weekly series and terms: the rows, the lessons of a series, and the series due to book."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from instainstru_desktop.server.core.models import Booking, Instructor, Series, Term, Tombstone
from instainstru_desktop.server.repositories._locks import locking
from instainstru_desktop.server.repositories._types import AnyRow
from instainstru_desktop.server.repositories._written import Written
from instainstru_desktop.server.repositories.compiled import Prepared

ACTIVE = "active"
_SERIES: Table = Series.metadata.tables[Series.__tablename__]
_INSERT = Prepared(insert(_SERIES))
_COLUMNS = tuple(c.key for c in _SERIES.columns if c.key != "seq")
_TERM_FIELDS = Prepared(
    select(Term.instructor_id, Term.name, Term.first_day, Term.last_day, Term.breaks).where(
        Term.id == bindparam("term_id")
    )
)


class SeriesRepository:
    def __init__(self, session: Session, written: Written | None = None) -> None:
        self._s = session
        self._written = written if written is not None else Written(None)

    def get(self, series_id: str) -> Series | None:
        return self._s.get(Series, series_id)

    def parties(self, series_id: str) -> AnyRow | None:
        """Read-only: the series' ``instructor_id`` and ``student_id`` (for the lock order:
        the instructor is locked before the series row is read)."""
        self._s.flush()
        stmt = select(Series.instructor_id, Series.student_id).where(Series.id == series_id)
        return self._s.connection().execute(stmt).first()

    def for_update(self, series_id: str) -> Series | None:
        """The series, row-locked until commit (PostgreSQL; SQLite holds the write lock)."""
        return self._s.scalars(locking(select(Series).where(Series.id == series_id))).first()

    def add(self, series: Series) -> None:
        self._s.add(series)
        self._s.flush()

    def insert_new(self, series: Series) -> None:
        """Write a new series from its values in one statement, stamped as the transaction's
        other rows are (see ``_written``); the object stays out of the session, as a finished
        answer (the use case writes it last, once its lessons are settled)."""
        self._s.flush()
        seq = self._written.seq_for(
            _SERIES, [(series.id,)], [series.instructor_id], [series.student_id]
        )
        row = {name: getattr(series, name) for name in _COLUMNS}
        _INSERT.run(self._s.connection(), [{**row, "seq": seq}])

    def due_of(self, instructor_id: str, before: datetime) -> Sequence[Series]:
        """Active series of the instructor whose next lesson starts at or before ``before``
        (the end of the booking window), students in id order (the order they are locked)."""
        stmt = (
            select(Series)
            .where(
                Series.instructor_id == instructor_id,
                Series.status == ACTIVE,
                Series.next_start_utc <= before,
            )
            .order_by(Series.student_id, Series.id)
        )
        return self._s.scalars(stmt).all()

    def waiting(self) -> Sequence[AnyRow]:
        """Read-only: ``(instructor_id, next_start_utc, booking_horizon_days)`` of every active
        series with a lesson still to book, for the server's regular pass."""
        stmt = (
            select(Series.instructor_id, Series.next_start_utc, Instructor.booking_horizon_days)
            .join(Instructor, Instructor.id == Series.instructor_id)
            .where(Series.status == ACTIVE, Series.next_start_utc.is_not(None))
        )
        return self._s.connection().execute(stmt).all()

    def of_instructor(self, instructor_id: str) -> Sequence[Series]:
        stmt = select(Series).where(Series.instructor_id == instructor_id)
        return self._s.scalars(stmt.order_by(Series.created_at, Series.id)).all()

    def of_student(self, student_id: str) -> Sequence[Series]:
        stmt = select(Series).where(Series.student_id == student_id)
        return self._s.scalars(stmt.order_by(Series.created_at, Series.id)).all()

    def of_term(self, term_id: str) -> Sequence[Series]:
        return self._s.scalars(select(Series).where(Series.term_id == term_id)).all()

    def lessons(self, series_id: str) -> Sequence[Booking]:
        """Every lesson of the series, whatever its status, by start."""
        stmt = select(Booking).where(Booking.series_id == series_id).order_by(Booking.start_utc)
        return self._s.scalars(stmt).all()

    def lessons_locked(self, series_id: str) -> Sequence[Booking]:
        """:meth:`lessons`, each row locked until commit (a change of the series moves them)."""
        stmt = select(Booking).where(Booking.series_id == series_id).order_by(Booking.start_utc)
        return self._s.scalars(locking(stmt)).all()

    def filled_slots(self, series_id: str) -> set[str]:
        """The slot keys of the series that have a lesson (in any status)."""
        self._s.flush()
        stmt = select(Booking.series_slot).where(Booking.series_id == series_id)
        return {slot for (slot,) in self._s.connection().execute(stmt) if slot is not None}

    # -- terms -----------------------------------------------------------------------------

    def term(self, term_id: str) -> Term | None:
        return self._s.get(Term, term_id)

    def term_fields(self, term_id: str) -> Any:
        """Read-only: the term's ``instructor_id``, ``name``, ``first_day``, ``last_day`` and
        ``breaks`` (what a series' definition needs; None: no such term), by a statement
        compiled once rather than an object loaded into the session; pending changes are
        written first."""
        self._s.flush()
        return _TERM_FIELDS.first(self._s.connection(), {"term_id": term_id})

    def terms_of(self, instructor_id: str) -> Sequence[Term]:
        stmt = select(Term).where(Term.instructor_id == instructor_id)
        return self._s.scalars(stmt.order_by(Term.first_day, Term.name, Term.id)).all()

    def add_term(self, term: Term) -> None:
        """Create a term; a tombstone an earlier deletion of its id left is superseded."""
        self._s.add(term)
        self._s.execute(
            delete(Tombstone).where(Tombstone.entity == "term", Tombstone.entity_id == term.id)
        )

    def delete_term(self, term: Term) -> None:
        """Remove a term, leaving a tombstone for clients."""
        self._s.delete(term)
        self._s.add(Tombstone(entity="term", entity_id=term.id, instructor_id=term.instructor_id))
