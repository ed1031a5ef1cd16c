"""The outbox: local edits in order, their delivery attempts and the server's answers.

Statuses: ``pending`` (not yet sent, or to be sent again; a push that never connected leaves
its changes pending), ``sent`` (in flight: the answer may have been lost, so it is sent again
with the same id and the server answers the replay from its stored result), ``applied``,
``rejected``. Only a pending change may be taken back (undo), never a sent one. Answered rows
stay for :data:`RETENTION` so they can be sent again if the server is restored from an older
copy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from instainstru_desktop.store.mirror import Subject, dumps, loads
from instainstru_desktop.store.models import OutboxRow, OutboxSubject

RETENTION = timedelta(days=30)
OPEN = ("pending", "sent")


@dataclass(frozen=True)
class OutboxMutation:
    """A detached outbox row with its arguments parsed."""

    mutation_id: int
    name: str
    args: dict[str, Any]
    base_version: int | None
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    error_code: str | None
    created_at: str
    dismissed: bool

    def wire(self) -> dict[str, Any]:
        """The mutation as ``POST /sync/push`` carries it."""
        return {
            "id": self.mutation_id,
            "name": self.name,
            "args": self.args,
            "base_version": self.base_version,
        }


def detached(row: OutboxRow) -> OutboxMutation:
    return OutboxMutation(
        mutation_id=row.mutation_id,
        name=row.name,
        args=loads(row.args),
        base_version=row.base_version,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        error_code=row.error_code,
        created_at=row.created_at,
        dismissed=row.dismissed,
    )


def _outstanding(cursor_seq: int) -> Any:
    """Rows whose effect the mirror's server truth does not hold yet."""
    return or_(
        OutboxRow.status.in_(OPEN),
        and_(OutboxRow.status == "applied", OutboxRow.applied_seq > cursor_seq),
    )


class OutboxRepository:
    """Queue operations on the outbox table."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        mutation_id: int,
        client_id: str,
        name: str,
        name_version: int,
        args: dict[str, Any],
        base_version: int | None,
        subjects: Iterable[Subject],
        now: str,
    ) -> None:
        self._session.add(
            OutboxRow(
                mutation_id=mutation_id,
                client_id=client_id,
                name=name,
                name_version=name_version,
                args=dumps(args),
                base_version=base_version,
                status="pending",
                attempts=0,
                created_at=now,
                dismissed=False,
            )
        )
        for entity, key in dict.fromkeys(subjects):
            self._session.add(OutboxSubject(entity=entity, key=key, mutation_id=mutation_id))
        self._session.flush()

    def remove_unsent(self, mutation_id: int) -> None:
        """Delete a change nobody sent and move the ids after it down one, in two passes so
        no two rows ever hold one id (the caller has checked none of them went out)."""
        self._session.execute(
            delete(OutboxSubject).where(OutboxSubject.mutation_id == mutation_id)
        )
        self._session.execute(delete(OutboxRow).where(OutboxRow.mutation_id == mutation_id))
        for model in (OutboxRow, OutboxSubject):
            self._session.execute(
                update(model)
                .where(model.mutation_id > mutation_id)
                .values(mutation_id=-(model.mutation_id - 1))
            )
            self._session.execute(
                update(model).where(model.mutation_id < 0).values(mutation_id=-model.mutation_id)
            )

    def newest_of(self, subject: Subject) -> list[OutboxMutation]:
        """Every kept change of one row, newest first (what undo looks through)."""
        entity, key = subject
        rows = self._session.scalars(
            select(OutboxRow)
            .join(OutboxSubject, OutboxSubject.mutation_id == OutboxRow.mutation_id)
            .where(OutboxSubject.entity == entity, OutboxSubject.key == key)
            .order_by(OutboxRow.mutation_id.desc())
        )
        return [detached(r) for r in rows]

    def get(self, mutation_id: int) -> OutboxMutation | None:
        row = self._session.get(OutboxRow, mutation_id)
        return None if row is None else detached(row)

    def due(self, limit: int, now: str, *, force: bool = False) -> list[OutboxMutation]:
        """The first ``limit`` open mutations in order, unless the head is still backing off.

        ``now`` is microsecond text (:func:`~instainstru_desktop.store.mirror.precise_text`),
        the form ``next_attempt_at`` is written in.
        """
        rows = self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status.in_(OPEN))
            .order_by(OutboxRow.mutation_id)
            .limit(limit)
        ).all()
        if not rows:
            return []
        head = rows[0]
        if not force and head.next_attempt_at is not None and head.next_attempt_at > now:
            return []
        return [detached(r) for r in rows]

    def mark_sent(self, ids: Sequence[int]) -> None:
        self._session.execute(
            update(OutboxRow).where(OutboxRow.mutation_id.in_(ids)).values(status="sent")
        )

    def mark_unsent(self, ids: Sequence[int]) -> None:
        """A push of these never connected: they did not leave, they are unsent again."""
        self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.mutation_id.in_(ids), OutboxRow.status == "sent")
            .values(status="pending")
        )

    def record_failure(self, ids: Sequence[int], message: str, next_attempt_at: str) -> None:
        """A delivery failed (network, 5xx): count it and schedule the next attempt."""
        self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.mutation_id.in_(ids), OutboxRow.status.in_(OPEN))
            .values(
                attempts=OutboxRow.attempts + 1,
                last_error=message,
                next_attempt_at=next_attempt_at,
            )
        )

    def record_result(
        self,
        mutation_id: int,
        *,
        applied: bool,
        code: str | None,
        message: str | None,
        result: Any,
        applied_seq: int,
    ) -> None:
        self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.mutation_id == mutation_id)
            .values(
                status="applied" if applied else "rejected",
                error_code=code,
                last_error=message,
                result=None if result is None else dumps(result),
                applied_seq=applied_seq if applied else None,
                next_attempt_at=None,
            )
        )

    def outstanding(self, subjects: Iterable[Subject], seq: int) -> dict[Subject, list[Any]]:
        """Per subject, the ``(name, args)`` of mutations not yet in the mirror, in order."""
        wanted = list(subjects)
        found: dict[Subject, list[Any]] = defaultdict(list)
        for start in range(0, len(wanted), 400):
            chunk = wanted[start : start + 400]
            rows = self._session.execute(
                select(OutboxSubject.entity, OutboxSubject.key, OutboxRow.name, OutboxRow.args)
                .join(OutboxRow, OutboxRow.mutation_id == OutboxSubject.mutation_id)
                .where(tuple_(OutboxSubject.entity, OutboxSubject.key).in_(chunk))
                .where(_outstanding(seq))
                .order_by(OutboxRow.mutation_id)
            )
            for entity, key, name, args in rows:
                found[(entity, key)].append((name, loads(args)))
        return found

    def open_count(self) -> int:
        return int(
            self._session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.status.in_(OPEN))
            )
            or 0
        )

    def earliest_attempt(self) -> str | None:
        """When the head of the queue may be sent again (None = now or nothing queued)."""
        head = self._session.scalars(
            select(OutboxRow.next_attempt_at)
            .where(OutboxRow.status.in_(OPEN))
            .order_by(OutboxRow.mutation_id)
            .limit(1)
        ).first()
        return head

    def subjects_of(self, mutation_id: int) -> list[Subject]:
        rows = self._session.execute(
            select(OutboxSubject.entity, OutboxSubject.key).where(
                OutboxSubject.mutation_id == mutation_id
            )
        )
        return [(e, k) for e, k in rows]

    def all(self) -> list[OutboxMutation]:
        """Every row in order (for diagnostics and the consistency checks of the tests)."""
        rows = self._session.scalars(select(OutboxRow).order_by(OutboxRow.mutation_id))
        return [detached(r) for r in rows]

    def in_range(self, first: int, last: int) -> list[OutboxMutation]:
        rows = self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.mutation_id >= first, OutboxRow.mutation_id <= last)
            .order_by(OutboxRow.mutation_id)
        )
        return [detached(r) for r in rows]
