"""Sign-in to a real server (``--server URL``), built from ``forms/sign_in.ui``."""

from __future__ import annotations

from typing import cast

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget

from ui.forms.loader import load_form


class SignInDialog:
    """Email and password; the dialog stays open until both are filled in."""

    def __init__(self, parent: QWidget | None, server: str, reason: str = "") -> None:
        self.dialog = cast(QDialog, load_form("sign_in", parent))
        self.email = cast(QLineEdit, self.dialog.findChild(QLineEdit, "email"))
        self.password = cast(QLineEdit, self.dialog.findChild(QLineEdit, "password"))
        self.buttons = cast(QDialogButtonBox, self.dialog.findChild(QDialogButtonBox, "buttons"))
        server_label = cast(QLabel, self.dialog.findChild(QLabel, "server"))
        reason_label = cast(QLabel, self.dialog.findChild(QLabel, "reason"))
        server_label.setText(f"Server: <b>{server}</b>" if server else "")
        reason_label.setText(reason)
        reason_label.setVisible(bool(reason))
        reason_label.setProperty("role", "subtitle")
        heading = cast(QLabel, self.dialog.findChild(QLabel, "heading"))
        heading.setProperty("role", "title")
        self.dialog.setMinimumWidth(420)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Sign in")
        self.buttons.accepted.connect(self.dialog.accept)
        self.buttons.rejected.connect(self.dialog.reject)
        self.email.textChanged.connect(self._update)
        self.password.textChanged.connect(self._update)
        self._update()
        self.dialog.adjustSize()  # as tall as its content: no gaps between the lines

    def _update(self) -> None:
        filled = "@" in self.email.text() and bool(self.password.text())
        self.ok.setEnabled(filled)

    def credentials(self) -> tuple[str, str]:
        return self.email.text().strip(), self.password.text()

    @classmethod
    def ask(cls, parent: QWidget | None, server: str, reason: str = "") -> tuple[str, str] | None:
        """Show the form; (email, password), or None when the person cancels."""
        form = cls(parent, server, reason)
        try:
            if form.dialog.exec() == QDialog.DialogCode.Accepted:
                return form.credentials()
            return None
        finally:
            form.dialog.deleteLater()
