"""New messages: the unread total on the Lessons tab, and a notice in the window and the tray.

After every change or sync that names a conversation, the unread messages are read again; the
total goes on the tab, and each message not announced before is announced once per run: in the
banner at the top of the window and, where there is a system tray, as a tray message. Messages
of the lesson the person has open in front of them are not announced: they are being read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon, QTabWidget, QWidget

from instainstru_desktop.services.views import Changed, MessageNotice
from ui.appearance import icons
from ui.shell.session import Session
from ui.widgets.message_banner import MessageBanner

if TYPE_CHECKING:
    from instainstru_desktop.sync.engine import SyncReport

NOTICE_MS = 8000
EXCERPT = 90  # characters of a message quoted in a notice
LESSONS_TAB = "&Lessons"
CONVERSATION_KINDS = frozenset({"message", "message_read"})


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1].rstrip() + "…"


def describe(notice: MessageNotice, zone: str) -> str:
    """``Ana Xu: "Running late" (lesson Tue 3 Dec, 14:00)``."""
    text = f"{notice.author_name or 'Someone'}: “{excerpt(notice.body)}”"
    if notice.lesson is not None:
        start = notice.lesson.start.astimezone(ZoneInfo(zone))
        text += f" (lesson {start:%a %-d %b, %H:%M})"
    return text


class MessageNotices(QObject):
    """Keeps the Lessons tab's unread total and announces messages not announced yet."""

    openRequested = Signal(str)  # noqa: N815 - Qt signal: the booking of an announced message

    def __init__(
        self,
        session: Session,
        tabs: QTabWidget,
        lessons_tab: QWidget,
        banner: MessageBanner,
        tray: QSystemTrayIcon | None,
        open_conversation: Callable[[], str | None],
    ) -> None:
        super().__init__(tabs)
        self.session = session
        self.tabs = tabs
        self.lessons_tab = lessons_tab
        self.banner = banner
        self.tray = tray
        self._open_conversation = open_conversation
        self.seen: set[str] = set()
        self.announced: list[str] = []  # what was said, newest last (also for tests)
        self.total = 0
        self._last_booking = ""
        banner.openRequested.connect(self.openRequested)
        if tray is not None:
            tray.messageClicked.connect(self._tray_clicked)

    def on_changed(self, changed: Changed) -> None:
        if changed.messages or changed.everything:
            self.refresh()

    def after_sync(self, report: SyncReport) -> None:
        if report.reset or CONVERSATION_KINDS.intersection(report.kinds):
            self.refresh()

    def refresh(self) -> None:
        """Read the unread total and the newest unread messages again."""
        if not self.session.is_ready:
            return
        messages = self.session.services.messages

        def read() -> tuple[int, list[MessageNotice]]:
            return messages.unread_total(), messages.unread_notices()

        self.session.ops.run_db(read, self._show, what="reading new messages")

    def _show(self, found: tuple[int, list[MessageNotice]]) -> None:
        total, notices = found
        self.total = total
        index = self.tabs.indexOf(self.lessons_tab)
        self.tabs.setTabText(index, f"{LESSONS_TAB} ({total} new)" if total else LESSONS_TAB)
        open_now = self._open_conversation()
        fresh = [n for n in notices if n.message_id not in self.seen and n.booking_id != open_now]
        self.seen.update(n.message_id for n in notices)
        if fresh:
            self._announce(fresh, total)

    def _announce(self, fresh: list[MessageNotice], total: int) -> None:
        zone = self.session.core.identity.time_zone if self.session.is_ready else "UTC"
        newest = fresh[0]
        text = describe(newest, zone)
        if len(fresh) > 1:
            text = f"{len(fresh)} new messages; the newest from {text}"
        self.announced.append(text)
        self._last_booking = newest.booking_id
        self.banner.announce(text, newest.booking_id)
        if self.tray is not None:
            title = "New message" if len(fresh) == 1 else f"{total} unread messages"
            self.tray.showMessage(title, text, icons.app_icon(), NOTICE_MS)

    def _tray_clicked(self) -> None:
        if self._last_booking:
            self.openRequested.emit(self._last_booking)
