"""Copying SQLite's write-ahead log into the database file on a thread of its own.

In WAL mode every commit appends to the log, and by default the commit that takes the log past
1,000 pages copies it back into the database file (a checkpoint) before it returns, with two
``fsync`` calls. Both sides of the product paid for that on their hot path:

- the server: 10-15 ms on an ordinary disk, so about one booking in seventy took ten times as
  long as the others, and every writer queued behind it waited as long (in a run of single
  bookings, the 2 % of commits that checkpointed took almost half of all commit time);
- the app's cache: a pull page of 40,000 bookings writes some 15 MB, and each such commit copied
  it all into the file before the next page could go in (a quarter of a second in an admin's
  first sync of 100,000 bookings).

Here a file's connections checkpoint only as a last resort (at :data:`FALLBACK_PAGES`, should
this thread fall far behind), and a thread with its own connection runs a ``PASSIVE``
checkpoint after every ``every`` write transactions. A passive checkpoint takes no lock a reader
or a writer waits for: it copies what no reader still needs and leaves the rest for the next
one, and SQLite starts the log from its beginning again at the first commit after a checkpoint
that copied everything. The driver releases the interpreter lock while it runs, so requests are
served and the next pull page is written meanwhile.

Stdlib only: the server (``server.core.db``) and the app's cache (``store.db``) both use it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

log = logging.getLogger(__name__)

#: The server's write transactions between two checkpoints (a booking writes about a dozen
#: pages, so a checkpoint copies some 800).
EVERY_COMMITS = 64
#: The log size (pages) at which a commit checkpoints itself, as SQLite does by default at
#: 1,000: reached only if the thread cannot keep up (about 40 MB with 4 KiB pages).
FALLBACK_PAGES = 10_000
_BUSY_TIMEOUT_SECONDS = 5.0


class Checkpoints:
    """The checkpointing thread of one SQLite file (started at the first write it is told of,
    again in a process forked from the one that started it)."""

    def __init__(self, path: str | None, *, every: int = EVERY_COMMITS) -> None:
        self._path = path
        self._every = every
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._commits = 0
        self._done = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._pid = 0

    @property
    def done(self) -> int:
        """Checkpoints run so far."""
        return self._done

    @property
    def running(self) -> bool:
        """Whether this process's thread is running."""
        thread = self._thread
        return thread is not None and thread.is_alive() and self._pid == os.getpid()

    def written(self) -> None:
        """A write transaction ended: every ``every`` of them, wake the thread."""
        if self._path is None:
            return
        with self._lock:
            self._commits += 1
            if self._commits < self._every or self._stopping:
                return
            self._commits = 0
            if self._thread is None or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, args=(self._path,), name="sqlite-checkpoints", daemon=True
                )
                self._thread.start()
        self._wake.set()

    def close(self) -> None:
        """Stop the thread (it finishes a checkpoint under way first)."""
        with self._lock:
            self._stopping = True
            thread, self._thread = self._thread, None
        self._wake.set()
        if thread is not None and self._pid == os.getpid():
            thread.join()

    def _run(self, path: str) -> None:
        connection = sqlite3.connect(
            path, timeout=_BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as exc:  # the commits' own fallback still bounds the log
                    log.info("a background checkpoint did not run: %s", exc)
                self._done += 1
        finally:
            connection.close()
