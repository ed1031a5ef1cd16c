"""Table model of lessons (upcoming, past or cancelled), sortable through a proxy.

Follows the Qt address-book example's habits: bounds checks, ``None`` for roles it does not
handle, begin/end calls around every change. Rows are ``LessonCard``s; updating one lesson
(after "mark completed", say) changes only its row, and a lesson moving between lists is one
row removed here and one added there.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QIcon

from instainstru_desktop.services.views import LessonCard, SyncMark
from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette
from ui.lessons import format as fmt
from ui.lessons.unread_badge import words as unread_words

ModelIndex = QModelIndex | QPersistentModelIndex
LESSON_ROLE = Qt.ItemDataRole.UserRole + 1  # the LessonCard of a row
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a value that sorts right (datetime, int)


class Column(enum.IntEnum):
    WHEN = 0
    STUDENT = 1
    TYPE = 2
    DURATION = 3
    STATUS = 4
    PRICE = 5


HEADERS = {
    Column.WHEN: "When",
    Column.STUDENT: "Student",
    Column.TYPE: "Lesson",
    Column.DURATION: "Length",
    Column.STATUS: "Status",
    Column.PRICE: "Price",
}


class LessonTableModel(QAbstractTableModel):
    """Lessons as rows; times shown in the instructor's zone."""

    def __init__(
        self, time_zone: str = "UTC", palette: Palette = LIGHT, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._lessons: list[LessonCard] = []
        self._zone = time_zone
        self._palette = palette

    # -- public -----------------------------------------------------------------------------

    def set_lessons(self, lessons: Sequence[LessonCard]) -> None:
        """Replace all rows (a fresh read of the list)."""
        self.beginResetModel()
        self._lessons = list(lessons)
        self.endResetModel()

    def lessons(self) -> list[LessonCard]:
        return list(self._lessons)

    def lesson(self, row: int) -> LessonCard | None:
        return self._lessons[row] if 0 <= row < len(self._lessons) else None

    def row_of(self, booking_id: str) -> int:
        """Row of a booking, -1 when absent."""
        for row, card in enumerate(self._lessons):
            if card.booking_id == booking_id:
                return row
        return -1

    def update_lesson(self, card: LessonCard) -> bool:
        """Replace one lesson in place; False when it is not in this list."""
        row = self.row_of(card.booking_id)
        if row < 0:
            return False
        self._lessons[row] = card
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
        return True

    def put_lesson(self, card: LessonCard) -> None:
        """Replace a lesson in place, or add it as a new row (it moved into this list)."""
        if self.update_lesson(card):
            return
        row = len(self._lessons)
        self.beginInsertRows(QModelIndex(), row, row)
        self._lessons.append(card)
        self.endInsertRows()

    def remove_lesson(self, booking_id: str) -> bool:
        """Drop a lesson (it moved to another tab)."""
        row = self.row_of(booking_id)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._lessons[row]
        self.endRemoveRows()
        return True

    def set_time_zone(self, zone: str) -> None:
        """Show times in another zone (the instructor's zone changed)."""
        ZoneInfo(zone)  # fail early on a bad name
        self._zone = zone
        if self._lessons:
            self.dataChanged.emit(
                self.index(0, Column.WHEN), self.index(len(self._lessons) - 1, Column.WHEN)
            )

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        if self._lessons:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._lessons) - 1, len(Column) - 1)
            )

    # -- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lessons)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == Column.PRICE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid():
            return None
        card = self.lesson(index.row())
        if card is None or not 0 <= index.column() < len(Column):
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(card, column)
        if role == LESSON_ROLE:
            return card
        if role == SORT_ROLE:
            return self._sort_key(card, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(card)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(card, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            return self._status_colour(card)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.PRICE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            text = self._display(card, column)
            if column is Column.STATUS and card.mark is not SyncMark.SYNCED:
                text += f", {fmt.MARK_WORDS[card.mark].lower()}"
            if column is Column.STUDENT and card.unread:
                text += f", {unread_words(card.unread)}"
            return text
        return None

    # -- cells ------------------------------------------------------------------------------

    def _display(self, card: LessonCard, column: Column) -> str:
        if column is Column.WHEN:
            return fmt.when(card, self._zone, compact=True)
        if column is Column.STUDENT:
            return card.student_name
        if column is Column.TYPE:
            return card.lesson_type_name
        if column is Column.DURATION:
            return fmt.duration(card)
        if column is Column.STATUS:
            return fmt.status(card)  # the sync mark is the cell's icon and tooltip
        return fmt.money(card.price_cents, card.currency)

    @staticmethod
    def _sort_key(card: LessonCard, column: Column) -> object:
        if column in (Column.WHEN, Column.DURATION):
            return (
                card.start.timestamp()
                if column is Column.WHEN
                else (card.end - card.start).total_seconds()
            )
        if column is Column.PRICE:
            return card.price_cents
        if column is Column.STUDENT:
            return card.student_name.casefold()
        if column is Column.TYPE:
            return card.lesson_type_name.casefold()
        return fmt.status(card)

    def _tooltip(self, card: LessonCard) -> str:
        lines = [f"{card.student_name} — {card.lesson_type_name}", fmt.when(card, self._zone)]
        if card.mark is not SyncMark.SYNCED:
            lines.append(fmt.MARK_WORDS[card.mark])
        if card.mark_message:
            lines.append(card.mark_message)
        if card.cancel_reason:
            lines.append(f"Reason: {card.cancel_reason}")
        if card.unread:
            lines.append(unread_words(card.unread).capitalize())
        return "\n".join(lines)

    def _decoration(self, card: LessonCard, column: Column) -> QIcon | QColor | None:
        if column is Column.TYPE:
            return QColor(card.color) if QColor.isValidColorName(card.color) else None
        if column is Column.STATUS:
            if card.mark is SyncMark.CONFLICT or card.mark is SyncMark.REJECTED:
                return icon("warning", self._palette, "warning")
            if card.mark is SyncMark.PENDING:
                return icon("clock", self._palette, "text_secondary")
            if card.status == "completed":
                return icon("check", self._palette, "success")
            if card.status == "no_show":
                return icon("cross", self._palette, "error")
        return None

    def _status_colour(self, card: LessonCard) -> QColor | None:
        if card.mark in (SyncMark.CONFLICT, SyncMark.REJECTED):
            return self._palette.color("warning")
        if card.status == "cancelled":
            return self._palette.color("text_secondary")
        return None
