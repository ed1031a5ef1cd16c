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
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon

from instainstru_desktop.services.review_views import PAGE_ROWS, ReviewRow, SortKey
from instainstru_desktop.services.views import SyncMark
from ui.admin.cells import HEADERS, RIGHT_ALIGNED, SORT_KEYS, Column, local_times
from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette

ModelIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the ReviewRow of a row (None until read)
#: Rows kept in memory at most (50 pages): enough for any screen and a long scroll back.
KEPT_ROWS = 10_000
PLACEHOLDER = "…"
Loaded = tuple[ReviewRow, tuple[str, ...]]
_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole
#: The roles answered; a view asks for more (font, background, check state...): None at once.
_ROLES = frozenset(
    {_DISPLAY, _DECORATION, _FOREGROUND, _ALIGNMENT, _TOOLTIP, _ACCESSIBLE, ROW_ROLE}
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_COLUMNS = len(Column)
_STATUS, _LESSON, _REVIEW = int(Column.STATUS), int(Column.LESSON), int(Column.REVIEW)
_TROUBLE = (SyncMark.REJECTED, SyncMark.CONFLICT)
_OUTSIDE = object()  # an index outside the table
#: A cell whose row is not read yet: the placeholder in the first column.
_WAITING: tuple[dict[int, object], ...] = tuple(
    {_DISPLAY: "…"} if c == 0 else {} for c in range(_COLUMNS)
)


class BookingTableModel(QAbstractTableModel):
    """Bookings as rows, read page by page (see the module docstring)."""

    pagesWanted = Signal(int, object)  # noqa: N815 - generation, list of page numbers
    sortRequested = Signal(object, bool)  # noqa: N815 - SortKey, descending
    countChanged = Signal(object)  # noqa: N815 - the number of matches (None: counting)

    def __init__(self, palette: Palette = LIGHT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._palette = palette
        self._generation = 0
        self._shown = 0  # the generation whose rows are shown
        self._order: array[int] = array("q")
        self._counted = False  # the order is whole (False: only the first page is known)
        self._rows: dict[int, Loaded] = {}
        self._painted: dict[int, tuple[dict[int, object], ...]] = {}  # a row's roles, per column
        self._loaded: set[int] = set()  # pages read in this generation
        self._asked: set[int] = set()  # pages asked for and not answered
        self._noted: set[int] = set()  # pages data() needed during this paint
        self._sort = (SortKey.START, False)
        self._colours: dict[str, QColor] = {}
        self._icons: dict[str, QIcon] = {}
        self._dimmed = palette.color("text_secondary")  # cancelled lessons
        self._warning = palette.color("warning")
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
        """Whether the whole order of the current query is known (its count is shown)."""
        return self._counted and self._shown == self._generation

    @property
    def shown_generation(self) -> int:
        """The query whose rows are on screen (older than :attr:`generation` while it reads)."""
        return self._shown

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
        self._painted.clear()
        self._dimmed = palette.color("text_secondary")
        self._warning = palette.color("warning")
        self._all_changed()

    # -- a new query --------------------------------------------------------------------------

    def begin(self, sort: SortKey, descending: bool) -> int:
        """A new query starts: later answers of older ones are dropped. Its generation."""
        self._generation += 1
        self._sort = (sort, descending)
        self._counted = False  # the rows still shown are the last query's, until its first page
        self._asked.clear()
        self.countChanged.emit(None)
        return self._generation

    def show_first(self, generation: int, rows: Sequence[Loaded], complete: bool) -> None:
        """The first page of a query (``complete``: there are no more matches)."""
        if generation != self._generation:
            return
        self.beginResetModel()
        self._shown = generation
        self._order = array("q", (row.rowid for row, _ in rows))
        self._counted = complete
        self._rows = {row.rowid: (row, text) for row, text in rows}
        self._painted = {}
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
        self._painted = {r: cells for r, cells in self._painted.items() if r in kept}
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
            self._painted.pop(row.rowid, None)
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

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        """One call per cell the view paints (Qt's own asks ``rowCount`` and ``columnCount``
        from Python for every cell)."""
        if 0 <= row < len(self._order) and 0 <= column < _COLUMNS and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask for the rows in another order (SQLite sorts them: see the controller)."""
        if 0 <= column < _COLUMNS:
            descending = order == Qt.SortOrder.DescendingOrder
            self.sortRequested.emit(SORT_KEYS[Column(column)], descending)

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> object:
        self.data_calls += 1
        if role not in _ROLES:
            return None
        loaded = self._loaded_row(index.row(), index.column())
        if loaded is _OUTSIDE:
            return None
        return self._value(loaded, index.column(), role)

    def multiData(
        self,
        index: ModelIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803
    ) -> None:
        """Every role a delegate asks for a cell, in one call (Qt 6's item views paint through
        this): one trip from C++ into Python per cell instead of one per role. The hot path of
        scrolling, so written tight: a cell's roles are a dict lookup each."""
        self.data_calls += 1
        row, column = index.row(), index.column()
        order = self._order
        span: Any = roleDataSpan  # indexable in PySide6, not in its type stubs
        if not (0 <= row < len(order) and 0 <= column < _COLUMNS):
            for slot in span:
                slot.clearData()
            return
        page = row // PAGE_ROWS
        if page not in self._loaded:
            self._note(page)
        rowid = order[row]
        cells = self._painted.get(rowid)
        if cells is None:
            loaded = self._rows.get(rowid)
            if loaded is None:
                cells = _WAITING
            else:
                cells = self._painted[rowid] = tuple(
                    self._roles_of(loaded, c) for c in range(_COLUMNS)
                )
        values = cells[column]
        for slot in span:  # the view reuses its slots cell after cell: clear them
            value = values.get(slot.role())
            if value is None:
                slot.clearData()
            else:
                slot.setData(value)

    def _roles_of(self, loaded: Loaded, column: int) -> dict[int, object]:
        """What a delegate paints of a cell: text, icon or colour, text colour, alignment."""
        booking, text = loaded
        values: dict[int, object] = {_DISPLAY: text[column]}
        decoration = self._decoration(booking, column)
        if decoration is not None:
            values[_DECORATION] = decoration
        if column == _STATUS and booking.mark in _TROUBLE:
            values[_FOREGROUND] = self._warning
        elif booking.status == "cancelled":
            values[_FOREGROUND] = self._dimmed
        if column in RIGHT_ALIGNED:
            values[_ALIGNMENT] = _RIGHT
        return values

    # -- cells --------------------------------------------------------------------------------

    def _loaded_row(self, row: int, column: int) -> object:
        """The row's data (None: not read yet, its page noted), or ``_OUTSIDE`` the table."""
        order = self._order
        if not (0 <= row < len(order) and 0 <= column < _COLUMNS):
            return _OUTSIDE
        page = row // PAGE_ROWS
        if page not in self._loaded:
            self._note(page)
        return self._rows.get(order[row])

    def _value(self, loaded: object, column: int, role: int) -> object:
        if not isinstance(loaded, tuple):  # not read yet
            return (PLACEHOLDER if column == 0 else "") if role == _DISPLAY else None
        booking, text = loaded
        if role == _DISPLAY:
            return text[column]
        if role == _DECORATION:
            return self._decoration(booking, column)
        if role == _FOREGROUND:
            if column == _STATUS and booking.mark in _TROUBLE:
                return self._warning
            return self._dimmed if booking.status == "cancelled" else None
        if role == _ALIGNMENT:
            return _RIGHT if column in RIGHT_ALIGNED else None
        if role == ROW_ROLE:
            return booking
        if role == _TOOLTIP:
            return _tooltip(booking, Column(column))
        if role == _ACCESSIBLE:
            words = text[column]
            if column == _STATUS and booking.mark is SyncMark.PENDING:
                words += ", waiting to sync"
            return words
        return None

    def _decoration(self, booking: ReviewRow, column: int) -> QColor | QIcon | None:
        if column == _LESSON:
            colour = self._colours.get(booking.color)
            if colour is None:
                valid = QColor.isValidColorName(booking.color)
                colour = self._colours[booking.color] = QColor(booking.color if valid else "gray")
            return colour
        if column == _REVIEW:
            return self._icon("flag", "warning") if booking.flagged else None
        if column != _STATUS:
            return None
        if booking.mark is SyncMark.PENDING:
            return self._icon("clock", "text_secondary")
        if booking.mark in _TROUBLE:
            return self._icon("warning", "warning")
        if booking.status == "completed":
            return self._icon("check", "success")
        if booking.status == "no_show":
            return self._icon("cross", "error")
        return None

    def _icon(self, name: str, role: str) -> QIcon:
        """A small icon drawn once (the SVG icons render on every paint otherwise)."""
        key = f"{name}/{role}"
        found = self._icons.get(key)
        if found is None:
            drawn = icon(name, self._palette, role)
            found = QIcon()
            for size in (16, 32):  # 32: for a screen at twice the density
                found.addPixmap(drawn.pixmap(size, size))
            self._icons[key] = found
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
                self._painted.pop(rowid, None)

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
    if column == Column.WHEN:
        return local_times(booking)
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
