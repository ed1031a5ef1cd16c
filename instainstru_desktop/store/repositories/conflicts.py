"""Conflicts the server recorded (a lesson left outside changed hours, ...)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from instainstru_desktop.store import models
from instainstru_desktop.store.records import ConflictRecord, columns_of, table_of

_CONFLICTS = table_of(models.Conflict)
_SELECT = select(*columns_of(ConflictRecord, _CONFLICTS))


class ConflictRepository:
    """Reads of conflicts."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, conflict_id: str) -> ConflictRecord | None:
        row = self._session.connection().execute(_SELECT.where(_CONFLICTS.c.id == conflict_id))
        found = row.first()
        return None if found is None else ConflictRecord(*found)

    def unresolved(self, instructor_id: str | None = None) -> list[ConflictRecord]:
        query = _SELECT.where(_CONFLICTS.c.resolved.is_(False))
        if instructor_id is not None:
            query = query.where(_CONFLICTS.c.instructor_id == instructor_id)
        rows = self._session.connection().execute(query.order_by(_CONFLICTS.c.created_at))
        return [ConflictRecord(*r) for r in rows]

    def unresolved_by_booking(self) -> dict[str, tuple[str, str]]:
        """Booking id to ``(kind, message)`` of its open conflict (open conflicts are few)."""
        rows = self._session.connection().exec_driver_sql(
            "SELECT booking_id, kind, message FROM conflicts WHERE resolved = 0 ORDER BY created_at"
        )
        return {booking_id: (kind, message) for booking_id, kind, message in rows if booking_id}
