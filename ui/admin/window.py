"""The admin's window: the Bookings, Chart and Instructor's week tabs, over one session.

An admin never gets the instructor's week tools (painting hours, copy last week, time off,
settings of an instructor): this window has none of them. Like the instructor's window it
owns a :class:`~ui.shell.session.Session` and reads through ``ops``; what a sync or an action
changed goes to each tab, which reads again only what it shows.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from instainstru_desktop.config import Settings
from instainstru_desktop.services.review_views import ReviewOptions, ReviewQuery
from instainstru_desktop.services.views import Changed
from ui.account.switching import AccountFlow
from ui.admin.actions import AdminActions
from ui.admin.bookings_page import BookingsPage
from ui.admin.charts_page import ChartsPage
from ui.admin.week import InstructorWeekPage
from ui.admin.window_actions import AdminWindowActions
from ui.appearance import icons
from ui.appearance.theme import (
    Palette,
    use_theme,
)
from ui.ops import Ops
from ui.settings.preferences import Preferences
from ui.shell.export_flow import ExportFlow
from ui.shell.session import Session
from ui.widgets.status_bar import SyncStatusBar

if TYPE_CHECKING:
    from instainstru_desktop.sync.engine import SyncReport

log = logging.getLogger(__name__)
TAB_ICONS = ("lesson", "chart", "calendar")
NOTICE_MS = 10_000


class AdminWindow(QMainWindow):
    """The admin's workspace."""

    is_admin_window = True

    def __init__(
        self,
        settings: Settings,
        preferences: Preferences,
        *,
        log_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.preferences = preferences
        self.log_path = log_path
        self.restart_requested = False
        self.setWindowTitle("InstaInstru — Admin")
        self.setWindowIcon(icons.app_icon())
        self.setObjectName("adminWindow")
        self._fit_to_screen()
        self.palette_ = use_theme(preferences.theme, self._retheme)
        self.ops = Ops(presenter=self.show_error, parent=self)
        self.session = Session(settings, self.ops, self)
        self.account = AccountFlow(self, self.session, settings)
        self.exports = ExportFlow(self.session, self)
        self.admin_actions = AdminActions(self.session, self)
        self._build_tabs()
        self._build_status()
        self.menu_actions = AdminWindowActions(self)
        self.addToolBar(self.menu_actions.toolbar())
        self.menu_actions.fill_menus(self.menuBar())
        self._connect()

    # -- building -----------------------------------------------------------------------------

    def _fit_to_screen(self) -> None:
        screen = QApplication.primaryScreen()
        if screen is None:
            self.resize(1360, 860)
            return
        area = screen.availableGeometry()
        self.resize(min(1480, int(area.width() * 0.92)), min(940, int(area.height() * 0.92)))

    def _build_tabs(self) -> None:
        palette = self.palette_
        self.bookings = BookingsPage(
            self.session, self.admin_actions, self.settings.config_dir, palette
        )
        self.charts = ChartsPage(self.session, palette)
        self.week = InstructorWeekPage(self.session, palette)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("adminPages")
        self.tabs.setDocumentMode(True)
        for page, name, title in zip(
            (self.bookings, self.charts, self.week),
            TAB_ICONS,
            ("&Bookings", "C&hart and summary", "Instructor's &week"),
            strict=True,
        ):
            self.tabs.addTab(page, icons.icon(name, palette), title)
        self.setCentralWidget(self.tabs)

    def _build_status(self) -> None:
        self.status_bar = SyncStatusBar(palette=self.palette_)
        self.status_label = QLabel("Starting…")
        self.status_label.setObjectName("startupNotice")
        self.statusBar().addWidget(self.status_label)
        self.statusBar().addPermanentWidget(self.status_bar, 1)
        self.statusBar().setSizeGripEnabled(False)

    def _connect(self) -> None:
        self.session.ready.connect(self._on_ready)
        self.session.synced.connect(self._on_synced)
        self.session.failed.connect(self._on_failed)
        self.session.signInNeeded.connect(self._on_sign_in_needed)
        self.status_bar.syncRequested.connect(self.sync_now)
        self.bookings.filters.queryChanged.connect(self._on_query)
        self.bookings.weekRequested.connect(self.show_week_of)
        self.week.lessonOpened.connect(self.show_booking)
        self.admin_actions.changed.connect(self.apply)
        for source in (self.admin_actions, self.bookings, self.exports):
            source.told.connect(self.tell)
        self.ops.busyChanged.connect(self._on_busy)

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self.session.start()

    def shutdown(self) -> None:
        """Stop background work (after the event loop, or before the window is replaced)."""
        self.bookings.save_columns()
        self.ops.shutdown()
        self.session.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.preferences.save()
        self.bookings.save_columns()
        super().closeEvent(event)

    # -- session events -----------------------------------------------------------------------

    def _on_ready(self) -> None:
        identity = self.session.core.identity
        if not self.account.check_role(identity.role, built_for_admin=True):
            return
        self.menu_actions.enable_session(True)
        self.setWindowTitle(f"InstaInstru — {identity.name} (admin)")
        self.status_label.hide()
        self.bookings.start(identity.time_zone)
        review = self.session.services.review
        self.ops.run_db(review.options, self._on_options, what="reading the instructors")
        self._read_status()
        rescue = self.session.core.store.rescue
        if rescue is not None:
            QMessageBox.information(self, "Your local data was repaired", rescue.message())

    def _on_options(self, options: ReviewOptions) -> None:
        if not self.session.is_ready:
            return  # an answer that arrived after the session stopped
        self.week.set_options(options, self.session.core.identity.time_zone)

    def _on_synced(self, report: SyncReport) -> None:
        self.status_bar.set_syncing(False)
        if not self.session.is_ready:
            return  # a report that arrived after the session stopped
        self._read_status()
        if report.reset or report.resent:
            self.apply(Changed(everything=True))
            return
        named = report.booking_ids or report.override_keys or report.template_instructors
        if not (named or report.kinds or report.rejected):
            return
        status = self.session.services.status
        ids, keys = set(report.booking_ids), set(report.override_keys)
        templates, kinds, refused = (
            set(report.template_instructors),
            set(report.kinds),
            report.rejected > 0,
        )
        self.ops.run_db(
            lambda: status.changed_by_sync(
                booking_ids=ids,
                override_keys=keys,
                template_instructors=templates,
                kinds=kinds,
                refused=refused,
            ),
            self.apply,
            what="reading what the sync changed",
        )

    def apply(self, changed: Changed) -> None:
        """Something changed (an action here, a sync): each tab reads what of it it shows."""
        if not self.session.is_ready:
            return
        self.bookings.on_changed(changed)
        self.charts.on_changed(changed)
        self.week.on_changed(changed)
        if changed.everything or changed.mutation_ids or changed.attention:
            self._read_status()

    def _read_status(self) -> None:
        status = self.session.services.status
        self.ops.run_db(status.status, self.status_bar.set_status, what="reading the status")

    def _on_failed(self, title: str, message: str) -> None:
        self.status_label.setText(message)
        self.show_error(title, message)

    def _on_sign_in_needed(self, reason: str) -> None:
        self.status_label.setText("Waiting for you to sign in…")
        credentials = self.account.ask_credentials(reason)
        if credentials is None:
            self.status_label.setText("Not signed in.")
            return
        self.status_label.setText("Signing in…")
        self.session.start(*credentials)

    # -- what the menus do --------------------------------------------------------------------

    def _on_query(self, query: ReviewQuery) -> None:
        self.charts.set_query(query)

    def sync_now(self) -> None:
        if self.session.is_ready:
            self.status_bar.set_syncing(True)
            self.session.sync_now()

    def export(self, kind: str) -> None:
        sort, descending = self.bookings.sort
        self.exports.bookings(kind, self.bookings.query, sort, descending)

    def show_week_of(self, instructor_id: str, moment: datetime) -> None:
        self.week.show_instructor(instructor_id, moment)
        self.tabs.setCurrentWidget(self.week)

    def show_booking(self, booking_id: str) -> None:
        self.tabs.setCurrentWidget(self.bookings)
        self.bookings.show_booking(booking_id)

    def tell(self, message: str) -> None:
        self.statusBar().showMessage(message, NOTICE_MS)

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    # -- looks --------------------------------------------------------------------------------

    def set_theme(self, choice: str) -> None:
        self.preferences = self.preferences.with_theme(choice)
        self._retheme(use_theme(choice, self._retheme))

    def _retheme(self, palette: Palette) -> None:
        self.palette_ = palette
        self.menu_actions.retheme(palette)
        for index, name in enumerate(TAB_ICONS):
            self.tabs.setTabIcon(index, icons.icon(name, palette))
        self.bookings.set_theme(palette)
        self.charts.set_theme(palette)
        self.week.set_theme(palette)
        self.status_bar.set_theme(palette)

    def show_error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setObjectName("errorMessage")
        box.open()

    def show_about(self) -> None:
        from instainstru_desktop import __version__

        QMessageBox.about(
            self,
            "About InstaInstru",
            f"<b>InstaInstru Desktop {__version__}</b><p>Review the bookings of every "
            f"instructor, online or offline.</p><p>Log file: {self.log_path or 'none'}</p>",
        )
