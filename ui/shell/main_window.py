"""The main window: navigation, week toolbar, menus, status; the pages do the work.

It wires pages to the session and to each other and owns nothing else: reading and writing
happen in the pages through :mod:`ui.ops`, and the core lives in :class:`ui.shell.session.Session`.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.config import Settings
from instainstru_desktop.services.views import Changed, LessonCard
from ui.appearance import icons
from ui.appearance.theme import (
    Palette,
    ThemeChoice,
    apply_theme,
    follow_system_theme,
    stop_following_system_theme,
)
from ui.calendar.commands import undo_if_latest
from ui.calendar.week_page import WeekPage
from ui.lessons.actions import LessonActions
from ui.lessons.attention import AttentionList
from ui.lessons.lessons_page import AttentionPage, LessonsPage
from ui.lessons.lessons_view import LessonsView
from ui.ops import Ops
from ui.settings.flow import SettingsFlow
from ui.settings.preferences import Preferences
from ui.shell.notices import NewLessonNotices
from ui.shell.refresh import Refresher
from ui.shell.session import Session
from ui.shell.window_actions import WindowActions
from ui.shell.window_parts import WeekTitle, ZoneSwitcher
from ui.widgets.notice_bar import NoticeBar
from ui.widgets.status_bar import SyncStatusBar

if TYPE_CHECKING:
    from instainstru_desktop.sync.engine import SyncReport

log = logging.getLogger(__name__)
TAB_ICONS = ("calendar", "lesson", "attention", "user")  # week, lessons, attention, profile


class MainWindow(QMainWindow):
    """The instructor's workspace."""

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
        self.restart_requested = False  # set when the person chose to restart after a change
        self.setWindowTitle("InstaInstru")
        self.setWindowIcon(icons.app_icon())
        self._fit_to_screen()
        self.palette_ = self._apply_theme(preferences.theme)
        self.ops = Ops(presenter=self.show_error, parent=self)
        self.session = Session(settings, self.ops, self)
        self.undo_stack = QUndoStack(self)
        self.week_page = WeekPage(
            self.session, self.undo_stack, self.palette_, settings.data_dir / "last-week.json"
        )
        self.notice_bar = NoticeBar()
        self.actions_ = LessonActions(
            self.session, self, self.undo_stack, self.notice_bar.show_notice
        )
        self.lessons_view = LessonsView(palette=self.palette_)
        self.lessons_page = LessonsPage(self.session, self.actions_, self.lessons_view)
        self.attention_view = AttentionList(palette=self.palette_)
        self.attention_page = AttentionPage(self.session, self.attention_view)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("pages")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.week_page, icons.icon(TAB_ICONS[0], self.palette_), "&Week")
        self.tabs.addTab(self.lessons_view, icons.icon(TAB_ICONS[1], self.palette_), "&Lessons")
        self.tabs.addTab(self.attention_view, icons.icon(TAB_ICONS[2], self.palette_),
                         "Needs &attention")
        self.setCentralWidget(self._central(self.notice_bar, self.tabs))
        self.status_bar = SyncStatusBar(palette=self.palette_)
        self.refresher = Refresher(
            self.session, self.week_page, self.lessons_page, self.attention_page, self.status_bar
        )
        self.notices = NewLessonNotices(self)
        self.week_title = WeekTitle(self)
        self.zone_switcher = ZoneSwitcher(self)
        self.settings_flow = SettingsFlow(self)
        self.menu_actions = WindowActions(self)
        self.addToolBar(self.menu_actions.toolbar(self.week_title, self.zone_switcher))
        self.menu_actions.fill_menus(self.menuBar())
        self._add_profile_page()
        self.status_label = QLabel("Starting…")
        self.status_label.setObjectName("startupNotice")
        self.statusBar().addWidget(self.status_label)
        self.statusBar().addPermanentWidget(self.status_bar, 1)
        self.statusBar().setSizeGripEnabled(False)
        self._connect()
        self.week_title.set_week(self.week_page.week_start)
        if preferences.display_zone:  # the zone the week was left in, on screen and in the box
            self.week_page.view.set_display_zone(preferences.display_zone)
            self.zone_switcher.show_choice(preferences.display_zone)

    # -- building ---------------------------------------------------------------------------

    def _add_profile_page(self) -> None:
        """The Profile tab and its menu (before Help), following changes like the other pages."""
        from ui.profile.actions import ProfileActions
        from ui.profile.profile_page import ProfilePage
        from ui.profile.profile_view import ProfileView

        self.profile_view = ProfileView()
        self.profile_page = ProfilePage(self.session, self.profile_view)
        self.tabs.addTab(self.profile_view, icons.icon(TAB_ICONS[3], self.palette_), "&Profile")
        self.profile_actions = ProfileActions(
            self, self.profile_view.booking_link, self.show_profile
        )
        bar = self.menuBar()
        bar.insertMenu(bar.actions()[-1], self.profile_actions.menu(bar))
        self.refresher.followers.append(self.profile_page.on_changed)
        self.profile_page.changed.connect(self.refresher.apply)
        self.session.ready.connect(self.profile_page.start)
        self.session.synced.connect(self.profile_page.on_synced)

    def show_profile(self) -> None:
        self.tabs.setCurrentWidget(self.profile_view)

    def _fit_to_screen(self) -> None:
        """Most of the screen on first show: a week needs room (never more than the screen)."""
        screen = QApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 820)
            return
        area = screen.availableGeometry()
        self.resize(min(1440, int(area.width() * 0.92)), min(940, int(area.height() * 0.92)))

    @staticmethod
    def _central(notice: QWidget, pages: QWidget) -> QWidget:
        """The pages, with room above them for a notice while one is shown."""
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(notice)  # its margins come with it (the style sheet): none when hidden
        layout.addWidget(pages, 1)
        notice.hide()
        return central

    def _connect(self) -> None:
        self.session.ready.connect(self._on_ready)
        self.session.synced.connect(self._on_synced)
        self.session.failed.connect(self._on_failed)
        self.session.signInNeeded.connect(self._on_sign_in_needed)
        self.week_page.weekChanged.connect(self._on_week_changed)
        self.zone_switcher.zoneChosen.connect(self._on_zone_chosen)
        page, actions = self.week_page, self.actions_
        page.lessonActivated.connect(self._open_lesson)
        page.completeRequested.connect(actions.complete)
        page.noShowRequested.connect(actions.no_show)
        page.cancelRequested.connect(actions.cancel)
        page.correctRequested.connect(actions.correct)
        page.moveRequested.connect(actions.ask_move)
        page.lessonDropped.connect(actions.move_to)
        page.dropRefused.connect(lambda text: self.notice_bar.show_notice(text, tone="warning"))
        page.bookRequested.connect(actions.book)
        page.editCautioned.connect(self._caution_edit)
        actions.changed.connect(self._on_lesson_changed)
        page.changed.connect(self.refresher.apply)
        self.attention_page.changed.connect(self.refresher.apply)
        self.attention_page.countChanged.connect(self._on_attention_count)
        self.lessons_page.upcomingLoaded.connect(self._on_upcoming)
        self.status_bar.syncRequested.connect(self.sync_now)
        self.status_bar.attentionRequested.connect(
            lambda: self.tabs.setCurrentWidget(self.attention_view)
        )
        self.ops.busyChanged.connect(self._on_busy)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Show the last week at once, then bring the core up behind it."""
        self.week_page.show_cached()
        self.session.start()

    def shutdown(self) -> None:
        """Stop background work; called once after the event loop ends."""
        self.ops.shutdown()
        self.session.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.preferences.save()
        super().closeEvent(event)

    # -- session events ---------------------------------------------------------------------

    def _on_ready(self) -> None:
        self.menu_actions.enable_session(True)
        identity = self.session.core.identity
        self.setWindowTitle(f"InstaInstru — {identity.name}")
        self.zone_switcher.set_home_zone(identity.time_zone)
        for view in (self.lessons_view, self.attention_view):
            view.set_time_zone(identity.time_zone)
        self.status_label.setText("")
        self.status_label.hide()
        self.refresh_all()
        rescue = self.session.core.store.rescue
        if rescue is not None:
            self.tell_repaired(rescue.message())

    def _on_synced(self, report: SyncReport) -> None:
        self.status_bar.set_syncing(False)
        self.refresher.after_sync(report)

    def _on_lesson_changed(self, changed: Changed) -> None:
        self.notices.remember(changed.booking_ids)  # booked here: not news to announce
        self.refresher.apply(changed)

    def _caution_edit(self, words: str, command: QUndoCommand) -> None:
        """An hour edit just made opened a day off or left lessons outside: say so, with Undo."""
        self.notice_bar.show_notice(
            words,
            tone="warning",
            action="Undo",
            on_action=lambda: undo_if_latest(self.undo_stack, command),
        )

    def refresh_all(self) -> None:
        """Re-read everything shown (at start; edits and syncs re-read only what they name)."""
        self.refresher.everything()

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _on_attention_count(self, count: int) -> None:
        index = self.tabs.indexOf(self.attention_view)
        self.tabs.setTabText(index, f"Needs &attention ({count})" if count else "Needs &attention")

    def _on_upcoming(self, upcoming: list[LessonCard]) -> None:
        zone = self.session.core.identity.time_zone if self.session.is_ready else "UTC"
        self.notices.lessons_loaded(upcoming, zone)

    def _open_lesson(self, booking_id: str) -> None:
        self.tabs.setCurrentWidget(self.lessons_view)
        self.lessons_page.open_lesson(booking_id)

    def _on_failed(self, title: str, message: str) -> None:
        self.status_label.setText(message)
        self.show_error(title, message)

    def _on_sign_in_needed(self, reason: str) -> None:
        from ui.account.sign_in import SignInDialog

        credentials = SignInDialog.ask(self, self.settings.server_url or "", reason)
        if credentials is None:
            self.status_label.setText("Not signed in: your saved week is shown read-only.")
            return
        self.session.start(*credentials)

    # -- actions ----------------------------------------------------------------------------

    def _on_week_changed(self, monday: date) -> None:
        self.week_title.set_week(monday)

    def _on_zone_chosen(self, zone: str | None) -> None:
        self.week_page.view.set_display_zone(zone)
        self.preferences = self.preferences.with_display_zone(zone)

    def sync_now(self) -> None:
        if not self.session.is_ready:
            return
        self.status_bar.set_syncing(True)
        self.session.sync_now()

    def set_theme(self, choice: str) -> None:
        self.preferences = self.preferences.with_theme(choice)
        self.palette_ = self._apply_theme(choice)
        self._retheme(self.palette_)

    def _retheme(self, palette: Palette) -> None:
        # icons are tinted for one palette: dark ones would vanish on a dark toolbar
        self.palette_ = palette
        self.menu_actions.retheme(palette)
        for index, name in enumerate(TAB_ICONS):
            self.tabs.setTabIcon(index, icons.icon(name, palette))
        self.week_page.view.set_theme(palette)
        self.lessons_view.set_theme(palette)
        self.attention_view.set_theme(palette)
        self.status_bar.set_theme(palette)

    def _apply_theme(self, choice: str) -> Palette:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        palette = apply_theme(app, choice)
        if choice == ThemeChoice.SYSTEM:
            follow_system_theme(app, self._retheme)
        else:
            stop_following_system_theme(app)
        return palette

    def show_error(self, title: str, message: str) -> None:
        """How failures reach the person: a message box with a sentence, never a traceback."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=self)
        box.setObjectName("errorMessage")
        box.open()

    def tell_repaired(self, message: str) -> None:
        """The local file was damaged and rebuilt at start: what was kept, where, what was not."""
        box = QMessageBox(
            QMessageBox.Icon.Information, "Your local data was repaired", message, parent=self
        )
        box.setObjectName("repairNotice")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 34em; }")  # room for the path
        box.open()

    def show_about(self) -> None:
        from instainstru_desktop import __version__

        QMessageBox.about(
            self,
            "About InstaInstru",
            f"<b>InstaInstru Desktop {__version__}</b><p>Plan your teaching week, online or "
            f"offline.</p><p>Log file: {self.log_path or 'none'}</p>",
        )

    def show_keys(self) -> None:
        from ui.calendar.week_view import KEY_HELP

        QMessageBox.information(self, "Keyboard shortcuts", KEY_HELP)
