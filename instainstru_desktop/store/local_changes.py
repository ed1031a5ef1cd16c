"""Optimistic local state that can always be rolled back to the server's truth.

The mirror tables show what the user expects to see: the server's rows with the user's unsynced
edits applied. For every row with such edits, a *shadow* keeps the server's truth of that row.
The shown row is always recomputed the same way::

    shown = replay(shadow, outstanding mutations of the row, in order)

where *outstanding* means queued, in flight, or applied by the server at a sequence the mirror
has not pulled yet. So:

- a local edit captures the shadow (the row is clean, so shown == truth), queues the mutation
  and recomputes;
- a pull updates the shadows of dirty rows with the new truth and recomputes (a rebase);
- a rejection leaves the outstanding set and the row falls back to the truth at once;
- a change taken back before it was sent (undo) leaves it too, in the same way;
- once nothing is outstanding, the shadow is written back and dropped: the row is clean.

A shown row is therefore never a guess that could outlive the server's answer, and a pull never
overwrites an edit the server has not seen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.orm import Session

from instainstru_desktop.protocol import AnyChange, change_from_args, to_args
from instainstru_desktop.store.effects import EffectContext, effect_of, replay
from instainstru_desktop.store.mirror import Entity, Params, Row, Subject, dumps, loads
from instainstru_desktop.store.models import Shadow
from instainstru_desktop.store.repositories.mirror import MirrorRepository
from instainstru_desktop.store.repositories.outbox import OutboxRepository
from instainstru_desktop.store.repositories.sync_state import SyncStateRepository


class LocalChanges:
    """Records local edits and keeps the shown rows equal to truth + outstanding edits."""

    def __init__(
        self,
        session: Session,
        mirror: MirrorRepository,
        outbox: OutboxRepository,
        sync_state: SyncStateRepository,
        now: Callable[[], str],
    ) -> None:
        self._session = session
        self._mirror = mirror
        self._outbox = outbox
        self._state = sync_state
        self._now = now

    def record(
        self,
        change: AnyChange,
        *,
        base_version: int | None = None,
        subjects: Sequence[Subject] | None = None,
    ) -> int:
        """Queue ``change`` and show its effect; returns its mutation id.

        Runs inside the caller's transaction, so the edit and its outbox row commit together.
        ``subjects``: the rows it changes, when they are more than the change itself names.
        """
        touched = list(subjects) if subjects is not None else list(effect_of(change).subjects)
        known = self._shadowed(touched)
        for subject in touched:
            if subject not in known:
                self._capture(subject)
        mutation_id = self._state.take_mutation_id()
        self._outbox.add(
            mutation_id=mutation_id,
            client_id=self._state.get().client_id,
            name=change.wire_name,
            name_version=change.version,
            args=to_args(change),
            base_version=base_version,
            subjects=touched,
            now=self._now(),
        )
        self.rematerialize(touched)
        return mutation_id

    def withdraw(self, mutation_id: int) -> bool:
        """Take back a queued change the server cannot have seen; False when it may have.

        Only a change still ``pending`` qualifies, with every change after it pending too (none
        of them ever went out), above the last id the server acknowledged, and only while this
        cache's ids are not waiting for the server's word after a rebuild. A change ``sent`` is
        in flight or its answer was lost: the server may apply it any moment, so it stays. The
        server numbers a client's changes without holes, so the later ones move down one id,
        and the freed id is given out again. Runs in the caller's (write) transaction, which
        the sync engine's own "take the next batch and mark it sent" cannot interleave with.
        """
        state = self._state.get()
        if state.ids_unconfirmed_from is not None or mutation_id <= state.last_acked_mutation_id:
            return False
        rows = self._outbox.in_range(mutation_id, state.next_mutation_id - 1)
        if not rows or rows[0].mutation_id != mutation_id:
            return False
        if any(row.status != "pending" for row in rows):
            return False
        subjects = self._outbox.subjects_of(mutation_id)
        self._outbox.remove_unsent(mutation_id)
        self._state.update(next_mutation_id=state.next_mutation_id - 1)
        self.rematerialize(subjects)
        return True

    def rematerialize(self, subjects: Iterable[Subject]) -> None:
        """Recompute the shown rows of ``subjects`` from their shadows and outstanding edits."""
        wanted = list(dict.fromkeys(subjects))
        if not wanted:
            return
        state = self._state.get()
        shadows = self._shadowed(wanted)
        outstanding = self._outbox.outstanding(wanted, state.cursor_seq)
        context = self._context(state.role)
        for subject in wanted:
            entity, key = subject
            mutations = outstanding.get(subject, [])
            if subject not in shadows:
                if not mutations:
                    continue
                shadows[subject] = self._capture(subject)
            payload = shadows[subject]
            truth: Row | None = None if payload is None else loads(payload)
            if mutations:
                changes = [change_from_args(name, args) for name, args in mutations]
                self._mirror.put(entity, key, replay(entity, truth, changes, context))
            else:
                self._mirror.put(entity, key, truth)
                self._session.execute(
                    delete(Shadow).where(Shadow.entity == entity, Shadow.key == key)
                )

    def rebase_all(self) -> None:
        """Recompute every dirty row (after a pull page or a batch of push answers)."""
        self.rematerialize(self._shadowed(None))

    def absorb(self, entity: Entity, rows: Sequence[Params]) -> None:
        """New server truth arrived for ``rows`` (in column order): dirty ones update their
        shadow. Cheap when nothing is dirty, which is the bulk first-sync case."""
        dirty = self.dirty_keys(entity.name)
        if not dirty:
            return
        for params in rows:
            key = entity.key_of_params(params)
            if key in dirty:
                self._set_payload(entity.name, key, dumps(entity.row(params)))

    def absorb_deleted(self, entity: str, keys: Iterable[str]) -> None:
        """The server deleted these rows: dirty ones now shadow an absent row."""
        dirty = self.dirty_keys(entity)
        for key in keys:
            if key in dirty:
                self._set_payload(entity, key, None)

    def forget_truth(self) -> None:
        """Before a full re-download: no shadowed row is known to exist on the server."""
        self._session.execute(update(Shadow).values(payload=None))

    def dirty_by_entity(self) -> dict[str, set[str]]:
        """Every row with unsynced edits, by entity, in one query (for the markers of a view)."""
        found: dict[str, set[str]] = {}
        for entity, key in self._session.connection().exec_driver_sql(
            'SELECT entity, "key" FROM shadows'
        ):
            found.setdefault(entity, set()).add(key)
        return found

    def dirty_keys(self, entity: str) -> set[str]:
        """Keys of ``entity`` with unsynced edits (there are few: one per edited row)."""
        rows = self._session.connection().exec_driver_sql(
            'SELECT "key" FROM shadows WHERE entity = ?', (entity,)
        )
        return {key for (key,) in rows}

    def _shadowed(self, subjects: Sequence[Subject] | None) -> dict[Subject, str | None]:
        query = select(Shadow.entity, Shadow.key, Shadow.payload)
        if subjects is not None:
            query = query.where(tuple_(Shadow.entity, Shadow.key).in_(list(subjects)))
        return {(e, k): p for e, k, p in self._session.execute(query)}

    def _capture(self, subject: Subject) -> str | None:
        entity, key = subject
        row = self._mirror.get(entity, key)
        payload = None if row is None else dumps(row)
        self._session.add(Shadow(entity=entity, key=key, payload=payload))
        self._session.flush()
        return payload

    def _set_payload(self, entity: str, key: str, payload: str | None) -> None:
        self._session.execute(
            update(Shadow).where(Shadow.entity == entity, Shadow.key == key).values(payload=payload)
        )

    def _context(self, role: str | None) -> EffectContext:
        return EffectContext(
            now=self._now(),
            actor_role=role if role in ("instructor", "admin") else "instructor",
            lesson_type=lambda id_: self._mirror.get("lesson_type", id_),
            student=lambda id_: self._mirror.get("student", id_),
            template=lambda id_: self._mirror.get("template", id_),
        )
