"""A data folder the app cannot write: the app starts anyway and says what is wrong.

The real entry point runs in a child process (``--self-test``, which reports the message the
window received). Tests run as root, for whom permission bits do not stop a write, so the
folder is made unwritable in two ways root respects:

- a read-only bind mount of the profile, in a mount namespace of the child's own (the real
  "Read-only file system" error; skipped where namespaces are not allowed);
- a file where the data folder should be (works everywhere).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ui.test_app_cli import run_app

FOLDER_MESSAGE = "Local data problem: The folder for your local data cannot be written"


def read_only(folder: Path) -> tuple[str, ...]:
    """A command prefix that runs its command with ``folder`` mounted read-only."""
    script = (
        f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && exec \"$@\""
    )
    return ("unshare", "--mount", "sh", "-c", script, "read-only")


def namespaces_allowed(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = tmp_path / "probe"
    probe.mkdir()
    done = subprocess.run(
        [*read_only(probe), "sh", "-c", f"! touch '{probe}/written' 2>/dev/null"],
        capture_output=True,
        check=False,
        timeout=30,
    )
    return done.returncode == 0 and not (probe / "written").exists()


def assert_started_and_told(done: subprocess.CompletedProcess[str], reason: str) -> None:
    """No crash before the window: the window got the core's sentence about the folder."""
    failed = [line for line in done.stderr.splitlines() if line.startswith("self-test FAILED")]
    assert failed == [
        f"self-test FAILED: {FOLDER_MESSAGE} ({failed_folder(done)}): {reason}. "
        "Check the folder's permissions and that the disk is connected."
    ], done.stderr
    assert "logging to stderr" in done.stderr
    assert done.returncode == 1


def failed_folder(done: subprocess.CompletedProcess[str]) -> str:
    line = next(x for x in done.stderr.splitlines() if x.startswith("self-test FAILED"))
    return line.split("(", 1)[1].split(")", 1)[0]


@pytest.mark.slow
def test_a_read_only_profile_starts_and_shows_the_folder_message(tmp_path: Path) -> None:
    if not namespaces_allowed(tmp_path):
        pytest.skip("this machine does not allow a private read-only mount")
    profile = tmp_path / "profile"
    profile.mkdir()

    done = run_app(tmp_path, "--self-test", "--profile", str(profile), wrapper=read_only(profile))

    assert_started_and_told(done, "Read-only file system")
    assert failed_folder(done) == str(profile / "data")


@pytest.mark.slow
def test_a_file_in_place_of_the_data_folder_starts_and_shows_the_folder_message(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    (profile / "data").write_text("not a folder", encoding="utf-8")

    done = run_app(tmp_path, "--self-test", "--profile", str(profile))

    assert_started_and_told(done, "a file with that name is in the way")
    assert failed_folder(done) == str(profile / "data")
