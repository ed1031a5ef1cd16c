"""Listens to the server's event stream (SSE) and asks for a pull on every poke.

The stream is an accelerator, not a dependency: the scheduler pulls every minute anyway. So the
listener only ever calls back "pull now" -- on each ``poke`` and on each (re)connect, since
anything may have changed while it was disconnected -- and reconnects with capped exponential
backoff and jitter after any failure.

It is also the first to know when the server goes away: a stream that was open ends, or the
first try to open it again fails. ``on_lost`` is called then (the app syncs at once, which finds
out for sure and shows "Offline" within a second or two instead of at the next minute's pull).
"""

from __future__ import annotations

import contextlib
import logging
import random
import socket
import threading
from collections.abc import Callable

import httpx

from instainstru_desktop.sync.api import ApiClient
from instainstru_desktop.sync.backoff import Backoff
from instainstru_desktop.sync.errors import ApiError, Unauthenticated, UpdateRequired

log = logging.getLogger(__name__)

#: After a clean end of the stream the listener waits one base step; after failures, longer.
RECONNECT_BACKOFF = Backoff(base_seconds=1.0, max_seconds=30.0, jitter=0.5)


class LiveListener:
    """A daemon thread holding ``GET /events`` open; ``on_pull(reconnected)`` is the callback.

    The stream goes through ``api``, so it carries the same headers as every other request
    (the token, and the embedded server's secret when the session has one).
    """

    def __init__(
        self,
        api: ApiClient,
        on_pull: Callable[[bool], None],
        *,
        on_lost: Callable[[], None] | None = None,
        read_timeout: float = 45.0,
        backoff: Backoff = RECONNECT_BACKOFF,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._api = api
        self._on_pull = on_pull
        self._on_lost = on_lost
        self._read_timeout = read_timeout
        self._backoff = backoff
        self._rng = rng
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._response: httpx.Response | None = None
        self.connected = threading.Event()
        self.connections = 0
        self.pokes = 0
        self.losses = 0  # times ``on_lost`` was called
        self.attempts = 0  # tries to open the stream

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="instainstru-live", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End the stream and the thread. Closing an httpx response from another thread does not
        wake a reader blocked in ``recv``; shutting the socket down does."""
        self._stop.set()
        response = self._response
        if response is not None:
            stream = response.extensions.get("network_stream")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
                failures = 0  # the server ended the stream normally (restart): reconnect
            except (Unauthenticated, UpdateRequired) as error:
                log.warning("live updates stopped: %s", error.message)
                self._closed()
                return
            except (ApiError, httpx.HTTPError) as error:
                failures += 1
                log.debug("event stream lost: %r", error)
            # an open stream that ended, or the first failed try after it (a server that was
            # still shutting down when the app looked may be gone by now)
            if self._closed() or failures == 1:
                self._lost()
            self._stop.wait(self._backoff.delay(failures, self._rng))

    def _closed(self) -> bool:
        """Forget the stream; whether it had been open."""
        was_open = self.connected.is_set()
        self.connected.clear()
        self._response = None
        return was_open

    def _lost(self) -> None:
        if self._stop.is_set() or self._on_lost is None:
            return
        self.losses += 1
        try:
            self._on_lost()
        except Exception:  # the listener must outlive a failing callback
            log.exception("the connection-lost callback failed")

    def _listen(self) -> None:
        self.attempts += 1
        with self._api.event_stream(self._read_timeout) as source:
            self._response = source.response
            if self._stop.is_set():
                return
            self.connections += 1
            self.connected.set()
            self._on_pull(True)
            for event in source.iter_sse():
                if self._stop.is_set():
                    return
                if event.event == "poke":
                    self.pokes += 1
                    self._on_pull(False)
