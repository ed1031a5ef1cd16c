"""The ``instainstru`` command as a person or an installer runs it; a server that is not there.

``--self-test`` and the option errors run the real entry point in a child process, with its
home and XDG folders in tmp_path so that nothing of the machine's own profile is read or
written. A well-formed but unreachable server is tried in-process, where the window's sign-in
request and error messages can be looked at.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from instainstru_desktop.server.seed.demo import DEMO_INSTRUCTOR
from tests.ui.app_fixtures import MakeApp, free_port
from ui.account.sign_in import SignInDialog

REPO = Path(__file__).resolve().parents[2]


def run_app(
    tmp_path: Path, *args: str, timeout: float = 120, wrapper: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """The real entry point in a child process (``wrapper``: a command that runs it)."""
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "runtime"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    for name in ("INSTAINSTRU_PROFILE", "INSTAINSTRU_SERVER_URL"):
        env.pop(name, None)
    (tmp_path / "runtime").mkdir(mode=0o700, exist_ok=True)
    return subprocess.run(
        [*wrapper, sys.executable, "-m", "ui.app", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow
def test_self_test_starts_syncs_paints_and_exits_0(tmp_path: Path) -> None:
    done = run_app(tmp_path, "--self-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    painted = [line for line in done.stdout.splitlines() if "painted the week" in line]
    assert len(painted) == 1, done.stdout
    assert "(7 days" in painted[0]
    assert not (tmp_path / "home" / ".local" / "share" / "InstaInstru").exists(), (
        "the self-test must not write into the person's own data folder"
    )


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("ftp://nowhere", "http:// or https://"),
        ("http://", "no host name"),
        ("localhost:99999", "between 1 and 65535"),
    ],
)
def test_a_bad_server_address_ends_in_one_sentence_and_exit_code_2(
    tmp_path: Path, address: str, says: str
) -> None:
    done = run_app(tmp_path, "--server", address, timeout=30)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("instainstru: ")
    assert address in lines[0]
    assert says in lines[0]
    assert done.stdout == ""


def test_an_unreachable_server_asks_again_with_the_reason_never_a_traceback(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, make_app: MakeApp
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # well formed, nobody listening
    app = make_app(url)
    window = app.window
    asked: list[tuple[str, str]] = []

    def answer(_parent: object, server: str, reason: str = "") -> tuple[str, str] | None:
        asked.append((server, reason))
        # first the person types the demo password; told the server is unreachable, gives up
        return (DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password) if len(asked) == 1 else None

    monkeypatch.setattr(SignInDialog, "ask", answer)
    window.show()
    qtbot.waitExposed(window)
    window.start()  # nothing remembered: the window asks who is signing in, then tries
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=30_000)
    assert asked[0] == (url, "Please sign in.")
    server, reason = asked[1]
    assert server == url
    assert reason.startswith(f"The server at {url} cannot be reached right now.")
    notice = window.status_label.text()
    assert notice == "Not signed in: your saved week is shown read-only."
    for text in (reason, notice):
        assert "Traceback" not in text
        assert "Error" not in text  # no exception class names
    assert app.presented.messages == []
    assert not window.session.is_ready
    assert window.week_page.view.snapshot() is None  # nothing to show, and nothing made up


def test_a_sign_in_refused_by_the_person_leaves_a_read_only_notice(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, make_app: MakeApp
) -> None:
    app = make_app(f"http://127.0.0.1:{free_port()}")
    window = app.window
    asked: list[str] = []
    monkeypatch.setattr(
        SignInDialog, "ask", lambda _parent, _server, reason="": asked.append(reason)
    )
    window.start()
    qtbot.waitUntil(lambda: bool(asked), timeout=15_000)
    assert window.status_label.text() == "Not signed in: your saved week is shown read-only."
    assert app.presented.messages == []


class _SignInPage(BaseHTTPRequestHandler):
    """A network's sign-in page: every address, every method, the same HTML and a 200."""

    def _answer(self) -> None:
        body = b"<!doctype html><title>Train Wi-Fi</title><p>Accept the terms to go online.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # the name http.server calls
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def wifi_sign_in_page() -> Iterator[str]:
    """The address of a real HTTP server on loopback that answers like a Wi-Fi portal."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SignInPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_wifi_sign_in_page_answering_for_the_server_is_named_in_words(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, make_app: MakeApp, wifi_sign_in_page: str
) -> None:
    app = make_app(wifi_sign_in_page)
    window = app.window
    asked: list[str] = []
    shown_meanwhile: list[str] = []

    def answer(_parent: object, _server: str, reason: str = "") -> tuple[str, str] | None:
        asked.append(reason)
        shown_meanwhile.append(window.status_label.text())
        return (DEMO_INSTRUCTOR.email, DEMO_INSTRUCTOR.password) if len(asked) == 1 else None

    monkeypatch.setattr(SignInDialog, "ask", answer)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=30_000)
    reason = asked[1]
    host = wifi_sign_in_page.removeprefix("http://")
    assert reason.startswith(f"Something other than the InstaInstru server answered at {host}")
    assert "Wi-Fi network that asks you to sign in" in reason
    assert "Traceback" not in reason
    assert "Error" not in reason
    assert app.presented.messages == []
    assert not window.session.is_ready
    assert shown_meanwhile == ["Waiting for you to sign in…"] * 2
    assert window.status_label.text() == "Not signed in: your saved week is shown read-only."
