"""The weekly template and date overrides of an instructor, as the mirror shows them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from instainstru_desktop.store import models
from instainstru_desktop.store.mirror import loads
from instainstru_desktop.store.records import table_of

_TEMPLATES = table_of(models.WeeklyTemplateRow)
_OVERRIDES = table_of(models.DateOverride)


class AvailabilityRepository:
    """Reads of availability; ranges come back as the wire's dicts (``start``/``end`` HH:MM).

    The two reads of every week repaint are plain SQL (no expression building per call).
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def template(self, instructor_id: str) -> tuple[list[dict[str, Any]], int] | None:
        """The template's ranges (``weekday``, ``start``, ``end``) and version, if any."""
        row = (
            self._session.connection()
            .exec_driver_sql(
                "SELECT ranges, version FROM weekly_templates WHERE instructor_id = ?",
                (instructor_id,),
            )
            .first()
        )
        return None if row is None else (loads(row[0]), int(row[1]))

    def overrides(
        self, instructor_id: str, first: str, last: str
    ) -> dict[str, list[dict[str, Any]]]:
        """Date (``YYYY-MM-DD``) to ranges, for the overrides from ``first`` to ``last``."""
        rows = self._session.connection().exec_driver_sql(
            "SELECT date, ranges FROM date_overrides"
            " WHERE instructor_id = ? AND date >= ? AND date <= ?",
            (instructor_id, first, last),
        )
        return {d: loads(ranges) for d, ranges in rows}

    def override_version(self, instructor_id: str, date: str) -> int | None:
        version = (
            self._session.connection()
            .execute(
                select(_OVERRIDES.c.version).where(
                    _OVERRIDES.c.instructor_id == instructor_id, _OVERRIDES.c.date == date
                )
            )
            .scalar()
        )
        return None if version is None else int(version)
