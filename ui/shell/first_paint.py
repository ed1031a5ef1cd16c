"""Run something once a widget has been painted for the first time.

The core comes up on a worker thread, and the imports it starts with (the embedded server, the
ORM, the web framework) hold Python's interpreter lock for most of a second: started together
with the window, they slow its first paint down to their pace. Started right after the saved
week is on screen, they cost the first paint nothing and the core is ready about as soon.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

#: Start anyway after this long: a window that is hidden or minimised may never be painted.
LATEST_MS = 400


class AfterFirstPaint(QObject):
    """Calls ``then`` once, just after ``widget``'s first paint (or after ``latest_ms``)."""

    def __init__(
        self, widget: QWidget, then: Callable[[], None], *, latest_ms: int = LATEST_MS
    ) -> None:
        super().__init__(widget)
        self._widget = widget
        self._then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        self._latest = QTimer(self)
        self._latest.setSingleShot(True)
        self._latest.timeout.connect(self._run)
        self._latest.start(latest_ms)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self._run)  # once this paint is over
        return False

    def _run(self) -> None:
        then, self._then = self._then, None
        if then is None:
            return
        self._latest.stop()
        self._widget.removeEventFilter(self)
        then()
