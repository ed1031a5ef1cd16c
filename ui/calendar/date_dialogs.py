"""The week's date dialogs: a calendar to jump to any week, and the days of a time off."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


def ask_date(parent: QWidget, around: date) -> date | None:
    """A calendar to jump to any week."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Go to date")
    calendar = QCalendarWidget(dialog)
    calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
    calendar.setGridVisible(False)
    calendar.setSelectedDate(_qdate(around))
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    calendar.activated.connect(lambda _d: dialog.accept())
    layout = QVBoxLayout(dialog)
    layout.addWidget(calendar)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return _pydate(calendar.selectedDate())


class TimeOffDialog(QDialog):
    """First and last day off; the last may not be before the first."""

    def __init__(self, parent: QWidget | None, around: date) -> None:
        super().__init__(parent)
        self.setWindowTitle("Time off")
        self.first = QDateEdit(_qdate(around), self)
        self.last = QDateEdit(_qdate(around), self)
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("ddd d MMM yyyy")
        self.first.dateChanged.connect(self._keep_order)
        note = QLabel(
            "No new lessons can be booked on these days. Lessons already booked stay booked and "
            "are listed under Needs attention, so you can keep or cancel each one."
        )
        note.setWordWrap(True)
        note.setObjectName("hint")
        form = QFormLayout()
        form.addRow("&First day:", self.first)
        form.addRow("&Last day:", self.last)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Take time off")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)

    def _keep_order(self, first: QDate) -> None:
        self.last.setMinimumDate(first)

    def chosen(self) -> tuple[date, date]:
        return _pydate(self.first.date()), _pydate(self.last.date())


def ask_date_range(parent: QWidget, around: date) -> tuple[date, date] | None:
    dialog = TimeOffDialog(parent, around)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen()
