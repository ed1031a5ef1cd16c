"""Edits the server refused for good: what the needs-attention list and the markers show.

A refusal stays until the user has seen it (``dismissed``); the outbox row keeps the edit's
arguments, so "try again" can send the same intent once more.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from instainstru_desktop.store.models import OutboxRow
from instainstru_desktop.store.repositories.outbox import OutboxMutation, detached


class RefusalRepository:
    """Reads of refused outbox rows, and dismissing them."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def rejected(self, *, include_dismissed: bool = False) -> list[OutboxMutation]:
        query = select(OutboxRow).where(OutboxRow.status == "rejected")
        if not include_dismissed:
            query = query.where(OutboxRow.dismissed.is_(False))
        return [detached(r) for r in self._session.scalars(query.order_by(OutboxRow.mutation_id))]

    def rejected_by_entity(self) -> dict[str, dict[str, str]]:
        """Every row with an undismissed rejection, by entity, with the latest reason."""
        found: dict[str, dict[str, str]] = {}
        for entity, key, message in self._session.connection().exec_driver_sql(
            'SELECT s.entity, s."key", o.last_error FROM outbox_subjects AS s'
            " JOIN outbox AS o ON o.mutation_id = s.mutation_id"
            " WHERE o.status = 'rejected' AND o.dismissed = 0 ORDER BY o.mutation_id"
        ):
            found.setdefault(entity, {})[key] = message or ""
        return found

    def rejected_keys(self, entity: str) -> dict[str, str]:
        """Keys of ``entity`` with an undismissed rejection (few), and the latest reason."""
        rows = self._session.connection().exec_driver_sql(
            'SELECT s."key", o.last_error FROM outbox_subjects AS s'
            " JOIN outbox AS o ON o.mutation_id = s.mutation_id"
            " WHERE s.entity = ? AND o.status = 'rejected' AND o.dismissed = 0"
            " ORDER BY o.mutation_id",
            (entity,),
        )
        return {key: message or "" for key, message in rows}

    def dismiss(self, mutation_id: int) -> None:
        self._session.execute(
            update(OutboxRow).where(OutboxRow.mutation_id == mutation_id).values(dismissed=True)
        )
