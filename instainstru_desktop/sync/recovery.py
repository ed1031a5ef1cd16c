"""When the server has lost mutations of ours (restored from an older copy): send them again.

Three ways to notice it, each leading to :meth:`Recovery.recover`:

- a push answered ``mutation_gap``: the server expects an id we already had acknowledged;
- a pull answered ``reset_required``: before downloading everything again, ask the server how
  far it got (``/sync/state``);
- a quiet sync (nothing to push) finds the server remembering fewer of our mutations than it
  had acknowledged -- a restored copy that still knows our pull cursor says nothing else.
"""

from __future__ import annotations

import logging

from instainstru_desktop.store import Store
from instainstru_desktop.store.mirror import parse_instant
from instainstru_desktop.store.repositories.notices import LOST_CHANGES
from instainstru_desktop.store.repositories.outbox import RETENTION, OutboxMutation
from instainstru_desktop.sync.api import ApiClient

log = logging.getLogger(__name__)


class Recovery:
    """Finds out what the server still has, and puts the rest back in the queue."""

    def __init__(self, store: Store, api: ApiClient) -> None:
        self._store = store
        self._api = api

    def before_download(self) -> int:
        """Before downloading again: find out which of our mutations the server still has."""
        with self._store.read() as uow:
            client_id = uow.sync_state.get().client_id
        state = self._api.sync_state(client_id)
        return self.recover(int(state.get("last_mutation_id", 0)))

    def check_server_memory(self, force: bool) -> int:
        """A server restored from a copy that still holds our cursor forgets our last pushes
        without a ``reset_required``; compare its count with ours when nothing else is sent."""
        with self._store.read() as uow:
            state = uow.sync_state.get()
            queued = uow.outbox.due(1, uow.now_precise(), force=force)
        if state.ids_unconfirmed_from is not None:
            return self.confirm_ids(state.client_id, state.ids_unconfirmed_from)
        if queued or state.last_acked_mutation_id == 0:
            return 0  # a push will reveal a gap by itself
        server = self._api.sync_state(state.client_id)
        server_last = int(server.get("last_mutation_id", 0))
        if server_last < state.last_acked_mutation_id:
            log.warning(
                "the server remembers mutations up to %d of ours, we had %d acknowledged: "
                "sending the rest again",
                server_last,
                state.last_acked_mutation_id,
            )
            return self.recover(server_last)
        return 0

    def confirm_ids(self, client_id: str, first_unconfirmed: int) -> int:
        """After a damaged cache was rebuilt: learn how far the server got before any push.

        Ids from ``first_unconfirmed`` on were given to edits made after the rebuild, but the
        lost file may have used them too, for edits the server already applied: those new edits
        move past the server's last id (else they would be answered as replays and never
        applied). Edits between the server's last id and the rebuild that nothing holds any
        more are lost: the person is told how many, and the rest continue under a new id.
        Edits the server has are dropped when the ones around them were not read back (the
        server has those too): the ids this cache keeps then run without a hole.
        """
        server_last = int(self._api.sync_state(client_id).get("last_mutation_id", 0))
        with self._store.uow() as uow:
            state = uow.sync_state.get()
            if state.ids_unconfirmed_from != first_unconfirmed:
                return 0  # settled meanwhile
            held = {m.mutation_id for m in uow.outbox.in_range(1, first_unconfirmed)}
            lost = sum(1 for i in range(server_last + 1, first_unconfirmed) if i not in held)
            on_server = [i for i in held if i <= server_last]
            if on_server and len(on_server) != server_last - min(on_server) + 1:
                uow.recovery.forget_through(server_last)
            if server_last >= first_unconfirmed:
                shift = server_last + 1 - first_unconfirmed
                uow.recovery.shift_from(first_unconfirmed, shift)
                uow.sync_state.update(next_mutation_id=state.next_mutation_id + shift)
            resent = 0
            if lost:
                log.warning("%d edits were lost with the damaged cache", lost)
                resent = uow.recovery.restart_numbering(uow.sync_state, server_last)
                uow.notices.add(LOST_CHANGES, lost_in_damage_message(lost), uow.now_text())
                uow.changes.rematerialize(uow.recovery.subjects_above(0))
            else:
                uow.sync_state.update(last_acked_mutation_id=server_last)
            uow.sync_state.update(ids_unconfirmed_from=None)
            uow.changes.rebase_all()  # rows of forgotten edits fall back to the truth
            uow.commit()
        return resent

    def recover(self, server_last: int) -> int:
        """Put back in the queue every answered mutation above ``server_last``; returns how many.

        If some of them are no longer retained (pruned after the retention period), the server
        can never get a contiguous sequence from this client id again: the client starts a new
        numbering under a new client id with every edit it still holds queued, and the person
        is told, in the needs-attention list, how many edits it no longer holds.
        """
        with self._store.uow() as uow:
            state = uow.sync_state.get()
            newest = state.next_mutation_id - 1
            kept = uow.outbox.in_range(server_last + 1, newest)
            missing = max(0, newest - server_last) - len(kept)
            if not missing:
                resent = len(uow.recovery.requeue_above(server_last))
                uow.sync_state.update(last_acked_mutation_id=server_last)
                shown_again = uow.recovery.subjects_above(server_last)
            else:
                log.warning(
                    "the server lost %d mutations this device no longer keeps: continuing under "
                    "a new client id with the %d it still holds",
                    missing,
                    len(kept),
                )
                resent = uow.recovery.restart_numbering(uow.sync_state, server_last)
                shown_again = uow.recovery.subjects_above(0)
                uow.notices.add(LOST_CHANGES, lost_message(missing, kept), uow.now_text())
            uow.changes.rematerialize(shown_again)  # pending again until the server has them
            uow.commit()
        return resent


def lost_message(missing: int, kept: list[OutboxMutation]) -> str:
    """What the person reads about edits the restored server lost and this device let go."""
    changes = "1 change" if missing == 1 else f"{missing} changes"
    since = ""
    if kept:
        oldest = parse_instant(kept[0].created_at)
        since = f" made before {oldest:%-d %b %Y}"
    return (
        f"The server was restored from an older copy and lost {changes}{since} that this "
        f"computer no longer keeps (it keeps sent changes for {RETENTION.days} days). Check "
        "your hours and lessons from that time and make those changes again. Everything this "
        "computer still had has been sent again."
    )


def lost_in_damage_message(lost: int) -> str:
    changes = "1 change" if lost == 1 else f"{lost} changes"
    return (
        f"{changes} made on this computer could not be recovered from the damaged local data "
        "file and never reached the server. Check your recent hours and lessons and make them "
        "again if needed."
    )
