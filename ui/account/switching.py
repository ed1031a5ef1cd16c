"""Signing in as another account and signing out, from the File menu of every window.

Both end the same way: who signs in next is remembered, and ``switched`` asks the window host
to build the window again, for that account's role (an admin's workspace, an instructor's week).
The running session is never switched under its own sync: another account's password is
checked with a client of its own, and only then is the window built anew.

On the built-in server the form names the demo accounts, so the demo admin is one sign-in away
without ``--server``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox

if TYPE_CHECKING:
    from instainstru_desktop.config import Settings
    from ui.shell.session import Session

#: The role each kind of window is built for.
ADMIN = "admin"


def demo_hint() -> str:
    """The demo accounts of the built-in server, in a sentence."""
    from ui.embedded import demo_accounts

    parts = [f"{who} {email} (password {password})" for who, email, password in demo_accounts()]
    return "Demo accounts on this built-in server: " + "; ".join(parts) + "."


class AccountFlow(QObject):
    """Sign in as another account, sign out; ``switched`` when the next account is known."""

    switched = Signal()

    def __init__(self, window: QMainWindow, session: Session, settings: Settings) -> None:
        super().__init__(window)
        self._window = window
        self._session = session
        self._settings = settings

    # -- asking -------------------------------------------------------------------------------

    def ask_credentials(self, reason: str = "") -> tuple[str, str] | None:
        """Show the sign-in form (naming the demo accounts on the built-in server)."""
        server = self._settings.server_url or ""
        if not server:
            reason = f"{reason}\n{demo_hint()}".strip()
        from ui.account.sign_in import SignInDialog  # its form loads when first asked for

        return SignInDialog.ask(self._window, server, reason)

    def sign_in_as_another(self) -> None:
        """Ask who, check the password with the server, then build the window for them."""
        credentials = self.ask_credentials("Sign in as another account.")
        if credentials is None:
            return
        if not self._session.is_ready:
            self._session.start(*credentials)  # no session to keep: start with them
            return
        self._session.remember_account(
            *credentials, on_done=lambda _identity: self.switched.emit(), on_failed=self._refused
        )

    def _refused(self, error: BaseException) -> None:
        from instainstru_desktop.sync.errors import Unauthenticated

        if isinstance(error, Unauthenticated):
            QMessageBox.warning(
                self._window,
                "Not signed in",
                "That email and password did not match. You are still signed in as before.",
            )
            return
        self._session.ops.present(error, "signing in")

    def sign_out(self) -> None:
        """Forget the sign-in on this computer (the cache and unsent changes stay)."""
        from instainstru_desktop.bootstrap import sign_out

        if not self._session.is_ready:
            return
        identity = self._session.core.identity
        answer = QMessageBox.question(
            self._window,
            "Sign out?",
            f"Sign out {identity.name or identity.email} on this computer? Changes not sent yet "
            "stay here and are sent when this account signs in again.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        settings = self._settings
        self._session.ops.run_db(
            lambda: sign_out(settings, identity),
            lambda _none: self.switched.emit(),
            what="signing out",
        )

    # -- after start-up -----------------------------------------------------------------------

    def check_role(self, role: str, built_for_admin: bool) -> bool:
        """Whether the window fits the signed-in role; if not, ask for the right one."""
        fits = (role == ADMIN) == built_for_admin
        if not fits:
            self.switched.emit()
        return fits


def role_of(window: Any) -> str:
    """The role a window was built for (the host's bookkeeping)."""
    return ADMIN if getattr(window, "is_admin_window", False) else "instructor"
