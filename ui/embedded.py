"""The one door from the front end to the bundled server, which runs in a child process.

The server (FastAPI, uvicorn, pydantic, Alembic, its ORM models) is a third of the app's memory
when it shares the window's process, and its imports hold the window's interpreter lock for most
of a second. As a child process it loads on the other core while the window paints, and the
window's process never imports it. Every other part of :mod:`ui` talks to it over HTTP on
loopback like to any remote server.

The child's life is tied to the app by a pipe: the app writes the start-up request (the database
and the per-run secret, which never appear on a command line) to the child's stdin and keeps the
pipe open; the child serves until that pipe ends, which happens when the app stops it and also
when the app dies in any way (a crash, a kill), so no server is ever left behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

#: The hidden first argument that makes ``instainstru`` the bundled server's child process.
CHILD_FLAG = "--embedded-server-child"
#: How long a start may take: the first run seeds the demo studio.
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
#: A child that ends unasked is started again at most this often within the window below.
RESTARTS_ALLOWED = 3
RESTART_WINDOW_S = 300.0
#: The wait before another try when a new child could not start (its port still held, say).
RESTART_PAUSE_S = 1.0


class RunningServer(Protocol):
    """What the app needs of a started server: what to send with each request, how to stop it."""

    @property
    def access_headers(self) -> dict[str, str]:
        """The per-run secret, as headers: the server refuses requests without them."""
        ...

    @property
    def seeded(self) -> bool:
        """Whether this start seeded the demo studio (the first run of the profile)."""
        ...

    def stop(self) -> None:
        """Stop serving and release the port and the database."""


class EmbeddedStartError(RuntimeError):
    """The bundled server could not start; the message says why, in words."""


class ChildServer:
    """A bundled server serving in a child process until :meth:`stop` (or the app's end).

    A child that ends unasked (killed by the system for memory, a crash in a native library)
    is started again on the same port with the same secret, so the session the app has open
    keeps its URL and its headers: the sync shows "offline" for the moment it takes and then
    goes on by itself. A child that keeps ending is left stopped after :data:`RESTARTS_ALLOWED`
    starts within :data:`RESTART_WINDOW_S`, rather than started in a loop.
    """

    def __init__(self, launch: Launch, secret_header: str, base_url: str) -> None:
        self.database_file = launch.database_file
        self._launch = launch.handed_over()
        self.secret = launch.secret
        self.secret_header = secret_header
        self.base_url = base_url
        self.seeded = launch.seeding
        self.restarts = 0
        self.left_stopped = False  # it kept ending: no more starts until the app starts again
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # between stop() and a restart under way
        self._pending: Launch | None = None
        self._starts: list[float] = []
        threading.Thread(target=self._watch, name="embedded-server-watch", daemon=True).start()

    @property
    def access_headers(self) -> dict[str, str]:
        return {self.secret_header: self.secret}

    @property
    def process(self) -> subprocess.Popen[bytes]:
        """The child serving now (another one after a restart)."""
        return self._launch.process

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Close the pipe the child watches and wait for it to finish; kill it if it hangs."""
        with self._lock:
            self._stopping.set()
            launch, pending = self._launch, self._pending
        if pending is not None:
            pending.abandon()
        launch.abandon(timeout)

    def _watch(self) -> None:
        """Start the child again each time it ends unasked, while the budget allows."""
        while True:
            code = self.process.wait()
            if self._stopping.is_set():
                return
            _close(self._launch.process.stdin)
            log.error("the built-in server stopped unexpectedly (exit code %s): restarting", code)
            if not self._start_again():
                if not self._stopping.is_set():
                    self.left_stopped = True
                    log.error(
                        "the built-in server ended %d times within %.0f s: it is left stopped",
                        len(self._starts) + 1,
                        RESTART_WINDOW_S,
                    )
                return

    def _start_again(self) -> bool:
        """One new child on this server's port; False once the budget is spent or on stop."""
        port = urlsplit(self.base_url).port or 0
        while self._budget_left():
            self._starts.append(time.monotonic())
            with self._lock:
                if self._stopping.is_set():
                    return False
                launch = self._pending = Launch(self.database_file, secret=self.secret, port=port)
            try:
                _header, url = launch.ready()
            except EmbeddedStartError as error:
                log.info("%s", error)
                self._stopping.wait(RESTART_PAUSE_S)
                continue
            with self._lock:
                self._pending = None
                if self._stopping.is_set():
                    launch.abandon()
                    return False
                self._launch = launch.handed_over()
                self.restarts += 1
            log.info("the built-in server serves again at %s", url)
            return True
        return False

    def _budget_left(self) -> bool:
        since = time.monotonic() - RESTART_WINDOW_S
        self._starts = [at for at in self._starts if at > since]
        return len(self._starts) < RESTARTS_ALLOWED


class Launch:
    """A bundled server's child process on its way up: :meth:`wait` for it to answer.

    Started as early as the app knows it will need it (before its window is built), so that
    the server's imports and its database opening run beside the first paint.
    """

    def __init__(
        self,
        database_file: Path,
        *,
        secret: str | None = None,
        port: int = 0,
    ) -> None:
        self.database_file = database_file
        self.seeding = not database_file.exists()
        # 32 bytes of the system's randomness (what ``secrets`` reads), without the hashing
        # modules ``secrets`` loads with it: this runs before the first paint
        self.secret = secret or os.urandom(32).hex()
        self._stopping = threading.Event()
        self._watched = False  # a running server's watcher says when it ends, not this launch
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        request = {
            "database": str(database_file),
            "seed_demo": self.seeding,
            "secret": self.secret,
            "port": port,  # 0: any free port; a restart asks for the one the app already uses
            "log_dir": str(database_file.parent / "logs"),
        }
        self.process = subprocess.Popen(
            child_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=_child_env(os.environ),
            start_new_session=True,  # Ctrl+C in the terminal is the app's to act on, not its
        )
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
        except OSError:
            log.info("the built-in server's process ended before it was told what to serve")
        threading.Thread(target=self._read, name="embedded-server-pipe", daemon=True).start()

    def _read(self) -> None:
        """Hand the child's report lines to :meth:`wait`; say so if it ends unasked."""
        stdout = self.process.stdout
        assert stdout is not None
        try:
            for raw in stdout:
                try:
                    self._lines.put(json.loads(raw))
                except ValueError:
                    log.info("the built-in server said: %s", raw.decode(errors="replace").strip())
        except OSError:
            log.info("the built-in server's report pipe broke")
        _close(stdout)  # this thread owns the pipe: closed once the child has let go of it
        self._lines.put(None)
        code = self.process.wait()
        if not self._stopping.is_set() and not self._watched:
            log.error("the built-in server stopped unexpectedly (exit code %s)", code)

    def handed_over(self) -> Launch:
        """This launch, now serving under a :class:`ChildServer` that watches it."""
        self._watched = True
        return self

    def ready(self, timeout: float = START_TIMEOUT_S) -> tuple[str, str]:
        """The secret's header and the base URL once the child answers; raises
        :class:`EmbeddedStartError` (and ends the child) if it cannot start."""
        deadline = time.monotonic() + timeout
        try:
            line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            self.abandon()
            raise EmbeddedStartError(
                f"The built-in server did not start within {timeout:.0f} s."
            ) from None
        if line is None or "url" not in line:
            self.abandon()
            reason = (line or {}).get("error") or "its process ended while starting"
            raise EmbeddedStartError(f"The built-in server could not start: {reason}")
        _remember_demo_accounts(line.get("demo_accounts", ()))
        return str(line["header"]), str(line["url"])

    def wait(self, timeout: float = START_TIMEOUT_S) -> ChildServer:
        """The running server once it answers; raises :class:`EmbeddedStartError` if it cannot."""
        header, url = self.ready(timeout)
        return ChildServer(self, header, url)

    def abandon(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Close the pipe the child watches and wait for it to end; kill it if it hangs."""
        self._stopping.set()
        _close(self.process.stdin)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            log.info("the built-in server did not stop within %.0f s: ending it", timeout)
            self.process.kill()
            self.process.wait()


def child_command() -> list[str]:
    """How to start this app as the server's child: the same executable, the hidden flag."""
    if getattr(sys, "frozen", False):  # the packaged app: its one executable
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-m", "ui.app", CHILD_FLAG]


def _child_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The app's environment, with this copy of the code first on the module path."""
    env = dict(environ)
    here = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    return env


def _close(stream: IO[bytes] | None) -> None:
    if stream is not None:
        with contextlib.suppress(OSError):  # the child had gone: the pipe is closed either way
            stream.close()


_early: Launch | None = None
_early_lock = threading.Lock()


def launch_early(database_file: Path) -> None:
    """Start the server's child now, for :func:`start_embedded_server` to take up later."""
    global _early
    with _early_lock:
        if _early is None:
            _early = Launch(database_file)


def _take_early(database_file: Path) -> Launch | None:
    global _early
    with _early_lock:
        launch, _early = _early, None
    if launch is not None and launch.database_file != database_file:
        launch.abandon()
        return None
    return launch


def start_embedded_server(database_file: Path) -> tuple[str, RunningServer]:
    """Start the bundled server on loopback and return its base URL once it answers.

    On the profile's first run (no database yet) it seeds the demo studio. Other programs on the
    computer can reach loopback too, so the server answers only requests that carry its fresh
    per-run secret: send ``server.access_headers`` with every request.

    Blocking (the first-run demo seed takes a moment): call it off the UI thread.
    """
    from instainstru_desktop.store import require_writable_folder

    launch = _take_early(database_file)
    try:
        require_writable_folder(database_file.parent)  # a sentence about the folder
    except BaseException:
        if launch is not None:
            launch.abandon()
        raise
    server = (launch or Launch(database_file)).wait()
    return server.base_url, server


_demo_accounts: tuple[tuple[str, str, str], ...] = ()


def _remember_demo_accounts(accounts: Any) -> None:
    global _demo_accounts
    if accounts:
        _demo_accounts = tuple((str(who), str(e), str(p)) for who, e, p in accounts)


def demo_accounts() -> tuple[tuple[str, str, str], ...]:
    """``(who, email, password)`` of the demo accounts the built-in server offers: the sign-in
    form names them there, so the demo admin is one sign-in away without ``--server``.

    The server's child reports them when it starts; before any start they are read from the
    server's package (which loads it into this process: only a form shown before any start).
    """
    if _demo_accounts:
        return _demo_accounts
    from ui import embedded_child

    return embedded_child.demo_accounts()


def demo_instructor() -> tuple[str, str]:
    """Email and password of the demo instructor the embedded default signs in as."""
    for who, email, password in demo_accounts():
        if who == "instructor":
            return email, password
    raise LookupError("the built-in server names no demo instructor")
