"""The audit log and recorded conflicts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from instainstru_desktop.server.core.models import AuditEntry, Conflict, Tombstone


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, entry: AuditEntry) -> None:
        self._s.add(entry)

    def of_booking(self, booking_id: str) -> Sequence[AuditEntry]:
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.booking_id == booking_id)
            .order_by(AuditEntry.at, AuditEntry.seq, AuditEntry.id)
        )
        return self._s.scalars(stmt).all()


class ConflictRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, conflict_id: str) -> Conflict | None:
        return self._s.get(Conflict, conflict_id)

    def add(self, conflict: Conflict) -> None:
        self._s.add(conflict)

    def of_instructor(self, instructor_id: str, kind: str) -> Sequence[Conflict]:
        stmt = select(Conflict).where(
            Conflict.instructor_id == instructor_id, Conflict.kind == kind
        )
        return self._s.scalars(stmt).all()

    def open_of_booking(self, booking_id: str) -> Sequence[Conflict]:
        stmt = select(Conflict).where(
            Conflict.booking_id == booking_id, Conflict.resolved.is_(False)
        )
        return self._s.scalars(stmt).all()

    def delete(self, conflict: Conflict) -> None:
        """Withdraw a conflict that no longer holds, leaving a tombstone for clients."""
        self._s.delete(conflict)
        self._s.add(
            Tombstone(
                entity="conflict", entity_id=conflict.id, instructor_id=conflict.instructor_id
            )
        )
