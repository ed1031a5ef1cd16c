"""The signed-in session as the views see it: the core behind a few Qt signals.

The sync scheduler and the live stream run on threads of their own; they report through this
object's signals, which Qt queues to the UI thread, so no view is ever touched from a worker.
Starting, signing in and stopping run on the network executor of :mod:`ui.ops`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from instainstru_desktop.config import Settings
from ui.ops import Ops

if TYPE_CHECKING:
    from instainstru_desktop.bootstrap import Core, Services
    from ui.shell.startup import Started

log = logging.getLogger(__name__)


class Session(QObject):
    """Owns the running core (and embedded server); tells the views when data changed."""

    ready = Signal()  # the core is up: views may read
    synced = Signal(object)  # a SyncReport, after every background or manual sync
    signInNeeded = Signal(str)  # noqa: N815 - reason to show above the sign-in form
    failed = Signal(str, str)  # title, message: the core could not start

    def __init__(self, settings: Settings, ops: Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.ops = ops
        self._started: Started | None = None

    # -- state ------------------------------------------------------------------------------

    @property
    def is_ready(self) -> bool:
        return self._started is not None

    @property
    def core(self) -> Core:
        if self._started is None:
            raise RuntimeError("the session is not started yet")
        return self._started.core

    @property
    def services(self) -> Services:
        return self.core.services

    @property
    def instructor_id(self) -> str | None:
        return self.core.identity.instructor_id if self._started else None

    def now(self) -> datetime:
        """The server's time as best known: this computer's clock corrected by the skew the
        last sync measured (kept across restarts), so the now-line and "has it started" agree
        with the server even when this computer's clock is off."""
        if self._started is None:
            return datetime.now(UTC)
        return self._started.core.store.server_clock.now()

    # -- life cycle -------------------------------------------------------------------------

    def start(self, email: str | None = None, password: str | None = None) -> None:
        """Bring the core up off the UI thread; ``ready``, ``signInNeeded`` or ``failed`` follow."""
        from ui.shell import startup

        synced = self.synced

        def report(sync_report: Any) -> None:  # called on the sync thread
            try:
                synced.emit(sync_report)
            except RuntimeError:  # the window closed before the sync thread stopped
                log.debug("a sync ended after its window closed: report dropped")

        def work() -> Started:
            if self.settings.embedded:
                started = startup.start_embedded(self.settings, email, password, on_report=report)
            else:
                started = startup.start_remote(self.settings, email, password, on_report=report)
            startup.first_download(started)
            startup.read_zone_list()
            return started

        self.ops.run_net(work, self._on_started, self._on_start_failed, what="starting up")

    def _on_started(self, started: Started) -> None:
        self._started = started
        started.core.start()
        self.ready.emit()

    def _on_start_failed(self, exc: BaseException) -> None:
        from instainstru_desktop.sync.errors import ForeignAnswer, Offline, Unauthenticated
        from instainstru_desktop.sync.sign_in import SignInRequiredError
        from ui.ops import describe_error

        if isinstance(exc, SignInRequiredError):
            self.signInNeeded.emit(exc.message)
            return
        if isinstance(exc, Unauthenticated):
            self.signInNeeded.emit("That email and password did not match. Please try again.")
            return
        if isinstance(exc, ForeignAnswer) and not self.settings.embedded:
            self.signInNeeded.emit(
                f"{exc.explanation} Open any web page to sign in to the network, or check the "
                "address; then sign in here again."
            )
            return
        if isinstance(exc, Offline) and not self.settings.embedded:
            # Only a first sign-in gets here (a remembered one starts offline on its cache): there
            # is nothing to show yet, so the sign-in form, with the reason, is the way to retry.
            self.signInNeeded.emit(
                f"The server at {self.settings.server_url} cannot be reached right now. Check "
                "the address and your connection, then sign in again."
            )
            return
        log.error("start-up failed", exc_info=exc)
        title, message = describe_error(exc, "starting up")
        self.failed.emit(title, message)

    def remember_account(
        self,
        email: str,
        password: str,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        """Check another account's password with the server this session talks to and keep
        it as the next start's sign-in (``on_done`` gets its identity); this session goes on."""
        from instainstru_desktop.bootstrap import remember_sign_in

        started = self._started
        if started is None:
            raise RuntimeError("the session is not started yet")
        headers = started.server.access_headers if started.server is not None else None
        settings, base_url = self.settings, started.base_url
        self.ops.run_net(
            lambda: remember_sign_in(settings, base_url, email, password, headers=headers),
            on_done,
            on_failed,
            what="signing in",
        )

    def sync_now(self, on_done: Callable[[Any], None] | None = None) -> None:
        """One sync on the network executor; its report also goes out through ``synced``."""
        if self._started is None:
            return
        core = self._started.core

        def done(report: Any) -> None:
            self.synced.emit(report)
            if on_done is not None:
                on_done(report)

        self.ops.run_net(core.sync_now, done, what="syncing")

    def stop(self) -> None:
        """Stop syncing and the embedded server; blocking, called once at exit."""
        started, self._started = self._started, None
        if started is not None:
            try:
                started.close()
            except Exception:
                log.exception("error while shutting down")
