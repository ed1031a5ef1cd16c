"""The main window: navigation, week toolbar, menus, status; the pages do the work.

It wires pages to the session and to each other and owns nothing else: reading and writing
happen in the pages through :mod:`ui.ops`, and the core lives in :class:`ui.shell.session.Session`.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QWidget,
)

from instainstru_desktop.config import Settings
from instainstru_desktop.services.views import Changed, InstructorProfile, LessonCard
from ui.appearance import icons
from ui.appearance.theme import (
    Palette,
    ThemeChoice,
    apply_theme,
    follow_system_theme,
    stop_following_system_theme,
)
from ui.calendar.week_page import WeekPage
from ui.lessons.actions import LessonActions
from ui.lessons.attention import AttentionList
from ui.lessons.lessons_page import AttentionPage, LessonsPage
from ui.lessons.lessons_view import LessonsView
from ui.ops import Ops
from ui.settings.preferences import Preferences
from ui.shell.notices import NewLessonNotices
from ui.shell.session import Session
from ui.shell.window_parts import WeekTitle, ZoneSwitcher, ask_date, ask_date_range
from ui.widgets.status_bar import SyncStatusBar

log = logging.getLogger(__name__)
TAB_ICONS = ("calendar", "lesson", "attention")  # of the week, lessons and attention tabs


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
        self.actions_ = LessonActions(self.session, self)
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
        self._themed: list[tuple[QAction, str]] = []  # icons to re-tint when the theme changes
        self.setCentralWidget(self.tabs)
        self.status_bar = SyncStatusBar(palette=self.palette_)
        self.notices = NewLessonNotices(self)
        self.week_title = WeekTitle(self)
        self.zone_switcher = ZoneSwitcher(self)
        self._build_actions()
        self._build_toolbar()
        self._build_menus()
        self.status_label = QLabel("Starting…")
        self.status_label.setObjectName("startupNotice")
        self.statusBar().addWidget(self.status_label)
        self.statusBar().addPermanentWidget(self.status_bar, 1)
        self.statusBar().setSizeGripEnabled(False)
        self._connect()
        self.week_title.set_week(self.week_page.week_start)

    # -- building ---------------------------------------------------------------------------

    def _fit_to_screen(self) -> None:
        """Most of the screen on first show: a week needs room (never more than the screen)."""
        screen = QApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 820)
            return
        area = screen.availableGeometry()
        self.resize(min(1440, int(area.width() * 0.92)), min(940, int(area.height() * 0.92)))

    def _action(
        self,
        text: str,
        slot: Any,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(icons.icon(icon, self.palette_))
            self._themed.append((action, icon))
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        page = self.week_page
        self.act_prev = self._action("&Previous week", lambda: page.step(-1), "Alt+Left", "prev")
        self.act_today = self._action("&Today", page.go_today, "Ctrl+T", "today")
        self.act_next = self._action("&Next week", lambda: page.step(1), "Alt+Right", "next")
        self.act_goto = self._action("&Go to date…", self._go_to_date, "Ctrl+G", "calendar")
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_undo.setIcon(icons.icon("undo", self.palette_))
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.act_redo.setIcon(icons.icon("redo", self.palette_))
        self._themed += [(self.act_undo, "undo"), (self.act_redo, "redo")]
        # The stack renames these "Undo Clear hours on Fri 27 Nov"; the menu and the tooltip say
        # so, the toolbar keeps one word, or the long text pushes "Sync now" off its end.
        self.act_undo.setIconText("Undo")
        self.act_redo.setIconText("Redo")
        self.act_copy_last = self._action("&Copy last week", self._copy_last_week, None, "paint")
        self.act_usual = self._action("Make this my &usual week", self._make_usual_week)
        self.act_time_off = self._action("Time &off…", self._time_off, None, "time-off")
        self.act_sync = self._action("&Sync now", self._sync_now, "F5", "sync")
        self.act_settings = self._action(
            "S&ettings…", self._open_settings, QKeySequence.StandardKey.Preferences, "settings"
        )
        if self.act_settings.shortcut().isEmpty():
            self.act_settings.setShortcut(QKeySequence("Ctrl+,"))
        self.act_server = self._action("Connect to a &server…", self._change_server)
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_about = self._action("&About InstaInstru", self._about)
        self.act_keys = self._action("&Keyboard shortcuts", self._show_keys, "F1")
        self._session_actions = [self.act_copy_last, self.act_usual, self.act_time_off,
                                 self.act_sync, self.act_settings]
        for action in self._session_actions:
            action.setEnabled(False)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Week", self)
        bar.setObjectName("weekToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.act_prev, self.act_today, self.act_next):
            bar.addAction(action)
        bar.addWidget(self.week_title)
        bar.addSeparator()
        bar.addAction(self.act_undo)
        bar.addAction(self.act_redo)
        bar.addSeparator()
        bar.addAction(self.act_copy_last)
        bar.addAction(self.act_time_off)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().horizontalPolicy().Expanding,
                             spacer.sizePolicy().verticalPolicy())
        bar.addWidget(spacer)
        bar.addWidget(self.zone_switcher)
        bar.addAction(self.act_sync)
        self.addToolBar(bar)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.act_sync)
        file_menu.addAction(self.act_settings)
        file_menu.addAction(self.act_server)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = menu.addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        view = menu.addMenu("&View")
        for action in (self.act_prev, self.act_today, self.act_next, self.act_goto):
            view.addAction(action)
        theme_menu = view.addMenu("&Theme")
        for choice in ThemeChoice:
            action = theme_menu.addAction(choice.value.capitalize())
            action.triggered.connect(partial(self.set_theme, choice.value))
        week = menu.addMenu("W&eek")
        for action in (self.act_copy_last, self.act_usual, self.act_time_off):
            week.addAction(action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.act_keys)
        help_menu.addAction(self.act_about)

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
        page.bookRequested.connect(actions.book)
        actions.changed.connect(self._on_lesson_changed)
        self.attention_page.changed = self.refresh_all
        self.attention_page.countChanged.connect(self._on_attention_count)
        self.lessons_page.upcomingLoaded.connect(self._on_upcoming)
        self.status_bar.syncRequested.connect(self._sync_now)
        self.status_bar.attentionRequested.connect(
            lambda: self.tabs.setCurrentWidget(self.attention_view)
        )
        self.ops.busyChanged.connect(self._on_busy)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Show the last week at once, then bring the core up behind it."""
        self.week_page.show_cached()
        if self.preferences.display_zone:
            self.week_page.view.set_display_zone(self.preferences.display_zone)
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
        for action in self._session_actions:
            action.setEnabled(True)
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

    def _on_synced(self, report: Any) -> None:
        self.status_bar.set_syncing(False)
        self.refresh_all()

    def _on_lesson_changed(self, changed: Changed) -> None:
        self.notices.remember(changed.booking_ids)  # booked here: not news to announce
        self.refresh_all()

    def refresh_all(self) -> None:
        """Re-read everything shown (after a sync or an edit): a few short cache reads."""
        if not self.session.is_ready:
            return
        self.week_page.reload()
        self.lessons_page.refresh()
        self.attention_page.refresh()
        status = self.session.services.status
        self.ops.run_db(status.status, self.status_bar.set_status, what="reading the sync status")

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

    def _go_to_date(self) -> None:
        chosen = ask_date(self, self.week_page.week_start)
        if chosen is not None:
            self.week_page.go_to(chosen)

    def _copy_last_week(self) -> None:
        services, iid = self.session.services, self.session.instructor_id
        if iid is None:
            return
        monday = self.week_page.week_start
        self.week_page.run_edit(
            lambda: services.availability.copy_last_week(iid, monday), "copying last week"
        )

    def _make_usual_week(self) -> None:
        services, iid = self.session.services, self.session.instructor_id
        if iid is None:
            return
        monday = self.week_page.week_start
        answer = QMessageBox.question(
            self,
            "Make this your usual week?",
            "Your usual week will become the hours shown now. Weeks with their own hours keep "
            "them; lessons already booked stay booked.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.week_page.run_edit(
                lambda: services.availability.make_usual_week(iid, monday), "saving your usual week"
            )

    def _time_off(self) -> None:
        services, iid = self.session.services, self.session.instructor_id
        if iid is None:
            return
        chosen = ask_date_range(self, self.week_page.week_start)
        if chosen is not None:
            first, last = chosen
            self.week_page.run_edit(
                lambda: services.availability.time_off(iid, first, last), "saving your time off"
            )

    # -- settings and account ---------------------------------------------------------------

    def _open_settings(self) -> None:
        """Read the profile first, then open the dialog with it."""
        iid = self.session.instructor_id
        if iid is None:
            return
        profile = self.session.services.profile
        self.ops.run_db(lambda: profile.profile(iid), self._show_settings, what="opening settings")

    def _show_settings(self, profile: InstructorProfile) -> None:
        from ui.account.connection_dialog import server_label
        from ui.settings.settings_dialog import SettingsDialog

        identity = self.session.core.identity
        result = SettingsDialog.ask(
            self,
            profile=profile,
            theme=self.preferences.theme,
            server_label=server_label(self.settings.server_url),
            account_label=f"{identity.name} ({identity.email})",
        )
        if result is None:
            return
        if result.theme != self.preferences.theme:
            self.set_theme(result.theme)
        services, iid = self.session.services, profile.instructor_id
        if "time_zone" in result.changed:
            zone = result.time_zone
            self.week_page.run_edit(
                lambda: services.profile.set_time_zone(iid, zone), "saving your time zone"
            )
        rules = result.policy_changes()
        if rules:
            self.week_page.run_edit(
                lambda: services.profile.update_policy(iid, **rules), "saving your booking rules"
            )
        if result.account_action == "change_server":
            self._change_server()
        elif result.account_action == "sign_out":
            self._sign_out()

    def _change_server(self) -> None:
        from ui.account.connection_dialog import BUILT_IN, ConnectionDialog

        current = self.settings.server_url or BUILT_IN
        chosen = ConnectionDialog.ask(self, current)
        if chosen is None or chosen == current:
            return
        self.preferences = self.preferences.with_server(chosen)
        self.preferences.save()
        self._offer_restart("InstaInstru will connect to the new server when it starts again.")

    def _sign_out(self) -> None:
        from instainstru_desktop.bootstrap import sign_out

        if not self.session.is_ready:
            return
        settings, identity = self.settings, self.session.core.identity
        self.ops.run_db(
            lambda: sign_out(settings, identity),
            lambda _none: self._offer_restart(
                "You are signed out on this computer. Your unsent changes are kept and are sent "
                "when you sign in again."
            ),
            what="signing out",
        )

    def _offer_restart(self, message: str) -> None:
        answer = QMessageBox.question(
            self,
            "Restart InstaInstru?",
            f"{message}\n\nRestart now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restart_requested = True
            self.close()

    def _sync_now(self) -> None:
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
        for action, name in self._themed:
            action.setIcon(icons.icon(name, palette))
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

    def _about(self) -> None:
        from instainstru_desktop import __version__

        QMessageBox.about(
            self,
            "About InstaInstru",
            f"<b>InstaInstru Desktop {__version__}</b><p>Plan your teaching week, online or "
            f"offline.</p><p>Log file: {self.log_path or 'none'}</p>",
        )

    def _show_keys(self) -> None:
        from ui.calendar.week_view import KEY_HELP

        QMessageBox.information(self, "Keyboard shortcuts", KEY_HELP)

    def go_to_qdate(self, qdate: QDate) -> None:
        self.week_page.go_to(qdate.toPython())  # type: ignore[arg-type]
