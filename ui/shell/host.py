"""The window built for the signed-in role, and built anew when the account changes.

Which window: the role of the account remembered for this server (read from ``session.json``,
without loading the database layer) -- the admin's workspace for an admin, the instructor's
week otherwise (the first run's demo instructor included). When a window learns that another
account signs in (sign in as another account, sign out, or a sign-in form answered by an
admin), the host stops that window's session, builds the window for the new role, starts it,
and only then closes the old one, so the application never runs out of windows.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from instainstru_desktop.config import EMBEDDED, Settings
from instainstru_desktop.sync.remembered import RememberedSignIns
from ui.settings.preferences import Preferences

if TYPE_CHECKING:
    from ui.admin.window import AdminWindow
    from ui.shell.main_window import MainWindow

    Window = MainWindow | AdminWindow

log = logging.getLogger(__name__)


def remembered_role(settings: Settings) -> str | None:
    """The role of the account that signed in last on this server (None: nobody)."""
    return RememberedSignIns(settings.session_path).role(settings.server_url or EMBEDDED)


def build_window(
    role: str | None, settings: Settings, preferences: Preferences, log_path: Path | None
) -> Window:
    """The window for ``role`` (the admin window's modules load only when it is needed)."""
    if role == "admin":
        from ui.admin.window import AdminWindow

        return AdminWindow(settings, preferences, log_path=log_path)
    from ui.shell.main_window import MainWindow

    return MainWindow(settings, preferences, log_path=log_path)


class WindowHost(QObject):
    """Keeps one window on screen, built for the signed-in role."""

    def __init__(
        self, settings: Settings, preferences: Preferences, log_path: Path | None = None
    ) -> None:
        super().__init__()
        self.settings = settings
        self.preferences = preferences
        self.log_path = log_path
        self.window: Window | None = None
        self.built = 0  # windows built so far (tests wait on it)

    def open(self, *, show: bool = True) -> Window:
        """Build the window for the remembered role and start its session."""
        window = build_window(
            remembered_role(self.settings), self.settings, self.preferences, self.log_path
        )
        self.window = window
        self.built += 1
        window.account.switched.connect(self._switch)
        if show:
            window.show()
        window.start()
        return window

    def close(self) -> None:
        if self.window is not None:
            self.window.close()

    def shutdown(self) -> None:
        """After the event loop: stop the current window's background work."""
        if self.window is not None:
            self.window.shutdown()

    @property
    def restart_requested(self) -> bool:
        return self.window is not None and self.window.restart_requested

    def _switch(self) -> None:
        # after the signal's emitter has returned: it belongs to the window being replaced
        QTimer.singleShot(0, self._replace)

    def _replace(self) -> None:
        old = self.window
        if old is None:
            return
        log.info("another account signs in: building the window again")
        self.preferences = old.preferences
        old.shutdown()
        visible = old.isVisible()
        geometry = old.geometry()
        window = self.open(show=False)
        if visible:
            window.setGeometry(geometry)
            window.show()
        old.close()
        old.deleteLater()
