"""The admin's Bookings tab: filters over the table, the detail pane beside it.

Every read goes through ``ops`` to the database thread; the table model only says which pages
it needs. A new query shows its first rows as soon as they are read, then the count; a sync
that changes bookings reads the order again and keeps the selection, the current row and the
booking at the top of the view where the person left them.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QMenu, QSplitter, QVBoxLayout, QWidget

from instainstru_desktop.services.review_views import (
    PAGE_ROWS,
    ReviewDetail,
    ReviewOptions,
    ReviewOrder,
    ReviewQuery,
    ReviewRow,
    SortKey,
)
from instainstru_desktop.services.views import Changed
from ui.admin import cells
from ui.admin.actions import AdminActions
from ui.admin.detail import ReviewDetailPane
from ui.admin.filters import FilterBar
from ui.admin.table_model import BookingTableModel, Loaded
from ui.admin.table_view import BookingTable, load_state, save_state
from ui.appearance.theme import LIGHT, Palette

if TYPE_CHECKING:
    from ui.shell.session import Session

#: A selection larger than this is refused for bulk actions (say which rows instead).
MOST_AT_ONCE = 5_000
#: The whole order (the count) is read once the first rows are drawn, so that counting does not
#: hold the first paint back; when the table is out of sight, after this long.
COUNT_AFTER_MS = 100


def loaded(rows: Sequence[ReviewRow], zone: str = "UTC") -> list[Loaded]:
    """Rows with their cell texts, times in ``zone`` (runs on the database thread, beside the
    read)."""
    return [(row, cells.cells(row, zone)) for row in rows]


class BookingsPage(QWidget):
    """Filters, the bookings table and the detail pane, fed from the cache."""

    weekRequested = Signal(str, object)  # noqa: N815 - instructor id, a day of the week
    told = Signal(str)
    selectionCounted = Signal(int)  # noqa: N815 - rows selected (for the actions' state)

    def __init__(
        self,
        session: Session,
        actions: AdminActions,
        config_dir: Path,
        palette: Palette = LIGHT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bookingsPage")
        self.session = session
        self.admin_actions = actions
        self.config_dir = config_dir
        self.filters = FilterBar()
        self.model = BookingTableModel(palette, self)
        self.table = BookingTable(self.model)
        self.detail = ReviewDetailPane(palette=palette)
        self._query = ReviewQuery()
        self._total: int | None = None  # bookings in the cache, filters or not
        self._to_count = 0  # the query whose order is read once its first rows are drawn
        self._zone = "UTC"  # the viewer's: the When column's and the date filter's
        self._sort = self.table.restore_columns(load_state(config_dir))
        self.table.show_sort(*self._sort)
        self._lay_out()
        self._connect()

    def _lay_out(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.filters)
        column.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("bookingsSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([1040, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

    def _connect(self) -> None:
        self.filters.queryChanged.connect(self.set_query)
        self.table.sortChosen.connect(self.set_sort)
        self.table.painted.connect(self._on_painted)
        self.model.sortRequested.connect(self.set_sort)
        self.model.pagesWanted.connect(self._read_pages)
        self.model.countChanged.connect(self._on_count)
        self.table.menuRequested.connect(self._row_menu)
        self.table.doubleClicked.connect(lambda _index: self.detail.setFocus())
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row)
        selection.selectionChanged.connect(
            lambda *_: self.selectionCounted.emit(self.selected_count())
        )
        d, a = self.detail, self.admin_actions
        d.flagRequested.connect(lambda b: a.flag([b], self._note_of(b)))
        d.unflagRequested.connect(lambda b: a.unflag([b]))
        d.cancelRequested.connect(lambda b: a.cancel([b]))
        d.moveRequested.connect(a.move)
        d.weekRequested.connect(self._week_of)

    # -- life cycle ---------------------------------------------------------------------------

    def start(self, zone: str) -> None:
        """The session is up: read the filters' choices and the first rows."""
        self._zone = zone
        self.filters.set_zone(zone)
        self.detail.set_viewer_zone(zone)
        self.read_options()
        self._open()

    def read_options(self) -> None:
        review = self.session.services.review
        self.session.ops.run_db(review.options, self._on_options, what="reading the filters")

    def _on_options(self, options: ReviewOptions) -> None:
        self.filters.set_options(options)

    def save_columns(self) -> None:
        save_state(self.config_dir, self.table.column_state())

    def set_theme(self, palette: Palette) -> None:
        self.model.set_theme(palette)
        self.detail.set_theme(palette)
        self.table.fit_headers()

    # -- queries ------------------------------------------------------------------------------

    @property
    def query(self) -> ReviewQuery:
        return self._query

    @property
    def sort(self) -> tuple[SortKey, bool]:
        return self._sort

    def set_query(self, query: ReviewQuery) -> None:
        if query != self._query:
            self._query = query
            self._open()

    def set_sort(self, sort: SortKey, descending: bool) -> None:
        if (sort, descending) != self._sort:
            self._sort = (sort, descending)
            self.table.show_sort(sort, descending)
            self._open()

    def _open(self) -> None:
        """Read a new query: its first rows at once, then the whole order (the count).

        The order is asked for only once the first rows are drawn: the first paint does not
        share the processor with counting (see :meth:`_first_read`).
        """
        if not self.session.is_ready:
            return
        review, query, (sort, descending) = self.session.services.review, self._query, self._sort
        generation, zone = self.model.begin(sort, descending), self._zone
        self.session.ops.run_db(
            lambda: loaded(review.first_rows(query, sort, descending), zone),
            lambda rows: self._first_read(generation, rows),
            what="reading the bookings",
        )

    def _first_read(self, generation: int, rows: list[Loaded]) -> None:
        if generation != self.model.generation:
            return  # another query started meanwhile
        complete = len(rows) < PAGE_ROWS and self._total is not None
        self.model.show_first(generation, rows, complete)
        # lay the view out now: its first paint then has the new scroll range, instead of a
        # second paint of the whole table when the range changes after it
        self.table.executeDelayedItemsLayout()
        if complete:
            return  # every match is on the first page: nothing more to count
        # counted once the first rows are drawn (or soon, when the table is out of sight)
        self._to_count = generation
        QTimer.singleShot(COUNT_AFTER_MS, self, lambda: self._count(generation))

    def _on_painted(self) -> None:
        if self._to_count == self.model.shown_generation:
            # after this paint has reached the screen, not within it
            QTimer.singleShot(0, self, lambda g=self._to_count: self._count(g))

    def _count(self, generation: int) -> None:
        if generation != self._to_count or generation != self.model.generation:
            return  # counting already, or another query started meanwhile
        self._to_count = 0
        if not self.session.is_ready:
            return
        review, query, (sort, descending) = self.session.services.review, self._query, self._sort
        self.session.ops.run_db(
            lambda: review.order(query, sort, descending),
            lambda order: self._set_order(generation, order),
            what="counting the bookings",
        )

    def _set_order(self, generation: int, order: ReviewOrder) -> None:
        self._total = order.total
        self.model.set_order(generation, order.rowids)

    def _on_count(self, count: int | None) -> None:
        self.filters.set_count(count, self._total)

    def _read_pages(self, generation: int, pages: list[int]) -> None:
        review, order, zone = self.session.services.review, self.model.order(), self._zone
        rowids = [r for p in pages for r in order[p * PAGE_ROWS : (p + 1) * PAGE_ROWS]]
        self.session.ops.run_db(
            lambda: loaded(review.rows(rowids), zone),
            lambda rows: self.model.put_rows(generation, pages, rows),
            what="reading the bookings",
        )

    # -- changes under the table --------------------------------------------------------------

    def on_changed(self, changed: Changed) -> None:
        """Bookings changed (an action here, or a sync): read the order again, keep the place."""
        if not self.session.is_ready:
            return
        if changed.everything:
            self.read_options()
        if changed.everything or changed.booking_ids or changed.history:
            self.refresh_in_place()
        shown = self.detail.booking_id
        if shown and (changed.everything or changed.history or shown in changed.booking_ids):
            self.show_booking(shown)

    def refresh_in_place(self) -> None:
        review, query, (sort, descending) = self.session.services.review, self._query, self._sort
        generation = self.model.generation
        self.session.ops.run_db(
            lambda: review.order(query, sort, descending),
            lambda order: self._relayout(generation, order),
            what="reading the bookings",
        )

    def _relayout(self, generation: int, order: ReviewOrder) -> None:
        if generation != self.model.generation:
            return  # another query started meanwhile: it reads its own order
        bar = self.table.verticalScrollBar()
        top = self.model.rowid_at(bar.value())
        self._total = order.total
        self.model.relayout(generation, order.rowids)
        if top is not None:
            place = self.model.position_of(top)
            if place >= 0:
                bar.setValue(place)
        self.model.reload_pages()

    # -- selection ----------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        """The selected rows, top to bottom (from the selection's ranges: cheap for many)."""
        rows: set[int] = set()
        selection = self.table.selectionModel().selection()
        for i in range(selection.count()):
            band = selection.at(i)
            rows.update(range(band.top(), band.bottom() + 1))
        return sorted(rows)

    def selected_count(self) -> int:
        return len(self.selected_rows())

    def with_selection(self, act: Callable[[list[str]], None]) -> None:
        """Run ``act`` with the booking ids of the selection (read on the database thread)."""
        rows = self.selected_rows()
        if not rows:
            self.told.emit("Select one or more bookings first.")
            return
        if len(rows) > MOST_AT_ONCE:
            self.told.emit(
                f"{len(rows):,} bookings are selected; act on at most {MOST_AT_ONCE:,} at once "
                "(filter the table down first)."
            )
            return
        order = self.model.order()
        rowids = array("q", (order[r] for r in rows))
        review = self.session.services.review
        self.session.ops.run_db(lambda: review.booking_ids(rowids), act, what="reading bookings")

    def select_rows(self, rows: Sequence[int]) -> None:
        """Select these rows (tests, and the keyboard's select-all of a filtered table)."""
        selection = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        selection.clearSelection()
        for row in rows:
            selection.select(self.model.index(row, 0), flags)

    def _note_of(self, booking_id: str) -> str:
        detail = self.detail.detail
        if detail is not None and detail.lesson.booking_id == booking_id:
            return detail.lesson.review_note
        return ""

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        rowid = self.model.rowid_at(current.row()) if current.isValid() else None
        if rowid is None:
            return
        row = self.model.row_at(current.row())
        if row is not None:
            self.show_booking(row.booking_id)
            return
        review = self.session.services.review
        self.session.ops.run_db(
            lambda: review.booking_ids([rowid]),
            lambda ids: self.show_booking(ids[0]) if ids else None,
            what="reading the booking",
        )

    def show_booking(self, booking_id: str) -> None:
        review = self.session.services.review
        self.session.ops.run_db(
            lambda: review.detail(booking_id),
            self._show_detail,
            self._detail_failed,
            what="reading the booking",
        )

    def _show_detail(self, detail: ReviewDetail) -> None:
        self.detail.show_detail(detail)

    def _detail_failed(self, _error: BaseException) -> None:
        self.detail.show_detail(None)  # the booking is gone (deleted by a sync)

    def _week_of(self, booking_id: str) -> None:
        detail = self.detail.detail
        if detail is not None and detail.lesson.booking_id == booking_id:
            self.weekRequested.emit(detail.lesson.instructor_id, detail.lesson.start)

    # -- the rows' menu -----------------------------------------------------------------------

    def _row_menu(self, where: QPoint) -> None:
        menu = self.row_menu()
        menu.popup(where)

    def row_menu(self) -> QMenu:
        """What can be done to the selected rows (also the window's Bookings menu)."""
        menu = QMenu(self)
        menu.setObjectName("bookingsMenu")
        count = self.selected_count()
        several = f" ({count:,})" if count > 1 else ""
        a = self.admin_actions
        entries: list[tuple[str, Any]] = [
            (f"&Flag for review…{several}", lambda: self.with_selection(a.flag)),
            (f"C&lear the flag{several}", lambda: self.with_selection(a.unflag)),
            (f"&Cancel…{several}", lambda: self.with_selection(a.cancel)),
        ]
        for text, slot in entries:
            action = menu.addAction(text, slot)
            action.setEnabled(count > 0)
        move = menu.addAction("&Move…", lambda: self.with_selection(lambda ids: a.move(ids[0])))
        move.setEnabled(count == 1)
        return menu
