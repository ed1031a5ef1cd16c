"""Chooses how the suite runs: in parallel by default, sequentially in CI or on request.

Why a plugin rather than ``addopts = -n auto``: the choice depends on the machine (CPU count) and
on the ``CI`` variable, ``--force-sequential`` must win over everything for debugging, and tests
marked ``sequential`` must never run beside another test, which xdist alone cannot promise.

Sequential tests are held apart by a readers-writer lock shared by all workers of one run
(``fcntl.flock`` on files in a per-run folder): an ordinary test holds the lock shared, a
``sequential`` test holds it exclusively. A turnstile lock in front keeps a waiting
``sequential`` test from being starved by a stream of ordinary ones. They are also grouped on one
worker (``--dist loadgroup``) so they do not keep several workers waiting at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SEQUENTIAL_MARK = "sequential"
SEQUENTIAL_GROUP = "instainstru-sequential"
_LOCK_DIR_ENV = "INSTAINSTRU_TEST_LOCK_DIR"


@dataclass(frozen=True)
class RunMode:
    """The decision and the reason printed for it."""

    workers: int  # 0 = in this process
    reason: str

    @property
    def line(self) -> str:
        if self.workers:
            return f"instainstru test runner: parallel on {self.workers} workers ({self.reason})"
        return f"instainstru test runner: sequential ({self.reason})"


def available_cpus() -> int:
    """CPUs this process may use (the affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def choose_mode(
    *, numprocesses: object, force_sequential: bool, ci: str | None, cpus: int
) -> RunMode:
    """Decide the run mode; ``numprocesses`` is xdist's ``-n`` value (None when not given)."""
    if force_sequential:
        return RunMode(0, "--force-sequential given")
    if numprocesses is not None:
        workers = cpus if numprocesses == "auto" else int(str(numprocesses))
        if workers == 0:
            return RunMode(0, "-n 0 given")
        return RunMode(workers, "-n given")
    if ci:
        return RunMode(0, "CI is set; pass -n to run in parallel there")
    if cpus > 1:
        return RunMode(cpus, f"{cpus} CPUs available")
    return RunMode(0, "only 1 CPU available")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("instainstru")
    group.addoption(
        "--force-sequential",
        action="store_true",
        default=False,
        help="run every test in this one process, whatever the CPU count or -n (for debugging)",
    )


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    if _is_worker(config):
        # A worker parses the original command line, where ``--dist loadgroup`` (chosen below
        # for the controller) is missing: without this, xdist would not group the sequential
        # tests on one worker.
        config.option.loadgroup = True
        return
    has_xdist = config.pluginmanager.hasplugin("xdist")
    numprocesses = config.getoption("numprocesses", None) if has_xdist else None
    mode = choose_mode(
        numprocesses=numprocesses,
        force_sequential=bool(config.getoption("force_sequential")),
        ci=os.environ.get("CI") or None,
        cpus=available_cpus(),
    )
    if mode.workers and not has_xdist:
        mode = RunMode(0, "pytest-xdist is not installed")
    if has_xdist:
        config.option.numprocesses = mode.workers or None
        config.option.dist = "loadgroup" if mode.workers else "no"
        if not mode.workers:
            config.option.tx = []
    config.stash[_MODE_KEY] = mode


_MODE_KEY = pytest.StashKey[RunMode]()
_LOCK_DIR_KEY = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{SEQUENTIAL_MARK}: runs alone, never beside another test on a second worker"
    )
    if _is_worker(config):
        return
    if config.option.numprocesses if hasattr(config.option, "numprocesses") else None:
        lock_dir = Path(tempfile.mkdtemp(prefix="instainstru-locks-"))
        config.stash[_LOCK_DIR_KEY] = lock_dir
        os.environ[_LOCK_DIR_ENV] = str(lock_dir)  # inherited by the worker processes


def pytest_unconfigure(config: pytest.Config) -> None:
    lock_dir = config.stash.get(_LOCK_DIR_KEY, None)
    if lock_dir is not None:
        shutil.rmtree(lock_dir, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str | None:
    mode = config.stash.get(_MODE_KEY, None)
    return mode.line if mode else None


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Say the mode even under ``-q``, where pytest hides the header."""
    config = session.config
    mode = config.stash.get(_MODE_KEY, None)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if mode and reporter is not None and config.get_verbosity() < 0:
        reporter.write_line(mode.line)


def repeated_ids(ids: Sequence[str]) -> dict[str, int]:
    """Test ids carried by more than one collected test, with how many carry each."""
    counts = Counter(ids)
    return {nodeid: count for nodeid, count in counts.items() if count > 1}


def _refuse_repeated_ids(ids: Sequence[str]) -> None:
    """pytest-xdist schedules by id: of tests sharing one it would run a single one, silently."""
    repeated = repeated_ids(ids)
    if repeated:
        shown = "\n".join(f"  {count} tests: {nodeid}" for nodeid, count in repeated.items())
        raise pytest.UsageError(
            f"{sum(repeated.values())} tests share {len(repeated)} test ids, so a parallel run "
            f"would run only one of each; give each test an id of its own:\n{shown}"
        )


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: object, ids: Sequence[str]) -> None:
    _refuse_repeated_ids(ids)


@pytest.hookimpl(tryfirst=True)  # before xdist reads the xdist_group marks added here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _is_worker(config):
        _refuse_repeated_ids([item.nodeid for item in items])
    for item in items:
        if item.get_closest_marker(SEQUENTIAL_MARK):
            item.add_marker(pytest.mark.xdist_group(SEQUENTIAL_GROUP))


@contextmanager
def _flock(path: Path, mode: int) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, mode)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusion(lock_dir: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the run's readers-writer lock for the length of one test."""
    turnstile, rw = lock_dir / "turnstile.lock", lock_dir / "rw.lock"
    rw_handle = rw.open("a")
    try:
        with _flock(turnstile, fcntl.LOCK_EX):
            fcntl.flock(rw_handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        fcntl.flock(rw_handle, fcntl.LOCK_UN)
        rw_handle.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    lock_dir = os.environ.get(_LOCK_DIR_ENV)
    if not lock_dir or not _is_worker(item.config):
        yield
        return
    exclusive = item.get_closest_marker(SEQUENTIAL_MARK) is not None
    with exclusion(Path(lock_dir), exclusive=exclusive):
        yield
