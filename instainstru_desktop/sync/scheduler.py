"""When to sync: at start, on every poke, every minute, and when the outbox's backoff ends.

One background thread waits on an :class:`threading.Event` with a timeout, so it wakes at once
for a poke (a local edit, a "pull now" from the live stream, a reconnect) and otherwise sleeps
until the next periodic pull or the moment a failed delivery may be retried -- the outbox drains
by itself after an outage, with no new local edit needed.

After each sync, once its report is out, the same thread runs the engine's step after the sync
(:meth:`SyncEngine.after_sync`: the sort indexes of a first download, the daily backup), so the
views show the new data first; a sync run elsewhere (:meth:`SyncScheduler.after_sync_soon`) has
the step run here too, without syncing again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from instainstru_desktop.store import StorageError
from instainstru_desktop.sync.backoff import Backoff
from instainstru_desktop.sync.engine import SyncEngine, SyncReport

log = logging.getLogger(__name__)

#: After runs that raised (storage trouble): 1 s, 2 s, 4 s ... up to a minute. No jitter: this
#: waits on the local database, with no other client to fall in step with.
_STORAGE_TROUBLE = Backoff(base_seconds=1.0, max_seconds=60.0, jitter=0.0)


class SyncScheduler:
    """Runs :meth:`SyncEngine.sync_once` in a daemon thread; ``stop()`` ends it promptly."""

    def __init__(
        self,
        engine: SyncEngine,
        *,
        interval_seconds: float = 60.0,
        on_report: Callable[[SyncReport], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._engine = engine
        self._interval = interval_seconds
        self._on_report = on_report
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._force = False
        self._sync_wanted = False  # a poke (or the start) asks for a sync, not only the step after
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.runs = 0  # completed sync attempts (for status displays and tests)

    def start(self) -> None:
        """Start the thread; the first sync runs at once."""
        if self._thread is not None:
            return
        self._stop.clear()
        with self._lock:
            self._sync_wanted = True
        self._wake.set()
        self._thread = threading.Thread(target=self._run, name="instainstru-sync", daemon=True)
        self._thread.start()

    def poke(self, *, force: bool = False) -> None:
        """Sync soon. ``force``: the server is known to be reachable, skip the outbox backoff."""
        with self._lock:
            self._force = self._force or force
            self._sync_wanted = True
        self._wake.set()

    def after_sync_soon(self) -> None:
        """A sync ran on another thread: run its step after the sync here (at once when the
        thread runs, else as soon as it starts), without syncing again."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current step (the engine checks the stop flag between batches)."""
        self._stop.set()
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _seconds_until_next(self, last_run: float) -> float:
        until_periodic = max(0.0, self._interval - (time.monotonic() - last_run))
        try:
            due = self._engine.next_attempt()
        except Exception:  # a storage problem must not kill the thread; retry later
            log.exception("could not read when the outbox is due")
            due = None
        if due is None:
            return until_periodic
        until_retry = max(0.0, (due - self._clock()).total_seconds())
        return min(until_periodic, until_retry + 0.05)

    def _run(self) -> None:
        last_run = float("-inf")
        failures = 0  # consecutive runs that raised (storage trouble): wait longer each time
        while not self._stop.is_set():
            pause = self._seconds_until_next(last_run)
            if failures:
                pause = max(pause, _STORAGE_TROUBLE.delay(failures - 1))
            woke = self._wake.wait(pause)
            if self._stop.is_set():
                break
            self._wake.clear()
            with self._lock:
                force, self._force = self._force, False
                wanted, self._sync_wanted = self._sync_wanted, False
            if woke and not wanted:  # woken by after_sync_soon alone
                self._after_sync()
                continue
            if not woke:
                log.debug("periodic sync")
            try:
                report: SyncReport | None = self._engine.sync_once(
                    cancel=self._stop, force_push=force
                )
                failures = 0
            except Exception as error:  # storage errors: reported, and the loop carries on
                log.exception("sync failed")
                report = (
                    SyncReport(storage_error=error) if isinstance(error, StorageError) else None
                )
                failures += 1
            last_run = time.monotonic()
            self.runs += 1
            if report is not None and self._on_report is not None:
                try:
                    self._on_report(report)
                except Exception:
                    log.exception("sync report callback failed")
            self._after_sync()

    def _after_sync(self) -> None:
        """The engine's step after the sync; a failure is logged and the next one tries again."""
        try:
            self._engine.after_sync(cancel=self._stop)
        except Exception:  # storage trouble: the next sync meets it too, and reports it
            log.exception("the step after a sync failed")
