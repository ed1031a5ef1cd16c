"""The main window: navigation, week toolbar, menus, status; the pages do the work.

It wires pages to the session and to each other and owns nothing else: reading and writing
happen in the pages through :mod:`ui.ops`, and the core lives in :class:`ui.shell.session.Session`.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QUndoCommand, QUndoStack
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
from ui.account.switching import AccountFlow
from ui.appearance import icons
from ui.appearance.theme import (
    Palette,
    use_theme,
)
from ui.calendar.commands import is_latest, undo_if_latest
from ui.calendar.week_page import WeekPage
from ui.ops import Ops
from ui.settings.flow import SettingsFlow
from ui.settings.preferences import Preferences
from ui.shell.export_flow import ExportFlow
from ui.shell.first_paint import AfterFirstPaint
from ui.shell.notices import NewLessonNotices
from ui.shell.refresh import Refresher
from ui.shell.session import Session
from ui.shell.window_actions import WindowActions
from ui.shell.window_parts import WeekTitle, ZoneSwitcher
from ui.widgets.message_banner import MessageBanner
from ui.widgets.notice_bar import NoticeBar
from ui.widgets.status_bar import SyncStatusBar

if TYPE_CHECKING:
    from instainstru_desktop.services.views import Changed, LessonCard
    from instainstru_desktop.sync.engine import SyncReport
    from ui.lessons.actions import LessonActions
    from ui.lessons.attention import AttentionList
    from ui.lessons.lessons_page import AttentionPage, LessonsPage
    from ui.lessons.lessons_view import LessonsView
    from ui.profile.actions import ProfileActions
    from ui.profile.profile_page import ProfilePage
    from ui.profile.profile_view import ProfileView
    from ui.shell.lesson_tabs import LessonTabs
    from ui.shell.message_notices import MessageNotices

log = logging.getLogger(__name__)
#: The least of a window a person must see to reach it again after a screen change.
MIN_WINDOW = (640, 420)
TAB_ICONS = ("calendar", "lesson", "attention", "user")  # week, lessons, attention, profile


class ProfileParts(NamedTuple):
    """The Profile tab's view, its page and its menu, built once the week is on screen."""

    view: ProfileView
    page: ProfilePage
    actions: ProfileActions


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
        self._place_window()
        self.palette_ = use_theme(preferences.theme, self._retheme)
        self.ops = Ops(presenter=self.show_error, parent=self)
        self.session = Session(settings, self.ops, self)
        self._build_account()
        self.undo_stack = QUndoStack(self)
        self.week_page = WeekPage(
            self.session, self.undo_stack, self.palette_, settings.data_dir / "last-week.json"
        )
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("pages")
        self.tabs.setDocumentMode(True)
        # non-modal news floats over the pages: new and cancelled lessons, outcomes, moves
        self.notice_bar = NoticeBar(self.tabs, palette=self.palette_)
        self._actions: LessonActions | None = None  # built with the later pages
        self.tabs.addTab(self.week_page, icons.icon(TAB_ICONS[0], self.palette_), "&Week")
        # stand-ins until the pages are built, just after the first paint (ui/shell/lesson_tabs)
        self._stand_ins = (QWidget(), QWidget())
        self.tabs.addTab(self._stand_ins[0], icons.icon(TAB_ICONS[1], self.palette_), "&Lessons")
        self.tabs.addTab(self._stand_ins[1], icons.icon(TAB_ICONS[2], self.palette_),
                         "Needs &attention")
        self._lesson_tabs: LessonTabs | None = None
        self.message_banner = MessageBanner(palette=self.palette_)
        self.setCentralWidget(self._stacked(self.message_banner, self.tabs))
        self.status_bar = SyncStatusBar(palette=self.palette_)
        self.refresher = Refresher(self.session, self.week_page, self.status_bar)
        self.notices = NewLessonNotices(self, self.notice_bar, self.open_lesson)
        self.week_title = WeekTitle(self)
        self.zone_switcher = ZoneSwitcher(self)
        self.settings_flow = SettingsFlow(self)
        self.menu_actions = WindowActions(self)
        self.week_toolbar = self.menu_actions.toolbar(self.week_title, self.zone_switcher)
        self.addToolBar(self.week_toolbar)
        self.menu_actions.fill_menus(self.menuBar())
        self._profile: ProfileParts | None = None
        AfterFirstPaint(self.week_page.view.viewport(), self._build_later_pages)
        self.session.ready.connect(self._build_later_pages)
        self.status_label = QLabel("Starting…")
        self.status_label.setObjectName("startupNotice")
        self.statusBar().addWidget(self.status_label)
        self.statusBar().addPermanentWidget(self.status_bar, 1)
        self.statusBar().setSizeGripEnabled(False)
        self._connect()
        self.week_title.set_week(self.week_page.week_start)
        self.zone_switcher.set_recent(preferences.recent_zones)
        if preferences.display_zone:  # the zone the week was left in, on screen and in the box
            self.week_page.view.set_display_zone(preferences.display_zone)
            self.zone_switcher.show_choice(preferences.display_zone)

    # -- building ---------------------------------------------------------------------------

    @property
    def actions_(self) -> LessonActions:
        return self._lesson_actions()

    def _lesson_actions(self) -> LessonActions:
        """What can be done to a lesson, built just after the first paint (or on first need):
        its dialogs and flows are not part of that paint, and nothing asks for them before."""
        if self._actions is None:
            from ui.lessons.actions import LessonActions

            self._actions = LessonActions(
                self.session, self, self.undo_stack, self.notice_bar.show_notice
            )
            self._actions.changed.connect(self._on_lesson_changed)
        return self._actions

    def _lessons(self) -> LessonTabs:
        """The Lessons and Needs-attention pages, built on first need (see lesson_tabs): at
        the latest when the session is ready, before its first reads."""
        if self._lesson_tabs is not None:
            return self._lesson_tabs
        from ui.shell.lesson_tabs import build_lesson_tabs

        built = self._lesson_tabs = build_lesson_tabs(self, *self._stand_ins)
        self.refresher.followers[:0] = [built.lessons_page.on_changed,
                                        built.attention_page.on_changed]
        attention, lessons, news = built.attention_page, built.lessons_page, built.message_notices
        attention.changed.connect(self.refresher.apply)
        attention.countChanged.connect(self._on_attention_count)
        attention.toMarkChanged.connect(self.status_bar.set_lessons_to_mark)
        attention.markedAll.connect(self._on_marked_all)
        built.attention_view.reviewRequested.connect(self.open_lesson)
        lessons.listsShown.connect(self._on_lists_shown)
        self.session.synced.connect(news.after_sync)
        self.actions_.changed.connect(news.on_changed)
        news.openRequested.connect(self.open_lesson)
        return built

    @property
    def lessons_view(self) -> LessonsView:
        return self._lessons().lessons_view

    @property
    def lessons_page(self) -> LessonsPage:
        return self._lessons().lessons_page

    @property
    def attention_view(self) -> AttentionList:
        return self._lessons().attention_view

    @property
    def attention_page(self) -> AttentionPage:
        return self._lessons().attention_page

    @property
    def message_notices(self) -> MessageNotices:
        return self._lessons().message_notices

    def _add_profile_page(self) -> ProfileParts:
        """The Profile tab and its menu (before Help), following changes like the other pages.

        Built just after the first paint of the week (or when first asked for): its forms,
        preview and checks would otherwise take a third of the time to the first painted week.
        """
        if self._profile is not None:
            return self._profile
        from ui.profile.actions import ProfileActions
        from ui.profile.profile_page import ProfilePage
        from ui.profile.profile_view import ProfileView

        view = ProfileView()
        page = ProfilePage(self.session, view)
        self.tabs.addTab(view, icons.icon(TAB_ICONS[3], self.palette_), "&Profile")
        actions = ProfileActions(self, view.booking_link, self.show_profile)
        self._profile = ProfileParts(view, page, actions)
        bar = self.menuBar()
        bar.insertMenu(bar.actions()[-1], actions.menu(bar))
        self.refresher.followers.append(page.on_changed)
        page.changed.connect(self.refresher.apply)
        self.session.synced.connect(page.on_synced)
        if self.session.is_ready:
            page.start()
        else:
            self.session.ready.connect(page.start)
        return self._profile

    def _build_later_pages(self) -> None:
        self._lesson_actions()
        self._lessons()
        self._add_profile_page()

    @property
    def profile_view(self) -> ProfileView:
        return self._add_profile_page().view

    @property
    def profile_page(self) -> ProfilePage:
        return self._add_profile_page().page

    @property
    def profile_actions(self) -> ProfileActions:
        return self._add_profile_page().actions

    def show_profile(self) -> None:
        self.tabs.setCurrentWidget(self.profile_view)

    def _place_window(self) -> None:
        """Where the window was left, fitted to the screens there are now; the first time,
        most of the screen (a week needs room)."""
        saved = self.preferences.window
        if saved is not None:
            self.setGeometry(fit_to_screens(QRect(*saved)))
            if self.preferences.window_maximized:
                self.setWindowState(Qt.WindowState.WindowMaximized)
            return
        screen = QApplication.primaryScreen()
        if screen is None:
            self.resize(1280, 820)
            return
        self.resize(*first_run_size(screen.availableGeometry()))

    def _remember_window(self) -> None:
        """Keep the window's place and size (its normal ones, when it is maximized)."""
        maximized = self.isMaximized()
        place = self.normalGeometry() if maximized else self.geometry()
        if place.isValid():
            box = (place.x(), place.y(), place.width(), place.height())
            self.preferences = self.preferences.with_window(box, maximized=maximized)

    @staticmethod
    def _stacked(*widgets: QWidget) -> QWidget:
        """One widget holding ``widgets`` one above the other, edge to edge."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for widget in widgets:
            column.addWidget(widget)
        column.setStretch(len(widgets) - 1, 1)
        return holder

    def open_conversation(self) -> str | None:
        """The lesson whose conversation is in front of the person now (None: none)."""
        conversation = self.lessons_view.detail.conversation
        if not (conversation.isVisible() and self.isActiveWindow()):
            return None
        return conversation.booking_id()

    def _build_account(self) -> None:
        """Signing in as another account or out, and exporting my lessons (File menu)."""
        self.account = AccountFlow(self, self.session, self.settings)
        self.exports = ExportFlow(self.session, self)

    def export_my_lessons(self) -> None:
        if self.session.is_ready and self.session.instructor_id is not None:
            self.exports.my_lessons(self.session.instructor_id)

    def _connect(self) -> None:
        self.session.ready.connect(self._on_ready)
        self.session.synced.connect(self._on_synced)
        self.session.failed.connect(self._on_failed)
        self.session.signInNeeded.connect(self._on_sign_in_needed)
        self.week_page.weekChanged.connect(self._on_week_changed)
        self.zone_switcher.zoneChosen.connect(self._on_zone_chosen)
        page = self.week_page
        page.lessonActivated.connect(self.open_lesson)
        page.completeRequested.connect(lambda booking: self.actions_.complete(booking))
        page.noShowRequested.connect(lambda booking: self.actions_.no_show(booking))
        page.cancelRequested.connect(lambda booking: self.actions_.cancel(booking))
        page.correctRequested.connect(lambda booking, to: self.actions_.correct(booking, to))
        page.moveRequested.connect(lambda booking: self.actions_.ask_move(booking))
        page.changeFollowingRequested.connect(
            lambda booking: self.actions_.change_following(booking)
        )
        page.lessonDropped.connect(lambda booking, start: self.actions_.move_to(booking, start))
        page.dropRefused.connect(lambda text: self.notice_bar.show_notice(text, tone="warning"))
        page.bookRequested.connect(lambda start: self.actions_.book(start))
        page.editCautioned.connect(self._caution_edit)
        self.exports.told.connect(lambda text: self.notice_bar.show_notice(text, tone="success"))
        page.changed.connect(self.refresher.apply)
        self.tabs.currentChanged.connect(self._on_page_changed)
        self.status_bar.syncRequested.connect(self.sync_now)
        self.status_bar.attentionRequested.connect(
            lambda: self.tabs.setCurrentWidget(self.attention_view)
        )
        self.ops.busyChanged.connect(self._on_busy)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Show the last week at once, then bring the core up behind it (once it is painted)."""
        if self.week_page.show_cached() and self.isVisible():
            AfterFirstPaint(self.week_page.view.viewport(), self.session.start)
        else:
            self.session.start()

    def shutdown(self) -> None:
        """Stop background work; called once after the event loop ends."""
        self.ops.shutdown()
        self.session.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._remember_window()
        self.preferences.save()
        super().closeEvent(event)

    # -- session events ---------------------------------------------------------------------

    def _on_ready(self) -> None:
        identity = self.session.core.identity
        if not self.account.check_role(identity.role, built_for_admin=False):
            return  # an admin signed in: the host builds the admin's window instead
        self.menu_actions.enable_session(True)
        self.setWindowTitle(f"InstaInstru — {identity.name}")
        self.zone_switcher.set_home_zone(identity.time_zone)
        self._show_zone_in_lists()
        self.status_label.setText("")
        self.status_label.hide()
        self.refresh_all()
        self.message_notices.refresh()
        rescue = self.session.core.store.rescue
        if rescue is not None:
            self.tell_repaired(rescue.message())

    def _show_zone_in_lists(self) -> None:
        zone = self.session.core.identity.time_zone
        for view in (self.lessons_view, self.attention_view):
            view.set_time_zone(zone)

    def _on_synced(self, report: SyncReport) -> None:
        self.status_bar.set_syncing(False)
        self.refresher.after_sync(report)

    def _on_lesson_changed(self, changed: Changed) -> None:
        self.notices.remember(changed.booking_ids)  # booked here: not news to announce
        self.refresher.apply(changed)

    def _caution_edit(self, words: str, command: QUndoCommand) -> None:
        """An hour edit just made opened a day off or left lessons outside: say so, with Undo."""
        stack = self.undo_stack
        notice = self.notice_bar.show_notice(
            words,
            tone="warning",
            action="Undo",
            on_action=lambda: undo_if_latest(stack, command),
        )
        notice.keep_action_while(stack.indexChanged, lambda: is_latest(stack, command))

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

    def _on_marked_all(self, count: int) -> None:
        lessons = "1 lesson" if count == 1 else f"{count} lessons"
        self.notice_bar.show_notice(f"{lessons} marked completed.", tone="success")

    def _on_lists_shown(self, upcoming: list[LessonCard], cancelled: list[LessonCard]) -> None:
        zone = self.session.core.identity.time_zone if self.session.is_ready else "UTC"
        self.notices.lessons_loaded(upcoming, cancelled, zone)

    def open_lesson(self, booking_id: str) -> None:
        self.tabs.setCurrentWidget(self.lessons_view)
        self.lessons_page.open_lesson(booking_id)

    def _on_failed(self, title: str, message: str) -> None:
        self.status_label.setText(message)
        self.show_error(title, message)

    def _on_sign_in_needed(self, reason: str) -> None:
        self.status_label.setText("Waiting for you to sign in…")
        credentials = self.account.ask_credentials(reason)
        if credentials is None:
            self.status_label.setText("Not signed in: your saved week is shown read-only.")
            return
        self.status_label.setText("Signing in…")
        self.session.start(*credentials)

    # -- actions ----------------------------------------------------------------------------

    def _on_page_changed(self, _index: int) -> None:
        """The week's toolbar (weeks, undo, zone) is the week's: hidden on the other pages."""
        self.week_toolbar.setVisible(self.tabs.currentWidget() is self.week_page)

    def _on_week_changed(self, monday: date) -> None:
        self.week_title.set_week(monday)

    def _on_zone_chosen(self, zone: str | None) -> None:
        self.week_page.view.set_display_zone(zone)
        self.preferences = self.preferences.with_display_zone(zone).with_recent_zones(
            self.zone_switcher.recent()
        )

    def sync_now(self) -> None:
        if not self.session.is_ready:
            return
        self.status_bar.set_syncing(True)
        self.session.sync_now()

    def set_theme(self, choice: str) -> None:
        self.preferences = self.preferences.with_theme(choice)
        self.palette_ = use_theme(choice, self._retheme)
        self._retheme(self.palette_)
        self.menu_actions.show_theme(choice)

    def _retheme(self, palette: Palette) -> None:
        # icons are tinted for one palette: dark ones would vanish on a dark toolbar
        self.palette_ = palette
        self.menu_actions.retheme(palette)
        for index, name in enumerate(TAB_ICONS):
            self.tabs.setTabIcon(index, icons.icon(name, palette))
        self.week_page.view.set_theme(palette)
        if self._lesson_tabs is not None:  # built later with the palette of the day
            self._lesson_tabs.lessons_view.set_theme(palette)
            self._lesson_tabs.attention_view.set_theme(palette)
        self.status_bar.set_theme(palette)
        self.notice_bar.set_theme(palette)
        self.message_banner.set_theme(palette)

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
        """The keyboard-shortcuts window, made from the shortcuts the actions carry now."""
        from ui.shell.shortcuts import ShortcutsWindow, menu_rows, page_rows, week_rows

        window = self.findChild(ShortcutsWindow)
        if window is None:
            window = ShortcutsWindow(self)
        window.fill([*menu_rows(self.menuBar()), ("Pages", page_rows(self.tabs)),
                     ("In the week", week_rows())])
        window.show()
        window.raise_()
        window.activateWindow()


def fit_to_screens(saved: QRect) -> QRect:
    """``saved`` as it was when it still lies whole on a screen there is now; otherwise the
    first-run size on the screen holding its centre (else the primary one), centred.

    A window left on a monitor that is gone, or sized for a bigger screen, comes back whole and
    in reach, with room around it for the frame and title bar the system adds.
    """
    screen = QGuiApplication.screenAt(saved.center()) or QGuiApplication.primaryScreen()
    if screen is None:
        return saved
    area = screen.availableGeometry()
    if area.contains(saved):
        return saved
    width = max(min(saved.width(), first_run_size(area)[0]), min(MIN_WINDOW[0], area.width()))
    height = max(min(saved.height(), first_run_size(area)[1]), min(MIN_WINDOW[1], area.height()))
    fitted = QRect(0, 0, width, height)
    fitted.moveCenter(area.center())
    return fitted


def first_run_size(area: QRect) -> tuple[int, int]:
    """Most of the screen (a week needs room), leaving a margin for the window's frame."""
    return min(1440, int(area.width() * 0.92)), min(940, int(area.height() * 0.92))
