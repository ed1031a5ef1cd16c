"""The "Book weekly" part of the booking dialog: weekdays, how often, until when, and a preview.

The panel only gathers the rule and shows the preview it is handed; the dialog asks for the
preview (on the database executor) whenever the rule changes, after a short pause so typing a
count does not ask once per key. Each date of the preview says what booking would do there:
booked, refused with the reason a single booking would get, booked later (beyond the booking
window), or skipped (a break of the term).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import SeriesPreview, TermOption
from ui.lessons.weekly_preview import PreviewList, weekday_boxes

MAX_LESSONS = 260


class WeeklyPanel(QWidget):
    """The rule of a weekly series and the preview of what it would book."""

    ruleChanged = Signal()  # noqa: N815 - Qt naming

    def __init__(
        self, first_day: date, terms: Sequence[TermOption], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("weeklyPanel")
        self._first_day = first_day
        self._terms = list(terms)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        form.addRow("&On", self._weekday_row())
        self.every = QSpinBox()
        self.every.setObjectName("everyWeeks")
        self.every.setRange(1, 4)
        self.every.setPrefix("every ")
        self.every.setSuffix(" weeks")
        self.every.setSpecialValueText("every week")
        form.addRow("&Repeat", self.every)
        form.addRow("&Until", self._end_row())
        layout.addLayout(form)
        self.previews = PreviewList("The weekly lessons, and which cannot be booked")
        self.summary, self.preview = self.previews.summary, self.previews.preview
        layout.addWidget(self.previews)
        for box in self.days:
            box.toggled.connect(self.ruleChanged)
        for signal in (
            self.every.valueChanged,
            self.end_kind.currentIndexChanged,
            self.count.valueChanged,
            self.until.dateChanged,
            self.term.currentIndexChanged,
        ):
            signal.connect(self.ruleChanged)

    def _weekday_row(self) -> QWidget:
        row, self.days = weekday_boxes((self._first_day.weekday(),))
        return row

    def _end_row(self) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.end_kind = QComboBox()
        self.end_kind.setObjectName("endKind")
        self.end_kind.addItem("a number of lessons", "count")
        self.end_kind.addItem("a date", "until")
        if self._terms:
            self.end_kind.addItem("the end of a term", "term")
        self.count = QSpinBox()
        self.count.setObjectName("count")
        self.count.setRange(1, MAX_LESSONS)
        self.count.setValue(10)
        self.count.setSuffix(" lessons")
        self.until = QDateEdit()
        self.until.setObjectName("until")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("ddd d MMM yyyy")
        last = self._first_day + timedelta(weeks=12)
        self.until.setDate(QDate(last.year, last.month, last.day))
        self.term = QComboBox()
        self.term.setObjectName("term")
        for term in self._terms:
            self.term.addItem(f"{term.name} (until {term.last:%-d %b %Y})", term.term_id)
        self.stack = QStackedWidget()
        for editor in (self.count, self.until, self.term):
            self.stack.addWidget(editor)
        self.end_kind.currentIndexChanged.connect(self.stack.setCurrentIndex)
        line.addWidget(self.end_kind)
        line.addWidget(self.stack, 1)
        return row

    # -- what the rule is --------------------------------------------------------------------

    def weekdays(self) -> tuple[int, ...]:
        return tuple(i for i, box in enumerate(self.days) if box.isChecked())

    def end(self) -> tuple[int | None, date | None, str | None]:
        """``(count, until, term_id)``: exactly one is set."""
        kind = self.end_kind.currentData()
        if kind == "until":
            picked = self.until.date()
            return None, date(picked.year(), picked.month(), picked.day()), None
        if kind == "term" and self.term.currentData():
            return None, None, str(self.term.currentData())
        return self.count.value(), None, None

    def problem(self) -> str:
        if not self.weekdays():
            return "Choose at least one weekday."
        _, until, _ = self.end()
        if until is not None and until < self._first_day:
            return "The end date is before the first lesson."
        return ""

    # -- the preview -------------------------------------------------------------------------

    def show_preview(self, preview: SeriesPreview, tz: ZoneInfo) -> None:
        self.previews.show_preview(preview, tz)

    def show_problem(self, text: str) -> None:
        self.previews.show_problem(text)
