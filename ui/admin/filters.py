"""The filter bar of the admin's bookings table: who, what, when, which status, flagged, text.

It only builds a :class:`~instainstru_desktop.services.review_views.ReviewQuery` and says when it
changed (text after a short pause in typing, everything else at once); the table's controller
does the reading. Dates are the admin's own calendar days (their zone), from midnight to
midnight.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from instainstru_desktop.services.review_views import STATUSES, ReviewOptions, ReviewQuery
from ui.lessons import format as fmt

TYPING_PAUSE_MS = 250
PERIODS = (
    ("any", "Any time"),
    ("past4", "Past 4 weeks"),
    ("next4", "Next 4 weeks"),
    ("month", "This month"),
    ("custom", "Dates…"),
)
REVIEW_CHOICES = (("any", "Flagged or not"), ("yes", "Flagged"), ("no", "Not flagged"))


def _combo(name: str, accessible: str) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(14)
    return box


class FilterBar(QWidget):
    """Filters of the bookings table; ``queryChanged`` carries the new query."""

    queryChanged = Signal(object)  # noqa: N815 - ReviewQuery

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterBar")
        self._zone = ZoneInfo("UTC")
        self.text = QLineEdit()
        self.text.setObjectName("searchText")
        self.text.setPlaceholderText("Search names, notes, reasons…")
        self.text.setClearButtonEnabled(True)
        self.text.setAccessibleName("Search the bookings")
        self.instructor = _combo("instructorFilter", "Instructor")
        self.student = _combo("studentFilter", "Student")
        self.student.setEditable(True)
        self.student.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lesson = _combo("lessonFilter", "Lesson type")
        self.period = _combo("periodFilter", "Dates")
        self.review = _combo("reviewFilter", "Review flag")
        self.first_day = QDateEdit()
        self.last_day = QDateEdit()
        for edit, name in ((self.first_day, "From"), (self.last_day, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(f"{name} date")
            edit.setVisible(False)
        self.statuses = {s: self._status_button(s) for s in STATUSES}
        self.count = QLabel("")
        self.count.setObjectName("matchCount")
        self.count.setProperty("role", "subtitle")
        self.clear = QPushButton("Clear filters")
        self.clear.setObjectName("clearFilters")
        self._fill_fixed()
        self._lay_out()
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._announce)
        self._connect()

    # -- building -----------------------------------------------------------------------------

    def _status_button(self, status: str) -> QToolButton:
        button = QToolButton()
        button.setText(fmt.STATUS_WORDS[status])
        button.setCheckable(True)
        button.setObjectName(f"status_{status}")
        button.setAccessibleName(f"Show {fmt.STATUS_WORDS[status].lower()} lessons")
        button.setToolTip("Show only lessons in the statuses pressed (none pressed: all)")
        return button

    def _fill_fixed(self) -> None:
        for key, label in PERIODS:
            self.period.addItem(label, key)
        for key, label in REVIEW_CHOICES:
            self.review.addItem(label, key)
        self.set_options(ReviewOptions((), (), ()))

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.text, 0, 0, 1, 2)
        grid.addWidget(self.instructor, 0, 2)
        grid.addWidget(self.student, 0, 3)
        grid.addWidget(self.lesson, 0, 4)
        statuses = QHBoxLayout()
        statuses.setSpacing(2)
        for button in self.statuses.values():
            statuses.addWidget(button)
        grid.addLayout(statuses, 1, 0)
        dates = QHBoxLayout()
        dates.addWidget(self.period)
        dates.addWidget(self.first_day)
        dates.addWidget(self.last_day)
        grid.addLayout(dates, 1, 1, 1, 2)
        grid.addWidget(self.review, 1, 3)
        tail = QHBoxLayout()
        tail.addWidget(self.count, 1)
        tail.addWidget(self.clear)
        grid.addLayout(tail, 1, 4)
        grid.setColumnStretch(1, 1)

    def _connect(self) -> None:
        self.text.textChanged.connect(lambda _text: self._pause.start())
        for box in (self.instructor, self.lesson, self.review):
            box.currentIndexChanged.connect(self._announce)
        self.student.activated.connect(self._announce)
        editor = self.student.lineEdit()
        if editor is not None:
            editor.returnPressed.connect(self._announce)
        self.period.currentIndexChanged.connect(self._on_period)
        self.first_day.dateChanged.connect(self._announce)
        self.last_day.dateChanged.connect(self._announce)
        for button in self.statuses.values():
            button.toggled.connect(self._announce)
        self.clear.clicked.connect(self.reset)

    # -- public -------------------------------------------------------------------------------

    def set_zone(self, zone: str) -> None:
        """Whose calendar days the dates are (the admin's)."""
        self._zone = ZoneInfo(zone)

    def set_options(self, options: ReviewOptions) -> None:
        """Fill the boxes, keeping what was chosen where it is still offered."""
        chosen = (
            self.instructor.currentData(),
            self.student.currentData(),
            self.lesson.currentData(),
        )
        for box in (self.instructor, self.student, self.lesson):
            box.blockSignals(True)
            box.clear()
        self.instructor.addItem("All instructors", None)
        for instructor_id, name, _zone in options.instructors:
            self.instructor.addItem(name, instructor_id)
        self.student.addItem("All students", None)
        for student_id, name in options.students:
            self.student.addItem(name, student_id)
        self.lesson.addItem("All lesson types", None)
        for name in options.lesson_types:
            self.lesson.addItem(name, name)
        for box, value in zip((self.instructor, self.student, self.lesson), chosen, strict=True):
            box.setCurrentIndex(max(0, box.findData(value)) if value else 0)
            box.blockSignals(False)
        completer = QCompleter([name for _id, name in options.students], self.student)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.student.setCompleter(completer)

    def set_count(self, count: int | None, total: int | None = None) -> None:
        if count is None:
            self.count.setText("Counting…")
        elif total is not None and total != count:
            self.count.setText(f"{count:,} of {total:,} lessons")
        else:
            self.count.setText("1 lesson" if count == 1 else f"{count:,} lessons")

    def choose_instructor(self, instructor_id: str | None) -> None:
        self.instructor.setCurrentIndex(max(0, self.instructor.findData(instructor_id)))

    def choose_statuses(self, statuses: tuple[str, ...]) -> None:
        for status, button in self.statuses.items():
            button.blockSignals(True)
            button.setChecked(status in statuses)
            button.blockSignals(False)
        self._announce()

    def reset(self) -> None:
        """Every filter back to "any"."""
        widgets = [
            self.text,
            self.instructor,
            self.student,
            self.lesson,
            self.period,
            self.review,
            *self.statuses.values(),
        ]
        for widget in widgets:
            widget.blockSignals(True)
        self.text.clear()
        for box in (self.instructor, self.student, self.lesson, self.period, self.review):
            box.setCurrentIndex(0)
        for button in self.statuses.values():
            button.setChecked(False)
        for widget in widgets:
            widget.blockSignals(False)
        self._on_period()

    def query(self) -> ReviewQuery:
        """The filters as chosen now."""
        first, last = self._dates()
        review = self.review.currentData()
        return ReviewQuery(
            instructor_id=self.instructor.currentData(),
            student_id=self._student_id(),
            statuses=tuple(s for s, b in self.statuses.items() if b.isChecked()),
            lesson_type=self.lesson.currentData(),
            start_from=self._midnight(first) if first else None,
            start_before=self._midnight(last + timedelta(days=1)) if last else None,
            flagged=None if review == "any" else review == "yes",
            text=self.text.text().strip(),
        )

    # -- helpers ------------------------------------------------------------------------------

    def _student_id(self) -> str | None:
        typed = self.student.currentText().strip()
        index = self.student.findText(typed, Qt.MatchFlag.MatchFixedString)
        return self.student.itemData(index) if index > 0 else None

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=self._zone)

    def _dates(self) -> tuple[date | None, date | None]:
        key = self.period.currentData()
        today = datetime.now(self._zone).date()
        if key == "past4":
            return today - timedelta(weeks=4), today
        if key == "next4":
            return today, today + timedelta(weeks=4)
        if key == "month":
            first = today.replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            return first, following - timedelta(days=1)
        if key == "custom":
            return _day(self.first_day.date()), _day(self.last_day.date())
        return None, None

    def _on_period(self) -> None:
        custom = self.period.currentData() == "custom"
        if custom and not self.first_day.isVisible():
            today = datetime.now(self._zone).date()
            for edit, day in ((self.first_day, today - timedelta(weeks=4)), (self.last_day, today)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.first_day.setVisible(custom)
        self.last_day.setVisible(custom)
        self._announce()

    def _announce(self) -> None:
        self._pause.stop()
        self.queryChanged.emit(self.query())


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
