"""Find a student by name or e-mail and choose one: nobody is chosen until the person chooses.

A list that starts with its first entry selected invites booking the wrong person with one
click, so this starts empty. Each student shows their name and e-mail (two students may share a
name); typing narrows the list by either, and Enter chooses the only match left.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QPainter, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import StudentOption

ID_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
PADDING = 5


class _TwoLines(QStyledItemDelegate):
    """The name, and under it the e-mail in the quieter colour (the text is "name\nemail")."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        self.initStyleOption(option, index)
        name, _, email = str(index.data()).partition("\n")
        option.text = ""
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        roles = QPalette.ColorRole
        main = option.palette.color(roles.HighlightedText if selected else roles.Text)
        quiet = main if selected else option.palette.color(roles.PlaceholderText)
        line = option.fontMetrics.height()
        box = option.rect.adjusted(PADDING * 2, PADDING, -PADDING, -PADDING)
        painter.save()
        painter.setPen(main)
        painter.drawText(QRect(box.left(), box.top(), box.width(), line), 0, name)
        painter.setPen(quiet)
        painter.drawText(QRect(box.left(), box.top() + line, box.width(), line), 0, email)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = option.fontMetrics.height()
        return QSize(200, 2 * line + 2 * PADDING)


class _Matches(QSortFilterProxyModel):
    """Keeps the students whose name or e-mail holds every word typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        haystack = str(self.sourceModel().index(source_row, 0, source_parent).data(SEARCH_ROLE))
        return all(word in haystack for word in self._words)


class _SearchBox(QLineEdit):
    """The search field; Down moves into the list, Enter chooses a single match."""

    def __init__(self, picker: StudentPicker) -> None:
        super().__init__(picker)
        self._picker = picker

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self._picker.results.setFocus()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._picker.choose_single_match()
            return  # never the dialog's default button: Enter here means "this one"
        super().keyPressEvent(event)


class StudentPicker(QWidget):
    """A search field over the students, the matching ones, and the one chosen."""

    chosen = Signal(object)

    def __init__(self, students: Sequence[StudentOption], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._students = {s.id: s for s in students}
        self.search = _SearchBox(self)
        self.search.setObjectName("studentSearch")
        self.search.setPlaceholderText("Search by name or e-mail")
        self.search.setAccessibleName("Search students by name or e-mail")
        self.search.setClearButtonEnabled(True)
        self._model = QStandardItemModel(self)
        for student in students:
            item = QStandardItem(f"{student.name}\n{student.email}")
            item.setData(student.id, ID_ROLE)
            item.setData(f"{student.name} {student.email}".casefold(), SEARCH_ROLE)
            item.setToolTip(f"{student.name} <{student.email}>, {student.time_zone}")
            item.setEditable(False)
            self._model.appendRow(item)
        self._matches = _Matches(self)
        self._matches.setSourceModel(self._model)
        self.results = QListView()
        self.results.setObjectName("studentResults")
        self.results.setAccessibleName("Students")
        self.results.setModel(self._matches)
        self.results.setItemDelegate(_TwoLines(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setMinimumHeight(130)
        self.results.setMaximumHeight(170)
        self.selection = QLabel()
        self.selection.setProperty("role", "value")
        self.selection.setObjectName("chosenStudent")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        layout.addWidget(self.selection)
        self._chosen: StudentOption | None = None
        self.search.textChanged.connect(self._matches.set_text)
        self.results.clicked.connect(self._on_activated)
        self.results.activated.connect(self._on_activated)
        self._show_choice()

    # -- public -----------------------------------------------------------------------------

    def selected(self) -> StudentOption | None:
        return self._chosen

    def choose(self, student_id: str | None) -> None:
        """Choose a student by id (None: nobody)."""
        self._chosen = self._students.get(student_id) if student_id else None
        self._show_choice()
        self.chosen.emit(self._chosen)

    def choose_single_match(self) -> None:
        """Enter in the search field: choose the match if exactly one is left."""
        if self._matches.rowCount() == 1:
            self._on_activated(self._matches.index(0, 0))

    def listed_texts(self) -> list[str]:
        """What the list shows now, top to bottom."""
        return [
            str(self._matches.index(row, 0).data()) for row in range(self._matches.rowCount())
        ]

    def chosen_text(self) -> str:
        return self.selection.text()

    # -- helpers ----------------------------------------------------------------------------

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.choose(str(index.data(ID_ROLE)))

    def _show_choice(self) -> None:
        student = self._chosen
        self.selection.setText(f"{student.name} · {student.email}" if student else "")
        self.selection.setVisible(student is not None)
        if student is None:
            self.results.clearSelection()
            return
        for row in range(self._matches.rowCount()):
            index = self._matches.index(row, 0)
            if index.data(ID_ROLE) == student.id:
                self.results.setCurrentIndex(index)
                return
