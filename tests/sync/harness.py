"""A real server on loopback, client devices talking to it, and faults on the wire.

Nothing is mocked: every request reaches the real FastAPI server over TCP. The
:class:`Switchboard` transport sits between a device's httpx client and the server; it forwards
each request to the server's current port (so the server can restart on a new port, or be
restored from a backup, while clients keep one address) and injects faults on demand: refuse
the connection, time out, answer 503, or let the server commit and then lose the reply.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from instainstru_desktop.server.core.models import Booking
from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.server.repositories.uow import UnitOfWork as ServerUnitOfWork
from instainstru_desktop.services import (
    AdminService,
    AttentionService,
    AvailabilityService,
    LessonService,
    MessageService,
    SeriesService,
    StatusService,
)
from instainstru_desktop.store import open_store
from instainstru_desktop.sync.api import ApiClient, RetryPolicy
from instainstru_desktop.sync.backoff import Backoff
from instainstru_desktop.sync.engine import SyncEngine, SyncReport
from instainstru_desktop.sync.scheduler import SyncScheduler
from tests.server.helpers import Person, Studio, build_studio

#: The address every device uses; the switchboard maps it to the server's current port.
BASE = "http://instainstru.test"


@dataclass
class Fault:
    """Inject ``kind`` into the next ``times`` requests whose path contains ``path``.

    Kinds: ``refuse`` (connection refused), ``timeout`` (no answer; the server saw nothing),
    ``503`` (a gateway answers 503; the server saw nothing), ``lost_reply`` (the server commits,
    the reply never arrives), ``timeout_after`` (the server commits, the client times out),
    ``503_after`` (the server commits, the client sees 503).
    """

    path: str
    kind: str
    times: int = 1


PORTAL_PAGE = "<!doctype html><title>Train Wi-Fi</title><p>Accept the terms to go online.</p>"


class Switchboard(httpx.BaseTransport):
    """Forwards to the live server and injects faults (thread-safe)."""

    def __init__(self, server: ServerHandle) -> None:
        self._server = server
        self._inner = httpx.HTTPTransport()
        self._lock = threading.Lock()
        self.down = False
        self.faults: list[Fault] = []
        self.injected: list[tuple[str, str]] = []
        self.hook: Callable[[httpx.Request, str], None] | None = None
        #: Rewrites the body of each answer that arrives (a server that sends something odd).
        self.rewrite: Callable[[httpx.Request, bytes], bytes] | None = None

    def inject(self, path: str, kind: str, times: int = 1) -> None:
        with self._lock:
            self.faults.append(Fault(path, kind, times))

    def _take(self, path: str) -> str | None:
        with self._lock:
            if self.down:
                return "refuse"
            for fault in self.faults:
                if fault.path in path and fault.times > 0:
                    fault.times -= 1
                    self.injected.append((path, fault.kind))
                    return fault.kind
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        kind = self._take(path)
        if self.hook is not None:
            self.hook(request, kind or "")
        if kind == "refuse":
            raise httpx.ConnectError("injected: connection refused", request=request)
        if kind == "timeout":
            raise httpx.ReadTimeout("injected: no answer", request=request)
        if kind == "503":
            return httpx.Response(503, request=request)
        if kind == "portal":  # a Wi-Fi network that answers every address with its sign-in page
            return httpx.Response(200, html=PORTAL_PAGE, request=request)
        target = httpx.URL(self._server.url)
        forwarded = httpx.Request(
            request.method,
            request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port),
            headers=request.headers,
            content=request.read(),
            extensions=request.extensions,
        )
        response = self._inner.handle_request(forwarded)
        if kind in ("lost_reply", "timeout_after", "503_after"):
            response.read()
            response.close()
            if kind == "lost_reply":
                raise httpx.ReadError(
                    "injected: reply lost after the server committed", request=request
                )
            if kind == "timeout_after":
                raise httpx.ReadTimeout("injected: reply too late", request=request)
            return httpx.Response(503, request=request)
        if self.rewrite is not None:
            body = self.rewrite(request, response.read())
            response.close()
            sent = ("content-length", "content-encoding")  # the body is new and plain
            headers = [(k, v) for k, v in response.headers.items() if k not in sent]
            return httpx.Response(response.status_code, headers=headers, content=body)
        return response

    def close(self) -> None:
        self._inner.close()


class ServerHandle:
    """The real server on a SQLite file: start, restart, back up, restore."""

    def __init__(self, directory: Path, **settings: Any) -> None:
        self.directory = directory
        self.db_path = directory / "server.sqlite3"
        self.settings = settings
        self._server: EmbeddedServer | None = None
        self.url = ""
        self.start()
        self.studio: Studio = build_studio(self.uow, students=3, now=datetime.now(UTC))

    @property
    def uow(self) -> ServerUnitOfWork:
        assert self._server is not None
        assert self._server.app is not None
        uow: ServerUnitOfWork = self._server.app.state.context.uow
        return uow

    def start(self) -> None:
        # plays a remote server (no per-run secret), as the app's --server URL path meets one
        self._server = EmbeddedServer(
            f"sqlite:///{self.db_path}", seed_demo=False, require_secret=False, **self.settings
        )
        self.url = self._server.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def backup(self, name: str = "backup.sqlite3") -> Path:
        """A consistent copy of the server database as it is now."""
        target = self.directory / name
        source = sqlite3.connect(self.db_path)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return target

    def restore(self, backup: Path) -> None:
        """Stop, put an older copy of the database in place, start again."""
        self.stop()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(backup, self.db_path)
        self.start()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the server database directly (the truth the client is compared with)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def api(self, person: Person) -> ApiClient:
        """A plain client of the server, acting as ``person`` (a student booking, an admin)."""
        return ApiClient(self.url, token=person.token, device=f"{person.role}-test")

    def add_lesson(
        self,
        instructor: Person,
        student: Person,
        start: datetime,
        *,
        status: str = "confirmed",
    ) -> str:
        """Write a lesson straight into the server (e.g. one that started an hour ago)."""
        booking_id = str(uuid.uuid4())
        assert instructor.instructor_id is not None
        assert instructor.lesson_type_id is not None
        with self.uow.write() as tx:
            tx.bookings.insert(
                Booking(
                    id=booking_id,
                    instructor_id=instructor.instructor_id,
                    student_id=student.user_id,
                    lesson_type_id=instructor.lesson_type_id,
                    start_utc=start,
                    end_utc=start + timedelta(hours=1),
                    status=status,
                    cancelled_by=None,
                    cancel_reason=None,
                    note="",
                    flagged=False,
                    review_note="",
                    price_cents=4000,
                    currency="EUR",
                    created_at=start - timedelta(days=3),
                    updated_at=start - timedelta(days=3),
                    version=1,
                )
            )
            tx.commit()
        return booking_id


class Device:
    """One installation of the app: its own cache file, client id and faulty wire."""

    def __init__(
        self,
        directory: Path,
        name: str,
        server: ServerHandle,
        person: Person,
        *,
        backoff: Backoff | None = None,
        pull_limit: int | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.name = name
        self.person = person
        self.path = directory / f"{name}.sqlite3"
        self.switchboard = Switchboard(server)
        self.api = ApiClient(
            BASE,
            token=person.token,
            device=name,
            transport=self.switchboard,
            retry=RetryPolicy(attempts=2, backoff=Backoff(0.01, 0.02, jitter=1.0)),
        )
        self.store = open_store(self.path) if clock is None else open_store(self.path, clock=clock)
        with self.store.uow() as uow:
            uow.sync_state.update(
                user_id=person.user_id, role=person.role, instructor_id=person.instructor_id
            )
            uow.commit()
        self.engine = SyncEngine(
            self.store,
            self.api,
            backoff=backoff or Backoff(base_seconds=0.05, max_seconds=0.4),
            pull_limit=pull_limit,
        )
        # pulls only when poked or when the outbox's backoff ends (no periodic pull in tests)
        self.scheduler = SyncScheduler(
            self.engine, interval_seconds=3600, clock=clock or (lambda: datetime.now(UTC))
        )
        poke = self.scheduler.poke
        self.availability = AvailabilityService(self.store, on_change=poke)
        self.lessons = LessonService(self.store, on_change=poke)
        self.admin = AdminService(self.store, on_change=poke)
        self.attention = AttentionService(self.store, on_change=poke)
        self.series = SeriesService(self.store, on_change=poke)
        self.messages = MessageService(self.store, on_change=poke)
        self.status = StatusService(self.store)

    @property
    def instructor_id(self) -> str:
        assert self.person.instructor_id is not None
        return self.person.instructor_id

    @property
    def client_id(self) -> str:
        with self.store.read() as uow:
            return uow.sync_state.get().client_id

    def sync(self) -> SyncReport:
        """One sync that must succeed, and the step after it, as the app's scheduler runs them."""
        report = self.engine.sync_once(force_push=True)
        assert report.error is None, report.error
        self.engine.after_sync()
        return report

    def open_count(self) -> int:
        with self.store.read() as uow:
            return uow.outbox.open_count()

    def close(self) -> None:
        self.scheduler.stop()
        self.api.close()
        self.switchboard.close()
        self.store.close()


def wait_until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Poll ``condition`` until it holds; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        pause.wait(0.02)
