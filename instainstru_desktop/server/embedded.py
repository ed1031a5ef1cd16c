"""The bundled server in one process: uvicorn in a daemon thread on 127.0.0.1, port 0.

The desktop app runs it in a child process of its own (``ui.embedded_child``); tests and
benchmarks run it in theirs.

The listening socket is made here (so the OS picks a free port before uvicorn starts) with
``IPPROTO_TCP`` given explicitly: without it every request on loopback costs ~45 ms instead of
~1 ms. ``start()`` returns the base URL once uvicorn reports it is serving; a startup that fails
or hangs raises :class:`EmbeddedServerError` with the reason instead of leaving the app waiting.

Loopback is not private: every process and user of the computer can connect. Each server
therefore makes a random secret (``secret``) that the app sends on every request
(``access_headers``); requests without it are refused (:mod:`.local_guard`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
import threading
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Any

from fastapi import FastAPI
from pydantic import SecretStr

from instainstru_desktop.server.api.local_guard import SECRET_HEADER
from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.seed.demo import DEMO_ADMIN, DEMO_INSTRUCTOR
from instainstru_desktop.server.serving import Server

log = logging.getLogger(__name__)

HOST = "127.0.0.1"

__all__ = ["DEMO_ADMIN", "DEMO_INSTRUCTOR", "EmbeddedServer", "EmbeddedServerError"]


class EmbeddedServerError(RuntimeError):
    """The embedded server could not start (or stop) in time; the message says why."""


class _Server(Server):
    """The server that signals readiness and leaves signal handling to the host application."""

    def __init__(self, app: FastAPI, ready: threading.Event, **options: Any) -> None:
        super().__init__(app, **options)
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self._ready.set()

    def install_signal_handlers(self) -> None:  # the host app owns SIGINT/SIGTERM
        return


class EmbeddedServer:
    """Start, use and stop the API server inside this process.

    >>> with EmbeddedServer("sqlite:///data.sqlite3", seed_demo=True) as server:
    ...     client = httpx.Client(base_url=server.base_url, headers=server.access_headers)

    ``secret`` is made fresh for each instance (one per run of the app) unless one is given; it
    stays the same across ``stop()``/``start()`` so a client keeps working after a restart.
    ``require_secret=False`` serves anyone on loopback, like a standalone server: for tests that
    play a remote server on this machine, never for the app.
    """

    def __init__(
        self,
        database_url: str,
        *,
        seed_demo: bool,
        port: int = 0,
        secret: str | None = None,
        require_secret: bool = True,
        clock: Callable[[], datetime] | None = None,
        **settings: Any,
    ) -> None:
        if secret is not None and not require_secret:
            raise ValueError("a secret was given for a server that is told not to require one")
        fresh = secrets.token_urlsafe(32) if secret is None else secret
        self.secret = fresh if require_secret else None
        # The student pages are for a standalone server; this one answers only the app (a
        # test playing a remote server may still ask for them).
        settings.setdefault("web_pages", False)
        # the app's cache holds what it sent until long after the answer (see Settings)
        settings.setdefault("sqlite_durable_commits", False)
        self.settings = Settings(
            database_url=database_url,
            seed_demo=seed_demo,
            access_secret=SecretStr(self.secret) if self.secret is not None else None,
            **settings,
        )
        self.clock = clock  # tests: the server's "now"
        self.port = port  # 0: any free port; a fixed one lets a restarted server keep its URL
        self.base_url: str | None = None
        self.app: FastAPI | None = None
        self._ready = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._failure: BaseException | None = None

    @property
    def access_headers(self) -> dict[str, str]:
        """The headers every request to this server must carry (none without a secret)."""
        return {SECRET_HEADER: self.secret} if self.secret is not None else {}

    def start(self, timeout: float = 30.0) -> str:
        """Start serving; return the base URL (``http://127.0.0.1:<port>``) once ready."""
        if self._thread is not None:
            raise EmbeddedServerError("the embedded server is already running")
        try:
            # migrations and seeding run here
            app = self.app = create_app(self.settings, clock=self.clock)
        except Exception as exc:
            raise EmbeddedServerError(f"the server could not open its database: {exc}") from exc
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, self.port))
        sock.listen(256)
        self._socket = sock
        port = sock.getsockname()[1]
        self._server = _Server(app, self._ready, log_level="warning", access_log=False)
        self._thread = threading.Thread(target=self._serve, name="instainstru-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout) or self._failure is not None:
            failure = self._failure
            self.stop()
            reason = f": {failure}" if failure else f" within {timeout:.0f} s"
            raise EmbeddedServerError(f"the embedded server did not start{reason}")
        self.base_url = f"http://{HOST}:{port}"
        return self.base_url

    def _serve(self) -> None:
        assert self._server is not None
        assert self._socket is not None
        try:
            asyncio.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported to start(); the thread must not die silently
            self._failure = exc
            log.exception("embedded server stopped with an error")
        finally:
            if not self._ready.is_set():
                self._failure = self._failure or EmbeddedServerError("startup failed")
                self._ready.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread (open event streams end as shutdown begins)."""
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise EmbeddedServerError(f"the embedded server did not stop within {timeout} s")
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        self.base_url = None
        self._ready.clear()

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
