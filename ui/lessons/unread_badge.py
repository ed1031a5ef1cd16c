"""The unread-messages pill: drawn beside the student's name in the lesson lists, and on lesson
cards in the week. One drawing for both, so a count looks the same wherever it is shown.

The lists' cell delegate is in :mod:`ui.lessons.unread_delegate`: the week's cards are drawn at
the first paint, and the delegate's style classes (QStyle's enums) are not needed for that."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter

from ui.appearance.theme import Palette


def count_text(unread: int) -> str:
    return "99+" if unread > 99 else str(unread)


def words(unread: int) -> str:
    """``1 new message`` / ``3 new messages`` (for tooltips and screen readers)."""
    return f"{unread} new message" + ("" if unread == 1 else "s")


def pill_size(unread: int, font: QFont) -> tuple[float, float]:
    metrics = QFontMetricsF(font)
    height = metrics.height() + 2
    return max(height, metrics.horizontalAdvance(count_text(unread)) + 10), height


def paint_pill(
    painter: QPainter,
    rect: QRectF,
    unread: int,
    palette: Palette,
    font: QFont,
    *,
    on_accent: bool = False,
) -> None:
    """The count on the accent colour, in a pill filling ``rect`` (``on_accent``: the other way
    round, for a pill drawn over the accent colour, such as a selected row)."""
    fill, ink = ("accent_text", "accent") if on_accent else ("accent", "accent_text")
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(palette.color(fill))
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.setFont(font)
    painter.setPen(palette.color(ink))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, count_text(unread))
    painter.restore()


def badge_font(base: QFont) -> QFont:
    """``base`` a little smaller and bold (fonts sized in points or in pixels alike)."""
    font = QFont(base)
    font.setBold(True)
    if base.pixelSize() > 0:
        font.setPixelSize(max(9, round(base.pixelSize() * 0.9)))
    else:
        font.setPointSizeF(max(7.0, base.pointSizeF() * 0.85))
    return font
