"""Cyclic garbage is collected on the UI thread only.

Python's cycle collector runs in whichever thread happens to allocate when a generation fills
up: in this app often a worker of :mod:`ui.ops`, the sync engine or the live listener. When the
garbage it finds holds a widget (a closed dialog whose slots refer back to it, say), the widget
is destroyed on that worker thread. Qt cannot stop a widget's timers from another thread (a
line edit's cursor blink, a debounce timer), so they stay registered with a pointer to freed
memory and the next event loop pass that fires one ends the process with a segmentation fault.

So the automatic collector is turned off and the UI thread collects instead, from a timer, a
generation at a time when Python's own thresholds say it would have: the same collections,
always on the thread that owns the widgets. Reference counting still frees everything that is
not in a cycle at once, on any thread, as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the UI thread looks at the collector's counts (a look costs well under a microsecond).
CHECK_INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """While it lives, cycles are collected by :meth:`collect_due` on the UI thread only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold; the generation
        collected, or -1 when none was due."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            threshold = self._thresholds[generation]
            if threshold and counts[generation] > threshold:
                gc.collect(generation)
                return generation
        return -1

    def stop(self) -> None:
        """Hand collection back to Python (the app is closing: no widget is left to guard)."""
        self._timer.stop()
        gc.enable()
