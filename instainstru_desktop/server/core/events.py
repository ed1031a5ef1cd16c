"""The event hub: "pull now" pokes fanned out to ``/events`` subscribers.

A poke says only "commit N touched these instructors' data"; the client then pulls. Pokes are
hints, never the data itself, so losing one costs a minute's delay (clients also pull on a timer)
and coalescing several into the latest is always correct.

Each process's unit of work publishes its own commits to its hub right after they commit; other
processes' commits are heard. On SQLite through ``repositories.commit_watch`` (a change counter
SQLite keeps for the file). On PostgreSQL through ``LISTEN/NOTIFY``: the unit of work calls
``pg_notify`` inside the transaction (PostgreSQL delivers it only if and when the transaction
commits) and every process's :class:`PostgresListener` hands what it hears to its own hub.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from instainstru_desktop.server.core.db import Database

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "instainstru_changes"
_OWN_ECHOES_KEPT = 4096  # own commits whose NOTIFY echo is awaited (bounded if echoes are lost)
_MAX_LISTED_INSTRUCTORS = 100  # beyond this a poke goes to everyone (NOTIFY payloads are small)


@dataclass(frozen=True, slots=True)
class Poke:
    """Commit ``seq`` changed data of ``instructor_ids`` (``everyone``: treat as all)."""

    seq: int
    instructor_ids: frozenset[str]
    everyone: bool = False

    def concerns(self, instructor_id: str | None) -> bool:
        """Whether a subscriber scoped to ``instructor_id`` (None: admin, all) should hear it."""
        return instructor_id is None or self.everyone or instructor_id in self.instructor_ids

    def to_json(self) -> str:
        head, tail = self.json_around_seq()
        return f"{head}{self.seq}{tail}"

    def json_around_seq(self) -> tuple[str, str]:
        """The JSON text before and after the number, for a database to put the number in."""
        if len(self.instructor_ids) > _MAX_LISTED_INSTRUCTORS:
            rest = orjson.dumps({"everyone": True}).decode()
        else:
            rest = orjson.dumps({"instructors": sorted(self.instructor_ids)}).decode()
        return '{"seq":', "," + rest[1:]

    @classmethod
    def from_json(cls, text: str) -> Poke:
        data: dict[str, Any] = orjson.loads(text)
        return cls(
            int(data["seq"]),
            frozenset(data.get("instructors", ())),
            bool(data.get("everyone", False)),
        )


class Subscription:
    """One ``/events`` stream: remembers the latest poke for its scope until it is taken."""

    def __init__(self, hub: EventHub, instructor_id: str | None) -> None:
        self._hub = hub
        self.instructor_id = instructor_id
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
        self._own: OrderedDict[int, None] = OrderedDict()  # own commits, echo not yet heard
        self.closed = False

    def watch(self, watcher: Callable[[Poke], None]) -> None:
        """Call ``watcher`` with every poke, synchronously, before any stream hears it.

        For in-process state that follows commits (the slot cache): on SQLite the poke is
        published right after the commit, so a watcher is up to date before the next request.
        """
        with self._lock:
            self._watchers.append(watcher)

    def subscribe(self, instructor_id: str | None) -> Subscription:
        """Subscribe from inside an event loop (``None`` scope: all instructors)."""
        subscription = Subscription(self, instructor_id)
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
            targets = [s for s in self._subscriptions if poke.concerns(s.instructor_id)]
        for watcher in watchers:
            watcher(poke)
        for subscription in targets:
            subscription.offer(poke.seq)

    def publish_own(self, poke: Poke) -> None:
        """Publish a commit of this process at once, and skip its echo from ``LISTEN`` later.

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

    def publish_heard(self, poke: Poke) -> None:
        """Publish a commit heard through ``LISTEN``, unless it is this process's own."""
        with self._lock:
            own = poke.seq in self._own
            if own:
                del self._own[poke.seq]
        if not own:
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
