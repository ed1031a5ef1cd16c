"""The always-visible sync status: online or not, pending changes, last sync, attention count,
and a warning when this computer's clock is off the server's.

Fed a ``SyncStatus`` (a frozen read model) whenever sync state changes; it keeps its
"synced 2 min ago" text fresh on its own with a timer. "Sync now" and the attention count are
buttons, so both are reachable with the keyboard and announce themselves to screen readers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from instainstru_desktop.services.week_views import SyncStatus
from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette
from ui.widgets.clock_warning import ClockSkewWarning

ICON = QSize(16, 16)


def synced_ago(last: datetime | None, now: datetime) -> str:
    """ "Never synced", "Synced just now", "Synced 5 min ago", "Synced 3 h ago", "Synced 12 Mar"."""
    if last is None:
        return "Never synced"
    seconds = max(0.0, (now - last).total_seconds())
    if seconds < 60:
        return "Synced just now"
    if seconds < 3600:
        return f"Synced {int(seconds // 60)} min ago"
    if seconds < 24 * 3600:
        return f"Synced {int(seconds // 3600)} h ago"
    return f"Synced {last:%-d %b}"


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when too narrow; ``text()`` stays the whole text."""

    def minimumSizeHint(self) -> QSize:
        return QSize(40, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        with QPainter(self) as painter:
            painter.setPen(self.palette().color(self.foregroundRole()))
            rect = self.contentsRect()
            shown = self.fontMetrics().elidedText(
                self.text(), Qt.TextElideMode.ElideRight, rect.width()
            )
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter), shown)


class SyncStatusBar(QWidget):
    """Online state · pending changes · last sync · needs attention · Sync now."""

    syncRequested = Signal()  # noqa: N815 - Qt signal
    attentionRequested = Signal()  # noqa: N815 - Qt signal: show the needs-attention list

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        palette: Palette = LIGHT,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setAccessibleName("Sync status")
        self._palette = palette
        self._clock = clock
        self._status: SyncStatus | None = None
        self._syncing = False
        self._to_mark = 0  # lessons that ended unmarked (they need attention too)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 3, 6, 3)
        layout.setSpacing(14)
        self.connection = QLabel()
        self.connection_icon = QLabel()
        self.pending = QLabel()
        self.pending_icon = QLabel()
        self.last_sync = QLabel()
        self.error = ElidedLabel()
        self.error.setProperty("role", "error")
        self.attention = QToolButton()
        self.attention.setObjectName("attentionButton")
        self.attention.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.attention.setCursor(Qt.CursorShape.PointingHandCursor)
        self.attention.clicked.connect(self.attentionRequested)
        self.clock_warning = ClockSkewWarning(palette=palette)
        self.sync_button = QToolButton()
        self.sync_button.setObjectName("syncButton")
        self.sync_button.setText("Sync now")
        self.sync_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.sync_button.setToolTip("Send your changes and fetch the latest now")
        self.sync_button.clicked.connect(self.syncRequested)
        for pair in ((self.connection_icon, self.connection), (self.pending_icon, self.pending)):
            box = QHBoxLayout()
            box.setSpacing(5)
            box.addWidget(pair[0])
            box.addWidget(pair[1])
            layout.addLayout(box)
        layout.addWidget(self.last_sync)
        layout.addWidget(self.attention)
        layout.addWidget(self.clock_warning)
        layout.addWidget(self.error, 100)
        layout.addStretch(1)  # takes the room when there is no error to show
        layout.addWidget(self.sync_button)
        self._timer = QTimer(self)
        self._timer.setInterval(30_000)
        self._timer.timeout.connect(self._refresh_time)
        self._timer.start()
        self._render()

    # -- public -----------------------------------------------------------------------------

    def set_status(self, status: SyncStatus) -> None:
        self._status = status
        self._render()

    def status(self) -> SyncStatus | None:
        return self._status

    def set_lessons_to_mark(self, count: int) -> None:
        """How many lessons ended unmarked: said beside what else needs attention."""
        self._to_mark = count
        self._render()

    def set_syncing(self, syncing: bool) -> None:
        """While a sync runs: "Syncing…" and the button disabled."""
        self._syncing = syncing
        self._render()

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        self.clock_warning.set_theme(palette)
        self._render()

    # -- rendering --------------------------------------------------------------------------

    def _set_active(self, active: bool) -> None:
        """The style sheet's ``[active="true"]`` look, polished again only when it changes on a
        widget already polished (the first polish, when shown, reads the property anyway; and
        asking for the style here would load QStyle's classes before the first paint)."""
        button = self.attention
        if button.property("active") == active:
            return
        button.setProperty("active", active)
        if button.testAttribute(Qt.WidgetAttribute.WA_WState_Polished):
            button.style().unpolish(button)
            button.style().polish(button)

    def _render(self) -> None:
        status = self._status or SyncStatus(False, 0, 0, None)
        pal = self._palette
        self._render_connection(status, pal)
        count, to_mark = status.needs_attention, self._to_mark
        parts = [plural(count, "needs attention", "need attention")] if count else []
        if to_mark:
            parts.append(plural(to_mark, "lesson to mark", "lessons to mark"))
        self.attention.setVisible(bool(parts))
        self.attention.setText(" · ".join(parts))
        self.attention.setIcon(icon("warning", pal, "warning"))
        self.attention.setToolTip("Show what needs your decision")
        self._set_active(bool(parts))
        self.clock_warning.set_skew(status.clock_skew_seconds)
        # Offline is a state, said beside "Offline" with its reason on hover; only other
        # failures (the local file, a refused sign-in) are spelled out here, in red.
        spelled_out = status.online or status.local_problem or not status.pending_known
        failed = status.last_error if spelled_out else ""
        self.error.setText(f"Last sync failed: {failed}" if failed else "")
        self.error.setToolTip(failed)
        self.error.setVisible(bool(failed))
        self.sync_button.setIcon(icon("sync", pal))
        self.sync_button.setEnabled(not self._syncing)
        self.sync_button.setText("Syncing…" if self._syncing else "Sync now")
        self._refresh_time()
        self.setAccessibleDescription(self.summary())

    def _render_connection(self, status: SyncStatus, pal: Palette) -> None:
        """ "Online" and "All changes sent" side by side; offline, one phrase:
        "Offline · 3 changes waiting", with why the server cannot be reached on hover."""
        online = status.online
        self.connection_icon.setPixmap(
            icon(
                "online" if online else "offline", pal, "success" if online else "text_secondary"
            ).pixmap(ICON)
        )
        pending = status.pending_changes
        if not status.pending_known:  # the local file could not be read: claim nothing
            waiting = "Unsent changes: unknown"
            self.pending_icon.setPixmap(icon("warning", pal, "warning").pixmap(ICON))
        else:
            waiting = (
                plural(pending, "change waiting", "changes waiting")
                if pending
                else "All changes sent"
            )
            self.pending_icon.setPixmap(
                icon(
                    "clock" if pending else "check", pal, "text_secondary" if pending else "success"
                ).pixmap(ICON)
            )
        self.pending.setText(waiting)
        for widget in (self.pending, self.pending_icon):
            widget.setVisible(online)
        if online:
            self.connection.setText("Online")
            self.connection.setToolTip("Connected to the server")
            return
        unsent = pending or not status.pending_known
        self.connection.setText(f"Offline · {waiting}" if unsent else "Offline")
        reason = status.last_error or (
            "The server cannot be reached right now. You can keep working; your changes are "
            "kept on this computer and sent when the connection is back."
        )
        self.connection.setToolTip(reason)

    def _refresh_time(self) -> None:
        status = self._status
        text = synced_ago(status.last_sync if status else None, self._clock())
        if status and status.last_error and status.last_sync:  # not "synced" while failing
            text = "Last good sync " + text.removeprefix("Synced ")
        self.last_sync.setText(text)
        if status and status.last_sync:
            self.last_sync.setToolTip(f"Last sync: {status.last_sync:%Y-%m-%d %H:%M} UTC")

    def summary(self) -> str:
        """Everything the bar shows, in one sentence (its accessible description)."""
        parts = [self.connection.text()]
        if self.pending.isVisibleTo(self):
            parts.append(self.pending.text())
        parts.append(self.last_sync.text())
        if self.attention.isVisibleTo(self):
            parts.append(self.attention.text())
        if self.clock_warning.isVisibleTo(self):
            parts.append(self.clock_warning.text.text())
        if self.error.text():
            parts.append(self.error.text())
        return ". ".join(parts) + "."
