"""The bookings table widget: sort by a header click, choose, move and size columns, and keep
those choices for the next start.

The choices are kept by column *name* in a small JSON file beside the preferences
(``admin-table.json``), not as Qt's binary header state: a column added in a later version then
appears instead of shifting every width by one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from instainstru_desktop.json_files import read_json, write_json
from instainstru_desktop.services.review_views import SortKey
from ui.admin.cells import HEADERS, SORT_KEYS, Column
from ui.admin.table_model import BookingTableModel

log = logging.getLogger(__name__)
FILE_NAME = "admin-table.json"
WIDTHS = {
    Column.WHEN: 200,
    Column.INSTRUCTOR: 130,
    Column.STUDENT: 130,
    Column.LESSON: 120,
    Column.LENGTH: 78,
    Column.STATUS: 170,
    Column.PRICE: 110,
    Column.REVIEW: 160,
}


class BookingTable(QTableView):
    """The table of bookings; ``sortChosen`` when a header is clicked."""

    sortChosen = Signal(object, bool)  # noqa: N815 - SortKey, descending
    menuRequested = Signal(QPoint)  # noqa: N815 - global position, over the selected rows
    painted = Signal()  # the rows on screen were just drawn

    def __init__(self, model: BookingTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bookingsTable")
        self.setAccessibleName("Bookings")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(
            lambda pos: self.menuRequested.emit(self.viewport().mapToGlobal(pos))
        )
        rows = self.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(24, self.fontMetrics().height() + 10))
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.sectionClicked.connect(self._on_header_clicked)
        for column, width in WIDTHS.items():
            self.setColumnWidth(column, width)
        self.fit_headers()
        self.show_sort(SortKey.START, False)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.painted.emit()

    def bookings(self) -> BookingTableModel:
        model = self.model()
        assert isinstance(model, BookingTableModel)
        return model

    # -- sorting ------------------------------------------------------------------------------

    def show_sort(self, sort: SortKey, descending: bool) -> None:
        column = next(c for c, key in SORT_KEYS.items() if key == sort)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header = self.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)

    def _on_header_clicked(self, section: int) -> None:
        sort = SORT_KEYS[Column(section)]
        current, descending = self.bookings().sort_order
        descending = not descending if sort == current else False
        self.show_sort(sort, descending)
        self.sortChosen.emit(sort, descending)

    # -- columns ------------------------------------------------------------------------------

    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.setObjectName("columnMenu")
        header = self.horizontalHeader()
        for column in Column:
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            # the date column stays: without it, rows are not told apart
            action.setEnabled(column != Column.WHEN)
            action.toggled.connect(lambda on, c=column: header.setSectionHidden(c, not on))
        menu.addSeparator()
        menu.addAction("Reset columns", self.reset_columns)
        menu.popup(header.mapToGlobal(pos))

    def reset_columns(self) -> None:
        header = self.horizontalHeader()
        for column in Column:
            header.setSectionHidden(column, False)
            header.moveSection(header.visualIndex(column), column)
            self.setColumnWidth(column, WIDTHS[column])
        self.fit_headers()

    def fit_headers(self) -> None:
        """Widen a column narrower than its title (bold, padded and with the sort arrow in the
        theme's style), so no title is cut; call again after the theme changes."""
        header = self.horizontalHeader()
        for column in Column:
            wanted = header.sectionSizeHint(column)
            if header.sectionSize(column) < wanted:
                self.setColumnWidth(column, wanted)

    def column_state(self) -> dict[str, Any]:
        """Which columns show, in which order and how wide, by name."""
        header = self.horizontalHeader()
        return {
            "columns": [
                {
                    "name": column.name.lower(),
                    "position": header.visualIndex(column),
                    "width": header.sectionSize(column) or WIDTHS[column],
                    "hidden": header.isSectionHidden(column),
                }
                for column in Column
            ],
            "sort": list(self.bookings().sort_order),
        }

    def restore_columns(self, state: Any) -> tuple[SortKey, bool]:
        """Apply a saved state (unknown or damaged parts are ignored); the sort it names."""
        header = self.horizontalHeader()
        by_name = {column.name.lower(): column for column in Column}
        saved = state.get("columns") if isinstance(state, dict) else None
        entries = [e for e in saved if isinstance(e, dict)] if isinstance(saved, list) else []
        known = [(by_name[e["name"]], e) for e in entries if e.get("name") in by_name]
        for column, entry in sorted(known, key=lambda ce: _position(ce[1], ce[0])):
            position = _position(entry, column)
            if 0 <= position < len(Column):
                header.moveSection(header.visualIndex(column), position)
            width = entry.get("width")
            if isinstance(width, int) and 20 <= width <= 2000:
                self.setColumnWidth(column, width)
            header.setSectionHidden(column, bool(entry.get("hidden")) and column != Column.WHEN)
        sort = state.get("sort") if isinstance(state, dict) else None
        if isinstance(sort, list) and len(sort) == 2 and sort[0] in SortKey._value2member_map_:
            return SortKey(sort[0]), bool(sort[1])
        return SortKey.START, False


def _position(entry: dict[str, Any], column: Column) -> int:
    """Where a saved column goes (its own place when the file says nothing usable)."""
    position = entry.get("position")
    return position if isinstance(position, int) else int(column)


def load_state(config_dir: Path) -> Any:
    return read_json(config_dir / FILE_NAME)


def save_state(config_dir: Path, state: dict[str, Any]) -> None:
    """Keep the columns for the next start (a read-only folder only costs that)."""
    try:
        write_json(config_dir / FILE_NAME, state)
    except OSError as error:
        log.warning("could not keep the table's columns: %s", error)
