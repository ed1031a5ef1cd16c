"""The always-visible sync status: online, pending changes, needs attention, last sync."""

from __future__ import annotations

from instainstru_desktop.services._base import UseCases
from instainstru_desktop.services._convert import parse_instant
from instainstru_desktop.services.attention import open_items
from instainstru_desktop.services.views import SyncStatus


class StatusService(UseCases):
    """What the status bar polls (cheap: a few counts in one read)."""

    def status(self) -> SyncStatus:
        with self._store.read() as uow:
            state = uow.sync_state.get()
            pending = uow.outbox.open_count()
            attention = open_items(uow).count
        return SyncStatus(
            online=state.online,
            pending_changes=pending,
            needs_attention=attention,
            last_sync=parse_instant(state.last_pull_at) if state.last_pull_at else None,
            last_error=state.last_error or "",
            extra={"client_id": state.client_id, "cursor": state.cursor},
        )
