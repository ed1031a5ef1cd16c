"""Change the time or weekday of a weekly lesson and all following, with a live preview.

Opened from one lesson of a series (its detail pane, or its menu in the week and the lists):
the form starts from the rule in force on that lesson's date, and the preview -- worked out by
the caller, on the local copy, with the plan the server runs -- lists where each following
lesson goes, which cannot move and why (the reason a single move there would get), and which
the new days have no place for. Fetch first, then open: the caller hands the rule in.
``ChangeWeeklyDialog.ask(...)`` returns the :class:`WeeklyChange` confirmed, or ``None``.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import SeriesRuleNow, WeeklyChange
from ui.lessons.weekly_preview import (
    LivePreview,
    Previewer,
    PreviewList,
    change_summary,
    weekday_boxes,
)


class ChangeWeeklyDialog(QDialog):
    """The new weekdays, time and rhythm from one lesson on, and what that does to each."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        rule: SeriesRuleNow,
        previewer: Previewer[WeeklyChange],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Change weekly lessons")
        self.setObjectName("changeWeeklyDialog")
        self.setMinimumWidth(520)
        self._rule = rule
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        title = QLabel(f"Weekly lessons with {rule.student_name}")
        title.setProperty("role", "title")
        title.setWordWrap(True)
        layout.addWidget(title)
        intro = QLabel(
            f"{rule.lesson_type_name} · from {rule.from_date:%a %-d %b %Y} on, the lessons go "
            "to the new days and time. Lessons you moved on their own keep their time."
        )
        intro.setProperty("role", "subtitle")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._form())
        self.previews = PreviewList(
            "Where each following lesson goes, and which cannot move", change_summary
        )
        layout.addWidget(self.previews)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        layout.addWidget(self._buttons())
        self._live: LivePreview[WeeklyChange] = LivePreview(
            self.previews, previewer, lambda: ZoneInfo(rule.time_zone), self
        )
        for box in self.days:
            box.toggled.connect(self._refresh)
        self.time.timeChanged.connect(self._refresh)
        self.every.valueChanged.connect(self._refresh)
        self._refresh()

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        form.setVerticalSpacing(8)
        row, self.days = weekday_boxes(self._rule.weekdays)
        form.addRow("&On", row)
        hours, minutes = (int(part) for part in self._rule.time.split(":"))
        self.time = QTimeEdit(QTime(hours, minutes))
        self.time.setObjectName("weeklyTime")
        self.time.setDisplayFormat("HH:mm")
        self.time.setAccessibleName("The new time, on your clock")
        zone = self._rule.time_zone.replace("_", " ")
        self.time.setToolTip(f"Your time ({zone}); it stays the same across daylight saving")
        form.addRow("&At", self.time)
        self.every = QSpinBox()
        self.every.setObjectName("everyWeeks")
        self.every.setRange(1, 4)
        self.every.setPrefix("every ")
        self.every.setSuffix(" weeks")
        self.every.setSpecialValueText("every week")
        self.every.setValue(self._rule.every_weeks)
        form.addRow("&Repeat", self.every)
        return form

    def _buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox()
        self.confirm = buttons.addButton(
            "&Change these lessons", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm.setProperty("role", "primary")
        self.confirm.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

    # -- state ------------------------------------------------------------------------------

    def change(self) -> WeeklyChange | None:
        """The change the form describes; None while it changes nothing or lacks a weekday."""
        weekdays = tuple(i for i, box in enumerate(self.days) if box.isChecked())
        picked = self.time.time()
        time = f"{picked.hour():02d}:{picked.minute():02d}"
        same = (weekdays, time, self.every.value()) == (
            self._rule.weekdays,
            self._rule.time,
            self._rule.every_weeks,
        )
        if not weekdays or same:
            return None
        return WeeklyChange(
            self._rule.series_id, self._rule.from_date, weekdays, time, self.every.value()
        )

    def _problem(self) -> str:
        if not any(box.isChecked() for box in self.days):
            return "Choose at least one weekday."
        if self.change() is None:
            return "Choose another day, time or rhythm to change the lessons to."
        return ""

    def _refresh(self) -> None:
        problem = self._problem()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.confirm.setEnabled(not problem)
        if problem:
            self.previews.show_problem("")
        else:
            self._live.soon(self.change)

    def accept(self) -> None:
        if self.confirm.isEnabled():
            super().accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        rule: SeriesRuleNow,
        previewer: Previewer[WeeklyChange],
    ) -> WeeklyChange | None:
        """Show the dialog; the confirmed change, or None."""
        dialog = cls(parent, rule=rule, previewer=previewer)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.change()
            return None
        finally:
            dialog.deleteLater()
