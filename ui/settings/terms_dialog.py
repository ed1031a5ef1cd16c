"""Terms: the named date ranges weekly lessons can run to, with breaks inside them.

Opened from the booking rules in Settings. Like the other dialogs it writes nothing: it shows
the terms the caller read first and says what the person saved or removed through
``saveRequested`` / ``deleteRequested``; the caller queues the change (``SeriesService``) and
hands the dialog the terms again. Saving a term with a new break frees the weekly lessons in it,
and the dialog says so before it is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import TermBreakInput, TermDetail

MAX_NAME = 120


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy")
    return edit


class TermsDialog(QDialog):
    """The instructor's terms: pick one to edit, or start a new one."""

    saveRequested = Signal(object)  # noqa: N815 - TermDetail (term_id "" for a new term)
    deleteRequested = Signal(str)  # noqa: N815 - term id

    def __init__(
        self, parent: QWidget | None = None, *, terms: Sequence[TermDetail], today: date
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Terms")
        self.setObjectName("termsDialog")
        self.resize(720, 440)
        self._today = today
        self._terms: list[TermDetail] = []
        self._editing = ""
        layout = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setObjectName("termList")
        self.list.setAccessibleName("Terms")
        self.list.setMaximumWidth(220)
        left = QVBoxLayout()
        left.addWidget(self.list)
        self.new_button = QPushButton("&New term")
        left.addWidget(self.new_button)
        layout.addLayout(left)
        layout.addLayout(self._editor(), 1)
        self.list.currentRowChanged.connect(self._picked)
        self.new_button.clicked.connect(self.start_new)
        self.set_terms(terms)

    def _editor(self) -> QVBoxLayout:
        column = QVBoxLayout()
        title = QLabel("A term: weekly lessons can run to its end; none fall in its breaks.")
        title.setProperty("role", "subtitle")
        title.setWordWrap(True)
        column.addWidget(title)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setObjectName("termName")
        self.name.setMaxLength(MAX_NAME)
        self.name.setPlaceholderText("For example: Spring term 2027")
        self.first = _date_edit("termFirst")
        self.last = _date_edit("termLast")
        form.addRow("&Name", self.name)
        form.addRow("&From", self.first)
        form.addRow("&To", self.last)
        column.addLayout(form)
        column.addWidget(QLabel("Breaks (no lessons from the first to the last day):"))
        self.breaks = QTableWidget(0, 3)
        self.breaks.setObjectName("termBreaks")
        self.breaks.setHorizontalHeaderLabels(["First day", "Last day", "Name"])
        self.breaks.horizontalHeader().setStretchLastSection(True)
        self.breaks.verticalHeader().setVisible(False)
        column.addWidget(self.breaks, 1)
        row = QHBoxLayout()
        self.add_break = QPushButton("&Add a break")
        self.remove_break = QPushButton("&Remove the break")
        row.addWidget(self.add_break)
        row.addWidget(self.remove_break)
        row.addStretch(1)
        column.addLayout(row)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        column.addWidget(self.problem)
        self.buttons = QDialogButtonBox()
        self.save = self.buttons.addButton("&Save term", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save.setProperty("role", "primary")
        self.delete = self.buttons.addButton(
            "Remove ter&m", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.delete.setProperty("role", "danger")
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        column.addWidget(self.buttons)
        self.add_break.clicked.connect(lambda: self._add_break_row(None))
        self.remove_break.clicked.connect(self._remove_break_row)
        self.save.clicked.connect(self._save)
        self.delete.clicked.connect(self._delete)
        for signal in (self.name.textChanged, self.first.dateChanged, self.last.dateChanged):
            signal.connect(self._validate)
        return column

    # -- showing -----------------------------------------------------------------------------

    def set_terms(self, terms: Sequence[TermDetail]) -> None:
        """Show ``terms`` (again, after a save), keeping the one being edited selected."""
        self._terms = sorted(terms, key=lambda t: (t.first, t.name))
        editing = self._editing
        self.list.blockSignals(True)
        self.list.clear()
        for term in self._terms:
            self.list.addItem(f"{term.name}\n{term.first:%-d %b %Y} – {term.last:%-d %b %Y}")
        self.list.blockSignals(False)
        keys = [t.term_id for t in self._terms]
        if editing in keys:
            self.list.setCurrentRow(keys.index(editing))
        elif self._terms:
            self.list.setCurrentRow(0)
        else:
            self.start_new()

    def start_new(self) -> None:
        self.list.clearSelection()
        self._show(TermDetail("", "", self._today, self._today + timedelta(weeks=12), ()))

    def _picked(self, row: int) -> None:
        if 0 <= row < len(self._terms):
            self._show(self._terms[row])

    def _show(self, term: TermDetail) -> None:
        self._editing = term.term_id
        self.name.setText(term.name)
        self.first.setDate(_qdate(term.first))
        self.last.setDate(_qdate(term.last))
        self.breaks.setRowCount(0)
        for gap in term.breaks:
            self._add_break_row(gap)
        self.delete.setEnabled(bool(term.term_id))
        self._validate()

    def _add_break_row(self, gap: TermBreakInput | None) -> None:
        start = _day(self.first.date())
        gap = gap or TermBreakInput(start + timedelta(weeks=6), start + timedelta(weeks=6, days=6))
        row = self.breaks.rowCount()
        self.breaks.insertRow(row)
        for column, day in ((0, gap.first), (1, gap.last)):
            edit = _date_edit(f"break{row}_{column}")
            edit.setDisplayFormat("d MMM yyyy")
            edit.setDate(_qdate(day))
            edit.dateChanged.connect(self._validate)
            self.breaks.setCellWidget(row, column, edit)
        self.breaks.setItem(row, 2, QTableWidgetItem(gap.name))
        for column in (0, 1):
            self.breaks.resizeColumnToContents(column)
        self._validate()

    def _remove_break_row(self) -> None:
        row = self.breaks.currentRow()
        if row < 0:
            row = self.breaks.rowCount() - 1
        if row >= 0:
            self.breaks.removeRow(row)
        self._validate()

    # -- reading -----------------------------------------------------------------------------

    def term(self) -> TermDetail:
        """The term as the form shows it."""
        gaps = []
        for row in range(self.breaks.rowCount()):
            first, last = self.breaks.cellWidget(row, 0), self.breaks.cellWidget(row, 1)
            assert isinstance(first, QDateEdit)
            assert isinstance(last, QDateEdit)
            item = self.breaks.item(row, 2)
            name = item.text().strip() if item is not None else ""
            gaps.append(TermBreakInput(_day(first.date()), _day(last.date()), name))
        return TermDetail(
            self._editing,
            self.name.text().strip(),
            _day(self.first.date()),
            _day(self.last.date()),
            tuple(gaps),
        )

    def problem_text(self) -> str:
        term = self.term()
        if not term.name:
            return "Give the term a name."
        if term.last < term.first:
            return "The term ends before it starts."
        for gap in term.breaks:
            if gap.last < gap.first:
                return "A break ends before it starts."
            if gap.first < term.first or gap.last > term.last:
                return f"The break from {gap.first:%-d %b} is not inside the term."
        return ""

    def _validate(self) -> None:
        problem = self.problem_text()
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.save.setEnabled(not problem)

    def _save(self) -> None:
        if self.save.isEnabled():
            self.saveRequested.emit(self.term())

    def _delete(self) -> None:
        if self._editing:
            self.deleteRequested.emit(self._editing)
