"""Ctrl+C in the terminal (SIGINT) and SIGTERM close the app the way its Quit action does.

Python runs a signal handler only between bytecodes, and while Qt's event loop waits in C++ no
bytecode runs: the default handler's ``KeyboardInterrupt`` would surface later, as a traceback
inside whatever slot ran next, and the app would keep going. So the C-level handler also writes
the signal's number to a socket (:func:`signal.set_wakeup_fd`) whose notifier wakes the event
loop at once; the slot there closes the window and leaves the loop with the shell's code for the
signal, 128 + its number (130 for Ctrl+C, 143 for SIGTERM), after the usual clean shutdown.

Until the window exists, :func:`hold` only notes a signal: a ``KeyboardInterrupt`` raised
while PySide6 loads its extension modules aborts the interpreter ("Fatal Python error").
This module loads no Qt until :class:`QuitOnSignals` is made, so ``hold`` costs nothing.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

SIGNALS = tuple(
    s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if isinstance(s, signal.Signals)
)
_held: list[int] = []


def _note(signum: int, _frame: FrameType | None) -> None:
    """Replace Python's default handlers: the work happens in the event loop, not here."""
    _held.append(signum)


def hold() -> None:
    """From now on SIGINT and SIGTERM are only noted, for :class:`QuitOnSignals` to act on."""
    for number in SIGNALS:
        signal.signal(number, _note)


class QuitOnSignals:
    """SIGINT and SIGTERM run ``close`` and end the event loop, until :meth:`stop`."""

    def __init__(self, app: QApplication, close: Callable[[], object]) -> None:
        from PySide6.QtCore import QSocketNotifier

        self._app = app
        self._close = close
        self._reader, self._writer = socket.socketpair()
        for end in (self._reader, self._writer):
            end.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        hold()
        if _held:  # one came while the app was loading: act on it as soon as the loop runs
            self._writer.send(bytes(_held[:1]))
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, app)
        self._notifier.activated.connect(self._on_signal)
        self.received: int | None = None

    def _on_signal(self) -> None:
        try:
            numbers = self._reader.recv(64)
        except BlockingIOError:
            return
        if not numbers or self.received is not None:
            return
        self.received = numbers[0]
        log.info("closing (interrupted by %s)", signal.Signals(self.received).name)
        self._close()
        self._app.exit(128 + self.received)

    def stop(self) -> None:
        """Stop listening (the event loop is over); a later signal is only noted, not acted on."""
        self._notifier.setEnabled(False)
        signal.set_wakeup_fd(self._previous_fd)
        self._reader.close()
        self._writer.close()
