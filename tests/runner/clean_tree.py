"""A run leaves the checkout as it found it: test output belongs in temporary folders.

Files a run leaves behind get committed by accident or pile up unseen, so the run fails when
``git status`` shows untracked files that were not there when it started (git-ignored caches
such as ``.hypothesis/`` do not count). Only the main process checks, once, and only in a git
checkout.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

_BEFORE_KEY = pytest.StashKey[frozenset[str]]()
_LEFT_KEY = pytest.StashKey[list[str]]()


def untracked_files(root: Path) -> frozenset[str] | None:
    """Untracked, not ignored paths under ``root``; None outside a git checkout."""
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(
        [git, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."],
        cwd=root,
        capture_output=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        return None
    entries = result.stdout.decode("utf-8", "replace").split("\0")
    return frozenset(entry[3:] for entry in entries if entry.startswith("?? "))


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionstart(session: pytest.Session) -> None:
    if _is_worker(session.config):
        return
    before = untracked_files(session.config.rootpath)
    if before is not None:
        session.config.stash[_BEFORE_KEY] = before


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    before = session.config.stash.get(_BEFORE_KEY, None)
    if before is None:
        return
    after = untracked_files(session.config.rootpath) or frozenset()
    left = sorted(after - before)
    if left:
        session.config.stash[_LEFT_KEY] = left
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    left = terminalreporter.config.stash.get(_LEFT_KEY, None)
    if left:
        terminalreporter.write_sep("=", "the run left files in the checkout", red=True)
        for path in left:
            terminalreporter.write_line(f"  {path}")
        terminalreporter.write_line(
            "Write test output under tmp_path (or a git-ignored folder), then delete these."
        )
