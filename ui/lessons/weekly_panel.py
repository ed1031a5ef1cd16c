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

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import PreviewLesson, SeriesPreview, TermOption
from ui.lessons import format as fmt

DAY_LETTERS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_LESSONS = 260
_MARKS = {"book": "✓", "refused": "✗", "later": "…", "break": "–"}


def describe(lesson: PreviewLesson, tz: ZoneInfo) -> str:
    """One line of the preview: the date and the wall time in ``tz`` (with its zone's name,
    which changes across daylight saving while the time stays), and what happens there."""
    when = f"{lesson.day:%a %-d %b %Y}"
    if lesson.start is not None and lesson.outcome != "break":
        local = lesson.start.astimezone(tz)
        when += f" {local:%H:%M} {fmt.zone_label(local)}"
    mark = _MARKS.get(lesson.outcome, "")
    if lesson.outcome == "refused":
        return f"{mark} {when} — not booked: {lesson.reason}"
    if lesson.outcome == "later":
        return f"{mark} {when} — booked once your booking window reaches it"
    if lesson.outcome == "break":
        return f"{mark} {when} — no lesson ({lesson.reason or 'a break'})"
    return f"{mark} {when}"


def summary(preview: SeriesPreview) -> str:
    booked, refused = preview.count("book"), preview.count("refused")
    later = preview.count("later")
    parts = [f"{booked} booked now"]
    if later:
        parts.append(f"{later} later")
    parts.append(f"{refused} not possible" if refused else "none refused")
    return ", ".join(parts) + "."


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
        self.summary = QLabel("")
        self.summary.setObjectName("weeklySummary")
        self.summary.setProperty("role", "value")
        layout.addWidget(self.summary)
        self.preview = QListWidget()
        self.preview.setObjectName("weeklyPreview")
        self.preview.setAccessibleName("The weekly lessons, and which cannot be booked")
        self.preview.setMinimumHeight(150)
        self.preview.setWordWrap(True)
        self.preview.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.preview.setResizeMode(QListWidget.ResizeMode.Adjust)
        layout.addWidget(self.preview)
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
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(6)
        self.days: list[QCheckBox] = []
        for weekday, letters in enumerate(DAY_LETTERS):
            box = QCheckBox(letters)
            box.setObjectName(f"weekday{weekday}")
            box.setChecked(weekday == self._first_day.weekday())
            self.days.append(box)
            line.addWidget(box)
        line.addStretch(1)
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
        self.preview.clear()
        for lesson in preview.lessons:
            item = QListWidgetItem(describe(lesson, tz))
            item.setData(Qt.ItemDataRole.UserRole, lesson.outcome)
            if lesson.outcome == "refused":  # what the instructor must look at
                item.setToolTip(lesson.reason)
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.preview.addItem(item)
        self.summary.setText(summary(preview))

    def show_problem(self, text: str) -> None:
        self.preview.clear()
        self.summary.setText(text)
