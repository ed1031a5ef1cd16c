"""The audit log and recorded conflicts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from instainstru_desktop.server.core.models import AuditEntry, Conflict, Tombstone
from instainstru_desktop.server.repositories.compiled import Prepared

#: The columns of an audit entry, as :meth:`AuditRepository.append` takes them (``seq`` aside).
AuditRow = dict[str, Any]
_INSERT_AUDIT = Prepared(insert(AuditEntry))


class AuditRepository:
    """Audit entries of a write transaction.

    :meth:`append` keeps an entry as plain column values, written with the commit in the
    statements that take the change number (see ``Tx.commit``): already stamped, without an
    object in the session or a statement of its own. A read of the log in the same
    transaction writes them first, as objects, like any pending change.
    """

    def __init__(self, session: Session) -> None:
        self._s = session
        self.pending: list[AuditRow] = []

    def add(self, entry: AuditEntry) -> None:
        self._s.add(entry)

    def append(self, row: AuditRow) -> None:
        """An entry written at commit, stamped with the commit's number."""
        self.pending.append(row)

    def take_pending(self) -> list[AuditRow]:
        """The entries :meth:`append` kept, for the commit to write; none are kept after."""
        rows, self.pending = self.pending, []
        return rows

    def insert_stamped(self, rows: Sequence[AuditRow], seq: int) -> None:
        """Write ``rows`` stamped with ``seq``, in one statement (SQLite's commit)."""
        if not rows:
            return
        if len(rows) == 1:
            _INSERT_AUDIT.run(self._s.connection(), [{**rows[0], "seq": seq}])
            return
        # several entries (a series' lessons): a column at a time, what they share converted
        # once (``Prepared.run_columns``)
        names = rows[0].keys()
        if any(row.keys() != names for row in rows):  # entries of differing shapes: row by row
            _INSERT_AUDIT.run(self._s.connection(), [{**row, "seq": seq} for row in rows])
            return
        columns: dict[str, Sequence[Any]] = {name: [row[name] for row in rows] for name in names}
        columns["seq"] = [seq] * len(rows)
        _INSERT_AUDIT.run_columns(self._s.connection(), columns, len(rows))

    def _write_pending(self) -> None:
        """Hand the kept entries to the session, so that a read sees them."""
        for row in self.take_pending():
            self._s.add(AuditEntry(**row))

    def of_booking(self, booking_id: str) -> Sequence[AuditEntry]:
        self._write_pending()
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
