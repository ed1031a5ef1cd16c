"""Background operations: core calls off the UI thread, results and errors back on it.

Modelled on Anki's ``CollectionOp``/``QueryOp`` over its task manager, without the global:
an ``Ops`` object is built once and passed to whoever needs it.

- Two executors, each a ``QThreadPool`` with one thread: database work runs strictly one call
  at a time in submission order (SQLite has one writer, and an edit must not overtake the read
  that follows it), network work likewise, and a slow request never holds up the cache.
- The callable runs on the worker. It must not touch widgets; it gets plain values and returns
  plain values (the read models are frozen dataclasses for this reason).
- ``on_success(result)`` / ``on_failure(exc)`` run on the UI thread: the worker emits a signal
  of a relay QObject living on the UI thread, through a queued connection.
- A failure without ``on_failure`` goes to the error presenter as a sentence a person
  understands (``describe_error``); the traceback goes to the log, never to the screen. An
  exception raised by a callback itself is reported the same way. Only bugs are logged as
  errors: a refusal (the lesson was cancelled meanwhile), being offline or a full disk is
  something the person is told about, so the log notes it without a traceback.
- An answer that arrives after its ``Ops`` is gone (the window closed while a start-up task
  still ran) has nobody to go to: it is dropped with a line in the debug log.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, SignalInstance, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
GENERIC_FAILURE = (
    "Something went wrong while {what}. Nothing you entered was lost; please try again. "
    "If it keeps happening, the log file has the details for support."
)


class ErrorPresenter(Protocol):
    """Shows a failure to the person (a message box, a status-bar notice, a test's list)."""

    def __call__(self, title: str, message: str) -> None: ...


def log_presenter(title: str, message: str) -> None:
    """The default presenter until the main window installs one: the log only."""
    log.warning("%s: %s", title, message)


def describe_error(exc: BaseException, what: str = "doing that") -> tuple[str, str]:
    """(title, sentence) for a failure; typed core errors carry their own sentence.

    The core's error types are imported here, lazily, so importing this module at start-up
    does not pull in the database layer before the first window is painted.
    """
    from instainstru_desktop.services.errors import ServiceError
    from instainstru_desktop.store.errors import StorageBugError, StorageEnvironmentError
    from instainstru_desktop.sync.errors import ApiError, ForeignAnswer, Offline

    if isinstance(exc, ServiceError):
        return "Not possible", exc.message
    if isinstance(exc, StorageEnvironmentError):
        return "Local data problem", exc.message
    if isinstance(exc, ForeignAnswer):
        return "Offline", exc.message
    if isinstance(exc, Offline):
        return "Offline", (
            "The server cannot be reached right now. Your changes are kept on this computer "
            "and will be sent when the connection is back."
        )
    if isinstance(exc, ApiError) and exc.message:
        return "The server said no", exc.message
    if isinstance(exc, StorageBugError):
        return "Internal error", GENERIC_FAILURE.format(what=what)
    if isinstance(exc, TimeoutError):
        return "Took too long", f"The operation timed out while {what}. Please try again."
    return "Something went wrong", GENERIC_FAILURE.format(what=what)


def is_a_bug(exc: BaseException) -> bool:
    """Whether a failure is the program's fault, as opposed to a refusal or a condition."""
    from instainstru_desktop.services.errors import ServiceError
    from instainstru_desktop.store.errors import StorageEnvironmentError
    from instainstru_desktop.sync.errors import ApiError

    expected = (ServiceError, StorageEnvironmentError, ApiError, TimeoutError)
    return not isinstance(exc, expected)


@dataclass(slots=True)
class _Task(Generic[T]):
    what: str
    on_success: Callable[[T], None] | None
    on_failure: Callable[[BaseException], None] | None


def _deliver(signal: SignalInstance, task_id: int, value: object) -> None:
    """Emit an answer from a worker, unless its receiver went with the window meanwhile."""
    try:
        signal.emit(task_id, value)
    except RuntimeError:  # "Signal source has been deleted": the app is closing
        log.debug("operation %s ended after its window closed: answer dropped", task_id)


class _Relay(QObject):
    """Lives on the UI thread; workers emit its signals, Qt queues them to this thread."""

    done = Signal(int, object)
    failed = Signal(int, object)


class Ops(QObject):
    """Run callables on the serialized database and network executors."""

    busyChanged = Signal(bool)  # noqa: N815 - Qt signal: True while any operation runs

    def __init__(
        self, presenter: ErrorPresenter = log_presenter, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._presenter = presenter
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._relay.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._db = self._pool("instainstru-db")
        self._net = self._pool("instainstru-net")
        self._tasks: dict[int, _Task[Any]] = {}
        self._ids = itertools.count(1)

    def _pool(self, name: str) -> QThreadPool:
        pool = QThreadPool(self)
        pool.setObjectName(name)
        pool.setMaxThreadCount(1)  # serialized: one call at a time, in submission order
        return pool

    # -- public -----------------------------------------------------------------------------

    def set_presenter(self, presenter: ErrorPresenter) -> None:
        """Install how failures are shown (the main window's message box, say)."""
        self._presenter = presenter

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        what: str = "working with your local data",
    ) -> int:
        """Run ``fn`` on the database executor; returns an id for logs and tests."""
        return self._submit(self._db, fn, _Task(what, on_success, on_failure))

    def run_net(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
        *,
        what: str = "talking to the server",
    ) -> int:
        """Run ``fn`` on the network executor; returns an id for logs and tests."""
        return self._submit(self._net, fn, _Task(what, on_success, on_failure))

    def busy(self) -> bool:
        """Whether an operation has not delivered its result yet."""
        return bool(self._tasks)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until both executors are idle (shutdown, tests); results still arrive queued."""
        db_done = self._db.waitForDone(msecs)
        return self._net.waitForDone(msecs) and db_done

    def shutdown(self, msecs: int = 5000) -> bool:
        """Stop taking work and wait for what runs (at application exit)."""
        self._db.clear()
        self._net.clear()
        return self.wait_for_done(msecs)

    # -- machinery --------------------------------------------------------------------------

    def _submit(self, pool: QThreadPool, fn: Callable[[], T], task: _Task[T]) -> int:
        task_id = next(self._ids)
        was_busy = self.busy()
        self._tasks[task_id] = task
        relay = self._relay

        def work() -> None:
            try:
                result = fn()
            except BaseException as exc:  # every failure goes back to the UI thread
                log.debug("operation %s failed", task_id, exc_info=True)
                _deliver(relay.failed, task_id, exc)
            else:
                _deliver(relay.done, task_id, result)

        pool.start(work)
        if not was_busy:
            self.busyChanged.emit(True)
        return task_id

    def _finish(self, task_id: int) -> _Task[Any] | None:
        task = self._tasks.pop(task_id, None)
        if not self._tasks:
            self.busyChanged.emit(False)
        return task

    @Slot(int, object)
    def _on_done(self, task_id: int, result: object) -> None:
        task = self._finish(task_id)
        if task is None or task.on_success is None:
            return
        try:
            task.on_success(result)
        except Exception as exc:
            self._present(exc, task.what)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: BaseException) -> None:
        task = self._finish(task_id)
        if task is None:
            return
        if task.on_failure is not None:
            try:
                task.on_failure(exc)
            except Exception as second:
                self._present(second, task.what)
            return
        self._present(exc, task.what)

    def present(self, exc: BaseException, what: str) -> None:
        """Show a failure an ``on_failure`` callback handled in part (logged, then presented)."""
        self._present(exc, what)

    def _present(self, exc: BaseException, what: str) -> None:
        title, message = describe_error(exc, what)
        if is_a_bug(exc):
            log.error("Failure while %s", what, exc_info=(type(exc), exc, exc.__traceback__))
        else:
            log.info("%s while %s: %s", title, what, message)
        self._presenter(title, message)
