"""Pick another time for a lesson, among the free ones only.

The caller fetched every start the booking rules allow (:class:`MoveOptions`, from local data)
before opening it, so the dialog never waits and never offers a time that would be refused:
the days with free times on the left, that day's free times on the right, nothing chosen until
the instructor chooses. ``MoveLessonDialog.ask(...)`` returns the chosen start or ``None``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import LessonCard, MoveOptions
from ui.lessons import format as fmt


def _label(text: str, role: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(True)
    return label


class MoveLessonDialog(QDialog):
    """The free days and times of one lesson; Move is off until a time is chosen."""

    def __init__(self, parent: QWidget | None, *, lesson: LessonCard, options: MoveOptions) -> None:
        super().__init__(parent)
        self.setWindowTitle("Move lesson")
        self.setObjectName("moveDialog")
        self.setMinimumSize(520, 420)
        self._zone = ZoneInfo(options.time_zone)
        self._minutes = options.minutes
        self._by_day: dict[date, list[datetime]] = defaultdict(list)
        for start in options.starts:
            self._by_day[start.astimezone(self._zone).date()].append(start)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(_label(f"Move {lesson.student_name}'s lesson", "title"))
        layout.addWidget(
            _label(
                f"Now: {fmt.when(lesson, options.time_zone)}. Only times your booking rules "
                "allow are offered; the student sees the new time in their bookings.",
                "subtitle",
            )
        )
        lists = QHBoxLayout()
        self.days = QListWidget()
        self.days.setObjectName("moveDays")
        self.days.setAccessibleName("Days with free times")
        self.times = QListWidget()
        self.times.setObjectName("moveTimes")
        self.times.setAccessibleName("Free times")
        for day, starts in sorted(self._by_day.items()):
            count = f"{len(starts)} free" if len(starts) != 1 else "1 free"
            item = QListWidgetItem(f"{day:%a %-d %b}  ·  {count}")
            item.setData(Qt.ItemDataRole.UserRole, day)
            self.days.addItem(item)
        lists.addWidget(self.days, 2)
        lists.addWidget(self.times, 3)
        layout.addLayout(lists, 1)
        self.empty = _label(
            "There is no free time for this lesson in your booking window. Paint more hours in "
            "the week view, or cancel the lesson instead.",
            "notice",
        )
        self.empty.setVisible(not options.starts)
        layout.addWidget(self.empty)
        self.buttons = QDialogButtonBox()
        self.confirm = self.buttons.addButton("&Move", QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm.setProperty("role", "primary")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.days.currentItemChanged.connect(self._show_day)
        self.times.currentItemChanged.connect(self._refresh)
        self.times.itemDoubleClicked.connect(lambda _item: self.accept())
        self._refresh()

    def choose_day(self, day: date) -> bool:
        for row in range(self.days.count()):
            if self.days.item(row).data(Qt.ItemDataRole.UserRole) == day:
                self.days.setCurrentRow(row)
                return True
        return False

    def free_times(self) -> list[str]:
        """The times listed for the day shown."""
        return [self.times.item(row).text() for row in range(self.times.count())]

    def choose_time(self, text: str) -> bool:
        found = self.times.findItems(text, Qt.MatchFlag.MatchExactly)
        if found:
            self.times.setCurrentItem(found[0])
        return bool(found)

    def chosen(self) -> datetime | None:
        item = self.times.currentItem()
        start = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return start if isinstance(start, datetime) else None

    def accept(self) -> None:
        if self.chosen() is not None:
            super().accept()

    def _show_day(self, current: QListWidgetItem | None) -> None:
        self.times.clear()
        if current is not None:
            for start in self._by_day[current.data(Qt.ItemDataRole.UserRole)]:
                local = start.astimezone(self._zone)
                end = local + timedelta(minutes=self._minutes)
                item = QListWidgetItem(f"{local:%H:%M}–{end:%H:%M}")
                item.setData(Qt.ItemDataRole.UserRole, start)
                self.times.addItem(item)
        self._refresh()

    def _refresh(self) -> None:
        self.confirm.setEnabled(self.chosen() is not None)

    @classmethod
    def ask(
        cls, parent: QWidget | None, *, lesson: LessonCard, options: MoveOptions
    ) -> datetime | None:
        """Show the dialog; the chosen start (aware, UTC), or None."""
        dialog = cls(parent, lesson=lesson, options=options)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.chosen()
            return None
        finally:
            dialog.deleteLater()
