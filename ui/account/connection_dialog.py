"""“Connect to a server”: the built-in server, or an InstaInstru server at an address.

``ConnectionDialog.ask(parent, current, tester)`` answers in the convention of
``Identity.server``:

- ``None``: the person cancelled; nothing changes;
- :data:`BUILT_IN` (``"embedded"``, the same word as ``instainstru_desktop.config.EMBEDDED``):
  the server bundled with the app, on this computer;
- otherwise the server's base URL, already normalized by :func:`ui.cli.normalize_server_url`
  (so it always starts with ``http://`` or ``https://`` and can never be mistaken for the
  word above).

"Test connection" asks ``GET {url}/api/v1/meta`` through the injected *tester* on a thread of
its own, so the window never waits on the network; tests pass a tester aimed at a real server on
loopback. The answer comes back on the UI thread through a queued signal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal
from urllib.parse import urlsplit

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop import PROTOCOL_VERSION
from ui.appearance import icons
from ui.appearance.theme import DARK, LIGHT, Palette
from ui.cli import UsageError, normalize_server_url
from ui.forms.loader import form_child, load_form

#: What :meth:`ConnectionDialog.ask` answers for the server bundled with the app.
BUILT_IN: Final = "embedded"
ServerChoice = Literal["embedded"] | str
#: Asks a server who it is: ``GET {base_url}/api/v1/meta``; returns the JSON body, raises on
#: any failure (the dialog turns the exception into a sentence).
ServerTester = Callable[[str], Mapping[str, Any]]
TEST_TIMEOUT_SECONDS = 5.0


def fetch_meta(base_url: str) -> Mapping[str, Any]:
    """The default tester: one ``GET /api/v1/meta`` with a short timeout and no retries."""
    from instainstru_desktop.sync.api import ApiClient, RetryPolicy

    with ApiClient(base_url, timeout=TEST_TIMEOUT_SECONDS, retry=RetryPolicy(attempts=1)) as api:
        return api.meta()


def server_label(server: str | None) -> str:
    """How the settings name a server: "Built-in (this computer)" or its address."""
    return "Built-in (this computer)" if server in (None, "", BUILT_IN) else str(server)


def palette_in_use() -> Palette:
    """The palette matching what the application shows now (dialogs tint their notes with it)."""
    window = QApplication.palette().color(QPalette.ColorRole.Window)
    return DARK if window.lightness() < 128 else LIGHT


def sharpen_controls(root: QWidget, palette: Palette) -> None:
    """Make the edges of inputs and check marks visible on a dark window.

    Fusion draws frames and indicators in ``Window.darker(140)``, which on a dark window is
    nearly black on nearly black; a lighter Window colour on the controls alone (they never
    paint their own background with it) gives them a visible edge.
    """
    if not palette.dark:
        return
    for kind in (QAbstractSpinBox, QComboBox, QCheckBox, QRadioButton):
        for control in root.findChildren(kind):
            own = control.palette()
            own.setColor(QPalette.ColorRole.Window, QColor(palette.text_disabled).lighter(115))
            control.setPalette(own)


def describe_meta(meta: object, host: str) -> tuple[bool, str]:
    """(connected, sentence) for the answer of a tester."""
    if not isinstance(meta, Mapping) or not meta.get("server_version"):
        return False, f"{host} answered, but it does not look like an InstaInstru server."
    version = str(meta["server_version"])
    protocol = meta.get("protocol_version")
    if isinstance(protocol, int) and protocol < PROTOCOL_VERSION:
        return True, (
            f"Connected — server {version}, older than this app expects. Syncing may fail "
            "until the server is updated."
        )
    return True, f"Connected — server {version}"


def describe_failure(error: BaseException, host: str) -> str:
    """A sentence for a failed test, naming what the person can check."""
    from instainstru_desktop.sync.errors import ApiError, ForeignAnswer, Offline, UpdateRequired

    if isinstance(error, ForeignAnswer):
        return f"{host} answered, but it does not look like an InstaInstru server."
    if isinstance(error, Offline):
        return (
            f"No server answered at {host} ({_why_offline(error)}). Check the address, and that "
            "the server is running."
        )
    if isinstance(error, UpdateRequired):
        return f"The server at {host} needs a newer version of this app. {error.message}"
    if isinstance(error, ApiError):
        if error.status == 404:
            return f"{host} answered, but it does not look like an InstaInstru server."
        return f"The server at {host} answered with an error: {error.message}"
    if isinstance(error, ValueError):  # a web page instead of JSON
        return f"{host} answered, but it does not look like an InstaInstru server."
    return f"The test failed: {error}"


def _why_offline(error: BaseException) -> str:
    import httpx

    cause = error.__cause__
    if isinstance(cause, httpx.TimeoutException):
        return f"no answer within {TEST_TIMEOUT_SECONDS:g} seconds"
    text = str(cause).lower()
    if "refused" in text:
        return "the connection was refused"
    if "name" in text or "getaddrinfo" in text or "resolve" in text:
        return "the host name is unknown"
    return "the connection failed"


class _Probe(QObject):
    """Carries one test's answer from its thread to the UI thread.

    It is parented to the application, not to the dialog: the dialog may close while the test
    still runs, and the thread must never emit on a deleted object. It deletes itself (on the
    UI thread) once its answer is delivered.
    """

    finished = Signal(int, object, object)  # test number, meta or None, error or None


class ConnectionDialog(QDialog):
    """Pick the built-in server or a server address; test it before connecting."""

    #: After every finished test, on the UI thread: (connected, the sentence shown).
    testFinished = Signal(bool, str)  # noqa: N815 - Qt signal

    def __init__(
        self,
        parent: QWidget | None = None,
        current: str | None = None,
        tester: ServerTester = fetch_meta,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to a server")
        self.setObjectName("connectionDialog")
        self.setMinimumWidth(520)
        self._tester = tester
        self._test_number = 0
        self._testing = False
        self._palette = palette_in_use()
        self.form = load_form("connection", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(self.form)
        self.built_in: QRadioButton = self._child(QRadioButton, "builtIn")
        self.remote: QRadioButton = self._child(QRadioButton, "remote")
        self.url: QLineEdit = self._child(QLineEdit, "url")
        self.test_button: QPushButton = self._child(QPushButton, "testButton")
        self.url_hint: QLabel = self._child(QLabel, "urlHint")
        self.status: QLabel = self._child(QLabel, "status")
        self.status_icon: QLabel = self._child(QLabel, "statusIcon")
        self.buttons: QDialogButtonBox = self._child(QDialogButtonBox, "buttons")
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Connect")
        self.ok.setDefault(True)
        self._style()
        sharpen_controls(self, self._palette)
        if current in (None, "", BUILT_IN):
            self.built_in.setChecked(True)
        else:
            self.remote.setChecked(True)
            self.url.setText(str(current))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.built_in.toggled.connect(self._update)
        self.url.textEdited.connect(lambda _text: self.remote.setChecked(True))
        self.url.textChanged.connect(self._url_changed)
        self.test_button.clicked.connect(self.test_connection)
        self._set_status("", "")
        self._update()

    def _child(self, kind: type[Any], name: str) -> Any:
        return form_child(self.form, kind, name)

    def _style(self) -> None:
        p = self._palette
        self._child(QLabel, "heading").setProperty("role", "title")
        for name in ("intro", "builtInNote"):
            self._child(QLabel, name).setProperty("role", "subtitle")
        self.url_hint.setProperty("role", "error")
        self.setStyleSheet(
            f"""
            QLabel#status[tone="success"] {{ color: {p.success}; }}
            QLabel#status[tone="error"] {{ color: {p.error}; }}
            QLabel#status[tone="busy"] {{ color: {p.text_secondary}; }}
            QPushButton[default="true"]:disabled {{
                background: {p.surface}; border-color: {p.border}; color: {p.text_disabled};
            }}
            """
        )

    # -- state ------------------------------------------------------------------------------

    def url_problem(self) -> str | None:
        """Why the address cannot be used (None: it can), as :func:`normalize_server_url` says."""
        try:
            normalize_server_url(self.url.text())
        except UsageError as error:
            return str(error)
        return None

    def choice(self) -> ServerChoice:
        """:data:`BUILT_IN` or the normalized address; only valid while OK is enabled."""
        if self.built_in.isChecked():
            return BUILT_IN
        return normalize_server_url(self.url.text())

    def _host(self) -> str:
        try:
            return str(urlsplit(normalize_server_url(self.url.text())).netloc)
        except UsageError:
            return self.url.text().strip()

    def _url_changed(self) -> None:
        self._test_number += 1  # an answer about the old address no longer applies
        self._testing = False
        self._set_status("", "")
        self._update()

    def _update(self) -> None:
        remote = self.remote.isChecked()
        problem = self.url_problem() if remote else None
        typed = bool(self.url.text().strip())
        self.url_hint.setText(problem if problem and typed else "")
        self.url_hint.setVisible(bool(problem and typed))
        self.ok.setEnabled(not remote or problem is None)
        self.test_button.setEnabled(remote and problem is None and not self._testing)
        self.test_button.setText("Testing…" if self._testing else "&Test connection")

    def _set_status(self, tone: str, text: str) -> None:
        self.status.setText(text)
        self.status.setProperty("tone", tone)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        icon_name = {"success": "check", "error": "warning", "busy": "clock"}.get(tone)
        role = {"success": "success", "error": "error"}.get(tone, "text_secondary")
        if icon_name:
            pixmap = icons.icon(icon_name, self._palette, role).pixmap(16, 16)
            self.status_icon.setPixmap(pixmap)
        else:
            self.status_icon.clear()
        self.status.setVisible(bool(text))
        self.status_icon.setVisible(bool(text))

    # -- testing ----------------------------------------------------------------------------

    def test_connection(self) -> None:
        """Ask the server at the address who it is, off the UI thread."""
        if not self.remote.isChecked() or self.url_problem() is not None:
            return
        url = normalize_server_url(self.url.text())
        self._test_number += 1
        number = self._test_number
        self._testing = True
        self._set_status("busy", f"Contacting {self._host()}…")
        self._update()
        app = QCoreApplication.instance()
        probe = _Probe(app)
        probe.finished.connect(self._on_tested)
        probe.finished.connect(probe.deleteLater)
        tester = self._tester

        def work() -> None:
            try:
                meta: object = tester(url)
            except Exception as error:  # every failure is shown as a sentence
                probe.finished.emit(number, None, error)
            else:
                probe.finished.emit(number, meta, None)

        threading.Thread(target=work, name="instainstru-server-test", daemon=True).start()

    @Slot(int, object, object)
    def _on_tested(self, number: int, meta: object, error: object) -> None:
        if number != self._test_number:
            return  # the address changed meanwhile
        self._testing = False
        host = self._host()
        if isinstance(error, BaseException):
            connected, text = False, describe_failure(error, host)
        else:
            connected, text = describe_meta(meta, host)
        self._set_status("success" if connected else "error", text)
        self._update()
        self.testFinished.emit(connected, text)

    # -- asking -----------------------------------------------------------------------------

    def accept(self) -> None:
        if self.ok.isEnabled():
            super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        current: str | None,
        tester: ServerTester = fetch_meta,
    ) -> ServerChoice | None:
        """Show the dialog; ``None`` (cancelled), :data:`BUILT_IN`, or a normalized URL.

        ``current`` is where the app is connected now: ``None`` or :data:`BUILT_IN` for the
        built-in server, else its URL.
        """
        dialog = cls(parent, current, tester)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.choice()
            return None
        finally:
            dialog.deleteLater()
