"""Drawing the ghost of a lesson being dragged: where it would land, and whether it may.

Green and solid where the booking rules allow the spot, red and dashed with the reason where
they do not, neutral and dashed while the rules are still being read.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen

from ui.appearance.theme import Palette
from ui.calendar.fonts import Fonts
from ui.calendar.geometry import WeekGeometry
from ui.calendar.ranges import DAY_MINUTES
from ui.calendar.state import MoveGhost

PAD = 6.0


def ghost_rect(geo: WeekGeometry, ghost: MoveGhost) -> QRectF:
    """The ghost's card: the full width of its column, from its start for its length."""
    end = min(DAY_MINUTES, ghost.start + ghost.minutes)
    span = geo.span_rect(ghost.day, ghost.start, end)
    return span.adjusted(geo.lesson_inset, 1, -geo.lesson_inset - 1, -1)


def ghost_text(ghost: MoveGhost) -> str:
    """What the rules say of the spot, for the note beside the ghost."""
    if ghost.allowed is None:
        return f"{ghost.label}: checking your booking rules…"
    if ghost.allowed:
        return f"{ghost.label} is free: drop to move the lesson here."
    return ghost.reason or "Your booking rules do not allow this time."


def times(ghost: MoveGhost) -> str:
    """ "16:00–16:45" (the column says which day)."""
    end = ghost.start + ghost.minutes
    return f"{_clock(ghost.start)}–{_clock(end % DAY_MINUTES)}"


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def paint_ghost(
    p: QPainter, geo: WeekGeometry, ghost: MoveGhost, palette: Palette, fonts: Fonts
) -> None:
    """The ghost card with its time, and under it (above, near the bottom) what the rules say."""
    rect = ghost_rect(geo, ghost)
    role = {True: "paint_preview", False: "erase_preview", None: "selection"}[ghost.allowed]
    colour = palette.color(role)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(palette.color("base"))
    p.drawRoundedRect(rect, 4, 4)
    p.setBrush(palette.color(role, 60))
    style = Qt.PenStyle.SolidLine if ghost.allowed else Qt.PenStyle.DashLine
    p.setPen(QPen(colour, 2, style))
    p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
    _paint_title(p, rect.adjusted(PAD, PAD / 2, -PAD, 0), ghost, palette, fonts)
    _paint_note(p, geo, rect, ghost_text(ghost), colour, palette, fonts)
    p.restore()


def _paint_title(
    p: QPainter, inner: QRectF, ghost: MoveGhost, palette: Palette, fonts: Fonts
) -> None:
    """The student's name over the new time, or both on one line when the card is short."""
    top = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
    name, detail = QFontMetricsF(fonts.name), QFontMetricsF(fonts.detail)
    p.setPen(palette.color("text"))
    p.setFont(fonts.name)
    if not ghost.student or inner.height() < name.height() + detail.height():
        title = f"{times(ghost)} · {ghost.student}" if ghost.student else times(ghost)
        p.drawText(inner, top, name.elidedText(title, Qt.TextElideMode.ElideRight, inner.width()))
        return
    p.drawText(
        inner, top, name.elidedText(ghost.student, Qt.TextElideMode.ElideRight, inner.width())
    )
    p.setFont(fonts.detail)
    p.drawText(inner.adjusted(0, name.height(), 0, 0), top, times(ghost))


def _paint_note(
    p: QPainter,
    geo: WeekGeometry,
    card: QRectF,
    text: str,
    colour: QColor,
    palette: Palette,
    fonts: Fonts,
) -> None:
    """A small box of wrapped text beside the ghost: the card is often too short to hold it."""
    metrics = QFontMetricsF(fonts.detail)
    width = card.width()
    flags = int(Qt.TextFlag.TextWordWrap)
    needed = metrics.boundingRect(QRectF(0, 0, width - 2 * PAD, 1_000), flags, text).height()
    height = needed + PAD
    body = geo.body_rect()
    top = card.bottom() + 3
    if top + height > body.bottom():
        top = card.top() - 3 - height
    note = QRectF(card.left(), top, width, height)
    p.setPen(QPen(colour, 1))
    p.setBrush(palette.color("raised"))
    p.drawRoundedRect(note, 4, 4)
    p.setFont(fonts.detail)
    p.setPen(palette.color("text"))
    p.drawText(note.adjusted(PAD, PAD / 2, -PAD, 0), flags, text)
