"""The event hub: "pull now" pokes fanned out to ``/events`` subscribers.

A poke says only "commit N touched these instructors' data"; the client then pulls. Pokes are
hints, never the data itself, so losing one costs a minute's delay (clients also pull on a timer)
and coalescing several into the latest is always correct.

A poke names the instructors whose data changed and the students whose own data did (their
lessons, the messages of their lessons), so an instructor's stream and a student's stream each
hear only what is theirs; an admin's hears everything.

Each process's unit of work publishes its own commits to its hub right after they commit; other
processes' commits are heard. On SQLite through ``repositories.commit_watch`` (a change counter
SQLite keeps for the file; a commit read back from the database does not name its students,
so every student's stream hears it). On PostgreSQL through ``LISTEN/NOTIFY``: the unit of work calls
``pg_notify`` inside the transaction (PostgreSQL delivers it only if and when the transaction
commits) and every process's :class:`PostgresListener` hands what it hears to its own hub. Every
process hears its own commits that way too, a moment later; the payload names the hub it came
from (:attr:`EventHub.origin`), so a hub drops its own echo by looking at the poke alone.
(Remembering which sequence numbers were one's own raced: the echo could arrive before the
commit call returned.) The commit watch reads numbers, not payloads: it skips the numbers this
process published itself (:meth:`EventHub.publish_own`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from instainstru_desktop.server.core.db import Database

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "instainstru_changes"
#: Beyond this many named instructors and students a poke goes to everyone: a NOTIFY payload
#: holds at most 8,000 bytes, and 100 ids take about 4,000.
_MAX_LISTED = 100
_OWN_ECHOES_KEPT = 4096  # own commits the commit watch may still read back (bounded)


@dataclass(frozen=True, slots=True)
class Audience:
    """Whom a stream is for: one instructor's data, one student's own, or (neither) all of it."""

    instructor_id: str | None = None
    student_id: str | None = None


EVERYONE = Audience()


@dataclass(frozen=True, slots=True)
class Poke:
    """Commit ``seq`` changed data of ``instructor_ids`` and of ``student_ids`` (``everyone``:
    treat as all); ``origin`` is the hub of the process that committed it ("" when unknown).
    ``any_student``: which students it concerns is not known (a commit read back from the
    database by the commit watch), so every student's stream hears it."""

    seq: int
    instructor_ids: frozenset[str]
    everyone: bool = False
    student_ids: frozenset[str] = frozenset()
    origin: str = ""
    any_student: bool = False

    def concerns(self, audience: Audience) -> bool:
        """Whether a stream for ``audience`` should hear of this commit."""
        if self.everyone or audience == EVERYONE:
            return True
        if audience.instructor_id is not None and audience.instructor_id in self.instructor_ids:
            return True
        if audience.student_id is None:
            return False
        return self.any_student or audience.student_id in self.student_ids

    def to_json(self) -> str:
        head, tail = self.json_around_seq()
        return f"{head}{self.seq}{tail}"

    def json_around_seq(self) -> tuple[str, str]:
        """The JSON text before and after the number, for a database to put the number in."""
        payload: dict[str, Any] = {"origin": self.origin}
        if self.everyone or len(self.instructor_ids) + len(self.student_ids) > _MAX_LISTED:
            payload["everyone"] = True
        else:
            payload["instructors"] = sorted(self.instructor_ids)
            payload["students"] = sorted(self.student_ids)
        return '{"seq":', "," + orjson.dumps(payload).decode()[1:]

    @classmethod
    def from_json(cls, text: str) -> Poke:
        data: dict[str, Any] = orjson.loads(text)
        return cls(
            int(data["seq"]),
            frozenset(data.get("instructors", ())),
            bool(data.get("everyone", False)),
            frozenset(data.get("students", ())),
            str(data.get("origin", "")),
        )


class Subscription:
    """One ``/events`` stream: remembers the latest poke for its scope until it is taken."""

    def __init__(self, hub: EventHub, audience: Audience) -> None:
        self._hub = hub
        self.audience = audience
        self._loop = asyncio.get_running_loop()
        self._ready = asyncio.Event()
        self._latest: int | None = None
        self.closed = False

    def _offer(self, seq: int | None) -> None:  # runs on the subscriber's event loop
        if seq is not None and (self._latest is None or seq > self._latest):
            self._latest = seq
        self._ready.set()

    def offer(self, seq: int | None) -> None:
        """Hand over a poke (None: wake up to notice the hub closed); safe from any thread."""
        try:
            self._loop.call_soon_threadsafe(self._offer, seq)
        except RuntimeError:  # the loop has closed: the stream is gone
            self.closed = True

    async def next(self, timeout: float) -> int | None:
        """The latest seq poked since the last call, or None after ``timeout`` seconds."""
        try:
            await asyncio.wait_for(self._ready.wait(), timeout)
        except TimeoutError:
            return None
        self._ready.clear()
        seq, self._latest = self._latest, None
        return seq

    def close(self) -> None:
        self._hub.unsubscribe(self)


class EventHub:
    """In-process fan-out of pokes to subscriptions; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()
        self._watchers: list[Callable[[Poke], None]] = []
        self.latest_seq = 0  # the newest commit heard of
        #: Names this hub in the pokes its process commits, so their echo can be told apart.
        self.origin = secrets.token_hex(8)
        self._own: OrderedDict[int, None] = OrderedDict()  # own commits, for the commit watch
        self.closed = False

    def watch(self, watcher: Callable[[Poke], None]) -> None:
        """Call ``watcher`` with every poke, synchronously, before any stream hears it.

        For in-process state that follows commits (the slot cache): on SQLite the poke is
        published right after the commit, so a watcher is up to date before the next request.
        """
        with self._lock:
            self._watchers.append(watcher)

    def subscribe(self, audience: Audience | str | None) -> Subscription:
        """Subscribe from inside an event loop: to an :class:`Audience`, or to one instructor's
        data by id (``None``: everything)."""
        if not isinstance(audience, Audience):
            audience = Audience(instructor_id=audience)
        subscription = Subscription(self, audience)
        with self._lock:
            self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    def publish(self, poke: Poke) -> None:
        with self._lock:
            self.latest_seq = max(self.latest_seq, poke.seq)
            watchers = list(self._watchers)
            targets = [s for s in self._subscriptions if poke.concerns(s.audience)]
        for watcher in watchers:
            watcher(poke)
        for subscription in targets:
            subscription.offer(poke.seq)

    def expect_own(self, seq: int) -> None:
        """Mark commit ``seq`` as this process's own just before it is committed, so that the
        commit watch, should it see the commit before :meth:`publish_own`, skips it instead of
        reading it back as another process's (:meth:`forget_own` if the commit fails)."""
        with self._lock:
            self._own[seq] = None
            while len(self._own) > _OWN_ECHOES_KEPT:
                self._own.popitem(last=False)

    def forget_own(self, seq: int) -> None:
        """The commit marked by :meth:`expect_own` did not happen: its number may be another's."""
        with self._lock:
            self._own.pop(seq, None)

    def publish_own(self, poke: Poke) -> None:
        """Publish a commit of this process at once, and let the commit watch skip it.

        On PostgreSQL every process hears every commit through ``NOTIFY``, its own included, but
        only a moment after the commit: a client reading right after its own write would be
        answered from memory that does not know of it yet (the slot and answer caches).
        """
        with self._lock:
            self._own[poke.seq] = None
            while len(self._own) > _OWN_ECHOES_KEPT:
                self._own.popitem(last=False)
        self.publish(poke)

    def is_own(self, seq: int) -> bool:
        """Whether commit ``seq`` is this process's own, its echo not heard yet."""
        with self._lock:
            return seq in self._own

    def all_own(self, first: int, last: int) -> bool:
        """Whether every commit from ``first`` to ``last`` is this process's own (an empty
        range: yes)."""
        with self._lock:
            return all(seq in self._own for seq in range(first, last + 1))

    def publish_heard(self, poke: Poke) -> None:
        """Publish a commit heard through ``LISTEN``, unless this hub published it already.

        A process publishes its own commits at once (a client reading right after its own
        write must not be answered from memory that does not know of it yet); the ``NOTIFY``
        echo of such a commit names this hub as its origin and is dropped here, whenever it
        arrives -- even before the committing call has returned.
        """
        if poke.origin != self.origin:
            self.publish(poke)

    def close(self) -> None:
        """End every stream (server shutdown): streams see ``closed`` and return."""
        self.closed = True
        with self._lock:
            targets = list(self._subscriptions)
        for subscription in targets:
            subscription.closed = True
            subscription.offer(None)


class PostgresListener:
    """A thread that LISTENs on PostgreSQL and hands each notification to the hub."""

    def __init__(self, database: Database, hub: EventHub, *, poll_seconds: float = 1.0) -> None:
        self._database = database
        self._hub = hub
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._poll * 3)

    def _run(self) -> None:
        reconnecting = False
        while not self._stop.is_set():
            try:
                self._listen(reconnecting)
            except Exception:  # the database went away: retry, pokes are only hints
                log.warning("LISTEN connection lost; retrying", exc_info=True)
                reconnecting = True
                self._stop.wait(self._poll)

    def _listen(self, reconnecting: bool) -> None:
        raw = self._database.engine.raw_connection()
        try:
            conn: Any = raw.driver_connection  # a psycopg (3) connection
            conn.autocommit = True
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            if reconnecting:  # commits while deaf went unheard: everyone should pull now
                self._hub.publish(Poke(self._hub.latest_seq, frozenset(), everyone=True))
            while not self._stop.is_set():
                for note in conn.notifies(timeout=self._poll, stop_after=64):
                    self._hub.publish_heard(Poke.from_json(note.payload))
        finally:
            raw.invalidate()  # never return a LISTENing connection to the pool
