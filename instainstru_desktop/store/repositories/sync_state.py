"""Where this client stands with its server: one row, created with a fresh client id."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from instainstru_desktop.store.models import SyncStateRow

START_CURSOR = "0"


def cursor_seq(cursor: str) -> int:
    """The server's commit sequence named by a cursor ``"<seq>.<nonce>"`` (``"0"`` = 0)."""
    head = cursor.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


@dataclass(frozen=True)
class SyncState:
    """A detached copy of the sync state row."""

    client_id: str
    cursor: str
    last_pull_at: str | None
    last_acked_mutation_id: int
    next_mutation_id: int
    server_identity: str | None
    user_id: str | None
    role: str | None
    instructor_id: str | None
    online: bool
    last_error: str | None
    last_push_at: str | None
    ids_unconfirmed_from: int | None = None
    clock_skew_seconds: float | None = None  # ours minus the server's, as last measured

    @property
    def cursor_seq(self) -> int:
        return cursor_seq(self.cursor)


_FIELDS = tuple(f.name for f in fields(SyncState))


class SyncStateRepository:
    """Reads and updates the single sync state row (id 1)."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def ensure(self) -> None:
        """Create the row with a new random client id if this file has none yet."""
        if self._session.get(SyncStateRow, 1) is None:
            self._session.add(
                SyncStateRow(
                    id=1,
                    client_id=str(uuid.uuid4()),
                    cursor=START_CURSOR,
                    last_acked_mutation_id=0,
                    next_mutation_id=1,
                    online=False,
                )
            )
            self._session.flush()

    def get(self) -> SyncState:
        row = self._session.execute(
            select(*(getattr(SyncStateRow, name) for name in _FIELDS)).where(SyncStateRow.id == 1)
        ).one()
        return SyncState(**dict(zip(_FIELDS, row, strict=True)))

    def update(self, **values: object) -> None:
        """Set columns of the row (names as in :class:`SyncState`)."""
        unknown = set(values) - set(_FIELDS)
        if unknown:
            raise ValueError(f"unknown sync state fields: {sorted(unknown)}")
        self._session.execute(update(SyncStateRow).where(SyncStateRow.id == 1).values(**values))

    def take_mutation_id(self) -> int:
        """The next mutation id of this client (contiguous, from 1); reserves it."""
        current = self._session.execute(
            select(SyncStateRow.next_mutation_id).where(SyncStateRow.id == 1)
        ).scalar_one()
        self.update(next_mutation_id=current + 1)
        return int(current)
