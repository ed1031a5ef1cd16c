"""Confirm booking a lesson for a student: who, which lesson, when in both zones, price, policy.

Everything shown is computed from what the caller fetched first (students, lesson types, the
policy text, and the booking rules' verdict on the time for each lesson type), as Anki does:
fetch, then open the dialog, so it never waits on I/O. Nobody is chosen until the instructor
chooses (:mod:`ui.lessons.student_picker`), and a time the rules refuse (outside the hours,
inside the minimum notice...) is said before Book, which stays off.
``BookForStudentDialog.ask(...)`` returns a ``BookingChoice`` or ``None``; tests replace it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import (
    BookingChecks,
    LessonTypeOption,
    SeriesPreview,
    StudentOption,
    TermOption,
    Verdict,
    WeeklyRequest,
)
from ui.lessons import format as fmt
from ui.lessons.student_picker import StudentPicker
from ui.lessons.weekly_panel import WeeklyPanel
from ui.lessons.weekly_preview import LivePreview

#: Asks for the preview of a weekly series and hands it (or the reason there is none) back.
Previewer = Callable[[WeeklyRequest, Callable[[SeriesPreview | str], None]], None]


def _never(_request: WeeklyRequest, _show: Callable[[SeriesPreview | str], None]) -> None:
    """No preview without a previewer (the weekly part is not offered then)."""


@dataclass(frozen=True, slots=True)
class BookingChoice:
    """What the instructor confirmed."""

    student_id: str
    lesson_type_id: str
    start: datetime  # aware, UTC
    weekly: WeeklyRequest | None = None  # booked as weekly lessons from ``start`` on


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour) if QColor.isValidColorName(colour) else QColor("#888888"))
    return QIcon(pixmap)


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "caption")
    return label


def _span(start: datetime, minutes: int, zone: str) -> str:
    tz = ZoneInfo(zone)
    begin = start.astimezone(tz)
    end = (start + timedelta(minutes=minutes)).astimezone(tz)
    end_text = f"{end:%H:%M}" if end.date() == begin.date() else f"{end:%a %H:%M}"
    return f"{begin:%a %-d %b %Y}, {begin:%H:%M}–{end_text} {fmt.zone_label(begin)}"


class BookForStudentDialog(QDialog):
    """Pick the student and the lesson type; see exactly what will be booked."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        start: datetime,
        instructor_zone: str,
        students: Sequence[StudentOption],
        lesson_types: Sequence[LessonTypeOption],
        policy_text: str,
        checks: BookingChecks | None = None,
        student_id: str | None = None,
        instructor_id: str = "",
        terms: Sequence[TermOption] = (),
        previewer: Previewer | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Book for a student")
        self.setObjectName("bookDialog")
        self.setMinimumWidth(480)
        self._start = start.astimezone(UTC)
        self._zone = instructor_zone
        self._students = list(students)
        self._types = [t for t in lesson_types if t.active]
        self._checks = checks
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        title = QLabel("Book a lesson for a student")
        title.setProperty("role", "title")
        layout.addWidget(title)
        layout.addLayout(self._choices())
        layout.addLayout(self._summary())
        self._instructor_id = instructor_id
        self._previewer = previewer
        self.weekly_box = QCheckBox("Book &weekly: the same time every week")
        self.weekly_box.setObjectName("bookWeekly")
        local = self._start.astimezone(ZoneInfo(instructor_zone))
        self.weekly = WeeklyPanel(local.date(), terms)
        self.weekly.setVisible(False)
        self._live: LivePreview[WeeklyRequest] = LivePreview(
            self.weekly.previews, previewer or _never, lambda: ZoneInfo(self._zone), self
        )
        if previewer is not None:
            layout.addWidget(self.weekly_box)
            layout.addWidget(self.weekly)
        layout.addWidget(_caption("Cancellation policy"))
        self.policy = QLabel(policy_text or "No cancellation policy is set.")
        self.policy.setProperty("role", "notice")
        self.policy.setWordWrap(True)
        layout.addWidget(self.policy)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        layout.addWidget(self._buttons())

        if student_id is not None:
            self.students.choose(student_id)
        self.students.chosen.connect(self._refresh)
        self.lesson_type.currentIndexChanged.connect(self._refresh)
        self.weekly_box.toggled.connect(self._weekly_toggled)
        self.weekly.ruleChanged.connect(self._refresh)
        self._refresh()
        self.students.search.setFocus()

    # -- building ---------------------------------------------------------------------------

    def _choices(self) -> QFormLayout:
        """Who (found by name or e-mail, chosen on purpose) and which lesson."""
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        self.students = StudentPicker(self._students)
        self.lesson_type = QComboBox()
        self.lesson_type.setObjectName("lessonType")
        self.lesson_type.setAccessibleName("Lesson type")
        for option in self._types:
            label = (
                f"{option.name} · {option.duration_minutes} min · "
                f"{fmt.money(option.price_cents, option.currency)}"
            )
            self.lesson_type.addItem(_swatch(option.color), label, option.id)
        form.addRow("&Student", self.students)
        student_label = form.labelForField(self.students)
        if isinstance(student_label, QLabel):
            student_label.setBuddy(self.students.search)
        form.addRow("&Lesson", self.lesson_type)
        return form

    def _summary(self) -> QFormLayout:
        """When in both zones, and the price: what will be booked, filled by ``_refresh``."""
        summary = QFormLayout()
        summary.setHorizontalSpacing(16)
        summary.setVerticalSpacing(6)
        self.your_time = QLabel()
        self.student_time = QLabel()
        self.student_time.setWordWrap(True)
        self.price = QLabel()
        for value in (self.your_time, self.student_time, self.price):
            value.setProperty("role", "value")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary.addRow(_caption("Your time"), self.your_time)
        summary.addRow(_caption("Student's time"), self.student_time)
        summary.addRow(_caption("Price"), self.price)
        return summary

    def _buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox()
        self.confirm = self.buttons.addButton(
            "&Book lesson", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm.setProperty("role", "primary")
        self.confirm.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        return self.buttons

    # -- state ------------------------------------------------------------------------------

    def _selected_student(self) -> StudentOption | None:
        return self.students.selected()

    def _verdict(self) -> Verdict:
        """What the booking rules say of the time for the lesson type chosen."""
        kind = self._selected_type()
        if self._checks is None or kind is None:
            return Verdict(True)
        return self._checks.verdict(kind.id)

    def _selected_type(self) -> LessonTypeOption | None:
        type_id = self.lesson_type.currentData()
        return next((t for t in self._types if t.id == type_id), None)

    def _refresh(self) -> None:
        student, kind = self._selected_student(), self._selected_type()
        minutes = kind.duration_minutes if kind else 0
        self.your_time.setText(_span(self._start, minutes, self._zone) if kind else "—")
        if student and kind:
            theirs = _span(self._start, minutes, student.time_zone)
            same = (
                self._start.astimezone(ZoneInfo(student.time_zone)).utcoffset()
                == self._start.astimezone(ZoneInfo(self._zone)).utcoffset()
            )
            where = student.time_zone.replace("_", " ")
            self.student_time.setText(f"{theirs}\n{where}{' (same as yours)' if same else ''}")
        else:
            self.student_time.setText("—")
        self.price.setText(fmt.money(kind.price_cents, kind.currency) if kind else "—")
        problem = ""
        verdict = self._verdict()
        if not self._students:
            problem = "There are no students in your local data yet."
        elif kind is None:
            problem = "You have no active lesson types."
        elif self.weekly_box.isChecked():
            problem = self.weekly.problem()
            if not problem and student is None:
                problem = "Choose a student: search by name or e-mail."
        elif not verdict.allowed:
            problem = verdict.message
        elif student is None:
            problem = "Choose a student: search by name or e-mail."
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.confirm.setEnabled(not problem)
        if self.weekly_box.isChecked():
            if problem:
                self.weekly.show_problem("")
            else:
                self._live.soon(self.weekly_request)

    # -- weekly ------------------------------------------------------------------------------

    def _weekly_toggled(self, on: bool) -> None:
        self.weekly.setVisible(on)
        self.confirm.setText("&Book weekly lessons" if on else "&Book lesson")
        self.adjustSize()
        self._refresh()

    def weekly_request(self) -> WeeklyRequest | None:
        """The series the form describes (None: not weekly, or not complete)."""
        student, kind = self._selected_student(), self._selected_type()
        if not self.weekly_box.isChecked() or student is None or kind is None:
            return None
        if self.weekly.problem():
            return None
        count, until, term_id = self.weekly.end()
        local = self._start.astimezone(ZoneInfo(self._zone))
        return WeeklyRequest(
            instructor_id=self._instructor_id,
            student_id=student.id,
            lesson_type_id=kind.id,
            weekdays=self.weekly.weekdays(),
            time=f"{local:%H:%M}",
            start_date=local.date(),
            every_weeks=self.weekly.every.value(),
            count=count,
            until=until,
            term_id=term_id,
        )

    def choice(self) -> BookingChoice | None:
        student, kind = self._selected_student(), self._selected_type()
        if student is None or kind is None:
            return None
        if not self.weekly_box.isChecked() and not self._verdict().allowed:
            return None
        return BookingChoice(student.id, kind.id, self._start, self.weekly_request())

    def accept(self) -> None:
        if self.confirm.isEnabled():
            super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        start: datetime,
        instructor_zone: str,
        students: Sequence[StudentOption],
        lesson_types: Sequence[LessonTypeOption],
        policy_text: str,
        checks: BookingChecks | None = None,
        student_id: str | None = None,
        instructor_id: str = "",
        terms: Sequence[TermOption] = (),
        previewer: Previewer | None = None,
    ) -> BookingChoice | None:
        """Show the dialog; the confirmed choice, or None."""
        dialog = cls(
            parent,
            start=start,
            instructor_zone=instructor_zone,
            students=students,
            lesson_types=lesson_types,
            policy_text=policy_text,
            checks=checks,
            student_id=student_id,
            instructor_id=instructor_id,
            terms=terms,
            previewer=previewer,
        )
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.choice()
            return None
        finally:
            dialog.deleteLater()

