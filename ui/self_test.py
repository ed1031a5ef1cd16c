"""``instainstru --self-test``: prove an installation works, without a person watching.

Offscreen, in a throw-away profile: start the core (the embedded server unless ``--server``),
sync once, load and paint the week, and exit 0 — or print what failed and exit 1. Installers
and CI run it; it checks the parts a broken install breaks (Qt plugins, SQLite, the bundled
server, time zone data) rather than business rules, which the test suite covers.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

TIMEOUT_MS = 90_000


class SelfTest:
    """Drives the main window through start, sync and paint; records the first failure."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.code = 1
        self.steps: list[str] = []
        session = window.session
        session.ready.connect(self._on_ready)
        session.failed.connect(lambda title, message: self._fail(f"{title}: {message}"))
        session.signInNeeded.connect(
            lambda reason: self._fail(f"sign-in needed ({reason}); the self-test cannot sign in")
        )
        window.ops.set_presenter(lambda title, message: self._fail(f"{title}: {message}"))

    def _step(self, text: str) -> None:
        self.steps.append(text)
        print(f"self-test: {text}", flush=True)

    def _fail(self, reason: str) -> None:
        print(f"self-test FAILED: {reason}", file=sys.stderr, flush=True)
        self.code = 1
        QApplication.exit(1)

    def _on_ready(self) -> None:
        self._step("core started and signed in")
        self.window.session.sync_now(self._on_synced)

    def _on_synced(self, report: Any) -> None:
        if not getattr(report, "ok", False):
            self._fail(f"sync failed: {getattr(report, 'error', report)}")
            return
        self._step(f"synced ({getattr(report, 'rows', 0)} rows)")
        self.window.week_page.reload(self._on_week)

    def _on_week(self, snapshot: Any) -> None:
        self.window.resize(1280, 820)
        image = self.window.grab().toImage()
        if image.isNull() or image.width() < 100:
            self._fail("the window could not be painted")
            return
        days = len(snapshot.days)
        self._step(f"painted the week of {snapshot.week_start} ({days} days, "
                   f"{len(snapshot.lessons)} lessons)")
        if days != 7:
            self._fail(f"the week has {days} days")
            return
        self.code = 0
        QApplication.exit(0)

    def run(self, app: QApplication) -> int:
        QTimer.singleShot(TIMEOUT_MS, lambda: self._fail("timed out after 90 s"))
        result = app.exec()
        return 0 if result == 0 and self.code == 0 else 1
