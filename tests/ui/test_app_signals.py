"""Ctrl+C in the terminal (SIGINT) and a plain ``kill`` (SIGTERM) close the app quietly.

The real entry point runs in a child process, offscreen, in a throw-away profile. Without a
handler, Python raises ``KeyboardInterrupt`` inside whatever Qt slot runs next: a traceback on
the terminal, and the app keeps running; SIGTERM ends it at once, without the clean shutdown.
The app closes its window as the Quit action does and exits with the shell's code for the
signal (128 + its number: 130 for Ctrl+C, 143 for SIGTERM), saying nothing on stderr.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a child process's visible effect (it has no Qt signal to wait on from here)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def start_app(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    for name in ("INSTAINSTRU_PROFILE", "INSTAINSTRU_SERVER_URL"):
        env.pop(name, None)
    profile = tmp_path / "profile"
    app = subprocess.Popen(
        [sys.executable, "-m", "ui.app", "--profile", str(profile)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return app, profile / "data" / "logs" / "instainstru.log"


def started(log: Path) -> bool:
    return log.exists() and "embedded server at" in log.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sent", "code"),
    [
        pytest.param(signal.SIGINT, 130, id="SIGINT"),
        pytest.param(signal.SIGTERM, 143, id="SIGTERM"),
    ],
)
def test_a_signal_closes_the_app_quietly_with_the_shell_code(
    tmp_path: Path, sent: signal.Signals, code: int
) -> None:
    app, log = start_app(tmp_path)
    try:
        wait_for(lambda: started(log) or app.poll() is not None, 120, "the app to start")
        assert app.poll() is None, app.communicate()
        app.send_signal(sent)
        _out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == code, err
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    assert "closing (interrupted by" in log.read_text(encoding="utf-8")


EARLY = """
import os, signal, sys
from PySide6.QtWidgets import QApplication, QWidget
from ui.quit_signals import QuitOnSignals, hold

hold()
os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C while the app is still loading
app = QApplication([])
window = QWidget()
window.show()
quitting = QuitOnSignals(app, window.close)
code = app.exec()
quitting.stop()
print(code, window.isVisible())
"""


def test_ctrl_c_while_loading_is_acted_on_once_the_window_exists() -> None:
    done = subprocess.run(
        [sys.executable, "-c", EARLY],
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["130", "False"]
    assert "Traceback" not in done.stderr
