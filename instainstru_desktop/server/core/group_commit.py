"""SQLite commits that wait for the disk together, outside the write lock.

With ``synchronous=FULL`` SQLite syncs the write-ahead log inside every commit, while the commit
still holds the database's only write lock: each writer waits for the disk, and every other
writer waits for it too (measured: about half of a booking's time at 16 clients). A durable
server therefore runs ``synchronous=NORMAL``, where a commit only writes the log, and each write
transaction, once its commit returned and the write lock is released, waits here for one
``fsync`` of the log that *started after its commit*: the first writer to arrive syncs, and the
writers that committed meanwhile share the next sync. A commit is on disk before its answer
leaves, as with ``FULL``, and no writer holds the lock across a disk flush.

Why a sync of the log is enough: in WAL mode a commit changes only the log (the shared-memory
index beside it is rebuilt from the log after a crash). SQLite syncs the log before a
checkpoint copies it into the database file, and syncs that file after; a log that reached the
disk holds every commit written before the sync, and SQLite's recovery reads them back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path


class GroupCommit:
    """Tickets for finished commits, and shared syncs that cover them.

    ``sync`` flushes the log to the disk (the default opens the log file and ``fsync``\\ s it);
    it is a parameter so that the ordering can be tested without a disk.
    """

    def __init__(self, database_file: str, *, sync: Callable[[], None] | None = None) -> None:
        self._log = Path(f"{database_file}-wal")
        self._folder = self._log.parent
        self._sync = sync or self._sync_log
        self._counted = threading.Lock()  # guards _finished
        self._syncing = threading.Lock()  # one sync at a time; the others share its result
        self._finished = 0  # commits that have returned, in the order they took a ticket
        self._durable = 0  # every commit up to this ticket is on disk
        self._folder_synced = False
        #: Syncs done so far (the difference to commits is what sharing saved).
        self.syncs = 0

    def committed(self) -> int:
        """The ticket of a commit that has just returned (call it only after it returned: the
        sync that covers the ticket must start after the commit's writes)."""
        with self._counted:
            self._finished += 1
            return self._finished

    def wait(self, ticket: int) -> None:
        """Return once the commit of ``ticket`` is on disk: after a sync that started once it
        had returned, this thread's own or one another thread started meanwhile."""
        if self._durable >= ticket:
            return
        with self._syncing:
            if self._durable >= ticket:  # a sync that started after our commit covered it
                return
            with self._counted:
                covered = self._finished  # every commit up to here has returned: its writes
            self._sync()  # are in the log file, and this sync starts after them
            self._durable = covered
            self.syncs += 1

    def _sync_log(self) -> None:
        try:
            descriptor = os.open(self._log, os.O_RDONLY)
        except FileNotFoundError:
            # No log: the last connection checkpointed it into the database file, synced,
            # and removed it; nothing is left to flush.
            return
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if not self._folder_synced:  # the log's own name in its folder, once it exists
            folder = os.open(self._folder, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
            self._folder_synced = True
