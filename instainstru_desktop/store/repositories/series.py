"""Weekly series, their lessons and the instructor's terms, as the mirror shows them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from instainstru_desktop.store import models
from instainstru_desktop.store.records import SeriesRecord, TermRecord, columns_of, table_of

_SERIES = table_of(models.Series)
_TERMS = table_of(models.Term)
_SERIES_SELECT = select(*columns_of(SeriesRecord, _SERIES))
_TERM_SELECT = select(*columns_of(TermRecord, _TERMS))


class SeriesRepository:
    """Reads of series and terms (their lessons are read through the bookings)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, series_id: str) -> SeriesRecord | None:
        row = (
            self._session.connection()
            .execute(_SERIES_SELECT.where(_SERIES.c.id == series_id))
            .first()
        )
        return None if row is None else SeriesRecord(*row)

    def of_instructor(self, instructor_id: str) -> list[SeriesRecord]:
        rows = self._session.connection().execute(
            _SERIES_SELECT.where(_SERIES.c.instructor_id == instructor_id).order_by(
                _SERIES.c.start_date, _SERIES.c.id
            )
        )
        return [SeriesRecord(*r) for r in rows]

    def term(self, term_id: str) -> TermRecord | None:
        row = self._session.connection().execute(_TERM_SELECT.where(_TERMS.c.id == term_id)).first()
        return None if row is None else TermRecord(*row)

    def terms(self, instructor_id: str) -> list[TermRecord]:
        rows = self._session.connection().execute(
            _TERM_SELECT.where(_TERMS.c.instructor_id == instructor_id).order_by(
                _TERMS.c.first, _TERMS.c.name
            )
        )
        return [TermRecord(*r) for r in rows]

    def lesson_ids(self, series_id: str) -> list[str]:
        """Ids of the series' lessons in the mirror (every status), by start."""
        rows = self._session.connection().exec_driver_sql(
            "SELECT id FROM bookings WHERE series_id = ? ORDER BY start_utc", (series_id,)
        )
        return [r[0] for r in rows]

    def busy(
        self, instructor_id: str, student_id: str | None, start_from: str, start_before: str
    ) -> list[tuple[str, str, bool]]:
        """``(start, end, is_the_student's)`` of the active lessons of the instructor, and of
        the student with anyone the mirror knows, starting in the range (a series' preview)."""
        rows = self._session.connection().exec_driver_sql(
            "SELECT start_utc, end_utc, student_id = ? FROM bookings"
            " WHERE (instructor_id = ? OR student_id = ?) AND status != 'cancelled'"
            " AND start_utc >= ? AND start_utc < ? ORDER BY start_utc",
            (student_id or "", instructor_id, student_id or "", start_from, start_before),
        )
        return [(s, e, bool(mine)) for s, e, mine in rows]
