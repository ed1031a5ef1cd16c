"""A tray notice when a student books a new lesson.

New lessons are found by comparing the upcoming list after each refresh with the one before,
which works the same whether the lesson came through the live stream, a periodic pull or
"Sync now". The first list after start-up only sets the baseline: old lessons are not news.
Without a system tray (many Linux desktops, any headless run) the notice goes to the status bar.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from instainstru_desktop.services.views import LessonCard
from ui.appearance import icons

NOTICE_MS = 8000


def describe(card: LessonCard, zone: str) -> str:
    start = card.start.astimezone(ZoneInfo(zone))
    return f"{card.student_name} booked {card.lesson_type_name}, {start:%a %-d %b at %H:%M}."


class NewLessonNotices:
    """Remembers which upcoming lessons were already seen; announces the rest."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.seen: set[str] | None = None
        self.announced: list[str] = []  # what was said, newest last (also for tests)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icons.app_icon(), window)
            self.tray.setToolTip("InstaInstru")
            self.tray.show()

    def remember(self, booking_ids: frozenset[str]) -> None:
        """Lessons this person made themselves: never announced as new."""
        if self.seen is not None:
            self.seen |= booking_ids

    def lessons_loaded(self, upcoming: list[LessonCard], zone: str) -> None:
        ids = {card.booking_id for card in upcoming}
        if self.seen is None:
            self.seen = ids
            return
        fresh = [c for c in upcoming if c.booking_id not in self.seen and c.status == "confirmed"]
        self.seen |= ids
        if not fresh:
            return
        text = describe(fresh[0], zone) if len(fresh) == 1 else (
            f"{len(fresh)} new lessons were booked; the first: {describe(fresh[0], zone)}"
        )
        self.announced.append(text)
        if self.tray is not None:
            self.tray.showMessage("New lesson", text, icons.app_icon(), NOTICE_MS)
        else:
            self.window.statusBar().showMessage(f"New lesson: {text}", NOTICE_MS)
