"""Notices: what sync or a repair settled that the person must still hear about.

They wait in the needs-attention list until dismissed, so a message survives a restart and is
never only in the log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from instainstru_desktop.store.models import Notice

#: Kinds of notice.
LOST_CHANGES = "lost_changes"  # edits that can no longer reach the server
CACHE_REPAIRED = "cache_repaired"  # the local file was damaged and rebuilt


@dataclass(frozen=True)
class NoticeRecord:
    id: int
    kind: str
    message: str
    created_at: str


class NoticeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, kind: str, message: str, now: str) -> None:
        self._session.add(Notice(kind=kind, message=message, created_at=now, dismissed=False))
        self._session.flush()

    def open(self) -> list[NoticeRecord]:
        rows = self._session.execute(
            select(Notice.id, Notice.kind, Notice.message, Notice.created_at)
            .where(Notice.dismissed.is_(False))
            .order_by(Notice.id)
        )
        return [NoticeRecord(*row) for row in rows]

    def dismiss(self, notice_id: int) -> bool:
        """Mark a notice as seen; False when there is no such open notice."""
        result = self._session.execute(
            update(Notice)
            .where(Notice.id == notice_id, Notice.dismissed.is_(False))
            .values(dismissed=True)
        )
        return bool(getattr(result, "rowcount", 0))
