"""``scripts/dev`` as a newcomer meets it: no Python, no root, no python3-venv, no display.

Each test runs the script in a throw-away checkout with a PATH of its own (see
:mod:`tests.setup.sandbox`): nothing is installed on this machine and nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.setup.sandbox import PACKAGES, REPO, Sandbox, make_sandbox

QT_PACKAGES = (
    "libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 fonts-dejavu-core "
    "xvfb xauth libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 "
    "libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1"
)
needs_xvfb = pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xauth") and shutil.which("mcookie")),
    reason="Xvfb, xauth and mcookie are installed by scripts/dev setup on Debian",
)


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return make_sandbox(tmp_path)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a child process's visible effect (there is no event to wait on from here)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def processes_mentioning(text: str) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in args:
            found.append(args)
    return found


# -- Python first -----------------------------------------------------------------------------


def test_without_python_nothing_is_installed_and_the_message_is_one_clean_sentence(
    sandbox: Sandbox,
) -> None:
    sandbox.without("python3")
    done = sandbox.run("setup", FAKE_MISSING="all")
    assert done.returncode == 1
    assert "command not found" not in done.stderr
    assert "Python 3.11 or newer is needed, and there is no 'python3' here" in done.stderr
    assert "apt-get install python3 python3-venv" in done.stderr
    assert sandbox.called("apt-get") == []  # the Qt libraries wait until Python is there


def test_an_old_python_is_named_with_its_version(sandbox: Sandbox) -> None:
    done = sandbox.run("run", FAKE_PYTHON="old", FAKE_MISSING="all")
    assert done.returncode == 1
    assert f"{sandbox.bin / 'python3'} is Python 3.9.2" in done.stderr
    assert sandbox.called("apt-get") == []


# -- system packages ----------------------------------------------------------------------------


def test_without_root_or_sudo_it_stops_with_the_exact_command_to_run_as_root(
    sandbox: Sandbox,
) -> None:
    done = sandbox.run("run", FAKE_UID="1000", FAKE_MISSING="all")
    assert done.returncode == 1
    assert (
        f"apt-get update && apt-get install -y --no-install-recommends {QT_PACKAGES}" in done.stderr
    )
    assert "run that as root, then run this command again" in done.stderr
    assert sandbox.called("apt-get") == []
    assert sandbox.called("instainstru") == []  # no ImportError from deep inside Qt
    assert not sandbox.venv.exists()


def test_only_the_missing_packages_are_named(sandbox: Sandbox) -> None:
    done = sandbox.run("setup", FAKE_UID="1000", FAKE_MISSING="xvfb libxcb-cursor0")
    assert done.returncode == 1
    assert "apt-get install -y --no-install-recommends xvfb libxcb-cursor0\n" in done.stderr


def test_as_root_the_missing_packages_are_installed(sandbox: Sandbox) -> None:
    done = sandbox.run("setup", FAKE_MISSING="xvfb")
    assert done.returncode == 0, done.stderr
    assert sandbox.called("apt-get") == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends xvfb",
    ]


# -- the virtual environment --------------------------------------------------------------------


def test_without_python3_venv_the_half_made_environment_is_removed(sandbox: Sandbox) -> None:
    done = sandbox.run("setup", FAKE_PYTHON="no-venv")
    assert done.returncode == 1
    assert "ensurepip is not" in done.stdout + done.stderr  # Debian's own words are shown
    assert "it needs python3-venv; as root:" in done.stderr
    assert "apt-get install python3-venv" in done.stderr
    assert not sandbox.venv.exists()  # so that the next run starts afresh


def test_a_half_made_environment_is_made_again(sandbox: Sandbox) -> None:
    # what an interrupted set-up or Debian without python3-venv leaves: a python, no pip
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(sandbox.venv)], check=True)
    done = sandbox.run("setup")
    assert done.returncode == 0, done.stderr
    assert "is incomplete (an earlier set-up stopped half way): making it again" in done.stderr
    assert sandbox.called("python3")[-1] == f"python3 -m venv {sandbox.venv}"
    installs = [c for c in sandbox.called("python") if "-m pip install" in c]
    assert any(f"-e {sandbox.checkout}[test]" in c for c in installs)


def test_a_folder_that_is_not_an_environment_is_left_alone(sandbox: Sandbox) -> None:
    sandbox.venv.mkdir()
    (sandbox.venv / "notes.txt").write_text("mine")
    done = sandbox.run("setup")
    assert done.returncode == 1
    assert "is not a virtual environment" in done.stderr
    assert (sandbox.venv / "notes.txt").read_text() == "mine"


def test_run_after_setup_installs_nothing_more(sandbox: Sandbox) -> None:
    assert sandbox.run("setup").returncode == 0
    before = len(sandbox.called("python"))
    done = sandbox.run("run", QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert len(sandbox.called("python")) == before  # the test install holds the app's needs
    assert len(sandbox.called("instainstru")) == 1


# -- pip's progress -----------------------------------------------------------------------------


def run_on_a_terminal(sandbox: Sandbox, *args: str) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal, as in a person's shell; what the terminal got."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        sandbox.command(*args),
        env=sandbox.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal's other end closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode().replace("\r\n", "\n")


def test_the_first_install_shows_pip_progress_on_one_line_of_the_terminal(
    sandbox: Sandbox,
) -> None:
    code, screen = run_on_a_terminal(sandbox, "setup")
    assert code == 0, screen
    updates = screen.split("\r\x1b[K")
    assert len(updates) > len(PACKAGES)  # the line changes with every package pip collects
    assert f"  collecting {len(PACKAGES)}: {PACKAGES[-1]}" in updates
    assert "  downloading PySide6_Essentials-1.0-py3-none-any.whl (95.1 MB)" in updates
    assert any(u.startswith(f"  installing {len(PACKAGES)} packages") for u in updates)
    assert all(len(u.split("\n")[0]) < 80 for u in updates[1:])  # never wider than the terminal
    # yet the terminal keeps only the script's own lines: pip's 130 lines went to the log
    kept = [line for line in screen.split("\n") if line.strip()]
    assert len(kept) <= 4, kept
    assert "installed in" in kept[-1]
    log = (sandbox.venv / "pip-install.log").read_text()
    assert log.count("Collecting ") == len(PACKAGES)


def test_the_first_install_progress_in_a_log_is_a_few_lines(sandbox: Sandbox) -> None:
    done = sandbox.run("setup")
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "  downloading PySide6_Essentials-1.0-py3-none-any.whl (95.1 MB)" in lines
    assert "  downloading uvloop-1.0-py3-none-any.whl (4.0 MB)" in lines
    assert f"  installing {len(PACKAGES)} packages" in lines
    assert not any("kB)" in line for line in lines)  # small downloads are not worth a line
    assert len(lines) <= 10, lines


def test_when_pip_fails_the_end_of_its_log_is_shown(sandbox: Sandbox) -> None:
    done = sandbox.run("setup", FAKE_PIP_FAILS="1")
    assert done.returncode == 1
    assert "pip failed; the end of its log" in done.stderr
    assert "ERROR: Could not find a version that satisfies the requirement" in done.stderr
    assert not list(sandbox.venv.glob(".instainstru-installed-*"))  # tried again next time


# -- running without a display ------------------------------------------------------------------


@needs_xvfb
def test_run_without_a_display_says_nobody_can_see_the_screen_and_how_to_stop(
    sandbox: Sandbox,
) -> None:
    done = sandbox.run("run", "--profile", "p")
    assert done.returncode == 0, done.stderr
    assert "runs on a virtual screen (Xvfb) that nobody can see" in done.stderr
    assert "Stop it with Ctrl+C" in done.stderr
    assert "scripts/dev run --self-test" in done.stderr
    [app] = sandbox.called("instainstru")
    assert app.startswith("instainstru --profile p {'DISPLAY': ':")
    screen = Path(app.split("'XAUTHORITY': '")[1].split("'")[0]).parent
    assert not screen.exists()  # the screen is stopped and its folder removed with the app
    assert processes_mentioning(str(screen)) == []


def test_the_self_test_needs_no_virtual_screen(sandbox: Sandbox) -> None:
    done = sandbox.run("run", "--self-test")
    assert done.returncode == 0, done.stderr
    assert "virtual screen" not in done.stderr
    [app] = sandbox.called("instainstru")
    assert "'DISPLAY': ''" in app


@needs_xvfb
def test_ctrl_c_reaches_the_app_once_then_the_screen_is_stopped(sandbox: Sandbox) -> None:
    ready = sandbox.root / "app.pid"
    run = subprocess.Popen(
        sandbox.command("run"),
        env={**sandbox.env, "FAKE_APP_WAITS": str(ready)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job has
    )
    try:
        wait_for(ready.exists, 30, "the app to start")
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl+C does: the whole foreground group
        _out, err = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
    assert run.returncode == 130, err
    [app] = sandbox.called("instainstru")
    screen = Path(app.split("'XAUTHORITY': '")[1].split("'")[0]).parent
    assert not screen.exists()
    assert processes_mentioning(str(screen)) == []


# -- the real app under the virtual screen ------------------------------------------------------


def this_environment_is_set_up() -> bool:
    """Whether scripts/dev would use this test run's environment as it is (no install)."""
    venv = Path(sys.prefix)
    stamp = venv / ".instainstru-installed-test"
    digest = (
        subprocess.run(
            ["sha256sum"],
            input=(REPO / "pyproject.toml").read_bytes(),
            capture_output=True,
            check=True,
        )
        .stdout.split()[0]
        .decode()
    )
    return stamp.exists() and stamp.read_text().strip() == digest


@pytest.mark.slow
@needs_xvfb
@pytest.mark.skipif(
    not this_environment_is_set_up(), reason="needs this environment made by scripts/dev setup"
)
def test_ctrl_c_on_a_headless_run_closes_the_real_app_quietly(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
        "INSTAINSTRU_VENV": sys.prefix,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "TMPDIR": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    env.pop("QT_QPA_PLATFORM", None)
    profile = tmp_path / "profile"
    log = profile / "data" / "logs" / "instainstru.log"
    run = subprocess.Popen(
        [str(REPO / "scripts" / "dev"), "run", "--profile", str(profile)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(
            lambda: (
                run.poll() is not None or (log.exists() and "embedded server at" in log.read_text())
            ),
            120,
            "the app to start",
        )
        assert run.poll() is None, run.communicate()
        os.killpg(run.pid, signal.SIGINT)
        _out, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.communicate()
    assert run.returncode == 130, err
    assert "X11 connection broke" not in err
    assert "Traceback" not in err
    assert "KeyboardInterrupt" not in err
    assert "closing (interrupted by SIGINT)" in log.read_text()
    assert processes_mentioning(str(tmp_path)) == []
