"""Several server processes on one listening socket: ``instainstru-server --workers N``.

One Python process runs one request at a time on one core; a machine's other cores stay idle.
This supervisor binds the socket once, starts N worker processes that each build the app and
serve that socket (the kernel hands each new connection to one of them), and restarts a worker
that dies. What the workers must agree on is kept in the database, never in a process: kept
answers follow every process's commits (``repositories.commit_watch`` on SQLite,
``LISTEN/NOTIFY`` on PostgreSQL), live events reach streams on every worker the same way, and
sign-in limits are counted in the database (``services.throttle``).

Stopping: SIGTERM or SIGINT to the supervisor sends SIGTERM once to each worker, which ends its
event streams and finishes its requests (``serving.Server``). Workers run in their own process
group, so Ctrl+C in a terminal reaches the supervisor only and each worker is asked once; a
worker whose supervisor died (killed outright) notices its pipe closing and stops too.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from types import FrameType

import uvicorn

from instainstru_desktop.server.app import create_app
from instainstru_desktop.server.core.settings import Settings
from instainstru_desktop.server.serving import GRACE_SECONDS, Server

log = logging.getLogger(__name__)
_SPAWN = multiprocessing.get_context("spawn")
#: A worker that could not start (its app could not be built): restarting would fail alike.
_STARTUP_FAILURE = 3
_STOP_SECONDS = GRACE_SECONDS + 10


def default_workers() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkerPlan:
    """What every worker process needs to serve (sent to each when it starts)."""

    settings: Settings
    host: str
    port: int
    log_level: str


def _serve_worker(plan: WorkerPlan, sock: socket.socket, lifeline: Connection) -> None:
    """A worker process: build the app, serve the shared socket until told to stop."""
    os.setpgrp()  # Ctrl+C in a terminal is the supervisor's to hand on, once
    logging.basicConfig(level=plan.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    try:
        app = create_app(plan.settings)
    except Exception:
        log.exception("worker %d could not start", os.getpid())
        raise SystemExit(_STARTUP_FAILURE) from None
    threading.Thread(target=_stop_with_supervisor, args=(lifeline,), daemon=True).start()
    Server(app, host=plan.host, port=plan.port, log_level=plan.log_level).run(sockets=[sock])


def _stop_with_supervisor(lifeline: Connection) -> None:
    """Wait for the supervisor's end of the pipe to close, then shut down as on SIGTERM."""
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    signal.raise_signal(signal.SIGTERM)


class Supervisor:
    """Starts ``count`` workers on one socket, keeps them running, stops them on a signal."""

    def __init__(self, plan: WorkerPlan, count: int) -> None:
        self._plan = plan
        self._count = count
        self._stopping = threading.Event()
        self._workers: list[tuple[SpawnProcess, Connection]] = []
        self._sock: socket.socket | None = None

    def run(self) -> int:
        """Serve until a signal; 0, or 1 when the workers could not start."""
        config = uvicorn.Config(
            "instainstru_desktop.server.app:create_app",
            host=self._plan.host,
            port=self._plan.port,
            log_level=self._plan.log_level,
        )
        self._sock = config.bind_socket()  # logs "running on" with the port it got
        self._sock.listen(2048)  # connections made before a worker is up wait, not fail
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        log.info("starting %d worker processes", self._count)
        self._workers = [self._start() for _ in range(self._count)]
        failed = False
        while not self._stopping.wait(0.5):
            failed = self._replace_ended()
            if failed:
                break
        self._stop_all()
        self._sock.close()
        return 1 if failed else 0

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self._stopping.set()

    def _start(self) -> tuple[SpawnProcess, Connection]:
        lifeline, kept = _SPAWN.Pipe(duplex=False)
        process = _SPAWN.Process(
            target=_serve_worker, args=(self._plan, self._sock, lifeline), daemon=False
        )
        process.start()
        lifeline.close()  # the worker holds the reading end; ours is ``kept`` until we stop
        return process, kept

    def _replace_ended(self) -> bool:
        """Start a new worker for each that ended; True when one could not start at all."""
        for index, (process, kept) in enumerate(self._workers):
            if process.is_alive() or self._stopping.is_set():
                continue
            kept.close()
            if process.exitcode == _STARTUP_FAILURE:
                log.error("a worker process could not start; stopping")
                return True
            log.warning(
                "worker %d ended (exit code %s); starting another", process.pid, process.exitcode
            )
            self._workers[index] = self._start()
        return False

    def _stop_all(self) -> None:
        for process, _kept in self._workers:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)
        for process, kept in self._workers:
            process.join(_STOP_SECONDS)
            if process.is_alive():
                process.kill()
                process.join()
            kept.close()
