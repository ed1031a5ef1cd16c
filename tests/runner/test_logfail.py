"""The log-fail plugin: a logged warning or error fails its test unless the test expects it."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

LOGGING_TESTS = """
import logging
import threading

import pytest

log = logging.getLogger("app.sync")


def test_quiet():
    logging.getLogger("app").info("routine news is fine")


def test_warns():
    log.warning("the outbox is stuck")


def test_errors_in_a_thread():
    worker = threading.Thread(target=lambda: log.error("sync failed"), name="sync-thread")
    worker.start()
    worker.join()


@pytest.mark.expect_log("app.sync", "WARNING", match="stuck")
def test_expects_the_warning(caplog):
    log.warning("the outbox is stuck")
    assert "stuck" in caplog.text


@pytest.mark.expect_log("app", "WARNING")
def test_expects_a_child_loggers_warning():
    log.warning("anything")


@pytest.mark.expect_log("app.sync", "WARNING")
def test_an_error_is_more_than_expected():
    log.error("worse than a warning")


@pytest.mark.expect_log("app.sync", "WARNING", match="stuck")
def test_other_words_are_not_expected():
    log.warning("something else entirely")


@pytest.mark.expect_log("app.sync", "WARNING", match="stuck")
def test_the_expected_line_never_comes():
    pass


@pytest.mark.expect_log("app.sync", "WARNING", match="stuck", required=False)
def test_a_line_that_may_come():
    pass


@pytest.fixture
def noisy_server():
    yield
    logging.getLogger("app.server").error("could not stop cleanly")


def test_teardown_logs(noisy_server):
    pass


@pytest.mark.expect_log("app.sync", "DEBUG")
def test_a_meaningless_mark():
    pass


def test_a_line_the_environment_causes():
    logging.getLogger("app.env").warning("no keyring on this machine")


def test_the_environment_excuses_only_its_own_line():
    logging.getLogger("app.env").error("no keyring on this machine")
"""

OUTCOMES = {
    "test_quiet": "PASSED",
    "test_warns": "FAILED",
    "test_errors_in_a_thread": "FAILED",
    "test_expects_the_warning": "PASSED",
    "test_expects_a_child_loggers_warning": "PASSED",
    "test_an_error_is_more_than_expected": "FAILED",
    "test_other_words_are_not_expected": "FAILED",
    "test_the_expected_line_never_comes": "ERROR",
    "test_a_line_that_may_come": "PASSED",
    "test_teardown_logs": "ERROR",
    "test_a_meaningless_mark": "ERROR",
    "test_a_line_the_environment_causes": "PASSED",
    "test_the_environment_excuses_only_its_own_line": "FAILED",
}


@pytest.fixture
def inner(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A pytest of its own (the root logger belongs to the process) with the log-fail plugin."""
    pythonpath = os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])
    monkeypatch.setenv("PYTHONPATH", pythonpath)
    pytester.makeini(
        "[pytest]\naddopts = -p tests.runner.logfail -p no:cacheprovider -p no:xdist "
        "--strict-markers -rA\nlogfail_allow =\n    app.env WARNING no keyring\n"
    )
    return pytester


def test_each_test_gets_the_verdict_its_log_lines_deserve(inner: pytest.Pytester) -> None:
    inner.makepyfile(test_logging=LOGGING_TESTS)
    result = inner.runpytest_subprocess()
    verdicts: dict[str, str] = {}
    worst = ["PASSED", "FAILED", "ERROR"]  # a teardown error follows a passed call
    for line in result.outlines:
        found = re.match(r"(PASSED|FAILED|ERROR) test_logging\.py::(\w+)", line)
        if found:
            outcome, name = found.groups()
            verdicts[name] = max(outcome, verdicts.get(name, "PASSED"), key=worst.index)
    assert verdicts == OUTCOMES, result.stdout.str()
    result.assert_outcomes(passed=7, failed=5, errors=3)
    result.stdout.fnmatch_lines_random(
        [
            "*unexpected log line(s) at WARNING or above during call:*",
            "*WARNING app.sync (MainThread): the outbox is stuck",
            "*ERROR app.sync (sync-thread): sync failed",
            "*ERROR app.server (MainThread): could not stop cleanly",
            "*during teardown*",
            "*expected log line(s) never came: WARNING from app.sync, match='stuck'*",
            "*level must be WARNING, ERROR or CRITICAL, not 'DEBUG'*",
            '*mark the test with @pytest.mark.expect_log("<logger>", "<LEVEL>", match="...")*',
        ]
    )


def test_the_mark_is_registered_and_a_misspelt_one_is_refused(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_marks="""
import pytest

@pytest.mark.expect_logs("app", "WARNING")
def test_misspelt():
    pass
"""
    )
    result = inner.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*'expect_logs' not found in `markers` configuration option*"])
    markers = inner.runpytest_subprocess("--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.expect_log(logger, level='WARNING'*"])


QT_TESTS = """
from PySide6.QtCore import qWarning


def test_a_qt_warning(qtbot):
    qWarning("QFont::setPointSize: Point size <= 0 (-1), must be greater than 0")


def test_what_the_offscreen_platform_cannot_do(qtbot):
    qWarning("This plugin does not support raise()")
"""


def test_qt_warnings_fail_their_test_as_the_project_configures_it(inner: pytest.Pytester) -> None:
    options = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
    ignored = "".join(f"\n    {line}" for line in options["ini_options"]["qt_log_ignore"])
    inner.makeini(
        "[pytest]\naddopts = -p no:cacheprovider -p no:xdist -rA\nqt_api = pyside6\n"
        f"qt_log_level_fail = {options['ini_options']['qt_log_level_fail']}\n"
        f"qt_log_ignore ={ignored}\n"
    )
    inner.makepyfile(test_qt=QT_TESTS)
    result = inner.runpytest_subprocess()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["FAILED test_qt.py::test_a_qt_warning*"])
