"""Several server processes on one port: ``instainstru-server --workers N``.

One Python process runs one request at a time on one core; a machine's other cores stay idle.
This supervisor holds the port, starts N worker processes that each build the app and serve it,
and restarts a worker that dies.

How connections reach the workers matters as much as there being several. On Linux each worker
listens on a socket of its own on the port (``SO_REUSEPORT``) and the kernel hands each new
connection to one of them by a hash of its addresses: a burst of connections is spread evenly.
With one socket shared by all workers (elsewhere), each new connection goes to whichever worker
wakes first, and its event loop accepts every connection then waiting: 16 clients connecting at
once mostly landed on one worker (often all 16), which then served them all, one request at a
time, while the others idled. The supervisor's socket only keeps the port (bound, never
listening, it is handed no connection), and it announces the address once every worker listens,
so a client that connects when told is never refused.

What the workers must agree on is kept in the database, never in a process: kept answers follow
every process's commits (``repositories.commit_watch`` on SQLite, ``LISTEN/NOTIFY`` on
PostgreSQL), live events reach streams on every worker the same way, and sign-in limits are
counted in the database (``services.throttle``).

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
import sys
import threading
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from multiprocessing.synchronize import Event
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
#: Connections made before a worker accepts them wait in the kernel's queue, up to this many.
_BACKLOG = 2048
#: Each worker listens on a socket of its own, the kernel spreading connections over them.
SPREAD_BY_KERNEL = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")
_LISTEN_SECONDS = 120  # how long the supervisor waits for a worker to listen before announcing


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


def port_socket(host: str, port: int, *, own_port: bool) -> socket.socket:
    """A TCP socket bound to ``host:port``, set up as uvicorn's own; ``own_port``: one of several
    sockets of this user on the port, among which the kernel spreads connections."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if own_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _serve_worker(
    plan: WorkerPlan, sock: socket.socket | None, lifeline: Connection, listening: Event
) -> None:
    """A worker process: listen, build the app, serve until told to stop. ``sock``: the socket
    all workers share; None: a socket of its own on the plan's port."""
    os.setpgrp()  # Ctrl+C in a terminal is the supervisor's to hand on, once
    logging.basicConfig(level=plan.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    if sock is None:  # listening at once: connections the kernel hands it wait, never refused
        sock = port_socket(plan.host, plan.port, own_port=True)
        sock.listen(_BACKLOG)
    listening.set()
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


@dataclass(frozen=True)
class _Worker:
    process: SpawnProcess
    kept: Connection  # our end of its lifeline: closing it stops the worker
    listening: Event  # set once it listens (on a socket of its own, or the shared one)


class Supervisor:
    """Starts ``count`` workers on one socket, keeps them running, stops them on a signal."""

    def __init__(self, plan: WorkerPlan, count: int) -> None:
        self._plan = plan
        self._count = count
        self._stopping = threading.Event()
        self._workers: list[_Worker] = []
        self._sock: socket.socket | None = None

    def run(self) -> int:
        """Serve until a signal; 0, or 1 when the workers could not start."""
        if SPREAD_BY_KERNEL:
            try:
                self._sock = self._hold_port()
            except OSError as exc:
                log.error("cannot listen on %s:%d: %s", self._plan.host, self._plan.port, exc)
                return 1
        else:
            config = uvicorn.Config(
                "instainstru_desktop.server.app:create_app",
                host=self._plan.host,
                port=self._plan.port,
                log_level=self._plan.log_level,
            )
            self._sock = config.bind_socket()  # logs "running on" with the port it got
            self._sock.listen(_BACKLOG)  # connections made before a worker is up wait
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        log.info("starting %d worker processes", self._count)
        self._workers = [self._start() for _ in range(self._count)]
        if SPREAD_BY_KERNEL:
            self._announce_when_listening()
        failed = False
        while not self._stopping.wait(0.5):
            failed = self._replace_ended()
            if failed:
                break
        self._stop_all()
        self._sock.close()
        return 1 if failed else 0

    def _hold_port(self) -> socket.socket:
        """The supervisor's socket on the port (taken when the plan says 0), among whose
        sockets the workers' join; a port already in use is refused, as by uvicorn.

        A first socket is bound alone: that fails when anything else is bound to the port, even
        another server's sockets that share theirs, which this server must not join."""
        with port_socket(self._plan.host, self._plan.port, own_port=False) as alone:
            port = int(alone.getsockname()[1])
        self._plan = replace(self._plan, port=port)
        return port_socket(self._plan.host, port, own_port=True)

    def _announce_when_listening(self) -> None:
        """Log the address (as uvicorn does) once every worker listens on it."""
        deadline = time.monotonic() + _LISTEN_SECONDS
        for worker in self._workers:
            while not worker.listening.wait(0.1):
                if self._stopping.is_set() or time.monotonic() > deadline:
                    return
                if not worker.process.is_alive():
                    break  # it failed to start: the loop in run says so
        host = f"[{self._plan.host}]" if ":" in self._plan.host else self._plan.host
        logging.getLogger("uvicorn.error").info(
            "Uvicorn running on http://%s:%d (Press CTRL+C to quit)", host, self._plan.port
        )

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        self._stopping.set()

    def _start(self) -> _Worker:
        lifeline, kept = _SPAWN.Pipe(duplex=False)
        listening = _SPAWN.Event()
        shared = None if SPREAD_BY_KERNEL else self._sock
        process = _SPAWN.Process(
            target=_serve_worker, args=(self._plan, shared, lifeline, listening), daemon=False
        )
        process.start()
        lifeline.close()  # the worker holds the reading end; ours is ``kept`` until we stop
        return _Worker(process, kept, listening)

    def _replace_ended(self) -> bool:
        """Start a new worker for each that ended; True when one could not start at all."""
        for index, worker in enumerate(self._workers):
            process = worker.process
            if process.is_alive() or self._stopping.is_set():
                continue
            worker.kept.close()
            if process.exitcode == _STARTUP_FAILURE:
                log.error("a worker process could not start; stopping")
                return True
            log.warning(
                "worker %d ended (exit code %s); starting another", process.pid, process.exitcode
            )
            self._workers[index] = self._start()
        return False

    def _stop_all(self) -> None:
        for worker in self._workers:
            if worker.process.is_alive() and worker.process.pid is not None:
                os.kill(worker.process.pid, signal.SIGTERM)
        for worker in self._workers:
            worker.process.join(_STOP_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.kept.close()
