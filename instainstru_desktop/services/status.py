"""The always-visible sync status (online, pending changes, needs attention, last sync), and
what a sync changed, in the :class:`~.views.Changed` terms the views refresh by."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from instainstru_desktop.services._base import UseCases, touched
from instainstru_desktop.services._convert import parse_instant
from instainstru_desktop.services.attention import open_items
from instainstru_desktop.services.views import Changed, MutationOutcome, SyncStatus
from instainstru_desktop.store import StorageError

#: Beyond this many bookings a sync counts as changing everything (a first download, a long
#: offline spell): one read of each view is then cheaper than looking up every booking.
MANY_BOOKINGS = 200
#: Rows of these kinds change what every view shows: a home zone, a lesson type's name or colour.
SHOWN_EVERYWHERE = frozenset({"instructor", "lesson_type"})
#: Rows of lessons' conversations.
CONVERSATION_KINDS = frozenset({"message", "message_read"})


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
                local_problem=True,
            )
        return SyncStatus(
            online=state.online,
            pending_changes=pending,
            needs_attention=attention,
            last_sync=parse_instant(state.last_pull_at) if state.last_pull_at else None,
            last_error=trouble.message if trouble is not None else state.last_error or "",
            local_problem=trouble is not None,
            extra={"client_id": state.client_id, "cursor": state.cursor},
            clock_skew_seconds=state.clock_skew_seconds,
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

    def changed_by_sync(
        self,
        *,
        booking_ids: Collection[str] = (),
        override_keys: Collection[str] = (),
        template_instructors: Collection[str] = (),
        kinds: Collection[str] = (),
        refused: bool = False,
    ) -> Changed:
        """What the rows a sync wrote or settled mean on screen (the sync names them by kind
        and key: ``override_keys`` are ``instructor_id/date``). ``refused``: the server turned
        down an edit, which the needs-attention list shows."""
        if len(booking_ids) > MANY_BOOKINGS or SHOWN_EVERYWHERE.intersection(kinds):
            return Changed(everything=True)
        changed = Changed(
            dates=frozenset(date.fromisoformat(key.rpartition("/")[2]) for key in override_keys),
            booking_ids=frozenset(booking_ids),
            template=bool(template_instructors),
            attention=refused or "conflict" in kinds,
            history="audit" in kinds,
            messages=bool(CONVERSATION_KINDS.intersection(kinds)),
        )
        if not booking_ids:
            return changed
        with self._store.read() as uow:
            for booking_id in booking_ids:
                record = uow.bookings.get(booking_id)
                if record is not None:  # a refused new booking is gone: its id says enough
                    changed |= touched(uow, record)
        return changed
