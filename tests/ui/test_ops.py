"""Background operations: work off the UI thread, callbacks on it, failures as sentences."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication

from instainstru_desktop.services.errors import ActionNotAllowedError
from instainstru_desktop.store.errors import DiskFullError, StorageBugError
from instainstru_desktop.sync.errors import Offline
from ui.ops import Ops, describe_error


class Shown:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def __call__(self, title: str, message: str) -> None:
        self.messages.append((title, message))


@pytest.fixture
def shown() -> Shown:
    return Shown()


@pytest.fixture
def ops(qtbot, shown):
    ops = Ops(shown)
    yield ops
    ops.shutdown()


def gui_thread() -> QThread:
    return QApplication.instance().thread()


def test_work_runs_on_a_worker_and_the_callback_on_the_gui_thread(qtbot, ops):
    seen = {}

    def work() -> int:
        seen["work"] = QThread.currentThread()
        return 42

    def done(value: int) -> None:
        seen["done"] = QThread.currentThread()
        seen["value"] = value

    ops.run_db(work, done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["work"] is not gui_thread()
    assert seen["done"] is gui_thread()


def test_the_ui_thread_keeps_running_while_work_waits(qtbot, ops):
    gate = threading.Event()
    ticks: list[int] = []
    results: list[str] = []
    ops.run_net(lambda: "ok" if gate.wait(10) else "timed out", results.append)
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(ticks) >= 5)  # events flow although the operation is blocked
    assert results == []
    assert ops.busy()
    timer.stop()
    gate.set()
    qtbot.waitUntil(lambda: results == ["ok"])
    assert not ops.busy()


def test_database_work_is_serialized_in_submission_order(qtbot, ops):
    gate = threading.Event()
    log: list[str] = []

    def first() -> None:
        log.append("first started")
        gate.wait(10)
        log.append("first done")

    ops.run_db(first)
    ops.run_db(lambda: log.append("second"))
    qtbot.waitUntil(lambda: log == ["first started"])
    # The network executor is independent: it runs while the database one is blocked.
    net: list[str] = []
    ops.run_net(lambda: "pong", net.append)
    qtbot.waitUntil(lambda: net == ["pong"])
    assert log == ["first started"]
    gate.set()
    qtbot.waitUntil(lambda: len(log) == 3)
    assert log == ["first started", "first done", "second"]


@pytest.mark.expect_log("ui.ops", "ERROR", match="Failure while saving your note")
def test_a_failure_without_handler_is_presented_as_a_sentence(qtbot, ops, shown, caplog):
    def broken() -> None:
        raise KeyError("booking_id")

    ops.run_db(broken, what="saving your note")
    qtbot.waitUntil(lambda: bool(shown.messages))
    [(title, message)] = shown.messages
    assert title == "Something went wrong"
    assert "saving your note" in message
    assert "Traceback" not in message
    assert "KeyError" not in message
    [record] = [r for r in caplog.records if r.name == "ui.ops"]
    assert record.exc_info is not None  # a bug: the traceback is in the log for support


def test_a_service_error_shows_its_own_sentence(qtbot, ops, shown, caplog):
    def refuse() -> None:
        raise ActionNotAllowedError("This lesson was cancelled by the student.")

    caplog.set_level(logging.INFO, logger="ui.ops")
    ops.run_db(refuse)
    qtbot.waitUntil(lambda: bool(shown.messages))
    assert shown.messages == [("Not possible", "This lesson was cancelled by the student.")]
    # an expected refusal is news for the log, not an error with a traceback
    [record] = [r for r in caplog.records if r.name == "ui.ops"]
    assert (record.levelno, record.exc_info) == (logging.INFO, None)
    assert "cancelled by the student" in record.getMessage()


def test_on_failure_receives_the_exception_instead_of_the_presenter(qtbot, ops, shown):
    errors: list[BaseException] = []

    def fail() -> None:
        raise Offline("connection refused")

    ops.run_net(fail, on_failure=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], Offline)
    assert shown.messages == []


@pytest.mark.expect_log("ui.ops", "ERROR", match="Failure while showing the week")
def test_an_exception_in_a_callback_is_presented_not_raised(qtbot, ops, shown):
    def bad_callback(_value: object) -> None:
        raise RuntimeError("widget gone")

    ops.run_db(lambda: 1, bad_callback, what="showing the week")
    qtbot.waitUntil(lambda: bool(shown.messages))
    assert "showing the week" in shown.messages[0][1]


def test_busy_changes_are_signalled(qtbot, ops):
    states: list[bool] = []
    ops.busyChanged.connect(states.append)
    with qtbot.waitSignal(ops.busyChanged, check_params_cb=lambda busy: not busy):
        ops.run_db(lambda: None)
    assert states == [True, False]


@pytest.mark.parametrize(
    ("exc", "title", "fragment"),
    [
        (DiskFullError("The disk is full: free some space."), "Local data problem", "disk is full"),
        (Offline("refused"), "Offline", "kept on this computer"),
        (
            StorageBugError("UNIQUE constraint failed: bookings.id"),
            "Internal error",
            "Nothing you entered was lost",
        ),
        (TimeoutError(), "Took too long", "timed out"),
    ],
)
def test_describe_error(exc, title, fragment):
    got_title, message = describe_error(exc, "loading")
    assert got_title == title
    assert fragment in message
    assert "UNIQUE" not in message


def test_present_shows_a_failure_handled_in_part(ops, shown):
    ops.present(Offline("refused"), "reading your week")
    assert shown.messages[0][0] == "Offline"


@pytest.mark.parametrize("outcome", ["result", "failure"])
def test_a_late_answer_after_the_window_is_gone_is_dropped_quietly(
    qtbot, capfd, caplog, outcome
):
    """Closing the app while a start-up task still runs (Ctrl+C while the server seeds): the
    answer comes back to nobody, and must not print a traceback from the worker thread."""
    import logging

    import shiboken6
    from PySide6.QtCore import QObject

    caplog.set_level(logging.DEBUG, logger="ui.ops")
    window = QObject()  # what owns the operations in the app: the main window
    ops = Ops(parent=window)
    gate = threading.Event()

    def slow() -> str:
        gate.wait(10)
        if outcome == "failure":
            raise Offline("the server went away")
        return "seeded"

    delivered: list[object] = []
    ops.run_net(slow, delivered.append, delivered.append)
    # the task ends while the window is being taken down (deleting it waits for its workers)
    threading.Timer(0.2, gate.set).start()
    shiboken6.delete(window)
    qtbot.waitUntil(lambda: any("dropped" in r.getMessage() for r in caplog.records))
    assert delivered == []
    assert "Signal source has been deleted" not in capfd.readouterr().err
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
