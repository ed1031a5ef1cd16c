"""Unread-message counts on the week's lesson cards: a pill in the card's bottom right corner
(on the right of a card too short for that), over whatever text runs there."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QPainter

from ui.appearance.theme import Palette
from ui.calendar.timeline import LessonSegment
from ui.lessons.unread_badge import badge_font, paint_pill, pill_size

MARGIN = 3.0


def paint_unread(
    painter: QPainter,
    cards: Iterable[tuple[QRectF, LessonSegment, object]],
    palette: Palette,
    base: QFont,
) -> None:
    """Draw the count of every card (``(rect, segment, art)``, as the painter lays them out)
    whose lesson has unread messages."""
    font: QFont | None = None
    for rect, seg, _art in cards:
        unread = seg.card.unread
        if not unread or seg.continues_before:  # a lesson cut at midnight: counted once
            continue
        font = font or badge_font(base)
        width, height = pill_size(unread, font)
        if rect.width() < width + 2 * MARGIN:
            continue
        if rect.height() >= 2 * height + 2 * MARGIN:
            top = rect.bottom() - height - MARGIN
        else:
            top = rect.top() + (rect.height() - height) / 2
        pill = QRectF(rect.right() - width - MARGIN, top, width, height)
        paint_pill(painter, pill, unread, palette, font)
