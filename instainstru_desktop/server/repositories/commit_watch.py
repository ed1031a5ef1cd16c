"""Hearing commits that other processes make to the same SQLite file.

Several server processes on one SQLite file (``instainstru-server --workers N``) share no
``LISTEN/NOTIFY``: each publishes its own commits to its own hub only. Without more, a process
would keep serving answers it kept before another process's commit, and clients listening to it
would never hear of that commit.

SQLite tells a connection whether anyone else has committed: ``PRAGMA data_version`` changes
between two calls on one connection exactly when another connection committed in between. It
reads shared memory, so :meth:`CommitWatch.catch_up` asks it before every request (a few
microseconds) and, only when it changed, reads the commits after the last one heard and the
instructors each still stamps, and publishes them to the hub as heard (this process's own are
skipped, as with PostgreSQL's echoes). A request therefore never reads a kept answer older than
a commit that finished before it arrived. A background thread asks too, a few times a second,
so event streams hear other processes' commits while no request comes in.

The probe is a connection of its own, so this process's own commits change its
``data_version`` too: after every write of this process the next request would read the
commits back only to find them all its own. So the probe first reads the newest commit's number
(one indexed lookup on its own connection, no session); when every commit from the last one
heard up to it is this process's own, they are taken as heard without a read transaction.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

from instainstru_desktop.server.core.events import Poke
from instainstru_desktop.server.core.models import Commit
from instainstru_desktop.server.repositories.uow import UnitOfWork

log = logging.getLogger(__name__)

_HEAD = f"SELECT max(seq) FROM {Commit.__tablename__}"
#: Commits since the last heard that are checked one by one for being this process's own; a
#: longer run (the process was idle while others wrote) is read as a whole.
_OWN_RUN_CHECKED = 64


class CommitWatch:
    """Publishes other processes' commits to this process's hub (SQLite only)."""

    def __init__(self, uow: UnitOfWork, *, poll_seconds: float) -> None:
        path = uow.database.url.database
        if not uow.database.is_sqlite or not path or path == ":memory:":
            raise ValueError("only a SQLite file can be shared by processes")
        self._uow = uow
        self._path = path
        self._poll = poll_seconds
        self._lock = threading.Lock()
        self._probe: sqlite3.Connection | None = None
        self._version: int | None = None
        self._heard = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def catch_up(self) -> None:
        """Publish every commit other processes finished before this call (cheap when none)."""
        with self._lock:  # held while publishing: a caller that returns has heard everything
            if self._probe is None:
                self._open()
                return
            version = self._data_version()
            if version == self._version:
                return
            self._version = version  # read before the commits: a later commit changes it again
            head = self._head()
            if head - self._heard <= _OWN_RUN_CHECKED and self._uow.hub.all_own(
                self._heard + 1, head
            ):
                self._heard = max(self._heard, head)
                return
            self._publish_new()

    def _open(self) -> None:
        self._probe = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        self._version = self._data_version()
        with self._uow.read() as tx:
            head = tx.sync.head()
        self._heard = head[0] if head is not None else 0

    def _data_version(self) -> int:
        assert self._probe is not None
        return int(self._probe.execute("PRAGMA data_version").fetchone()[0])

    def _head(self) -> int:
        """The newest commit's number (0: none), read on the probe's own connection."""
        assert self._probe is not None
        found = self._probe.execute(_HEAD).fetchone()[0]
        return int(found) if found is not None else 0

    def _publish_new(self) -> None:
        hub = self._uow.hub
        with self._uow.read() as tx:
            seqs = tx.sync.commits_after(self._heard)
            foreign = [seq for seq in seqs if not hub.is_own(seq)]
            scopes = tx.sync.commit_scopes(foreign[0] - 1, foreign[-1]) if foreign else {}
        if seqs:
            self._heard = seqs[-1]
        for seq in foreign:
            if seq in scopes:  # missing: a later commit stamped its rows again and names them
                hub.publish_heard(Poke(seq, frozenset(scopes[seq]), any_student=True))

    def start(self) -> None:
        """Listen in the background too, for event streams (``stop`` ends it)."""
        self.catch_up()
        self._thread = threading.Thread(target=self._run, name="commit-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._poll):
            try:
                self.catch_up()
            except sqlite3.Error:  # the file is busy or going away: the next round retries
                log.info("could not read other processes' commits; retrying", exc_info=True)
            except Exception:
                log.exception("reading other processes' commits failed; retrying")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self._poll * 3 + 1)
        with self._lock:
            if self._probe is not None:
                self._probe.close()
                self._probe = None
