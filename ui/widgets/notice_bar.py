"""A notice inside the window: what just happened, and perhaps one way back (Undo, Show...).

Non-modal on purpose: a routine outcome ("Lesson marked completed") or a warning about an edit
just made ("Thursday was a day off") must not stop the work the way a message box does, and must
not hide in a status bar behind its permanent widgets either. One notice at a time: a newer one
replaces it. It closes itself after a while, but not while the pointer rests on it, and its
close button closes it at once. The action, when there is one, runs once and closes it.

Generic: it knows nothing about lessons or hours, so any part of the window can say something
through the same bar.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleEvent, QEnterEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

#: How long a notice stays (milliseconds); long enough to read two lines and reach for Undo.
SHOWN_MS = 12_000
TONES = ("info", "success", "warning")


class NoticeBar(QFrame):
    """One line (or two) of news with an optional action button and a close button."""

    closed = Signal()  # hidden by its close button, its action or its timer

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self.setAccessibleName("Notice")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._on_action: Callable[[], object] | None = None
        self.label = QLabel()
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action_button = QPushButton()
        self.action_button.setObjectName("noticeAction")
        self.action_button.clicked.connect(self._act)
        self.close_button = QToolButton()
        self.close_button.setObjectName("noticeClose")
        self.close_button.setText("✕")
        self.close_button.setToolTip("Close this notice")
        self.close_button.setAccessibleName("Close notice")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 6, 6)
        row.setSpacing(10)
        row.addWidget(self.label, 1)
        row.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._shown_ms = SHOWN_MS
        self.hide()

    # -- public -----------------------------------------------------------------------------

    def show_notice(
        self,
        text: str,
        *,
        tone: str = "info",
        action: str | None = None,
        on_action: Callable[[], object] | None = None,
        shown_ms: int = SHOWN_MS,
    ) -> None:
        """Say ``text`` (replacing any notice shown), with an action button when ``action``
        names one; ``shown_ms`` 0 keeps it until it is closed."""
        if tone not in TONES:
            raise ValueError(f"unknown tone {tone!r}")
        self.label.setText(text)
        self.setProperty("tone", tone)
        self.style().unpolish(self)
        self.style().polish(self)
        self._on_action = on_action if action else None
        self.action_button.setText(action or "")
        self.action_button.setVisible(bool(action))
        self.show()
        self._shown_ms = shown_ms
        self._restart()
        if QAccessible.isActive():  # a screen reader hears it, as it would a status message
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def text(self) -> str:
        """What the notice says ("" when none is shown)."""
        return self.label.text() if self.isVisible() else ""

    def action_text(self) -> str:
        return self.action_button.text() if self.action_button.isVisible() else ""

    def dismiss(self) -> None:
        """Close the notice now (its action is not run)."""
        self._timer.stop()
        self._on_action = None
        if self.isVisible():
            self.hide()
            self.closed.emit()

    # -- Qt overrides -----------------------------------------------------------------------

    def enterEvent(self, event: QEnterEvent) -> None:
        self._timer.stop()  # someone is reading it, or reaching for its button
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._restart()
        super().leaveEvent(event)

    # -- helpers ----------------------------------------------------------------------------

    def _restart(self) -> None:
        if self.isVisible() and self._shown_ms > 0:
            self._timer.start(self._shown_ms)

    def _act(self) -> None:
        action, self._on_action = self._on_action, None
        self.dismiss()
        if action is not None:
            action()
