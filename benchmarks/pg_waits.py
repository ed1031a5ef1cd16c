"""What PostgreSQL's backends were doing during a load, sampled from ``pg_stat_activity``.

A separate connection reads ``pg_stat_activity`` every few milliseconds (10 by default) while a
load runs and sorts each client backend of the database into what it was doing at that instant:
running a statement, waiting for a lock (and which: the ``change_sequence`` row that orders all
commits, the lock PostgreSQL takes at ``COMMIT`` for a transaction that sent ``NOTIFY``, or
another), an ``LWLock`` or I/O wait, "idle in transaction" (waiting for its server process to
send the next statement), or idle between transactions. For a backend waiting on a lock it also
asks ``pg_blocking_pids`` who blocks it, and what that backend was doing.

The counts are backend-samples: 500 samples of 16 busy backends are 8,000. A share of them is
the share of the backends' time spent that way (for time the samples do not land on a pattern).

The ``change_sequence`` row is *held* by a backend from its commit statement (the one that takes
the number; see ``SyncRepository.commit_stamped``) to the end of its ``COMMIT``. The mean number of
holders per sample is the share of the time the row was held; when holders never overlap (the row
lock serializes them) the row alone caps commits at ``rate / share``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, text

#: Text of the statement that takes the change number: it updates this table.
SEQUENCE_TABLE = "change_sequence"

_SAMPLE = text(
    """
    SELECT a.pid, a.state, a.wait_event_type, a.wait_event, left(a.query, 400) AS query,
           CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END AS blockers
    FROM pg_stat_activity AS a
    WHERE a.datname = current_database() AND a.backend_type = 'client backend'
      AND a.pid <> pg_backend_pid() AND a.query NOT LIKE 'LISTEN %'
    """
)

SEQUENCE_WAIT = "waits for the change_sequence row (Lock)"
NOTIFY_WAIT = "waits for NOTIFY's commit lock (Lock/object at COMMIT)"
HOLDING_IDLE = "idle in transaction, holding change_sequence (its COMMIT not sent yet)"
HOLDING_ACTIVE = "active: the commit statement (takes change_sequence)"
COMMITTING = "active: COMMIT"
IDLE = "idle (no transaction open)"


def _is_commit(query: str) -> bool:
    return query.strip().upper() == "COMMIT"


def kind_of(state: str | None, wait_type: str | None, wait_event: str | None, query: str) -> str:
    """What a backend was doing at one sample, in words."""
    takes_number = SEQUENCE_TABLE in query
    if wait_type == "Lock":
        if takes_number:
            return SEQUENCE_WAIT
        if _is_commit(query) and wait_event == "object":
            return NOTIFY_WAIT
        return f"waits for another lock (Lock/{wait_event})"
    if wait_type in ("LWLock", "IO", "IPC", "BufferPin", "Timeout"):
        return f"{state}, {wait_type}/{wait_event}"
    if state == "active":
        if takes_number:
            return HOLDING_ACTIVE
        return COMMITTING if _is_commit(query) else "active: another statement"
    if state == "idle in transaction":
        return HOLDING_IDLE if takes_number else "idle in transaction (waits for its process)"
    if state == "idle":
        return IDLE
    return "starting (no state yet)" if state is None else str(state)


def holds_sequence(state: str | None, wait_type: str | None, query: str) -> bool:
    """Whether a backend holds the change_sequence row: its commit statement ran (or runs, not
    waiting for the row) and its transaction has not ended, or it is committing (every write
    transaction of a booking load takes a number, so every ``COMMIT`` of it holds the row)."""
    if state == "idle":
        return False
    if SEQUENCE_TABLE in query:
        return wait_type != "Lock"
    return state == "active" and _is_commit(query)


@dataclass
class Waits:
    """The tally of one sampled load."""

    samples: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    #: what the backend at the head of a change_sequence queue was doing meanwhile
    blockers: Counter[str] = field(default_factory=Counter)
    sequence_waiters_max: int = 0
    holders: int = 0  # backend-samples holding the change_sequence row
    overlapping_holders: int = 0  # samples with two or more holders (none if serialized)
    sampler_pid: int | None = None
    seconds: float = 0.0

    @property
    def backend_samples(self) -> int:
        return sum(self.kinds.values())

    @property
    def busy_samples(self) -> int:
        return self.backend_samples - self.kinds[IDLE]

    def count(self, prefix: str) -> int:
        return sum(n for kind, n in self.kinds.items() if kind.startswith(prefix))

    def add(self, rows: list[Any]) -> None:
        self.samples += 1
        kinds = {
            int(pid): kind_of(state, wait_type, wait_event, query or "")
            for pid, state, wait_type, wait_event, query, _ in rows
        }
        self.kinds.update(kinds.values())
        waiting = 0
        for pid, *_, blockers in rows:
            if kinds[int(pid)] == SEQUENCE_WAIT:
                waiting += 1
                for blocker in blockers or ():
                    self.blockers[kinds.get(int(blocker), "another database's backend")] += 1
        self.sequence_waiters_max = max(self.sequence_waiters_max, waiting)
        held = sum(
            holds_sequence(state, wait_type, query or "")
            for _, state, wait_type, _, query, _ in rows
        )
        self.holders += held
        self.overlapping_holders += held > 1


class Sampler:
    """Samples ``pg_stat_activity`` of ``url``'s database every ``interval`` seconds, from its own
    connection on a thread of this process, between ``start`` and ``stop``."""

    def __init__(self, url: str, interval: float = 0.010) -> None:
        self._url = url
        self._interval = interval
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-sampler", daemon=True)
        self.waits = Waits()
        self.error: BaseException | None = None

    def __enter__(self) -> Sampler:
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        engine = create_engine(self._url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                self.waits.sampler_pid = int(
                    connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
                )
                self._ready.set()
                started = due = time.monotonic()
                while not self._stop.is_set():
                    self.waits.add(list(connection.execute(_SAMPLE).all()))
                    due += self._interval
                    self._stop.wait(max(0.0, due - time.monotonic()))
                self.waits.seconds = time.monotonic() - started
        except BaseException as exc:  # reported by the caller: a benchmark figure, not a crash
            self.error = exc
        finally:
            self._ready.set()
            engine.dispose()


def describe(waits: Waits, bookings: int, elapsed: float) -> list[str]:
    """The lines a benchmark prints for one sampled load."""
    if not waits.samples or not waits.backend_samples:
        return ["  (no samples)"]
    total, busy = waits.backend_samples, max(1, waits.busy_samples)
    lines = [
        f"  {waits.samples} samples of pg_stat_activity, on average "
        f"{total / waits.samples:.1f} client backends of which {busy / waits.samples:.1f} "
        "in a transaction or a statement:"
    ]
    for kind, n in waits.kinds.most_common():
        lines.append(
            f"    {n / total:6.1%} of backend-samples ({n / waits.samples:5.2f} backends) {kind}"
        )
    locks = waits.count("waits for")
    on_sequence = waits.kinds[SEQUENCE_WAIT]
    lines.append(
        f"  waiting on a lock: {locks / total:.1%} of backend-samples ({locks / busy:.1%} of the "
        f"busy ones); on the change_sequence row: {on_sequence / waits.samples:.2f} backends on "
        f"average, at most {waits.sequence_waiters_max} at once; on NOTIFY's commit lock: "
        f"{waits.kinds[NOTIFY_WAIT] / waits.samples:.2f}"
    )
    if waits.blockers:
        heads = ", ".join(
            f"{n / sum(waits.blockers.values()):.0%} {kind}"
            for kind, n in waits.blockers.most_common(4)
        )
        lines.append(f"  the backend blocking them was: {heads}")
    held = waits.holders / waits.samples
    if held and bookings and elapsed:
        rate = bookings / elapsed
        lines.append(
            f"  change_sequence row held {held:.0%} of the time ({held / rate * 1000:.2f} ms per "
            f"booking; two holders at once in {waits.overlapping_holders} samples): alone it "
            f"would cap bookings at about {rate / held:.0f}/s"
        )
    return lines
