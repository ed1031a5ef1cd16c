"""Notices inside the window: news that needs no answer, with an optional action, gone by itself.

What modal boxes did wrongly for routine news ("Lesson booked", "A student cancelled"): the
person is told without being stopped. A :class:`NoticeBar` floats over the bottom of the widget
it is given (the window's pages), newest notice lowest, a few at most; each :class:`Notice` has
a sentence, an optional action button ("Show", "Undo"), a close button, and goes after a while
(not while the pointer rests on it; a notice with ``timeout_ms=0`` stays until closed). Screen
readers hear each new notice as an alert.

Generic: it knows nothing about lessons or hours, so any part of the window says things through
the same bar (booking answers, new lessons, outcomes and moves with their Undo, hour edits).
An Undo offered here undoes only what it names (:func:`ui.calendar.commands.undo_if_latest`)
and goes as soon as that is no longer the last thing done (:meth:`Notice.keep_action_while`):
an older notice still on screen never offers a button that would do nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QColor, QEnterEvent
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsDropShadowEffect,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette

NOTICE_MS = 8_000
#: A notice that offers to undo stays longer: the person may need a moment to decide.
ACTION_NOTICE_MS = 12_000
MOST = 3  # notices shown at once; an older one makes room for a newer
WIDTH = 620  # the widest a notice gets (it is narrower in a narrow window)
MARGIN = 16  # from the host's bottom and sides
SHADOW_ROOM = (12, 4, 12, 12)  # around the notices, where their shadow falls
#: Each tone's icon and the palette role that tints it.
TONES = {
    "info": ("attention", "accent"),
    "success": ("check", "success"),
    "warning": ("warning", "warning"),
}


class Notice(QFrame):
    """One notice: tone icon, sentence, optional action, close; it ends itself on a timer."""

    actionTriggered = Signal()  # noqa: N815 - Qt signal
    closed = Signal(object)  # this notice, when it goes (timer, close button or action)

    def __init__(
        self,
        text: str,
        *,
        tone: str = "info",
        action: str = "",
        icon_name: str = "",
        timeout_ms: int = NOTICE_MS,
        palette: Palette = LIGHT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if tone not in TONES:
            raise ValueError(f"unknown tone {tone!r}")
        self.setObjectName("notice")
        self.setProperty("tone", tone)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAccessibleName(text)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._tone = str(self.property("tone"))
        self._icon_name = icon_name
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 6, 8)
        layout.setSpacing(10)
        self.badge = QLabel()
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignVCenter)
        self.label = QLabel(text)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label, 1)
        self.action_button: QPushButton | None = None
        if action:
            self.action_button = QPushButton(action)
            self.action_button.setObjectName("noticeAction")
            self.action_button.clicked.connect(self._act)
            layout.addWidget(self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.close_button = QToolButton()
        self.close_button.setObjectName("noticeClose")
        self.close_button.setText("✕")
        self.close_button.setAccessibleName("Dismiss")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self._timeout = timeout_ms
        self._gone = False
        self._still_offered: Callable[[], bool] | None = None
        shadow = QGraphicsDropShadowEffect(self)  # it floats over the page: say so
        shadow.setBlurRadius(18)
        shadow.setOffset(0, 3)
        shadow.setColor(QColor(0, 0, 0, 70))
        self.setGraphicsEffect(shadow)
        self.set_theme(palette)

    # -- public -----------------------------------------------------------------------------

    def text(self) -> str:
        return self.label.text()

    def action_text(self) -> str:
        return self.action_button.text() if self.action_button is not None else ""

    def start(self) -> None:
        """Start the countdown (called once the notice is on screen)."""
        if self._timeout > 0:
            self._timer.start(self._timeout)

    def remaining_ms(self) -> int:
        """How long until it goes by itself (-1: it stays, or the countdown is paused)."""
        return self._timer.remainingTime() if self._timer.isActive() else -1

    def trigger(self) -> None:
        """Do what the action button does (the keyboard and tests come here too)."""
        if self.action_button is not None:
            self._act()

    def keep_action_while(self, moved: SignalInstance, still: Callable[[], bool]) -> None:
        """Take the action away (the sentence stays) once ``moved`` fires and ``still()`` is
        false, e.g. an Undo when what it undoes is no longer the last thing done."""
        self._still_offered = still
        moved.connect(self._check_action)  # a bound slot: gone with the notice

    def withdraw_action(self) -> None:
        """Stop offering the action: its button goes and pressing it can do nothing."""
        button, self.action_button = self.action_button, None
        if button is not None:
            button.hide()
            button.deleteLater()

    def dismiss(self) -> None:
        if self._gone:
            return
        self._gone = True
        self._timer.stop()
        self.closed.emit(self)

    def set_theme(self, palette: Palette) -> None:
        name, role = TONES[self._tone]
        self.badge.setPixmap(icon(self._icon_name or name, palette, role).pixmap(QSize(18, 18)))

    # -- events -----------------------------------------------------------------------------

    def enterEvent(self, event: QEnterEvent) -> None:
        self._timer.stop()  # never taken away while being read or reached for
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._timeout > 0 and not self._gone:
            self._timer.start(max(self._timeout // 2, 3_000))
        super().leaveEvent(event)

    def _check_action(self, *_moved: object) -> None:
        if self._still_offered is not None and not self._still_offered():
            self._still_offered = None
            self.withdraw_action()

    def _act(self) -> None:
        if self._gone:  # a second press, or one on a notice already going: its action ran
            return
        self.actionTriggered.emit()
        self.dismiss()


class NoticeBar(QWidget):
    """The notices of one window, floating over the bottom of ``host`` (centred)."""

    def __init__(self, host: QWidget, *, palette: Palette = LIGHT) -> None:
        super().__init__(host)
        self.setObjectName("noticeBar")
        self.setAccessibleName("Notices")
        self._host = host
        self._palette = palette
        self._notices: list[Notice] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(*SHADOW_ROOM)
        self._layout.setSpacing(8)
        host.installEventFilter(self)
        self.hide()

    def show_notice(
        self,
        text: str,
        *,
        tone: str = "info",
        action: str | None = None,
        on_action: Callable[[], object] | None = None,
        icon_name: str = "",
        timeout_ms: int | None = None,
    ) -> Notice:
        """Show a notice (the oldest goes when there are too many); returns it."""
        if timeout_ms is None:
            timeout_ms = ACTION_NOTICE_MS if action else NOTICE_MS
        notice = Notice(
            text,
            tone=tone,
            action=action or "",
            icon_name=icon_name,
            timeout_ms=timeout_ms,
            palette=self._palette,
            parent=self,
        )
        if on_action is not None:
            notice.actionTriggered.connect(on_action)
        notice.closed.connect(self._remove)
        self._notices.append(notice)
        self._layout.addWidget(notice)
        notice.show()  # at once: a layout shows a new child only at the next event loop turn
        while len(self._notices) > MOST:
            self._notices[0].dismiss()
        self.show()
        self.raise_()
        self._place()
        notice.start()
        from PySide6.QtGui import QAccessible, QAccessibleEvent  # not at the first paint

        QAccessible.updateAccessibility(QAccessibleEvent(notice, QAccessible.Event.Alert))
        return notice

    def notices(self) -> list[Notice]:
        """The notices on screen, oldest first."""
        return list(self._notices)

    def newest(self) -> Notice | None:
        """The notice said last, if it is still on screen."""
        return self._notices[-1] if self._notices else None

    def text(self) -> str:
        """What the newest notice says ("" when none is shown)."""
        newest = self.newest()
        return newest.text() if newest is not None else ""

    def action_text(self) -> str:
        """The newest notice's action ("Undo", "Show"; "" when it offers none)."""
        newest = self.newest()
        return newest.action_text() if newest is not None else ""

    def clear(self) -> None:
        for notice in list(self._notices):
            notice.dismiss()

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        for notice in self._notices:
            notice.set_theme(palette)

    # -- placement --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self._place()
        return super().eventFilter(watched, event)

    def _remove(self, notice: Notice) -> None:
        if notice in self._notices:
            self._notices.remove(notice)
        self._layout.removeWidget(notice)
        notice.hide()
        notice.deleteLater()
        if self._notices:
            self._place()
        else:
            self.hide()

    def _place(self) -> None:
        host = self._host
        left, _top, right, bottom = SHADOW_ROOM
        width = max(0, min(WIDTH + left + right, host.width() - 2 * MARGIN + left + right))
        self._layout.activate()
        height = self._layout.heightForWidth(width)
        if height < 0:
            height = self._layout.sizeHint().height()
        top = host.height() - height - MARGIN + bottom
        self.setGeometry((host.width() - width) // 2, max(0, top), width, height)
