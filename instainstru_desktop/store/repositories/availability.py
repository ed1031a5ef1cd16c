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
    """Reads of availability; ranges come back as the wire's dicts (``start``/``end`` HH:MM)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def template(self, instructor_id: str) -> tuple[list[dict[str, Any]], int] | None:
        """The template's ranges (``weekday``, ``start``, ``end``) and version, if any."""
        row = (
            self._session.connection()
            .execute(
                select(_TEMPLATES.c.ranges, _TEMPLATES.c.version).where(
                    _TEMPLATES.c.instructor_id == instructor_id
                )
            )
            .first()
        )
        return None if row is None else (loads(row[0]), int(row[1]))

    def overrides(
        self, instructor_id: str, first: str, last: str
    ) -> dict[str, list[dict[str, Any]]]:
        """Date (``YYYY-MM-DD``) to ranges, for the overrides from ``first`` to ``last``."""
        rows = self._session.connection().execute(
            select(_OVERRIDES.c.date, _OVERRIDES.c.ranges).where(
                _OVERRIDES.c.instructor_id == instructor_id,
                _OVERRIDES.c.date >= first,
                _OVERRIDES.c.date <= last,
            )
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
