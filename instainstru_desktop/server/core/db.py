"""Engines for SQLite and PostgreSQL, and the one place that knows how they differ.

SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout and foreign keys
on. Its Python driver would otherwise start transactions lazily and on its own terms; we take over
``BEGIN`` with SQLAlchemy's documented pysqlite recipe so a write transaction can start with
``BEGIN IMMEDIATE``: it takes SQLite's write lock before the first read, which is what makes
"check the booking rules, then insert" atomic on SQLite. PostgreSQL gets the same guarantee from
``SELECT ... FOR NO KEY UPDATE`` on the instructor row (see ``repositories/_locks.py``). Nothing
outside this module issues dialect-specific SQL.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: other processes' writers wait on SQLite's busy handler
    fcntl = None  # type: ignore[assignment]

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry

from instainstru_desktop.server.core.group_commit import GroupCommit
from instainstru_desktop.sqlite_checkpoints import FALLBACK_PAGES, Checkpoints

SQLITE_BUSY_TIMEOUT_MS = 10_000
#: A pooled PostgreSQL connection idle this long is pinged before use (see _ping_when_idle).
IDLE_PING_SECONDS = 2.0
_IDLE_SINCE = "instainstru_idle_since"
_BEGIN_OPTION = "instainstru_begin"
#: Execution option of a write transaction's last statement (PostgreSQL): ``COMMIT`` is sent
#: right behind it, without waiting for its answer (see :func:`_commit_behind`).
COMMITS_TRANSACTION = "instainstru_commits_transaction"

#: PostgreSQL aborted the transaction only because of what ran beside it (deadlock victim,
#: serialization failure): nothing of it was kept, and running it again from the start may pass.
_RERUNNABLE_SQLSTATES = frozenset({"40P01", "40001"})
#: A lock could not be had in time (``lock_timeout``, ``NOWAIT``).
_LOCK_NOT_AVAILABLE = "55P03"
#: SQLite's "database is locked" / "database table is locked" (sqlite3 result codes).
_SQLITE_BUSY_CODES = frozenset({5, 6})


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver error wrapped by SQLAlchemy (psycopg 3; psycopg2 as ``pgcode``)."""
    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return code if isinstance(code, str) else None


def is_rerunnable(exc: BaseException) -> bool:
    """Whether the database rolled back the whole transaction because of a concurrent one, so
    the same work may be run again from its start in a new transaction (PostgreSQL)."""
    return _sqlstate(exc) in _RERUNNABLE_SQLSTATES


def is_contention(exc: BaseException) -> bool:
    """Whether a database error means "another writer was in the way" rather than a fault:
    a deadlock victim, a serialization failure, a lock not had in time, SQLite busy."""
    if is_rerunnable(exc) or _sqlstate(exc) == _LOCK_NOT_AVAILABLE:
        return True
    code = getattr(exc.orig, "sqlite_errorcode", None) if isinstance(exc, DBAPIError) else None
    # The low byte is the primary result code (the rest names an extended one, e.g. BUSY_SNAPSHOT).
    return isinstance(code, int) and code & 0xFF in _SQLITE_BUSY_CODES


def _file_path(url: URL) -> str | None:
    """The SQLite database file (None: a database in memory)."""
    if url.database in (None, "", ":memory:"):
        return None
    return url.database


def _writer_lock_path(url: URL) -> str | None:
    """The file whose lock queues the writers of every process on a SQLite file (None: a
    database in memory, or a system without ``fcntl``)."""
    if fcntl is None or url.database in (None, "", ":memory:"):
        return None
    return f"{url.database}-writer"


class _FileLock:
    """An exclusive lock on a file (blocking in the kernel, no polling), for one process.

    The file stays open between writes (opening it for every write cost a booking more than
    its lock), and is opened again in a forked child: a lock belongs to the open file, which a
    child would otherwise share with its parent. The callers hold a thread lock around it, so
    one thread at a time uses it.
    """

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._descriptor: int | None = None
        self._pid = 0
        self._closer: weakref.finalize[Any, Any] | None = None

    @contextmanager
    def held(self) -> Iterator[None]:
        if self._path is None or fcntl is None:
            yield
            return
        if self._descriptor is None or self._pid != os.getpid():
            self._descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
            self._closer = weakref.finalize(self, _close_in, self._pid, self._descriptor)
        descriptor = self._descriptor
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
        self._descriptor, self._closer = None, None


def _close_in(pid: int, descriptor: int) -> None:
    """Close ``descriptor`` if this is the process that opened it (a forked child's copy is
    its parent's to close)."""
    if os.getpid() == pid:
        os.close(descriptor)


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it sat idle a while (PostgreSQL).

    A connection the server closed (a restart, an idle timeout) must not fail a request. Pinging
    on every checkout (``pool_pre_ping``) makes that sure but costs every request a round trip;
    under load a connection comes back to the pool milliseconds before it is taken again, when
    a dead one is most unlikely. So only a connection idle for ``IDLE_PING_SECONDS`` is pinged,
    and one that does not answer is replaced (the pool's disconnect handling: any error that
    shows a lost connection also invalidates the connections pooled before it).
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return  # new, or back in the pool a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("a pooled connection did not answer") from exc
        if not alive:
            raise DisconnectionError("a pooled connection did not answer")


def _commit_behind(engine: Engine) -> None:
    """Send ``COMMIT`` in one go with a statement run with :data:`COMMITS_TRANSACTION`.

    The statement that takes the change number (``SyncRepository.commit_stamped``) locks the
    row every writer needs, until the transaction ends. Sent alone, the lock is held while its
    answer travels to the Python process, while that process (one of several busy threads
    sharing one interpreter lock, and a core with other processes) gets round to the next line,
    and while ``COMMIT`` travels back: measured under load, most of a booking's time and all of
    the other writers' waiting. In libpq's pipeline mode both go in one message and PostgreSQL
    runs the ``COMMIT`` the moment the statement finishes, so the row is held only for the time
    PostgreSQL itself works on them.

    When the statement fails, PostgreSQL skips the ``COMMIT`` and the driver raises the error
    as any other (the transaction then rolls back as usual). Afterwards the driver's
    transaction has ended, so the session's own commit sends nothing. Without pipeline support
    in the client library the statement runs alone and the session commits after it.
    """
    if engine.dialect.driver != "psycopg":
        return  # another driver (psycopg2): no pipeline mode
    import psycopg  # only here: SQLite installations need not have it

    if not psycopg.Pipeline.is_supported():
        return

    @event.listens_for(engine, "do_execute")
    def _on_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
        if not context.execution_options.get(COMMITS_TRANSACTION):
            return False
        connection = cursor.connection
        failed: psycopg.Error | None = None
        try:
            with connection.pipeline():
                cursor.execute(statement, parameters)
                try:
                    connection.commit()  # sends both, then reads both answers
                except psycopg.Error as exc:
                    failed = exc  # the statement's error: raised once the pipeline is closed
        except psycopg.errors.PipelineAborted:
            # closing it reads the skipped COMMIT's answer again: the statement's error counts
            if failed is None:
                raise
        if failed is not None:
            raise failed
        return True


class Database:
    """One database: its engines, its dialect, and how to start read or write transactions."""

    def __init__(self, url: str, *, pool_size: int = 20, durable: bool = True) -> None:
        self.url: URL = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.is_postgres = self.url.get_backend_name() == "postgresql"
        #: Short reads may run on the event loop: a SQLite read in WAL mode never waits for the
        #: writer and takes less time than handing it to a worker thread. A PostgreSQL read is a
        #: network round trip and may wait on the server, so it never runs on the loop.
        self.reads_inline = self.is_sqlite
        if self.is_sqlite:
            self.engine = self._sqlite_engine(pool_size)
        else:
            self.engine = create_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                json_serializer=_json_dumps,
                json_deserializer=orjson.loads,
            )
            _ping_when_idle(self.engine)
            _commit_behind(self.engine)
        self._write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        # Why locks on top of BEGIN IMMEDIATE: SQLite's busy handler polls with sleeps of up to
        # 100 ms, so writers queueing on the database lock alone would add tens of milliseconds
        # each. The thread lock queues this process's writers; a lock on a file beside the
        # database queues the writers of other server processes (``--workers N``) in the kernel,
        # woken the moment it is free. BEGIN IMMEDIATE still guards against anything else.
        self._sqlite_writer = threading.Lock()
        self._writer_file = _FileLock(_writer_lock_path(self.url) if self.is_sqlite else None)
        self.checkpoints = Checkpoints(_file_path(self.url) if self.is_sqlite else None)
        #: ``durable`` (SQLite): a write transaction returns once its commit is on disk, so a
        #: student holding a confirmation (and its .ics) cannot lose the lesson to a power cut.
        #: Without it a power cut (not a crash) may forget the last commits. PostgreSQL's
        #: commits are durable by its own settings.
        path = _file_path(self.url) if self.is_sqlite else None
        self.group_commit = GroupCommit(path) if durable and path is not None else None
        self._commits = threading.local()  # whether this thread's write transaction committed
        if self.group_commit is not None:
            event.listen(self.engine, "commit", self._on_commit)

    def _sqlite_engine(self, pool_size: int) -> Engine:
        engine = create_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=pool_size,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            # The recipe: stop pysqlite from emitting BEGIN itself...
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            for pragma in (
                "journal_mode=WAL",
                f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
                "foreign_keys=ON",
                # a commit only writes the log; a durable database syncs it after the write
                # lock is released, shared by the writers of that moment (``group_commit``)
                "synchronous=NORMAL",
                "cache_size=-65536",
                # checkpoints run on a thread of their own (``checkpoints``); a commit only
                # checkpoints should that thread fall far behind
                f"wal_autocheckpoint={FALLBACK_PAGES}",
            ):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            # ...and emit our own, IMMEDIATE for write transactions.
            mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine

    def read_bind(self, *, snapshot: bool = False) -> Engine:
        """The engine for a read transaction; ``snapshot`` keeps one view for all its statements.

        SQLite read transactions are snapshots anyway (WAL); PostgreSQL's default READ COMMITTED
        takes a new snapshot per statement, which a multi-query sync pull cannot accept.
        """
        if snapshot and self.is_postgres:
            return self.engine.execution_options(isolation_level="REPEATABLE READ")
        return self.engine

    @contextmanager
    def driver_read(self) -> Iterator[Any]:
        """A driver (DBAPI) cursor in a read-only transaction, on a connection from the pool.

        For the hottest reads, one or two statements each: a session, its transaction events
        and SQLAlchemy's result processing cost several times what SQLite takes to answer them.
        SQLite needs its ``BEGIN`` said (the pysqlite recipe above leaves the driver in
        autocommit), so that two statements see one snapshot; PostgreSQL's driver begins by
        itself. Either way the transaction is rolled back: nothing is written through it.
        """
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            if self.is_sqlite:
                cursor.execute("BEGIN")
            try:
                yield cursor
            finally:
                cursor.close()
                connection.rollback()
        finally:
            connection.close()

    @contextmanager
    def write_bind(self) -> Iterator[Engine]:
        """The engine for a write transaction, with the SQLite writer queues held."""
        if not self.is_sqlite:
            yield self._write_engine
            return
        group, ticket = self.group_commit, 0
        if group is not None:
            self._commits.done = False
        try:
            with self._sqlite_writer, self._writer_file.held():
                try:
                    yield self._write_engine
                finally:
                    if group is not None and self._commits.done:
                        ticket = group.committed()  # after the commit returned
        finally:
            self.checkpoints.written()
        if group is not None and ticket:
            group.wait(ticket)  # the write lock is free meanwhile: the next writer goes on

    def _on_commit(self, _connection: Any) -> None:
        self._commits.done = True

    def dispose(self) -> None:
        self.checkpoints.close()
        self.engine.dispose()
        self._writer_file.close()
