"""The Lessons screen: upcoming / past / cancelled tabs, a filter box, the detail pane.

It is fed lists and a detail by whoever owns the services (the main window, through ``ops``):
``lessonSelected`` asks for a detail, the pane's signals and the lists' context menus ask for
changes. Each tab is a table over a ``LessonTableModel`` behind a sort/filter proxy, so sorting
and the text filter never touch the data.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import LessonCard, LessonDetail
from ui.appearance.theme import LIGHT, Palette
from ui.lessons.detail import LessonDetailPane
from ui.lessons.lesson_menu import LessonHandlers, add_lesson_actions
from ui.lessons.model import LESSON_ROLE, SORT_ROLE, Column, LessonTableModel
from ui.lessons.unread_delegate import UnreadBadgeDelegate


class Tab(enum.IntEnum):
    UPCOMING = 0
    PAST = 1
    CANCELLED = 2


TAB_TITLES = {Tab.UPCOMING: "&Upcoming", Tab.PAST: "&Past", Tab.CANCELLED: "Ca&ncelled"}
COLUMN_WIDTHS = {
    Column.WHEN: 180,
    Column.TYPE: 130,
    Column.DURATION: 72,
    Column.STATUS: 120,
    Column.PRICE: 76,
}
EMPTY_TEXT = {
    Tab.UPCOMING: "No upcoming lessons. Paint your hours in the week view so students can book.",
    Tab.PAST: "No past lessons yet.",
    Tab.CANCELLED: "No cancelled lessons.",
}


class LessonFilter(QSortFilterProxyModel):
    """Sorts by real values (dates, cents) and filters on student and lesson type."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._needle = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # type: ignore[override]
        if not self._needle:
            return True
        card = self.sourceModel().index(source_row, 0, source_parent).data(LESSON_ROLE)
        if not isinstance(card, LessonCard):
            return False
        haystack = f"{card.student_name} {card.lesson_type_name} {card.note}".casefold()
        return all(word in haystack for word in self._needle.split())


class LessonTable(QTableView):
    """A read-only, row-selecting table with an empty-state message painted over it."""

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._empty = QLabel(empty_text, self.viewport())
        self._empty.setProperty("role", "subtitle")
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(30)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )

    def update_empty_state(self) -> None:
        model = self.model()
        empty = model is None or model.rowCount() == 0
        self._empty.setVisible(empty)
        self._empty.setGeometry(self.viewport().rect().adjusted(24, 24, -24, -24))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update_empty_state()


class LessonsView(QWidget):
    """Lists of lessons with a detail pane beside them."""

    lessonSelected = Signal(str)  # noqa: N815 - Qt signal: booking id, or "" for none
    tabChanged = Signal(int)  # noqa: N815 - a Tab value: load that list if it is stale
    # what a list's context menu asks for (the detail pane has signals of its own)
    completeRequested = Signal(str)  # noqa: N815
    noShowRequested = Signal(str)  # noqa: N815
    correctRequested = Signal(str, str)  # noqa: N815 - booking id, the outcome it should have
    moveRequested = Signal(str)  # noqa: N815
    changeFollowingRequested = Signal(str)  # noqa: N815 - a weekly lesson's new time from here
    cancelRequested = Signal(str)  # noqa: N815 - asks for the reason first

    def __init__(
        self, parent: QWidget | None = None, *, time_zone: str = "UTC", palette: Palette = LIGHT
    ) -> None:
        super().__init__(parent)
        self.setObjectName("lessonsView")
        self.setAccessibleName("Lessons")
        self._palette = palette
        self._clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.models: dict[Tab, LessonTableModel] = {}
        self.proxies: dict[Tab, LessonFilter] = {}
        self.tables: dict[Tab, LessonTable] = {}
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by student, lesson type or note")
        self.search.setAccessibleName("Filter lessons")
        self.search.setClearButtonEnabled(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for tab in Tab:
            self._add_tab(tab, time_zone, palette)
        self.detail = LessonDetailPane(time_zone=time_zone, palette=palette)
        self.detail.setMinimumWidth(360)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 12, 6, 12)
        left_layout.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        left_layout.addLayout(top)
        left_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([800, 440])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.search.textChanged.connect(self._filter)
        self.tabs.currentChanged.connect(self._on_tab)

    def _add_tab(self, tab: Tab, time_zone: str, palette: Palette) -> None:
        """One list: its model, the sorting and filtering proxy, and the table showing it."""
        model = LessonTableModel(time_zone, palette, self)
        proxy = LessonFilter(self)
        proxy.setSourceModel(model)
        table = LessonTable(EMPTY_TEXT[tab])
        table.setModel(proxy)
        badges = UnreadBadgeDelegate(LESSON_ROLE, palette, table)
        table.setItemDelegateForColumn(Column.STUDENT, badges)
        table.setAccessibleName(TAB_TITLES[tab].replace("&", "") + " lessons")
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.STUDENT, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        descending = tab is not Tab.UPCOMING  # upcoming: soonest first; else newest first
        table.sortByColumn(
            Column.WHEN,
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )
        table.selectionModel().selectionChanged.connect(self._on_selection)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(lambda point, t=tab: self._popup_menu(t, point))
        model.modelReset.connect(table.update_empty_state)
        proxy.rowsInserted.connect(table.update_empty_state)
        proxy.rowsRemoved.connect(table.update_empty_state)
        proxy.layoutChanged.connect(table.update_empty_state)
        self.models[tab], self.proxies[tab], self.tables[tab] = model, proxy, table
        self.tabs.addTab(table, TAB_TITLES[tab].replace("&", ""))

    # -- public -----------------------------------------------------------------------------

    def set_lessons(self, tab: Tab, lessons: Sequence[LessonCard]) -> None:
        """Replace one tab's list, keeping the selected lesson selected when it is still there."""
        selected = self.selected_booking()
        self.models[tab].set_lessons(lessons)
        if selected and tab == self.current_tab():
            self.select_booking(selected)
        self.tables[tab].update_empty_state()
        self._count(tab)

    def place_lesson(self, booking_id: str, tab: Tab | None, card: LessonCard | None) -> None:
        """Show one lesson's fresh card in the list it belongs to now, and in no other."""
        for each in Tab:
            model = self.models[each]
            if each is tab and card is not None:
                model.put_lesson(card)
            elif not model.remove_lesson(booking_id):
                continue
            self._count(each)

    def drop_lesson(self, tab: Tab, booking_id: str) -> None:
        """Take a lesson out of one list (a list that keeps only the most recent ones)."""
        if self.models[tab].remove_lesson(booking_id):
            self._count(tab)

    def _count(self, tab: Tab) -> None:
        rows = self.models[tab].rowCount()
        self.tabs.setTabText(tab, f"{TAB_TITLES[tab].replace('&', '')} ({rows})")

    def set_detail(self, detail: LessonDetail | None) -> None:
        self.detail.set_detail(detail)

    def set_time_zone(self, zone: str) -> None:
        for model in self.models.values():
            model.set_time_zone(zone)
        self.detail.set_time_zone(zone)

    def set_clock(self, clock: Callable[[], datetime]) -> None:
        """The clock the menus judge "has it started" by (the services' own)."""
        self._clock = clock

    def lesson_menu(self, tab: Tab, row: int) -> QMenu | None:
        """The context menu of a row of a list (by its place on screen), or None."""
        index = self.proxies[tab].index(row, 0)
        card = index.data(LESSON_ROLE) if index.isValid() else None
        if not isinstance(card, LessonCard):
            return None
        menu = QMenu(self)
        menu.setObjectName("lessonMenu")
        handlers = LessonHandlers(
            details=lambda _booking: self.detail.setFocus(),  # the pane beside the list shows it
            complete=self.completeRequested.emit,
            no_show=self.noShowRequested.emit,
            correct=self.correctRequested.emit,
            move=self.moveRequested.emit,
            change_following=self.changeFollowingRequested.emit,
            cancel=self.cancelRequested.emit,
        )
        add_lesson_actions(menu, card, self._clock(), handlers, self._palette)
        return menu

    def _popup_menu(self, tab: Tab, point: QPoint) -> None:
        table = self.tables[tab]
        index = table.indexAt(point)
        if not index.isValid():
            return
        table.selectRow(index.row())
        menu = self.lesson_menu(tab, index.row())
        if menu is not None:
            menu.aboutToHide.connect(menu.deleteLater)
            menu.popup(table.viewport().mapToGlobal(point))

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        for model in self.models.values():
            model.set_theme(palette)
        for table in self.tables.values():
            badges = table.itemDelegateForColumn(Column.STUDENT)
            if isinstance(badges, UnreadBadgeDelegate):
                badges.palette = palette
        self.detail.set_theme(palette)

    def update_lesson(self, card: LessonCard) -> None:
        """One lesson changed (completed, note saved...): update its row wherever it is."""
        for model in self.models.values():
            model.update_lesson(card)

    def current_tab(self) -> Tab:
        return Tab(self.tabs.currentIndex())

    def show_tab(self, tab: Tab) -> None:
        self.tabs.setCurrentIndex(tab)

    def selected_booking(self) -> str | None:
        table = self.tables[self.current_tab()]
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        card = rows[0].data(LESSON_ROLE)
        return card.booking_id if isinstance(card, LessonCard) else None

    def select_booking(self, booking_id: str) -> bool:
        """Select a lesson in the current tab (e.g. after a double-click in the week view)."""
        tab = self.current_tab()
        row = self.models[tab].row_of(booking_id)
        if row < 0:
            return False
        index = self.proxies[tab].mapFromSource(self.models[tab].index(row, 0))
        if not index.isValid():
            return False
        table = self.tables[tab]
        table.selectRow(index.row())
        table.scrollTo(index)
        return True

    # -- slots ------------------------------------------------------------------------------

    def _filter(self, text: str) -> None:
        for proxy in self.proxies.values():
            proxy.set_text(text)
        for table in self.tables.values():
            table.update_empty_state()

    def _on_tab(self, index: int) -> None:
        self.tabChanged.emit(index)
        self.lessonSelected.emit(self.selected_booking() or "")

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.lessonSelected.emit(self.selected_booking() or "")
