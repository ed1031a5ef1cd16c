"""Small widgets of the main window's toolbar and its date dialogs."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.zones import ZonePicker, is_zone, zone_display

HOME = "__home__"  # the item data of "My zone"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


class WeekTitle(QLabel):
    """"23 – 29 November 2026" beside the week arrows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekTitle")
        self.setMinimumWidth(220)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName("Week shown")

    def set_week(self, monday: date) -> None:
        sunday = monday + timedelta(days=6)
        if monday.month == sunday.month:
            text = f"{monday.day} – {sunday.day} {sunday:%B %Y}"
        elif monday.year == sunday.year:
            text = f"{monday.day} {monday:%b} – {sunday.day} {sunday:%b %Y}"
        else:
            text = f"{monday:%-d %b %Y} – {sunday:%-d %b %Y}"
        self.setText(text)


class ZoneSwitcher(ZonePicker):
    """Choose the zone lessons are drawn in; the first entry is always the instructor's own."""

    zoneChosen = Signal(object)  # noqa: N815 - a zone name, or None for the instructor's zone

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoneSwitcher")
        self.setAccessibleName("Time zone shown")
        self.setToolTip("Show the week in another time zone (your hours stay in your own zone)")
        self.setMinimumContentsLength(20)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMaximumWidth(260)
        self._home = "UTC"
        self._announced: str | None = None  # the zone last announced (None: my zone)
        self._fill()
        self.activated.connect(self._on_activated)
        editor = self.lineEdit()
        assert editor is not None  # editable combo boxes always have one
        editor.returnPressed.connect(self._on_typed)

    def _fill(self, shown: str | None = None) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItem(f"My zone ({zone_display(self._home)})", HOME)
        self.offer(shown or "")
        self.removeItem(self.findData(self._home))  # "My zone" stands for it
        self.blockSignals(False)

    def set_home_zone(self, zone: str) -> None:
        current = self.currentData()
        self._home = zone
        shown = None if current in (None, HOME, zone) else str(current)
        self._fill(shown)
        self.setCurrentIndex(max(self.findData(shown), 0) if shown else 0)

    def choose(self, zone: str | None) -> None:
        """Select a zone as if the person had (None or the home zone: back to my zone)."""
        self._select(zone)
        self._announce(None if zone is None or zone == self._home else zone)

    def show_choice(self, zone: str | None) -> None:
        """Show a zone as chosen without announcing it (the one the week was left in)."""
        self._select(zone)
        self._announced = None if zone == self._home else zone

    def _select(self, zone: str | None) -> None:
        if zone is None or zone == self._home:
            self.setCurrentIndex(0)
            return
        if self.findData(zone) < 0:
            self.addItem(zone_display(zone), zone)
        self.setCurrentIndex(self.findData(zone))

    def _announce(self, zone: str | None) -> None:
        # Enter on a listed name activates its item and also reaches _on_typed: say it once
        if zone != self._announced:
            self._announced = zone
            self.zoneChosen.emit(zone)

    def _on_activated(self, index: int) -> None:
        data = self.itemData(index)
        self._announce(None if data == HOME else str(data))

    def _on_typed(self) -> None:
        name = self.zone()
        if is_zone(name):
            self.choose(name)


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
