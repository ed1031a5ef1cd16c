"""Lesson cards laid out once and reused: colours, elided texts, prepared static text, markers.

Laying out text is the expensive part of painting a busy week (eliding and shaping 900 strings
costs more than drawing them). Student names, lesson types and times repeat across cards and
across weeks, so elided strings, their widths and their ``QStaticText`` are memoized per font;
card colours are memoized per (lesson colour, status, mark). Moving to the next week then lays
out new cards mostly from cache hits.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
)

from instainstru_desktop.services.week_views import SyncMark
from ui.appearance.icons import icon_pixmap
from ui.appearance.theme import Palette
from ui.calendar.ranges import DAY_MINUTES, format_minutes
from ui.calendar.timeline import LessonSegment

ICON_SIZE = 12
STRIPE = 3
TO_MARK = "to_mark"  # the style of a confirmed lesson that has ended
PAD_X = STRIPE + 5
PAD_Y = 2.0
_CACHE_LIMIT = 20_000

TextLine = tuple[QPointF, QStaticText, QColor]


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``amount`` of ``a`` over ``b`` (opaque result)."""
    keep = 1 - amount
    return QColor(
        round(a.red() * amount + b.red() * keep),
        round(a.green() * amount + b.green() * keep),
        round(a.blue() * amount + b.blue() * keep),
    )


@dataclass(slots=True)
class CardStyle:
    """How a card looks, from its lesson colour, status and sync mark."""

    fill: QColor
    stripe: QColor
    text: QColor
    detail: QColor
    pattern: QBrush | None
    outline: QPen | None
    icons: tuple[tuple[str, str], ...]  # (icon name, colour)


@dataclass(slots=True)
class CardArt:
    """A card laid out for one pixel size: what ``WeekPainter`` draws, pass by pass."""

    style: CardStyle
    name: list[TextLine]
    detail: list[TextLine]
    icons: list[tuple[QPointF, QPixmap]]


def time_text(seg: LessonSegment) -> str:
    """``10:00–10:30`` in the display zone's wall time (… where the lesson is cut at midnight)."""
    start = "…" if seg.continues_before else format_minutes(seg.start)
    end = "…" if seg.continues_after else format_minutes(min(seg.end, DAY_MINUTES))
    return f"{start}–{end}"


class CardLayouter:
    """Builds ``CardArt`` with memoized text work; ``reset`` on font, palette or DPR change."""

    def __init__(self) -> None:
        self._fonts: tuple[QFont, QFont] = (QFont(), QFont())
        self._metrics: tuple[QFontMetricsF, QFontMetricsF] = (
            QFontMetricsF(QFont()),
            QFontMetricsF(QFont()),
        )
        self._palette: Palette | None = None
        self._dpr = 1.0
        self._static: dict[tuple[str, int], QStaticText] = {}
        self._elided: dict[tuple[str, int, int], str] = {}
        self._widths: dict[str, float] = {}
        self._styles: dict[tuple[str, str, SyncMark, bool], CardStyle] = {}
        self.layouts = 0

    def reset(self, name_font: QFont, detail_font: QFont, palette: Palette, dpr: float) -> None:
        self._fonts = (name_font, detail_font)
        self._metrics = (QFontMetricsF(name_font), QFontMetricsF(detail_font))
        self._palette = palette
        self._dpr = dpr
        self._static.clear()
        self._elided.clear()
        self._widths.clear()
        self._styles.clear()

    # -- memoized pieces --------------------------------------------------------------------

    def _text(self, text: str, font: int) -> QStaticText:
        key = (text, font)
        st = self._static.get(key)
        if st is None:
            if len(self._static) > _CACHE_LIMIT:
                self._static.clear()
            st = QStaticText(text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            st.prepare(QTransform(), self._fonts[font])
            self._static[key] = st
        return st

    def _elide(self, text: str, font: int, width: float) -> str:
        key = (text, font, int(width))
        out = self._elided.get(key)
        if out is None:
            if len(self._elided) > _CACHE_LIMIT:
                self._elided.clear()
            out = self._metrics[font].elidedText(
                text, Qt.TextElideMode.ElideRight, max(0.0, int(width))
            )
            self._elided[key] = out
        return out

    def _width(self, text: str) -> float:
        """Advance of a detail-font text (memoized: the same times and types recur)."""
        width = self._widths.get(text)
        if width is None:
            if len(self._widths) > _CACHE_LIMIT:
                self._widths.clear()
            width = self._widths[text] = self._metrics[1].horizontalAdvance(text)
        return width

    def style(self, color: str, status: str, mark: SyncMark, weekly: bool = False) -> CardStyle:
        key = (color, status, mark, weekly)
        found = self._styles.get(key)
        if found is None:
            found = self._styles[key] = self._make_style(color, status, mark, weekly)
        return found

    def _make_style(self, color: str, status: str, mark: SyncMark, weekly: bool) -> CardStyle:
        pal = self._palette
        assert pal is not None
        colour = QColor(color) if QColor.isValidColorName(color) else pal.color("accent")
        done, no_show = status == "completed", status == "no_show"
        settled = done or no_show
        to_mark = status == TO_MARK
        strength = 0.5 if settled else 0.7 if to_mark else 1.0
        fill = mix(colour, pal.color("base"), pal.lesson_mix * strength)
        stripe = QColor(colour)
        if settled:
            stripe.setAlpha(120)
        pattern = None
        if no_show:
            hatch = QColor(colour)
            hatch.setAlpha(110)
            pattern = QBrush(hatch, Qt.BrushStyle.BDiagPattern)
        outline = None
        icons: list[tuple[str, str]] = []
        if mark is SyncMark.CONFLICT:
            outline = QPen(pal.color("warning"), 1.5)
            icons.append(("warning", pal.warning))
        elif mark is SyncMark.REJECTED:
            outline = QPen(pal.color("error"), 1.5, Qt.PenStyle.DashLine)
            icons.append(("warning", pal.error))
        elif mark is SyncMark.PENDING:
            icons.append(("clock", pal.text_secondary))
        elif to_mark:
            outline = QPen(pal.color("warning"), 1.2, Qt.PenStyle.DashLine)
        if to_mark:
            icons.append(("attention", pal.warning))
        if done:
            icons.append(("check", pal.success))
        elif no_show:
            icons.append(("cross", pal.error))
        if weekly:  # one of a weekly series
            icons.append(("repeat", pal.text_secondary))
        text = pal.color("text_secondary") if settled else pal.color("text")
        return CardStyle(
            fill, stripe, text, pal.color("text_secondary"), pattern, outline, tuple(icons)
        )

    # -- layout -----------------------------------------------------------------------------

    def layout(
        self, seg: LessonSegment, width: float, height: float, *, to_mark: bool = False
    ) -> CardArt:
        """Name on top; then "type · time" or type and time on their own lines as room allows.

        A card too short for two lines (a 15- or 20-minute lesson) shows "name  10:00" on one.
        Status icons sit at the top right, unless they would cut the student's name short: then
        they move to the end of the last line, whose text gives way instead.
        """
        self.layouts += 1
        card = seg.card
        status = TO_MARK if to_mark else card.status
        style = self.style(card.color, status, card.mark, bool(card.series_id))
        name_fm, detail_fm = self._metrics
        name_h, detail_h = name_fm.height(), detail_fm.height()
        icon_room = len(style.icons) * (ICON_SIZE + 2)
        inner = width - PAD_X - 4
        when = time_text(seg)
        names: list[TextLine] = []
        details: list[TextLine] = []
        y = PAD_Y if height >= name_h + PAD_Y else max(0.0, (height - name_h) / 2)
        one_line = height < name_h + detail_h + PAD_Y
        name_fits = name_fm.horizontalAdvance(card.student_name) <= inner - icon_room
        icons_on_top = one_line or name_fits or not icon_room
        name = self._elide(card.student_name, 0, inner - (icon_room if icons_on_top else 0))
        names.append((QPointF(PAD_X, y), self._text(name, 0), style.text))
        icon_y = PAD_Y + max(0.0, (min(name_h, height) - ICON_SIZE) / 2)
        if one_line:
            used = name_fm.horizontalAdvance(name) + 6
            start = when.split("–")[0]
            if name == card.student_name and inner - icon_room - used > detail_fm.horizontalAdvance(
                start
            ):
                offset = QPointF(PAD_X + used, y + (name_h - detail_h) / 2 + 0.5)
                details.append((offset, self._text(start, 1), style.detail))
        else:
            y += name_h
            # "done" is the check mark; the others say so before the type
            status = "No-show" if card.status == "no_show" else "To mark" if to_mark else ""
            lines_left = max(1, int((height - y - PAD_Y + 1) // detail_h))
            # Each line lists what to show from most to least complete; the first that fits
            # wins. The time matters more than the type (the colour already tells the type).
            start = when.split("–")[0]
            kind = " · ".join(t for t in (status, card.lesson_type_name) if t)
            if lines_left >= 2:
                lines = [[kind], [when, start]]
            else:
                lines = [
                    [
                        " · ".join(t for t in (status, when, card.lesson_type_name) if t),
                        " · ".join(t for t in (status, when) if t),
                        when,
                        start,
                    ]
                ]
            for i, choices in enumerate(lines[:lines_left]):
                icons_here = not icons_on_top and i == 0  # the type line gives way first
                room = inner - (icon_room if icons_here else 0)
                fits = [c for c in choices if self._width(c) <= room]
                line = fits[0] if fits else self._elide(choices[-1], 1, room)
                details.append((QPointF(PAD_X, y), self._text(line, 1), style.detail))
                if icons_here:
                    icon_y = y + (detail_h - ICON_SIZE) / 2
                y += detail_h
        icons = []
        x = width - 3 - ICON_SIZE
        for icon_name, colour in style.icons:
            icons.append((QPointF(x, icon_y), icon_pixmap(icon_name, ICON_SIZE, self._dpr, colour)))
            x -= ICON_SIZE + 2
        return CardArt(style, names, details, icons)
