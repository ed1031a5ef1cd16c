"""News of lessons: a notice in the window (and the tray, where there is one) when a student
books a lesson or a lesson is cancelled by someone else.

News is found by comparing the lists after each refresh with the ones before, which works the
same whether the change came through the live stream, a periodic pull or "Sync now". The first
lists after start-up only set the baseline: old lessons are not news. What this person did
(booked here, cancelled from any of their devices) is not news either. The notice's "Show"
opens the lesson; without a system tray (many Linux desktops, any headless run) the notice in
the window is the only one, so it never depends on the tray.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QMainWindow

from instainstru_desktop.services.week_views import LessonCard
from ui.appearance import icons

if TYPE_CHECKING:
    from PySide6.QtWidgets import QSystemTrayIcon
from ui.widgets.notice_bar import NoticeBar

NOTICE_MS = 8000
#: Who cancelled, as the notice says it (the instructor's own cancellations are not news).
CANCELLED_BY = {"admin": "An admin", "system": "InstaInstru"}


def describe(card: LessonCard, zone: str) -> str:
    start = card.start.astimezone(ZoneInfo(zone))
    return f"{card.student_name} booked {card.lesson_type_name}, {start:%a %-d %b at %H:%M}."


def describe_cancelled(card: LessonCard, zone: str) -> str:
    start = card.start.astimezone(ZoneInfo(zone))
    when = f"{card.lesson_type_name}, {start:%a %-d %b at %H:%M}"
    if card.cancelled_by == "student":
        text = f"{card.student_name} cancelled {when}"
    else:
        who = CANCELLED_BY.get(card.cancelled_by, "Someone")
        text = f"{who} cancelled {card.student_name}'s {when}"
    reason = card.cancel_reason.strip()
    return f"{text}: “{reason}”" if reason else f"{text}."


class NewLessonNotices:
    """Remembers which lessons were already seen; announces new and cancelled ones."""

    def __init__(
        self, window: QMainWindow, bar: NoticeBar, show_lesson: Callable[[str], None]
    ) -> None:
        self.window = window
        self.bar = bar
        self.show_lesson = show_lesson
        self.seen: set[str] | None = None  # lessons ever listed as upcoming (None: not yet read)
        self.cancelled: set[str] = set()  # lessons already listed as cancelled
        self.announced: list[str] = []  # what was said, newest last (also for tests)
        self._tray: QSystemTrayIcon | None = None
        self._tray_looked_for = False

    @property
    def tray(self) -> QSystemTrayIcon | None:
        """The app's icon in the system tray (None: the desktop has no tray), put there on
        first use: just after the first paint, which it is no part of."""
        if not self._tray_looked_for:
            from PySide6.QtWidgets import QSystemTrayIcon

            self._tray_looked_for = True
            if QSystemTrayIcon.isSystemTrayAvailable():
                self._tray = QSystemTrayIcon(icons.app_icon(), self.window)
                self._tray.setToolTip("InstaInstru")
                self._tray.show()
        return self._tray

    def remember(self, booking_ids: frozenset[str]) -> None:
        """Lessons this person made themselves: never announced as new."""
        if self.seen is not None:
            self.seen |= booking_ids

    def lessons_loaded(
        self, upcoming: Sequence[LessonCard], cancelled: Sequence[LessonCard], zone: str
    ) -> None:
        """The lists as now shown: announce what is new in them since the last look."""
        ids = {card.booking_id for card in upcoming}
        cancelled_ids = {card.booking_id for card in cancelled}
        if self.seen is None:
            self.seen, self.cancelled = ids, cancelled_ids
            return
        fresh = [c for c in upcoming if c.booking_id not in self.seen and c.status == "confirmed"]
        gone = [
            c
            for c in cancelled
            if c.booking_id not in self.cancelled
            and c.booking_id in self.seen
            and c.cancelled_by != "instructor"
        ]
        self.seen |= ids
        self.cancelled |= cancelled_ids
        if fresh:
            text = (
                describe(fresh[0], zone)
                if len(fresh) == 1
                else (
                    f"{len(fresh)} new lessons were booked; the first: {describe(fresh[0], zone)}"
                )
            )
            self._announce("New lesson", text, fresh[0].booking_id, "lesson")
        for card in gone:
            self._announce("Lesson cancelled", describe_cancelled(card, zone), card.booking_id, "")

    def _announce(self, title: str, text: str, booking_id: str, icon_name: str) -> None:
        self.announced.append(text)
        self.bar.show_notice(
            text,
            tone="info" if icon_name else "warning",
            icon_name=icon_name,
            action="Show",
            on_action=lambda: self.show_lesson(booking_id),
        )
        tray = self.tray
        if tray is not None:
            tray.showMessage(title, text, icons.app_icon(), NOTICE_MS)
