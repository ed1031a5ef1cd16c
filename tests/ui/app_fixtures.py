"""The whole app against a real server: a seeded server on loopback, a main window signed in.

Nothing is mocked on the wire: the window's core talks HTTP (and the event stream) to a real
:class:`EmbeddedServer` on its own SQLite file, and the tests play the student or the network
cable through the same API. Every test gets its own folder, database and port.

The server keeps one fixed port for its whole life so that a stopped and restarted server is
found again at the same URL, as a real one behind a fixed address would be. The port is taken
below the kernel's ephemeral range on purpose: a client retrying a *closed* ephemeral port on
loopback can be given that very port as its own local end and connect to itself (TCP
simultaneous open), which would keep the server from starting again.

The fixtures are registered for the UI tests at the end of ``tests/ui/conftest.py``.
"""

from __future__ import annotations

import random
import socket
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from instainstru_desktop.config import Settings, load_settings
from instainstru_desktop.server.embedded import EmbeddedServer
from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR
from instainstru_desktop.services.views import LessonCard
from instainstru_desktop.sync.api import API_PREFIX
from ui.lessons.lessons_view import Tab
from ui.settings.preferences import Preferences
from ui.shell.main_window import MainWindow

#: The first sign-in downloads the demo studio (a few thousand rows): be generous.
READY_MS = 60_000


def _ephemeral_low() -> int:
    try:
        low, _high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low)
    except (OSError, ValueError):
        return 32768


def free_port() -> int:
    """A loopback port nobody listens on, outside the ephemeral range (see the module doc)."""
    low = _ephemeral_low()
    first = 20_000 if low > 21_000 else 1_024
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randrange(first, low)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its WAL included), through SQLite's backup."""
    src, dest = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dest)
    finally:
        dest.close()
        src.close()


class LiveServer:
    """The demo server on a fixed loopback port: stop it, start it again, read its database.

    ``seeded``: a database with the demo studio already in it, copied instead of seeding again.
    ``settings``: the server's own (``web_pages=True``: a studio server serving student pages).
    """

    def __init__(
        self, directory: Path, port: int, seeded: Path | None = None, **settings: Any
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.db_path = directory / "server.sqlite3"
        if seeded is not None:
            copy_database(seeded, self.db_path)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        # the app under test reaches it as a remote server (--server URL): no per-run secret
        self._server = EmbeddedServer(
            f"sqlite:///{self.db_path}",
            seed_demo=True,
            port=port,
            require_secret=False,
            **settings,
        )
        self._clients: list[httpx.Client] = []

    @property
    def running(self) -> bool:
        return self._server.base_url is not None

    def start(self) -> None:
        base_url = self._server.start()
        assert base_url == self.url, (base_url, self.url)

    def stop(self) -> None:
        if self.running:
            self._server.stop()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the server's own database (the truth a client is compared with)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def add_started_lesson(self, instructor_id: str, start: datetime | None = None) -> str:
        """Write a confirmed lesson that began an hour ago (or at ``start``) straight into the
        server's database.

        The API refuses bookings in the past (and too soon), as it should; this is how a lesson
        that began while nobody marked it comes to exist for a test when the demo data has none.
        """
        from instainstru_desktop.server.core.models import Booking

        [(student_id,)] = self.query("SELECT id FROM users WHERE role = 'student' LIMIT 1")
        [(type_id, price, currency)] = self.query(
            "SELECT id, price_cents, currency FROM lesson_types WHERE instructor_id = ? LIMIT 1",
            instructor_id,
        )
        if start is None:
            start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
        booking_id = str(uuid.uuid4())
        assert self._server.app is not None
        with self._server.app.state.context.uow.write() as tx:
            tx.bookings.insert(
                Booking(
                    id=booking_id,
                    instructor_id=instructor_id,
                    student_id=student_id,
                    lesson_type_id=type_id,
                    start_utc=start,
                    end_utc=start + timedelta(minutes=30),
                    status="confirmed",
                    cancelled_by=None,
                    cancel_reason=None,
                    note="",
                    flagged=False,
                    review_note="",
                    price_cents=price,
                    currency=currency,
                    created_at=start - timedelta(days=3),
                    updated_at=start - timedelta(days=3),
                    version=1,
                )
            )
            tx.commit()
        return booking_id

    def client(self, email: str, password: str) -> httpx.Client:
        """An HTTP client signed in as ``email`` (a student booking, the instructor looking)."""
        http = httpx.Client(base_url=self.url + API_PREFIX, timeout=15.0)
        self._clients.append(http)
        answer = http.post("/auth/token", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        return http

    def close(self) -> None:
        for http in self._clients:
            http.close()
        self.stop()


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo studio seeded once per test process (seeding hashes passwords: seconds)."""
    directory = tmp_path_factory.mktemp("demo-seed")
    seeder = EmbeddedServer(f"sqlite:///{directory / 'seeding.sqlite3'}", seed_demo=True)
    seeder.start()
    seeder.stop()
    template = directory / "demo.sqlite3"
    copy_database(directory / "seeding.sqlite3", template)
    return template


@pytest.fixture
def live_server(tmp_path: Path, demo_database: Path) -> Iterator[LiveServer]:
    """The demo studio, in a database of its own, served on a fixed port of its own."""
    server = LiveServer(tmp_path / "server", free_port(), seeded=demo_database)
    server.start()
    yield server
    server.close()


@dataclass
class Presented:
    """Every failure the window would have shown the person: (title, message) pairs."""

    messages: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, title: str, message: str) -> None:
        self.messages.append((title, message))


@dataclass
class RunningApp:
    """A main window, the settings it runs with and what it presented."""

    window: MainWindow
    settings: Settings
    presented: Presented

    @property
    def instructor_id(self) -> str:
        iid = self.window.session.instructor_id
        assert iid is not None
        return iid


MakeApp = Callable[..., RunningApp]


@pytest.fixture
def make_app(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeApp]:
    """Build main windows (not started) on a profile in tmp_path; all are shut down after."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style_sheet, palette = app.styleSheet(), QPalette(app.palette())
    made: list[RunningApp] = []

    def make(
        server_url: str | None, *, profile: str = "profile", theme: str = "light"
    ) -> RunningApp:
        settings = load_settings(profile=tmp_path / profile, server_url=server_url, environ={})
        # "system" would tie the window to the desktop's colour-scheme signal: tests pick one
        preferences = Preferences.load(settings.config_dir).with_theme(theme)
        window = MainWindow(settings, preferences)
        qtbot.addWidget(window)
        presented = Presented()
        window.ops.set_presenter(presented)
        window.session.failed.connect(presented)
        running = RunningApp(window, settings, presented)
        made.append(running)
        return running

    yield make
    for running in made:
        running.window.close()
        running.window.shutdown()
    app.setStyleSheet(style_sheet)  # the theme is application-wide: leave it as found
    app.setPalette(palette)


def wait_until_shown(qtbot: QtBot, running: RunningApp) -> None:
    """After ``ready``: the week, the lists and the status bar have had their first read."""
    window = running.window
    iid = running.instructor_id

    def first_reads_done() -> bool:
        snapshot = window.week_page.view.snapshot()
        return (
            snapshot is not None
            and snapshot.instructor_id == iid
            and window.notices.seen is not None
            and window.status_bar.status() is not None
            and not window.ops.busy()
        )

    qtbot.waitUntil(first_reads_done, timeout=15_000)


def sign_in(qtbot: QtBot, running: RunningApp) -> RunningApp:
    """Start the window signed in as the demo instructor and wait for its first reads."""
    window = running.window
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.session.ready, timeout=READY_MS):
        # what ``window.start()`` does, with the password the sign-in dialog would ask for
        window.week_page.show_cached()
        window.session.start(DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password)
    wait_until_shown(qtbot, running)
    assert running.presented.messages == []
    return running


@pytest.fixture
def signed_in_app(qtbot: QtBot, live_server: LiveServer, make_app: MakeApp) -> RunningApp:
    """A main window on ``live_server`` ("--server" mode), signed in as the demo instructor."""
    return sign_in(qtbot, make_app(live_server.url))


T = TypeVar("T")


def read_db(qtbot: QtBot, window: MainWindow, fn: Callable[[], T], timeout: int = 10_000) -> T:
    """Run a cache read the way the pages do (on the database executor) and wait for it."""
    got: list[T] = []
    window.ops.run_db(fn, got.append, what="reading for a test")
    qtbot.waitUntil(lambda: bool(got), timeout=timeout)
    return got[0]


def shown_card(window: MainWindow, booking_id: str) -> LessonCard | None:
    """The lesson as the week view has it now (None when it is not in the shown week)."""
    snapshot = window.week_page.view.snapshot()
    if snapshot is None:
        return None
    return next((c for c in snapshot.lessons if c.booking_id == booking_id), None)


def listed_card(window: MainWindow, tab: Tab, booking_id: str) -> LessonCard | None:
    """The lesson as a tab of the lessons page lists it now."""
    model = window.lessons_view.models[tab]
    row = model.row_of(booking_id)
    return model.lesson(row) if row >= 0 else None


def local_day(card: LessonCard, zone: str) -> date:
    return card.start.astimezone(ZoneInfo(zone)).date()
