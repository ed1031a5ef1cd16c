"""Per-instructor summary of the filtered bookings: lessons, hours, revenue, cancellations,
no-shows and the no-show rate. A handful of rows: a plain model behind a sorting proxy."""

from __future__ import annotations

import enum
from collections.abc import Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from instainstru_desktop.services.review_views import InstructorSummary
from ui.lessons import format as fmt

ModelIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class SummaryColumn(enum.IntEnum):
    INSTRUCTOR = 0
    LESSONS = 1
    HOURS = 2
    REVENUE = 3
    CANCELLATIONS = 4
    NO_SHOWS = 5
    NO_SHOW_RATE = 6


HEADERS = {
    SummaryColumn.INSTRUCTOR: "Instructor",
    SummaryColumn.LESSONS: "Lessons",
    SummaryColumn.HOURS: "Hours",
    SummaryColumn.REVENUE: "Revenue",
    SummaryColumn.CANCELLATIONS: "Cancellations",
    SummaryColumn.NO_SHOWS: "No-shows",
    SummaryColumn.NO_SHOW_RATE: "No-show rate",
}
TIPS = {
    SummaryColumn.LESSONS: "Lessons not cancelled",
    SummaryColumn.HOURS: "Hours of the lessons not cancelled",
    SummaryColumn.REVENUE: "Prices of the lessons not cancelled, per currency",
    SummaryColumn.NO_SHOW_RATE: "No-shows among the lessons whose outcome is recorded",
}


def revenue_text(revenue: dict[str, int] | object) -> str:
    if not isinstance(revenue, dict) or not revenue:
        return "—"
    return " + ".join(fmt.money(cents, currency) for currency, cents in sorted(revenue.items()))


def rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"


class SummaryModel(QAbstractTableModel):
    """One row per instructor."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[InstructorSummary] = []

    def set_lines(self, lines: Sequence[InstructorSummary]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def lines(self) -> list[InstructorSummary]:
        return list(self._lines)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(SummaryColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(SummaryColumn):
            return None
        column = SummaryColumn(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return TIPS.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != SummaryColumn.INSTRUCTOR:
            return _RIGHT
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line, column = self._lines[index.row()], SummaryColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, column)
        if role == SORT_ROLE:
            return self._value(line, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != SummaryColumn.INSTRUCTOR:
            return _RIGHT
        return None

    @staticmethod
    def _text(line: InstructorSummary, column: SummaryColumn) -> str:
        values = {
            SummaryColumn.INSTRUCTOR: line.name,
            SummaryColumn.LESSONS: f"{line.lessons:,}",
            SummaryColumn.HOURS: f"{line.hours:,.1f}",
            SummaryColumn.REVENUE: revenue_text(dict(line.revenue)),
            SummaryColumn.CANCELLATIONS: f"{line.cancellations:,}",
            SummaryColumn.NO_SHOWS: f"{line.no_shows:,}",
            SummaryColumn.NO_SHOW_RATE: rate_text(line.no_show_rate),
        }
        return values[column]

    @staticmethod
    def _value(line: InstructorSummary, column: SummaryColumn) -> object:
        values: dict[SummaryColumn, object] = {
            SummaryColumn.INSTRUCTOR: line.name.casefold(),
            SummaryColumn.LESSONS: line.lessons,
            SummaryColumn.HOURS: line.hours,
            SummaryColumn.REVENUE: sum(line.revenue.values()),
            SummaryColumn.CANCELLATIONS: line.cancellations,
            SummaryColumn.NO_SHOWS: line.no_shows,
            SummaryColumn.NO_SHOW_RATE: -1.0 if line.no_show_rate is None else line.no_show_rate,
        }
        return values[column]


class SummaryTable(QTableView):
    """The summary, sortable by any column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("instructorSummary")
        self.setAccessibleName("Summary per instructor")
        self.summary = SummaryModel(self)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.summary)
        proxy.setSortRole(SORT_ROLE)
        self.setModel(proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(SummaryColumn.INSTRUCTOR, Qt.SortOrder.AscendingOrder)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SummaryColumn.INSTRUCTOR, QHeaderView.ResizeMode.Stretch)
