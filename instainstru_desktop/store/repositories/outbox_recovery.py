"""Repairing the outbox after the server lost mutations, and forgetting old answers.

Kept apart from the queue itself: these run only after a server restore (or once per sync for
the retention clean-up), never on the path of a local edit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from instainstru_desktop.store.effects import default_subjects
from instainstru_desktop.store.mirror import Subject, loads
from instainstru_desktop.store.models import OutboxRow, OutboxSubject
from instainstru_desktop.store.repositories.outbox import OPEN
from instainstru_desktop.store.repositories.sync_state import SyncStateRepository

if TYPE_CHECKING:
    from instainstru_desktop.store.salvage import SavedEdit

#: An edit put back in the queue: it goes out again from scratch.
_QUEUED: dict[str, Any] = {
    "status": "pending",
    "attempts": 0,
    "applied_seq": None,
    "next_attempt_at": None,
    "dismissed": False,
}


class OutboxRecovery:
    """Re-queue, renumber and prune outbox rows."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def requeue_above(self, server_last_id: int) -> list[int]:
        """After a server restore: answered rows the server no longer has go back in the queue.

        Applied rows the server still has are marked as held by the mirror (``applied_seq`` 0),
        which is true once the re-download that follows a restore has finished.
        """
        ids = list(
            self._session.scalars(
                select(OutboxRow.mutation_id).where(
                    OutboxRow.mutation_id > server_last_id, OutboxRow.status.not_in(OPEN)
                )
            )
        )
        self._session.execute(
            update(OutboxRow).where(OutboxRow.mutation_id > server_last_id).values(**_QUEUED)
        )
        self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.mutation_id <= server_last_id, OutboxRow.status == "applied")
            .values(applied_seq=0)
        )
        return ids

    def restart_numbering(self, sync_state: SyncStateRepository, server_last_id: int) -> int:
        """Continue under a new client id with every edit the server does not have, renumbered.

        The last resort when the server lost mutations this client no longer retains: the
        server accepts only contiguous ids per client, so the old id can never continue. Kept,
        in their order: every row above ``server_last_id``, answered ones included (the server
        lost them, we still hold them). Rows at or below it are on the server -- an unsent one
        there only lost its answer -- and are dropped: sent again under a new id they would
        apply twice. Returns how many edits are queued under the new id.
        """
        self.forget_through(server_last_id)
        client_id = str(uuid.uuid4())
        old_ids = list(self._session.scalars(select(OutboxRow.mutation_id).order_by("mutation_id")))
        for new_id, old_id in enumerate(old_ids, start=1):
            self._session.execute(
                update(OutboxRow)
                .where(OutboxRow.mutation_id == old_id)
                .values(mutation_id=new_id, client_id=client_id, **_QUEUED)
            )
            self._session.execute(
                update(OutboxSubject)
                .where(OutboxSubject.mutation_id == old_id)
                .values(mutation_id=new_id)
            )
        sync_state.update(
            client_id=client_id, next_mutation_id=len(old_ids) + 1, last_acked_mutation_id=0
        )
        return len(old_ids)

    def forget_through(self, server_last_id: int) -> None:
        """Drop every row the server has (ids up to ``server_last_id``), answered or not."""
        self._session.execute(
            delete(OutboxSubject).where(OutboxSubject.mutation_id <= server_last_id)
        )
        self._session.execute(delete(OutboxRow).where(OutboxRow.mutation_id <= server_last_id))

    def subjects_above(self, mutation_id: int) -> list[Subject]:
        """The rows touched by mutations after ``mutation_id`` (to show them pending again)."""
        rows = self._session.execute(
            select(OutboxSubject.entity, OutboxSubject.key).where(
                OutboxSubject.mutation_id > mutation_id
            )
        )
        return list(dict.fromkeys((e, k) for e, k in rows))

    def replace_with(self, edits: Sequence[SavedEdit]) -> list[Subject]:
        """Make ``edits`` (read back from a damaged cache) this cache's outbox, with their ids.

        Unsent ones are queued again from scratch; answered ones keep their answer (an applied
        one stays shown until the mirror holds it). Returns the rows the edits touch.
        """
        self._session.execute(delete(OutboxSubject))
        self._session.execute(delete(OutboxRow))
        touched: list[Subject] = []
        for edit in edits:
            row = dict(edit.row)
            if edit.open:
                row.update(status="pending", attempts=0, next_attempt_at=None)
            self._session.add(OutboxRow(**row))
            subjects = edit.subjects or _subjects_of(row["name"], row["args"])
            for entity, key in dict.fromkeys(subjects):
                self._session.add(
                    OutboxSubject(entity=entity, key=key, mutation_id=edit.mutation_id)
                )
            touched.extend(subjects)
        self._session.flush()
        return list(dict.fromkeys(touched))

    def shift_from(self, first_id: int, by: int) -> None:
        """Move the ids of rows ``first_id`` and up by ``by`` (renumbering in two passes, so
        no two rows ever hold one id)."""
        for model in (OutboxRow, OutboxSubject):
            self._session.execute(
                update(model)
                .where(model.mutation_id >= first_id)
                .values(mutation_id=-(model.mutation_id + by))
            )
            self._session.execute(
                update(model).where(model.mutation_id < 0).values(mutation_id=-model.mutation_id)
            )

    def prune(self, older_than: str, acked_up_to: int) -> int:
        """Forget answered rows older than ``older_than`` the server has acknowledged."""
        old = select(OutboxRow.mutation_id).where(
            OutboxRow.status.not_in(OPEN),
            OutboxRow.created_at < older_than,
            OutboxRow.mutation_id <= acked_up_to,
            or_(OutboxRow.status == "applied", OutboxRow.dismissed.is_(True)),
        )
        ids = list(self._session.scalars(old))
        if ids:
            self._session.execute(delete(OutboxSubject).where(OutboxSubject.mutation_id.in_(ids)))
            self._session.execute(delete(OutboxRow).where(OutboxRow.mutation_id.in_(ids)))
        return len(ids)


def _subjects_of(name: str, args: str) -> list[Subject]:
    """The rows a mutation touches when its recorded subjects could not be read back."""
    try:
        return default_subjects(name, loads(args))
    except (ValueError, KeyError, TypeError):
        return []
