"""What students see: the week of free times the booking page lists, in a student's zone.

Seven days on the student's calendar, each with its free times, or -- when nothing is free --
when the next free time is, as the page says it. The week itself is worked out by the preview
service from the local cache; this widget asks for one (``weekRequested``) and shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from instainstru_desktop.domain.free_week import FreeDay
from instainstru_desktop.services.profile_checks import length_text, money_text
from instainstru_desktop.services.views import LessonTypeOption
from ui.profile.lesson_types_panel import swatch
from ui.profile.widgets import Card, card, label, set_tone
from ui.widgets.flow import FlowLayout
from ui.widgets.zones import ZonePicker, zone_display

if TYPE_CHECKING:  # the service loads the cache's code: not before the first paint
    from instainstru_desktop.services.preview import StudentWeek


def day_label(day: date) -> str:
    """``Mon 2 Mar``, as the booking page heads a day."""
    return f"{day:%a} {day.day} {day:%b}"


def short_when(instant: datetime, tz: ZoneInfo) -> str:
    """``Mon 2 Mar, 09:00`` on ``tz``'s clock."""
    local = instant.astimezone(tz)
    return f"{day_label(local.date())}, {local:%H:%M}"


def notice_text(minutes: int) -> str:
    if minutes == 0:
        return "no minimum notice"
    return f"at least {length_text(minutes)}’ notice"


class DayRow(QWidget):
    """One day: its heading and its times, or what the page says instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewDay")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(12)
        self.heading = label("", "cardTitle", "previewDayHeading")
        self.heading.setWordWrap(False)
        self.heading.setFixedWidth(96)
        self.heading.setContentsMargins(0, 3, 0, 0)  # level with the text of the first chips
        layout.addWidget(self.heading, 0, Qt.AlignmentFlag.AlignTop)
        self.holder = QWidget()
        self.times = FlowLayout(self.holder, spacing=5)
        layout.addWidget(self.holder, 1)
        self.none = label("", "subtitle", "previewNone")
        self.none.setContentsMargins(0, 3, 0, 0)
        layout.addWidget(self.none, 1, Qt.AlignmentFlag.AlignTop)

    def show_day(self, day: date, starts: Sequence[datetime], tz: ZoneInfo, empty: str) -> None:
        self.heading.setText(day_label(day))
        self.times.clear()
        for start in starts:
            chip = QLabel(f"{start.astimezone(tz):%H:%M}")
            chip.setProperty("role", "chip")
            self.times.addWidget(chip)
        self.holder.setVisible(bool(starts))
        self.none.setText(empty)
        self.none.setVisible(not starts)
        self.holder.updateGeometry()
        self.updateGeometry()

    def texts(self) -> list[str]:
        """The times shown (for tests and screen readers), in order."""
        shown = []
        for index in range(self.times.count()):
            item = self.times.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                shown.append(widget.text())
        return shown


class StudentPreview(Card):
    """The preview; ``weekRequested(lesson_type_id, zone, first or None)`` when it needs one."""

    weekRequested = Signal(str, str, object)  # noqa: N815 - first: date | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._week: StudentWeek | None = None
        layout = card(
            self,
            "previewCard",
            "What students see",
            "Your free times for a week, as your booking page lists them. Worked out on this "
            "computer from your hours, lessons and rules, so it works offline too.",
        )
        layout.addLayout(self._controls())
        layout.addLayout(self._week_nav())
        self.summary = label("", "subtitle", "previewSummary")
        layout.addWidget(self.summary)
        self.message = label("", "notice", "previewMessage")
        layout.addWidget(self.message)
        self.days = [DayRow() for _ in range(7)]
        for row in self.days:
            layout.addWidget(row)
        layout.addStretch(1)
        self.lesson_type.currentIndexChanged.connect(lambda _i: self.request())
        self.zone.activated.connect(lambda _i: self.request())
        editor = self.zone.lineEdit()
        if editor is not None:
            editor.editingFinished.connect(self.request)
        self.show_message("Add a lesson type and offer it to see what students see.")

    def _controls(self) -> QFormLayout:
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        self.lesson_type = QComboBox()
        self.lesson_type.setObjectName("previewLessonType")
        self.zone = ZonePicker()
        self.zone.setObjectName("previewZone")
        self.zone.offer()
        for text, field in (("Lesson &type", self.lesson_type), ("Student’s &zone", self.zone)):
            caption = QLabel(text)
            caption.setBuddy(field)
            form.addRow(caption, field)
        return form

    def _week_nav(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.earlier = QPushButton("← &Earlier")
        self.earlier.setObjectName("previewEarlier")
        self.later = QPushButton("&Later →")
        self.later.setObjectName("previewLater")
        self.range = label("", "cardTitle", "previewRange")
        self.range.setWordWrap(False)
        self.earlier.clicked.connect(lambda: self._page(-1))
        self.later.clicked.connect(lambda: self._page(1))
        row.addWidget(self.earlier)
        row.addStretch(1)
        row.addWidget(self.range)
        row.addStretch(1)
        row.addWidget(self.later)
        return row

    # -- inputs -----------------------------------------------------------------------------

    def set_lesson_types(self, options: Sequence[LessonTypeOption]) -> None:
        """Offer the lesson types students can book (the chosen one stays chosen)."""
        chosen = self.lesson_type.currentData()
        offered = [o for o in options if o.active]
        self.lesson_type.blockSignals(True)
        self.lesson_type.clear()
        for option in offered:
            text = (
                f"{option.name} · {length_text(option.duration_minutes)} · "
                f"{money_text(option.price_cents, option.currency)}"
            )
            self.lesson_type.addItem(swatch(option.color), text, option.id)
        index = self.lesson_type.findData(chosen)
        self.lesson_type.setCurrentIndex(index if index >= 0 else 0)
        self.lesson_type.blockSignals(False)

    def set_zone(self, name: str) -> None:
        self.zone.show_zone(name)

    def request(self, first: date | None = None) -> None:
        """Ask for the week from ``first`` (None: from today) of the chosen type and zone."""
        lesson_type_id = self.lesson_type.currentData()
        if not lesson_type_id:
            self._week = None
            self.show_message("Offer a lesson type to see what students see.")
            return
        self.weekRequested.emit(str(lesson_type_id), self.zone.zone(), first)

    def _page(self, step: int) -> None:
        week = self._week.week if self._week is not None else None
        target = (week.next if step > 0 else week.previous) if week is not None else None
        if target is not None:
            self.request(target)

    # -- showing ----------------------------------------------------------------------------

    def show_week(self, shown: StudentWeek) -> None:
        self._week = shown
        week = shown.week
        tz = week.viewer
        self.message.hide()
        self.range.setText(f"{day_label(week.days[0].day)} – {day_label(week.days[-1].day)}")
        self.summary.setText(
            f"Times in {zone_display(str(tz))} · {notice_text(shown.min_notice_minutes)} · "
            f"bookable up to {shown.booking_horizon_days} days ahead"
        )
        for row, day in zip(self.days, week.days, strict=True):
            row.show_day(day.day, day.starts, tz, self._empty_text(day, tz, shown))
            row.show()
        self.earlier.setEnabled(week.previous is not None)
        self.later.setEnabled(week.next is not None)
        self.refit(self.message, self.summary)

    @staticmethod
    def _empty_text(day: FreeDay, tz: ZoneInfo, shown: StudentWeek) -> str:
        """What the booking page says of a day without free times."""
        if day.beyond_horizon:
            return "Not open for booking yet."
        if day.next_free is not None:
            return f"Nothing free. Next free time: {short_when(day.next_free, tz)}"
        return f"Nothing free in the next {shown.booking_horizon_days} days."

    def show_message(self, text: str, *, tone: str = "") -> None:
        """No week to show (no lesson type offered, a zone not known): say why."""
        self._week = None
        self.message.setText(text)
        set_tone(self.message, tone)
        self.message.show()
        self.range.setText("")
        self.summary.setText("")
        for row in self.days:
            row.hide()
        self.earlier.setEnabled(False)
        self.later.setEnabled(False)
        self.refit(self.message, self.summary)

    @property
    def shown(self) -> StudentWeek | None:
        return self._week
