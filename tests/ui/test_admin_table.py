"""The admin's table model over a real cache: Qt's model checks before and after filtering and
sorting, every row read page by page in SQLite's order, and the selection, the current row and
the top row following their bookings when the bookings change under the table."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot

from instainstru_desktop.services.review import ReviewService
from instainstru_desktop.services.review_views import PAGE_ROWS, ReviewQuery, SortKey
from instainstru_desktop.store import Store, open_store
from tests.store.review_data import Studio, build_studio
from ui.admin import cells
from ui.admin.bookings_page import loaded
from ui.admin.cells import Column
from ui.admin.table_model import PLACEHOLDER, ROW_ROLE, BookingTableModel


@pytest.fixture
def studio(tmp_path: Path) -> Studio:
    return build_studio(tmp_path / "cache.sqlite3", 1_000)


@pytest.fixture
def store(studio: Studio) -> Iterator[Store]:
    opened = open_store(studio.path)
    yield opened
    opened.close()


@pytest.fixture
def review(store: Store) -> ReviewService:
    return ReviewService(store)


@pytest.fixture
def model(qtbot: QtBot, review: ReviewService) -> BookingTableModel:
    """The model, its pages read from the cache as soon as it asks for them."""
    made = BookingTableModel()

    def read(generation: int, pages: list[int]) -> None:
        order = made.order()
        rowids = [r for p in pages for r in order[p * PAGE_ROWS : (p + 1) * PAGE_ROWS]]
        made.put_rows(generation, pages, loaded(review.rows(rowids)))

    made.pagesWanted.connect(read)
    return made


def open_query(
    model: BookingTableModel,
    review: ReviewService,
    query: ReviewQuery = ReviewQuery(),  # noqa: B008
    sort: SortKey = SortKey.START,
    descending: bool = False,
) -> None:
    """As the page does it: the first rows, then the whole order."""
    generation = model.begin(sort, descending)
    first = loaded(review.first_rows(query, sort, descending))
    model.show_first(generation, first, complete=len(first) < PAGE_ROWS)
    model.set_order(generation, review.order(query, sort, descending).rowids)


def read_all(qtbot: QtBot, model: BookingTableModel) -> list[str]:
    """Every row's booking, asked for as a view scrolling to the end would."""
    for row in range(model.rowCount()):
        model.data(model.index(row, 0))
    qtbot.waitUntil(
        lambda: all(model.row_at(r) is not None for r in range(model.rowCount())), timeout=10_000
    )
    return [model.index(r, 0).data(ROW_ROLE).booking_id for r in range(model.rowCount())]


def test_the_model_passes_qts_checks_before_and_after_filtering_and_sorting(
    qtbot: QtBot, qtmodeltester, model: BookingTableModel, review: ReviewService
) -> None:
    open_query(model, review)
    qtmodeltester.check(model)
    open_query(model, review, ReviewQuery(statuses=("confirmed",), text="student"))
    qtmodeltester.check(model)
    open_query(model, review, ReviewQuery(statuses=("confirmed",)), SortKey.PRICE, True)
    qtmodeltester.check(model)
    open_query(model, review, ReviewQuery(text="no such words"))
    assert model.rowCount() == 0
    qtmodeltester.check(model)


@pytest.mark.parametrize("sort", [SortKey.START, SortKey.INSTRUCTOR, SortKey.LENGTH])
def test_rows_come_page_by_page_in_sqlites_order(
    qtbot: QtBot, model: BookingTableModel, review: ReviewService, sort: SortKey
) -> None:
    query = ReviewQuery(statuses=("confirmed", "completed"))
    open_query(model, review, query, sort, True)
    order = review.order(query, sort, True)
    assert model.rowCount() == order.count > 2 * PAGE_ROWS
    last = model.index(order.count - 1, 0)
    assert last.data() == PLACEHOLDER  # not read until it is needed
    assert read_all(qtbot, model) == review.booking_ids(order.rowids)


def test_only_the_pages_asked_for_are_read(
    qtbot: QtBot, model: BookingTableModel, review: ReviewService
) -> None:
    asked: list[list[int]] = []
    model.pagesWanted.connect(lambda _generation, pages: asked.append(pages))
    open_query(model, review)
    model.data(model.index(3 * PAGE_ROWS + 5, 1))
    qtbot.waitUntil(lambda: bool(asked), timeout=5_000)
    assert asked == [[3, 4]]  # the page on screen and the next one, once


def test_answers_of_an_older_query_are_dropped(qtbot: QtBot, review: ReviewService) -> None:
    model = BookingTableModel()
    old = model.begin(SortKey.START, False)
    newer = model.begin(SortKey.STUDENT, False)
    model.show_first(old, loaded(review.first_rows(ReviewQuery())), complete=False)
    assert model.rowCount() == 0
    model.show_first(newer, loaded(review.first_rows(ReviewQuery(), SortKey.STUDENT)), False)
    assert model.rowCount() == PAGE_ROWS


def test_selection_current_row_and_place_follow_their_bookings_when_bookings_change(
    qtbot: QtBot, qtmodeltester, model: BookingTableModel, review: ReviewService, studio: Studio
) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    open_query(model, review)
    read_all(qtbot, model)
    qtmodeltester.check(model)
    selection = view.selectionModel()
    rows = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (10, 11, 500):
        selection.select(model.index(row, 0), rows)
    selection.setCurrentIndex(model.index(500, 2), QItemSelectionModel.SelectionFlag.NoUpdate)
    kept = {model.row_at(r).booking_id for r in (10, 500)}  # type: ignore[union-attr]
    gone = model.row_at(11).booking_id  # type: ignore[union-attr]
    current = model.row_at(500).booking_id  # type: ignore[union-attr]

    # a sync: a lesson arrives before them all, one selected lesson disappears
    conn = sqlite3.connect(studio.path)
    with conn:
        conn.execute(
            "INSERT INTO bookings SELECT 'arrived', instructor_id, student_id, student_name,"
            " student_time_zone, lesson_type_id, lesson_type_name, '2000-01-01T09:00:00Z',"
            " '2000-01-01T10:00:00Z', status, cancelled_by, cancel_reason, note, price_cents,"
            " currency, created_at, updated_at, version, flagged, review_note, NULL, NULL, 0"
            " FROM bookings LIMIT 1"
        )
        conn.execute("DELETE FROM bookings WHERE id = ?", (gone,))
    conn.close()
    model.relayout(model.generation, review.order(ReviewQuery()).rowids)
    read_all(qtbot, model)

    chosen = {model.row_at(i.row()).booking_id for i in selection.selectedRows()}  # type: ignore[union-attr]
    assert chosen == kept  # the disappeared one left the selection, the others followed
    assert model.row_at(0).booking_id == "arrived"  # type: ignore[union-attr]
    assert model.row_at(selection.currentIndex().row()).booking_id == current  # type: ignore[union-attr]
    assert selection.currentIndex().row() == 500  # one arrived above, one left above
    qtmodeltester.check(model)


def test_what_the_view_paints_of_each_cell_is_what_data_answers(
    qtbot: QtBot, model: BookingTableModel, review: ReviewService
) -> None:
    """The view paints through multiData with one set of roles reused cell after cell: a role
    one cell has and the next has not must not carry over (an icon or an alignment)."""
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    open_query(model, review, ReviewQuery(statuses=("completed", "cancelled")))
    delegate = view.itemDelegate()
    assert isinstance(delegate, QStyledItemDelegate)
    decorated = Qt.ItemDataRole.DecorationRole
    aligned = Qt.ItemDataRole.TextAlignmentRole
    for row in range(40):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)
            has_icon = bool(option.features & QStyleOptionViewItem.ViewItemFeature.HasDecoration)
            assert has_icon == (index.data(decorated) is not None), (row, column)
            wanted = index.data(aligned)
            unset = QStyleOptionViewItem().displayAlignment
            expected = unset if wanted is None else Qt.AlignmentFlag(int(wanted))
            assert option.displayAlignment == expected, (row, column)
            assert option.text == index.data(), (row, column)


@pytest.mark.parametrize("descending", [False, True])
def test_the_when_column_reads_in_the_order_the_table_is_sorted_in(
    model: BookingTableModel, review: ReviewService, descending: bool
) -> None:
    """The table sorts by the instant a lesson starts; the times it shows are in the viewer's
    zone, so read down the column they go forward (or back) too. Each instructor's own time,
    which would not, is in the cell's tooltip."""
    zone = "Asia/Tokyo"  # no daylight-saving change: a later instant is a later wall time
    generation = model.begin(SortKey.START, descending)
    model.show_first(
        generation, loaded(review.first_rows(ReviewQuery(), descending=descending), zone), False
    )
    shown = [model.index(r, Column.WHEN).data() for r in range(PAGE_ROWS)]
    walls = [datetime.strptime(text.rsplit(" ", 1)[0], "%a %d %b %Y, %H:%M") for text in shown]
    assert walls == sorted(walls, reverse=descending)
    assert all(text.endswith(" JST") for text in shown)
    tokyo = ZoneInfo(zone)
    starts = [model.row_at(r).start.astimezone(tokyo) for r in range(PAGE_ROWS)]  # type: ignore[union-attr]
    assert shown == [f"{s:%a %-d %b %Y, %H:%M} JST" for s in starts]
    own = [cells.when(model.row_at(r), model.row_at(r).instructor_zone) for r in range(PAGE_ROWS)]  # type: ignore[arg-type, union-attr]
    assert own != sorted(
        own,
        key=lambda t: datetime.strptime(t.rsplit(" ", 1)[0], "%a %d %b %Y, %H:%M"),
        reverse=descending,
    )
    tip = model.index(0, Column.WHEN).data(Qt.ItemDataRole.ToolTipRole)
    assert f"Instructor's time: {own[0]}" in tip
