"""Lesson types: the list of what students can book, and the form to add or change one.

Selecting a lesson type opens it in the form below the list; "New lesson type" empties the form.
A lesson type is never deleted: it stops being offered, and lessons already booked keep it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from instainstru_desktop.services.profile_checks import draft_of, length_text, money_text
from instainstru_desktop.services.views import LessonTypeOption, SyncMark
from ui.profile.lesson_type_editor import LessonTypeEditor
from ui.profile.widgets import Card, card

COLUMNS = ("Lesson type", "Length", "Price", "Offered", "Sync")
_MARK = COLUMNS.index("Sync")
_ID = Qt.ItemDataRole.UserRole


def swatch(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour) if QColor.isValidColorName(colour) else QColor("#888888"))
    return QIcon(pixmap)


def _mark_text(option: LessonTypeOption) -> str:
    if option.mark is SyncMark.PENDING:
        return "Not synced yet"
    if option.mark is SyncMark.REJECTED:
        return "Refused by the server"
    return ""


class LessonTypesPanel(Card):
    """The list and the form; the form's requests are passed on as they are."""

    addRequested = Signal(object)  # noqa: N815 - a LessonTypeDraft
    saveRequested = Signal(str, object)  # noqa: N815 - lesson type id, LessonTypeDraft

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._options: list[LessonTypeOption] = []
        layout = card(
            self,
            "lessonTypesCard",
            "Lesson types",
            "What students can book. Stop offering one instead of deleting it: lessons already "
            "booked keep it.",
        )
        self.list = QTreeWidget()
        self.list.setObjectName("lessonTypeList")
        self.list.setAccessibleName("Lesson types")
        self.list.setColumnCount(len(COLUMNS))
        self.list.setHeaderLabels(list(COLUMNS))
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.new_button = QPushButton("&New lesson type")
        self.new_button.setObjectName("newLessonType")
        row.addWidget(self.new_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.editor = LessonTypeEditor()
        layout.addWidget(self.editor)
        self.list.currentItemChanged.connect(self._on_current)
        self.new_button.clicked.connect(self.start_new)
        self.editor.checked.connect(lambda: self.refit(self.editor))
        self.editor.addRequested.connect(self.addRequested)
        self.editor.saveRequested.connect(self.saveRequested)

    def show_lesson_types(self, options: Sequence[LessonTypeOption]) -> None:
        """List them; the one in the form stays selected (and is refreshed unless edited)."""
        self._options = list(options)
        editing = self.editor.editing
        self.list.blockSignals(True)
        self.list.clear()
        for option in options:
            item = QTreeWidgetItem(
                [
                    option.name,
                    length_text(option.duration_minutes),
                    money_text(option.price_cents, option.currency),
                    "Yes" if option.active else "No",
                    _mark_text(option),
                ]
            )
            item.setIcon(0, swatch(option.color))
            item.setData(0, _ID, option.id)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if option.mark_message:
                item.setToolTip(_MARK, option.mark_message)
            self.list.addTopLevelItem(item)
            if editing is not None and option.id == editing.id:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        # the sync column only while something has not reached the server as it is here
        self.list.setColumnHidden(_MARK, not any(_mark_text(o) for o in options))
        self._fit_rows()
        if editing is not None:
            current = self.option(editing.id)
            if current is None:
                self.start_new()
            elif current != editing and (
                not self.editor.is_changed() or self.editor.holds(draft_of(current))
            ):
                # untouched, or holding exactly what was just saved: follow the stored one
                self.editor.edit(current)

    def _fit_rows(self, most: int = 8) -> None:
        """As tall as its rows (up to ``most``, then it scrolls): no empty box under three."""
        count = self.list.topLevelItemCount()
        rows = max(3, min(most, count))
        row_height = max(self.list.sizeHintForRow(0) if count else 0, 20)
        frame = 2 * self.list.frameWidth() + 4
        self.list.setFixedHeight(self.list.header().sizeHint().height() + rows * row_height + frame)
        self.refit(self.list)

    def option(self, lesson_type_id: str) -> LessonTypeOption | None:
        return next((o for o in self._options if o.id == lesson_type_id), None)

    def options(self) -> list[LessonTypeOption]:
        return list(self._options)

    def select(self, lesson_type_id: str) -> None:
        """Open a lesson type in the form (as a click on its row does)."""
        for index in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(index)
            if item is not None and item.data(0, _ID) == lesson_type_id:
                self.list.setCurrentItem(item)
                return

    def start_new(self) -> None:
        self.list.blockSignals(True)
        self.list.clearSelection()
        self.list.setCurrentIndex(QModelIndex())
        self.list.blockSignals(False)
        currencies = [o.currency for o in self._options]
        self.editor.new(max(set(currencies), key=currencies.count) if currencies else "EUR")
        self.editor.name.setFocus()

    def _on_current(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        option = self.option(str(item.data(0, _ID))) if item is not None else None
        if option is not None:
            self.editor.edit(option)
