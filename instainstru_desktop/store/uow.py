"""The unit of work: one SQLite transaction with the repositories bound to it.

It rolls back unless the use case calls :meth:`UnitOfWork.commit`, so a use case that fails
half-way leaves nothing behind, and every write of an edit together with its outbox row is
atomic. Database errors leave it typed (see :mod:`instainstru_desktop.store.errors`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from instainstru_desktop.clocks import ServerClock
from instainstru_desktop.store.backups import backup_if_due
from instainstru_desktop.store.db import Database
from instainstru_desktop.store.errors import StorageError, classify
from instainstru_desktop.store.footprint import Footprint, write_footprint
from instainstru_desktop.store.local_changes import LocalChanges
from instainstru_desktop.store.mirror import instant_text, precise_text
from instainstru_desktop.store.pull import PullApplier
from instainstru_desktop.store.repositories.availability import AvailabilityRepository
from instainstru_desktop.store.repositories.bookings import BookingRepository
from instainstru_desktop.store.repositories.catalog import CatalogRepository
from instainstru_desktop.store.repositories.conflicts import ConflictRepository
from instainstru_desktop.store.repositories.messages import MessageRepository
from instainstru_desktop.store.repositories.mirror import MirrorRepository, sort_only
from instainstru_desktop.store.repositories.notices import NoticeRepository
from instainstru_desktop.store.repositories.outbox import OutboxRepository
from instainstru_desktop.store.repositories.outbox_recovery import OutboxRecovery
from instainstru_desktop.store.repositories.refusals import RefusalRepository
from instainstru_desktop.store.repositories.review import ReviewRepository
from instainstru_desktop.store.repositories.series import SeriesRepository
from instainstru_desktop.store.repositories.sync_state import START_CURSOR, SyncStateRepository
from instainstru_desktop.store.rescue import RescueReport

Clock = Callable[[], datetime]
log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


class UnitOfWork:
    """``with store.uow() as uow: ...; uow.commit()``: one transaction, explicit commit."""

    session: Session
    catalog: CatalogRepository
    availability: AvailabilityRepository
    bookings: BookingRepository
    conflicts: ConflictRepository
    messages: MessageRepository
    mirror: MirrorRepository
    notices: NoticeRepository
    outbox: OutboxRepository
    refusals: RefusalRepository
    series: SeriesRepository
    review: ReviewRepository
    recovery: OutboxRecovery
    sync_state: SyncStateRepository
    changes: LocalChanges
    pull: PullApplier

    def __init__(
        self,
        database: Database,
        *,
        write: bool,
        clock: Clock = utc_now,
        server_clock: ServerClock | None = None,
    ) -> None:
        self._database = database
        self._write = write
        #: This computer's clock: when things happened here, retry times, backups.
        self.clock = clock
        self._server_clock = server_clock or ServerClock(clock)
        self._committed = False

    def now_text(self) -> str:
        """The clock's current instant as stored text."""
        return instant_text(self.clock())

    def server_now(self) -> datetime:
        """The server's time as best known (this computer's clock corrected by the measured
        skew): what lesson rules ("marked once it has started") are judged by."""
        return self._server_clock.now()

    def server_now_text(self) -> str:
        return instant_text(self.server_now())

    def now_precise(self) -> str:
        """The clock's current instant with microseconds (outbox retry times use this form)."""
        return precise_text(self.clock())

    def __enter__(self) -> Self:
        session = self._database.session(write=self._write)
        self.session = session
        self.catalog = CatalogRepository(session)
        self.availability = AvailabilityRepository(session)
        self.bookings = BookingRepository(session)
        self.conflicts = ConflictRepository(session)
        self.messages = MessageRepository(session)
        self.mirror = MirrorRepository(session)
        self.notices = NoticeRepository(session)
        self.outbox = OutboxRepository(session)
        self.refusals = RefusalRepository(session)
        self.series = SeriesRepository(session)
        self.review = ReviewRepository(session)
        self.recovery = OutboxRecovery(session)
        self.sync_state = SyncStateRepository(session)
        self.changes = LocalChanges(
            session, self.mirror, self.outbox, self.sync_state, self.now_text
        )
        self.pull = PullApplier(self.mirror, self.changes, self.sync_state)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
        if isinstance(exc, DBAPIError):
            raise classify(exc, self._database.path) from exc

    def commit(self) -> None:
        """Make the transaction's changes durable (fsync'd: ``synchronous=FULL``)."""
        if not self._write:
            raise StorageError("a read-only unit of work cannot commit")
        try:
            self.session.commit()
        except DBAPIError as error:
            raise classify(error, self._database.path) from error
        self._committed = True
        self._database.checkpoints.written()


#: The longest SQLite's busy handler sleeps between two tries of a lock (its table of delays
#: ends on 100 ms); before that, it never sleeps much longer than it has waited so far.
_LONGEST_BUSY_SLEEP = 0.1


def _let_a_waiting_writer_in(waited: float) -> None:
    """Stand back after an index build during which another write was asked for.

    A writer waiting for SQLite's lock sleeps and tries again; it does not queue, so the next
    build could take the lock first and keep it waiting one more build. It began waiting less
    than ``waited`` seconds ago, so it tries again within that (or the busy handler's longest
    sleep) and some slack: pausing that long lets it in, and it waits one build at most.
    """
    time.sleep(min(waited, _LONGEST_BUSY_SLEEP) + 0.01)


@dataclass(frozen=True)
class AfterSync:
    """What :meth:`Store.after_sync` did: the indexes it built and the backup it wrote."""

    indexes: tuple[str, ...] = ()
    backup: Path | None = None


class Store:
    """Entry point of the local cache: units of work over one opened database file.

    Besides transactions it keeps the file safe (see :meth:`keep_safe`) and holds, for the
    status bar, the storage failure of the last sync (the file may be too damaged to record it).
    """

    def __init__(self, database: Database, *, clock: Clock = utc_now) -> None:
        self.database = database
        self.clock = clock
        #: The server's time as best known; the sync engine keeps its skew up to date.
        self.server_clock = ServerClock(clock)
        self.rescue: RescueReport | None = None  # set when the file was rebuilt at open
        self.trouble: StorageError | None = None
        #: Outbox ids a push is carrying this moment (held in memory: after a crash nothing
        #: is in flight). A ``sent`` change not among them went out in an earlier attempt.
        self._in_flight: frozenset[int] = frozenset()
        self._footprint: Footprint | None = None
        self._closed = False
        self._writes_asked = 0  # write units of work handed out (only ever compared)
        with self.uow() as uow:
            uow.sync_state.ensure()
            skew = uow.sync_state.get().clock_skew_seconds
            uow.commit()
        self.server_clock.set_skew(skew or 0.0)

    def uow(self) -> UnitOfWork:
        """A unit of work that may write (``BEGIN IMMEDIATE`` on first use)."""
        self._writes_asked += 1  # see after_sync: a writer may be waiting for the lock
        return UnitOfWork(
            self.database, write=True, clock=self.clock, server_clock=self.server_clock
        )

    def read(self) -> UnitOfWork:
        """A read-only unit of work: a consistent snapshot that never blocks a writer."""
        return UnitOfWork(
            self.database, write=False, clock=self.clock, server_clock=self.server_clock
        )

    def restore_indexes(self, *, sort_indexes: bool = True) -> int:
        """Build the mirror's indexes that a bulk load stopped half-way left out (a cut
        connection, a cancel, a kill: see :mod:`instainstru_desktop.store.pull`); returns how
        many. ``sort_indexes=False`` builds only those readers need, leaving the sort-only ones
        to :meth:`after_sync`. Only a look at the schema when none is missing, which is nearly
        always."""
        with self.read() as uow:
            missing = uow.mirror.missing_indexes()
            if not any(sort_indexes or not sort_only(index) for index in missing):
                return 0
        with self.uow() as uow:
            built = uow.mirror.restore_indexes(sort_indexes=sort_indexes)
            uow.commit()
        if built:
            log.info("built %d index(es) of the local cache left out by a download", built)
        return built

    def after_sync(self, cancel: Callable[[], bool] = lambda: False) -> AfterSync:
        """The housekeeping a sync leaves for after its report: the sort-only indexes a first
        download has not built yet, then the daily backup if one is due.

        Why after: neither changes what a view shows, and a first download of 100k bookings
        reaches the screen more than half a second sooner without them (six index builds, a
        copy of the file). Why it is safe: every plan names a sort-only index only when the
        file holds it, so until then those sorts are only slower; each index is built in a
        transaction of its own, so a local edit waits for one build at most (about a tenth of
        a second at 100k bookings), never for all of them; the backup follows the indexes, so
        the copy is a complete file, and it is checked before it counts, as always. The
        footprint is already up to date (:meth:`sync_finished`). Stopped half-way (``cancel``
        answers true between steps, or the process ends), the next call or the next opening
        of the file finishes the job. Run it off the UI thread; storage errors raise.
        """
        built: list[str] = []
        while not cancel():
            with self.read() as uow:  # nearly always the end: a look at the schema
                if not uow.mirror.missing_indexes():
                    break
            with self.uow() as uow:
                asked, started = self._writes_asked, time.monotonic()
                missing = uow.mirror.missing_indexes()  # again, under the write lock
                if not missing:
                    break
                uow.mirror.build_index(missing[0])
                uow.commit()
            built.append(str(missing[0].name))
            if self._writes_asked != asked:
                _let_a_waiting_writer_in(time.monotonic() - started)
        if built:
            log.info("built %d sort index(es) of the local cache after a sync", len(built))
        backup = None if cancel() else self.keep_safe(backup=True)
        return AfterSync(tuple(built), backup)

    def clock_measured(self, skew_seconds: float) -> None:
        """The sync measured this computer's clock against the server's (ours minus theirs);
        lesson rules use the corrected time from now on. The caller stores it in the sync
        state, in the transaction of the pull page that carried the server's time."""
        self.server_clock.set_skew(skew_seconds)

    def sync_failed(self, error: StorageError) -> None:
        """A sync stopped on a storage failure: it is the last sync error until one succeeds."""
        self.trouble = error

    def sending(self, mutation_ids: Iterable[int]) -> None:
        """A push is carrying these changes now (set before they are marked ``sent``)."""
        self._in_flight = frozenset(mutation_ids)

    def in_flight(self) -> frozenset[int]:
        """The changes a push is carrying this moment."""
        return self._in_flight

    def sync_finished(self) -> None:
        """A sync ran through: storage works; the footprint records what the sync changed
        (now, as a rescue counts on it: a file that synced and then opens empty was lost). The
        daily backup waits for :meth:`after_sync`."""
        self.trouble = None
        self.keep_safe(backup=False)

    def keep_safe(self, *, backup: bool) -> Path | None:
        """Record the footprint if it changed and (``backup``) write the daily copy if due;
        returns the copy written, if any.

        A failure here is logged, not raised: it must not stop a sync or a start, and the next
        call tries again.
        """
        path = self.database.path
        try:
            with self.read() as uow:
                state = uow.sync_state.get()
            footprint = Footprint(
                state.client_id, state.next_mutation_id, synced=state.cursor != START_CURSOR
            )
            if footprint != self._footprint:
                write_footprint(path, footprint)
                self._footprint = footprint
            if backup and (footprint.synced or footprint.next_mutation_id > 1):
                return backup_if_due(path, self.clock())
        except (OSError, sqlite3.Error, StorageError) as error:
            log.warning("could not keep a safety copy of %s: %s", path, error)
        return None

    def close(self) -> None:
        """Record the footprint and close the file; closing again does nothing (the file may
        be gone or replaced by then)."""
        if self._closed:
            return
        self._closed = True
        self.keep_safe(backup=False)
        self.database.close()
