"""The lesson lists' cells, with room for the unread-messages pill drawn at their right.

The pill itself is :mod:`ui.lessons.unread_badge`'s, drawn the same on the week's cards."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from instainstru_desktop.services.week_views import LessonCard
from ui.appearance.theme import LIGHT, Palette
from ui.lessons.unread_badge import badge_font, paint_pill, pill_size

ModelIndex = QModelIndex | QPersistentModelIndex


class UnreadBadgeDelegate(QStyledItemDelegate):
    """Draws a cell as usual, its text making room for the lesson's unread count on the right."""

    def __init__(
        self, card_role: int, palette: Palette = LIGHT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._role = card_role
        self.palette = palette

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        card = index.data(self._role)
        unread = card.unread if isinstance(card, LessonCard) else 0
        if not unread:
            super().paint(painter, option, index)
            return
        font = badge_font(option.font)
        width, height = pill_size(unread, font)
        cell: QRect = option.rect
        room = QStyleOptionViewItem(option)
        room.rect = cell.adjusted(0, 0, -int(width) - 8, 0)
        super().paint(painter, room, index)
        pill = QRectF(cell.right() - width - 4, cell.center().y() - height / 2 + 1, width, height)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        paint_pill(painter, pill, unread, self.palette, font, on_accent=selected)
