"""Unit of work: one database transaction, its repositories, and the change sequence.

A unit of work rolls back unless the use case calls :meth:`Tx.commit`. A write transaction that
changed a synced row takes the next value of the global change sequence at commit time, *after*
all its other row locks (so the sequence lock never waits on anything and cannot deadlock), stamps
the changed rows with it, records the commit with a random nonce, and commits while still holding
the sequence row. Commits therefore happen in sequence order: a reader that sees commit 7 also
sees commit 6, which is what lets a pull cursor be one number.

On PostgreSQL, where writers run side by side, taking the number, stamping the rows, recording
the commit and queueing its NOTIFY are one statement, sent together with ``COMMIT`` in one
message (``SyncRepository.commit_stamped``): the sequence row is held only while PostgreSQL runs
the two, never across a round trip to the server process, so writers of different instructors
queue on it only that long.

On SQLite a write transaction runs alone (``BEGIN IMMEDIATE`` holds the database's write lock
from its first statement), so there are no row locks to wait for and the sequence can be taken
as soon as the transaction first writes a synced row: rows are then inserted and updated already
stamped, instead of being written once and updated again at commit.

Pokes for ``/events`` are published once the commit is durable: directly to the in-process hub,
and on PostgreSQL also through ``pg_notify`` inside the transaction (delivered by PostgreSQL at
commit, to every server process), naming this process's hub so that it skips its own echo. Other
processes on one SQLite file hear the commit through ``commit_watch``.

PostgreSQL may still abort a write transaction because of one running beside it (a deadlock the
lock order did not foresee, a serialization failure). :meth:`UnitOfWork.run_write` runs such a
use case once more from its start; anything else answers the error (``problems`` makes it a 503).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from instainstru_desktop.server.core.db import Database, is_rerunnable
from instainstru_desktop.server.core.events import EventHub, Poke
from instainstru_desktop.server.core.models import Stamped
from instainstru_desktop.server.repositories import (
    AttemptRepository,
    AuditRepository,
    AvailabilityRepository,
    BookingRepository,
    BulkRepository,
    ConflictRepository,
    InstructorRepository,
    LessonTypeRepository,
    MessageRepository,
    SeriesRepository,
    SyncRepository,
    TokenRepository,
    UserRepository,
)
from instainstru_desktop.server.repositories._written import Written
from instainstru_desktop.server.repositories.direct import DirectReads

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: How many times a write aborted by a concurrent one is run again. One: a second abort means
#: real contention, which the caller should hear about (503) rather than wait out here.
WRITE_RERUNS = 1


class _WriteSession(Session):
    """The session of a write transaction; its :class:`Tx` is in ``info["tx"]``."""


@event.listens_for(_WriteSession, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # One listener for the class, not one per session: listening on an instance builds an event
    # dispatcher for it, on every write.
    tx = session.info.get("tx")
    if isinstance(tx, Tx):
        tx.collect(session)


class Tx:
    """An open transaction and the repositories bound to it."""

    def __init__(
        self,
        session: Session,
        *,
        writable: bool,
        notify_in_tx: bool,
        runs_alone: bool = False,
        origin: str = "",
        hub: EventHub | None = None,
    ) -> None:
        self._session = session
        self._hub = hub
        self._writable = writable
        self._notify_in_tx = notify_in_tx
        self._origin = origin
        #: No other writer can run until this transaction ends (SQLite): the sequence is taken
        #: at the first flush that writes a synced row, and rows are written stamped.
        self._runs_alone = runs_alone
        self._touched: set[Stamped] = set()
        #: Synced rows the repositories wrote with Core statements (new lessons).
        self.written = Written(self._current_seq if runs_alone else None)
        self.poke: Poke | None = None
        self.users = UserRepository(session)
        self.tokens = TokenRepository(session)
        self.instructors = InstructorRepository(session, runs_alone=runs_alone)
        self.lesson_types = LessonTypeRepository(session)
        self.availability = AvailabilityRepository(session)
        self.bookings = BookingRepository(session, self.written)
        self.audit = AuditRepository(session)
        self.conflicts = ConflictRepository(session)
        self.series = SeriesRepository(session, self.written)
        self.sync = SyncRepository(session)
        self.bulk = BulkRepository(session)
        self.messages = MessageRepository(session)
        self.attempts = AttemptRepository(session)
        self._seq: int | None = None
        self._scope: set[str] = set()
        if writable:
            session.info["tx"] = self

    def collect(self, session: Session) -> None:
        """Before a flush: note the synced rows it writes (and stamp them, running alone)."""
        changed = [obj for obj in (*session.new, *session.dirty) if isinstance(obj, Stamped)]
        self._touched.update(changed)
        if self._runs_alone and changed:
            seq = self._current_seq()
            for obj in changed:
                obj.seq = seq

    def _take_seq(self) -> int:
        self._seq = self.sync.next_seq()
        return self._seq

    def _current_seq(self) -> int:
        return self._seq if self._seq is not None else self._take_seq()

    def allocate_seq(self, instructor_ids: set[str]) -> int:
        """This transaction's sequence number, for rows written in bulk (they stamp themselves).

        Takes the sequence lock now, so only jobs that run alone (seeding) should call it.
        """
        self._scope.update(instructor_ids)
        return self._current_seq()

    def commit(self) -> int | None:
        """Commit; returns the sequence number of this commit (None: nothing synced changed)."""
        if not self._writable:
            raise RuntimeError("a read transaction cannot commit")
        self._session.flush()
        seq = self._seq
        audit = self.audit.take_pending()
        written = self.written
        if self._touched or seq is not None or audit or written:
            scope = self._scope | {obj.scope_instructor_id for obj in self._touched}
            scope.update(row["instructor_id"] for row in audit)
            scope.update(written.instructors)
            instructors = frozenset(i for i in scope if i is not None)
            students = frozenset(
                {s for s in (obj.scope_student_id for obj in self._touched) if s is not None}
                | written.students
            )
            nonce, at = secrets.token_urlsafe(9), datetime.now(UTC)
            if seq is None and not self._runs_alone:
                # writers run side by side: number, stamps, record and NOTIFY in one statement
                notice = (
                    Poke(0, instructors, student_ids=students, origin=self._origin)
                    .json_around_seq()
                    if self._notify_in_tx
                    else None
                )
                seq = self.sync.commit_stamped(
                    self._touched, nonce, at, notice, audit, written.keys
                )
                self.poke = Poke(seq, instructors, student_ids=students, origin=self._origin)
                # that statement committed the transaction: the session's commit only records it
            else:  # the number was taken before (SQLite, seeding): stamp, record, notify
                seq = seq if seq is not None else self._take_seq()
                for obj in self._touched:
                    if obj.seq != seq:  # running alone, rows were written stamped already
                        obj.seq = seq
                self.sync.add_commit(seq, nonce, at)
                self.audit.insert_stamped(audit, seq)
                self.poke = Poke(seq, instructors, student_ids=students, origin=self._origin)
                if self._notify_in_tx:
                    self.sync.notify(self.poke.to_json())
                self._session.flush()
        if seq is not None and self._hub is not None:
            self._hub.expect_own(seq)
        try:
            self._session.commit()
        except BaseException:
            if seq is not None and self._hub is not None:
                self._hub.forget_own(seq)
            raise
        self._touched.clear()
        return seq

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: on error its changes (and their stamps, and the audit entries
        kept for the commit) are undone.

        So is a sequence number taken inside it: the increment is rolled back with the rest.
        """
        touched, seq, audited = set(self._touched), self._seq, len(self.audit.pending)
        written = self.written.snapshot()
        nested = self._session.begin_nested()
        try:
            yield
            nested.commit()
        except BaseException:
            nested.rollback()
            self._touched, self._seq = touched, seq
            self.written.restore(written)
            del self.audit.pending[audited:]
            raise


class UnitOfWork:
    """Starts transactions; the only owner of sessions in the server."""

    def __init__(self, database: Database, hub: EventHub) -> None:
        self.database = database
        self.hub = hub

    @contextmanager
    def read(self, *, snapshot: bool = False) -> Iterator[Tx]:
        """A read-only transaction (``snapshot``: one consistent view for all its queries)."""
        with Session(self.database.read_bind(snapshot=snapshot), autoflush=False) as session:
            yield Tx(session, writable=False, notify_in_tx=False)

    @contextmanager
    def direct_read(self) -> Iterator[DirectReads]:
        """The hottest reads (an uncached slot window, a page of bookings), on a driver cursor
        in one read-only transaction, without a session (see :mod:`.direct`)."""
        with self.database.driver_read() as cursor:
            yield DirectReads(cursor, self.database.engine.dialect)

    @contextmanager
    def write(self) -> Iterator[Tx]:
        """A write transaction; rolled back unless committed. Pokes go out after the commit."""
        on_postgres = self.database.is_postgres
        with (
            self.database.write_bind() as bind,
            _WriteSession(bind, expire_on_commit=False) as session,
        ):
            tx = Tx(
                session,
                writable=True,
                notify_in_tx=on_postgres,
                runs_alone=self.database.is_sqlite,
                origin=self.hub.origin,
                hub=self.hub,
            )
            yield tx
        if tx.poke is not None:
            # other processes hear it through NOTIFY or the commit watch; this one at once
            self.hub.publish_own(tx.poke)

    def run_write(self, work: Callable[[Tx], _T]) -> _T:
        """``work`` in a write transaction, committed; run again from its start, in a new
        transaction, if PostgreSQL aborted the first as a deadlock victim or a serialization
        failure.

        Running it again is safe because such an abort keeps nothing of the transaction and
        ``work`` reaches the outside world only through ``tx`` (pokes go out after the commit).
        Re-running only the failed statement or the commit would not be: the locks and reads
        the earlier statements decided on are gone. ``work`` must therefore not commit itself
        nor have effects outside the database.
        """
        attempt = 0
        while True:
            try:
                with self.write() as tx:
                    result = work(tx)
                    tx.commit()
                return result
            except DBAPIError as exc:
                if attempt >= WRITE_RERUNS or not is_rerunnable(exc):
                    raise
                attempt += 1
                log.warning("write aborted by a concurrent one, running it again: %s", exc.orig)
