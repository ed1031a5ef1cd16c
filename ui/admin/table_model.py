"""The admin's bookings table: a model that holds the order of the matches, not the bookings.

What it holds, and why:

- ``order``: the rowids of the matching bookings in table order (8 bytes each; 800 KB for
  100,000). The row count is its length; row ``r`` is the booking ``order[r]``.
- ``rows``: the rows that have been read, by rowid, each with its cell texts (made on the
  worker that read them). At most :data:`KEPT_ROWS`; pages far from the screen are dropped.
- Pages it still needs: ``data()`` for a row not read yet shows a placeholder and notes its
  page; the pages noted during one paint are asked for once, after it, through
  ``pagesWanted`` (the page around the rows on screen and the next one). The controller reads
  them on the database thread and hands them back with :meth:`put_rows`.

A new query (filters or sort) starts a new *generation*: answers of an older one are dropped.
The order arrives in two steps so the first rows show at once: :meth:`show_first` (the first
page, read with a ``LIMIT``), then :meth:`set_order` (every match). When a sync changes the
bookings under the table, :meth:`relayout` swaps in the new order as a layout change: Qt's
persistent indexes (the selection, the current row) follow their bookings to their new rows, or
go when their booking no longer matches.

Sorting is SQLite's: :meth:`sort` only asks for it (``sortRequested``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon

from instainstru_desktop.services.review_views import PAGE_ROWS, ReviewRow, SortKey
from instainstru_desktop.services.views import SyncMark
from ui.admin.cells import HEADERS, RIGHT_ALIGNED, SORT_KEYS, Column
from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette

ModelIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the ReviewRow of a row (None until read)
#: Rows kept in memory at most (50 pages): enough for any screen and a long scroll back.
KEPT_ROWS = 10_000
PLACEHOLDER = "…"
Loaded = tuple[ReviewRow, tuple[str, ...]]
_DISPLAY = Qt.ItemDataRole.DisplayRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_COLUMNS = len(Column)


class BookingTableModel(QAbstractTableModel):
    """Bookings as rows, read page by page (see the module docstring)."""

    pagesWanted = Signal(int, object)  # noqa: N815 - generation, list of page numbers
    sortRequested = Signal(object, bool)  # noqa: N815 - SortKey, descending
    countChanged = Signal(object)  # noqa: N815 - the number of matches (None: counting)

    def __init__(self, palette: Palette = LIGHT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._palette = palette
        self._generation = 0
        self._order: array[int] = array("q")
        self._counted = False  # the order is whole (False: only the first page is known)
        self._rows: dict[int, Loaded] = {}
        self._loaded: set[int] = set()  # pages read in this generation
        self._asked: set[int] = set()  # pages asked for and not answered
        self._noted: set[int] = set()  # pages data() needed during this paint
        self._sort = (SortKey.START, False)
        self._colours: dict[str, QColor] = {}
        self._icons: dict[str, QIcon] = {}
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(0)
        self._flush.timeout.connect(self._ask)
        self.data_calls = 0  # for the benchmark: how often the view asked

    # -- what is shown ------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def counted(self) -> bool:
        return self._counted

    @property
    def sort_order(self) -> tuple[SortKey, bool]:
        return self._sort

    def order(self) -> array[int]:
        return self._order

    def rowid_at(self, row: int) -> int | None:
        return self._order[row] if 0 <= row < len(self._order) else None

    def row_at(self, row: int) -> ReviewRow | None:
        """The booking of a row, if it has been read."""
        rowid = self.rowid_at(row)
        loaded = self._rows.get(rowid) if rowid is not None else None
        return loaded[0] if loaded else None

    def row_of(self, booking_id: str) -> int:
        """The row of a booking read so far, -1 when none is."""
        for rowid, (row, _) in self._rows.items():
            if row.booking_id == booking_id:
                return self.position_of(rowid)
        return -1

    def position_of(self, rowid: int) -> int:
        try:
            return self._order.index(rowid)
        except ValueError:
            return -1

    def page_of(self, row: int) -> list[int]:
        """The rowids of the page that holds ``row``."""
        first = (row // PAGE_ROWS) * PAGE_ROWS
        return list(self._order[first : first + PAGE_ROWS])

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        self._icons.clear()
        self._all_changed()

    # -- a new query --------------------------------------------------------------------------

    def begin(self, sort: SortKey, descending: bool) -> int:
        """A new query starts: later answers of older ones are dropped. Its generation."""
        self._generation += 1
        self._sort = (sort, descending)
        self._asked.clear()
        self.countChanged.emit(None)
        return self._generation

    def show_first(self, generation: int, rows: Sequence[Loaded], complete: bool) -> None:
        """The first page of a query (``complete``: there are no more matches)."""
        if generation != self._generation:
            return
        self.beginResetModel()
        self._order = array("q", (row.rowid for row, _ in rows))
        self._counted = complete
        self._rows = {row.rowid: (row, text) for row, text in rows}
        self._loaded = {0} if rows else set()
        self._asked.clear()
        self.endResetModel()
        if complete:
            self.countChanged.emit(len(self._order))

    def set_order(self, generation: int, order: array[int]) -> None:
        """Every match of the query, in order: the rest of the rows (placeholders until read)."""
        if generation != self._generation:
            return
        known = len(self._order)
        if not self._counted and order[:known] == self._order:
            self._counted = True
            if len(order) > known:
                self.beginInsertRows(QModelIndex(), known, len(order) - 1)
                self._order = order
                self.endInsertRows()
        else:
            self.relayout(generation, order)
        self._counted = True
        self.countChanged.emit(len(self._order))

    def relayout(self, generation: int, order: array[int]) -> None:
        """The bookings changed under the table: the same query answered anew.

        A layout change: the selection and the current row follow their bookings to their new
        rows (or leave with a booking that no longer matches); every page is read again, and
        until it is the rows show what was read before.
        """
        if generation != self._generation:
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        wanted = {self._order[i.row()] for i in before if 0 <= i.row() < len(self._order)}
        where = _positions(order, wanted)
        after = []
        for index in before:
            rowid = self._order[index.row()] if 0 <= index.row() < len(self._order) else None
            place = where.get(rowid, -1) if rowid is not None else -1
            after.append(self.index(place, index.column()) if place >= 0 else QModelIndex())
        self._order = order
        self._counted = True
        self._loaded.clear()
        self._asked.clear()
        kept = set(order)
        self._rows = {r: loaded for r, loaded in self._rows.items() if r in kept}
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
        self.countChanged.emit(len(order))

    def put_rows(self, generation: int, pages: Iterable[int], rows: Sequence[Loaded]) -> None:
        """Rows read for ``pages`` arrived: show them."""
        pages = list(pages)
        self._asked.difference_update(pages)
        if generation != self._generation:
            return
        for row, text in rows:
            self._rows[row.rowid] = (row, text)
        self._loaded.update(pages)
        for page in pages:
            first = page * PAGE_ROWS
            last = min(len(self._order), first + PAGE_ROWS) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, _COLUMNS - 1))
        self._forget_far_rows(pages)

    def reload_pages(self) -> None:
        """Read the pages on screen again (a booking on them changed; the order did not)."""
        self._loaded.clear()
        self._all_changed()

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else _COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < _COLUMNS:
            return None
        if role == _DISPLAY:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in RIGHT_ALIGNED:
            return _RIGHT
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask for the rows in another order (SQLite sorts them: see the controller)."""
        if 0 <= column < _COLUMNS:
            descending = order == Qt.SortOrder.DescendingOrder
            self.sortRequested.emit(SORT_KEYS[Column(column)], descending)

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> object:
        self.data_calls += 1
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._order) and 0 <= column < _COLUMNS) or index.parent().isValid():
            return None
        page = row // PAGE_ROWS
        if page not in self._loaded:
            self._note(page)
        loaded = self._rows.get(self._order[row])
        if role == _DISPLAY:
            if loaded is None:
                return PLACEHOLDER if column == 0 else ""
            return loaded[1][column]
        if loaded is None:
            return None
        return self._other(loaded, Column(column), role)

    # -- cells beyond the text ----------------------------------------------------------------

    def _other(self, loaded: Loaded, column: Column, role: int) -> object:
        booking, text = loaded
        if role == ROW_ROLE:
            return booking
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in RIGHT_ALIGNED else None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(booking, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if booking.mark in (SyncMark.REJECTED, SyncMark.CONFLICT) and column == Column.STATUS:
                return self._palette.color("warning")
            return self._palette.color("text_secondary") if booking.status == "cancelled" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(booking, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            words = text[column]
            if column == Column.STATUS and booking.mark is SyncMark.PENDING:
                words += ", waiting to sync"
            return words
        return None

    def _decoration(self, booking: ReviewRow, column: Column) -> QColor | QIcon | None:
        if column == Column.LESSON:
            colour = self._colours.get(booking.color)
            if colour is None:
                colour = QColor(booking.color if QColor.isValidColorName(booking.color) else "gray")
                self._colours[booking.color] = colour
            return colour
        if column == Column.REVIEW:
            return self._icon("flag", "warning") if booking.flagged else None
        if column != Column.STATUS:
            return None
        if booking.mark is SyncMark.PENDING:
            return self._icon("clock", "text_secondary")
        if booking.mark in (SyncMark.REJECTED, SyncMark.CONFLICT):
            return self._icon("warning", "warning")
        if booking.status == "completed":
            return self._icon("check", "success")
        if booking.status == "no_show":
            return self._icon("cross", "error")
        return None

    def _icon(self, name: str, role: str) -> QIcon:
        key = f"{name}/{role}"
        found = self._icons.get(key)
        if found is None:
            found = self._icons[key] = icon(name, self._palette, role)
        return found

    # -- pages --------------------------------------------------------------------------------

    def _note(self, page: int) -> None:
        if page in self._asked or page in self._noted:
            return
        self._noted.add(page)
        if not self._flush.isActive():
            self._flush.start()

    def _ask(self) -> None:
        """After a paint: ask once for the pages it needed, and the page after the last."""
        noted, self._noted = self._noted, set()
        if not noted:
            return
        last_page = (len(self._order) - 1) // PAGE_ROWS
        wanted = noted | {p + 1 for p in noted if p < last_page}
        wanted -= self._loaded | self._asked
        if wanted:
            self._asked |= wanted
            self.pagesWanted.emit(self._generation, sorted(wanted))

    def _forget_far_rows(self, around: list[int]) -> None:
        """Keep memory bounded: drop the rows of the pages farthest from the last read."""
        if len(self._rows) <= KEPT_ROWS or not around:
            return
        centre = around[0]
        pages = sorted(self._loaded, key=lambda p: abs(p - centre), reverse=True)
        while len(self._rows) > KEPT_ROWS and pages:
            page = pages.pop(0)
            self._loaded.discard(page)
            first = page * PAGE_ROWS
            for rowid in self._order[first : first + PAGE_ROWS]:
                self._rows.pop(rowid, None)

    def _all_changed(self) -> None:
        if self._order:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._order) - 1, _COLUMNS - 1))


def _positions(order: array[int], wanted: set[int]) -> dict[int, int]:
    """Where each wanted rowid is in ``order`` (one pass; absent ones are left out)."""
    if not wanted:
        return {}
    if len(wanted) <= 8:
        found = {}
        for rowid in wanted:
            try:
                found[rowid] = order.index(rowid)
            except ValueError:
                continue
        return found
    return {rowid: i for i, rowid in enumerate(order) if rowid in wanted}


def _tooltip(booking: ReviewRow, column: Column) -> str | None:
    if column == Column.REVIEW and booking.flagged:
        return booking.review_note or "Flagged for review"
    if column == Column.STATUS:
        lines = []
        if booking.cancel_reason:
            lines.append(f"Reason: {booking.cancel_reason}")
        if booking.mark is SyncMark.PENDING:
            lines.append("Waiting to be sent to the server")
        if booking.mark_message:
            lines.append(booking.mark_message)
        return "\n".join(lines) or None
    return None
