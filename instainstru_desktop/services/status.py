"""The always-visible sync status: online, pending changes, needs attention, last sync."""

from __future__ import annotations

from instainstru_desktop.services._base import UseCases
from instainstru_desktop.services._convert import parse_instant
from instainstru_desktop.services.attention import open_items
from instainstru_desktop.services.views import MutationOutcome, SyncStatus
from instainstru_desktop.store import StorageError


class StatusService(UseCases):
    """What the status bar polls (cheap: a few counts in one read)."""

    def status(self) -> SyncStatus:
        """The status; a storage failure of the last sync is its last error. If the file cannot
        even be read for this, the status says so instead of claiming nothing is waiting."""
        trouble = self._store.trouble
        try:
            with self._store.read() as uow:
                state = uow.sync_state.get()
                pending = uow.outbox.open_count()
                attention = open_items(uow).count
        except StorageError as error:
            return SyncStatus(
                online=False,
                pending_changes=0,
                needs_attention=0,
                last_sync=None,
                last_error=error.message,
                pending_known=False,
            )
        return SyncStatus(
            online=state.online,
            pending_changes=pending,
            needs_attention=attention,
            last_sync=parse_instant(state.last_pull_at) if state.last_pull_at else None,
            last_error=trouble.message if trouble is not None else state.last_error or "",
            extra={"client_id": state.client_id, "cursor": state.cursor},
        )

    def outcome(self, mutation_id: int) -> MutationOutcome:
        """Where one queued change stands, for views that wait for the server's answer.

        A change no longer in the outbox was applied long ago and pruned: it counts as applied.
        """
        with self._store.read() as uow:
            row = uow.outbox.get(mutation_id)
        if row is None:
            return MutationOutcome(mutation_id, "applied")
        state = {"pending": "pending", "sent": "pending"}.get(row.status, row.status)
        message = (row.last_error or "") if state in {"rejected", "pending"} else ""
        return MutationOutcome(mutation_id, state, message, row.error_code or "")
