"""All drawing of the week view, in a plain class the widget only dispatches to.

Speed comes from doing per-frame only what changes per frame:
- the grid (background, quarter/hour/day lines, gutter labels) is drawn once into a pixmap of
  the whole day, keyed on size, device pixel ratio, palette, font and today's column, and blitted
  (``background.py``);
- the header is cached the same way (``header.py``), keyed on the week and the day totals;
- each lesson card's texts are elided and laid out once into ``QStaticText`` (keyed on the
  segment and its pixel size), so a repaint draws prepared glyph runs instead of re-running text
  layout, and cards are drawn in passes (fills, then bold names, then details) to keep font and
  pen switches to a handful per frame;
- everything is clipped to the exposed rectangle, so a drag repaints a few cells only.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
)

from instainstru_desktop.services.week_views import HoursRange
from ui.appearance.icons import icon_pixmap
from ui.appearance.theme import Palette
from ui.calendar.background import BackgroundPainter
from ui.calendar.cards import ICON_SIZE, STRIPE, CardArt, CardLayouter
from ui.calendar.fonts import Fonts
from ui.calendar.geometry import WeekGeometry
from ui.calendar.ghost import paint_ghost
from ui.calendar.header import HeaderPainter
from ui.calendar.ranges import subtract
from ui.calendar.state import EditMode, ViewState
from ui.calendar.timeline import DisplayWeek, LessonSegment
from ui.calendar.unread import paint_unread


class WeekPainter:
    """Paints a ``DisplayWeek`` for a ``WeekGeometry`` and a ``ViewState``."""

    def __init__(self) -> None:
        self._background = BackgroundPainter()
        self._header = HeaderPainter()
        self._cards: dict[tuple[int, int, int, bool], CardArt] = {}
        self._layouter = CardLayouter()
        self._cards_key: tuple[object, ...] = ()
        self._fonts: Fonts | None = None
        self._fonts_key = ""

    # -- public -----------------------------------------------------------------------------

    def paint(
        self, painter: QPainter, geometry: WeekGeometry, snapshot: DisplayWeek, state: ViewState
    ) -> None:
        """Draw everything that intersects the painter's clip (the whole view without one)."""
        geo, week = geometry, snapshot
        full = QRect(0, 0, geo.width, geo.height)
        clip = painter.clipBoundingRect().toAlignedRect() if painter.hasClipping() else full
        clip = clip.intersected(full)
        if clip.isEmpty():
            return
        fonts = self._ensure_fonts(state.font)
        dpr = painter.device().devicePixelRatioF() if painter.device() else 1.0
        body_band = QRect(0, geo.header_height, geo.width, geo.body_height)
        if clip.intersects(body_band):
            painter.save()
            painter.setClipRect(clip.intersected(body_band))
            assert self._fonts is not None
            self._background.paint(painter, geo, week, state, self._fonts, dpr, clip)
            painter.setClipRect(clip.intersected(geo.body_rect()))
            self._paint_edit(painter, geo, week, state)
            self._paint_time_off_labels(painter, geo, week, state, fonts, dpr)
            self._paint_lessons(painter, geo, week, state, clip, fonts, dpr)
            self._paint_now(painter, geo, week, state)
            self._paint_cursor(painter, geo, week, state)
            if state.move is not None:
                paint_ghost(painter, geo, state.move, state.palette, fonts)
            painter.restore()
        if clip.top() < geo.header_height:
            assert self._fonts is not None
            self._header.paint(painter, geo, week, state, self._fonts, dpr)

    def lesson_rects(self, geometry: WeekGeometry, week: DisplayWeek) -> dict[str, list[QRectF]]:
        """Where each booking's card(s) are drawn, by booking id (what tests assert on)."""
        out: dict[str, list[QRectF]] = {}
        for seg in week.segments:
            out.setdefault(seg.card.booking_id, []).append(geometry.lesson_rect(seg))
        return out

    @property
    def card_layouts(self) -> int:
        """How many cards were laid out so far (tests check that the cache works)."""
        return self._layouter.layouts

    def invalidate(self) -> None:
        """Drop every cache (theme or font change)."""
        self._background.clear()
        self._header.clear()
        self._cards_key = ()
        self._cards.clear()

    # -- fonts ------------------------------------------------------------------------------

    def _ensure_fonts(self, base: QFont) -> Fonts:
        key = base.key()
        if self._fonts is None or key != self._fonts_key:
            self._fonts = Fonts.from_base(base)
            self._fonts_key = key
            self.invalidate()
        return self._fonts

    def _paint_time_off_labels(
        self,
        p: QPainter,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        fonts: Fonts,
        dpr: float,
    ) -> None:
        """A "Time off" pill pinned to the top of each stretch of time off, whatever the scroll."""
        pal = state.palette
        fm = QFontMetricsF(fonts.label)
        text = "Time off"
        body = geo.body_rect()
        for d, day in enumerate(week.days):
            if d in state.preview:
                continue
            for r in day.off:
                span = geo.span_rect(d, r.start, r.end)
                top = max(span.top(), float(body.top())) + 10
                width = fm.horizontalAdvance(text) + ICON_SIZE + 22
                pill = QRectF(span.center().x() - width / 2, top, width, fm.height() + 8)
                if pill.bottom() > span.bottom() - 4 or pill.width() > span.width() - 4:
                    continue
                self._paint_pill(p, pill, text, pal, fonts, dpr)

    def _paint_pill(
        self, p: QPainter, pill: QRectF, text: str, pal: Palette, fonts: Fonts, dpr: float
    ) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(pal.color("border"), 1))
        p.setBrush(pal.color("surface"))
        p.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        icon = icon_pixmap("time-off", ICON_SIZE, dpr, pal.time_off_text)
        p.drawPixmap(QPointF(pill.left() + 8, pill.center().y() - ICON_SIZE / 2), icon)
        p.setFont(fonts.label)
        p.setPen(pal.color("time_off_text"))
        p.drawText(pill.adjusted(ICON_SIZE + 12, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter, text)

    # -- drag / keyboard selection ----------------------------------------------------------

    def _paint_edit(
        self, p: QPainter, geo: WeekGeometry, week: DisplayWeek, state: ViewState
    ) -> None:
        """The live preview: hours a drag would add in green, hours it would remove struck out.

        Drawn over the cached background, from the difference between the day's hours and the
        previewed ones, so it shows exactly what release will do (unaligned edges included).
        """
        pal = state.palette
        erase = state.mode is EditMode.ERASE
        if state.preview:
            colour = pal.color("base", 225) if erase else pal.color("available_fill", 235)
            for d, after in state.preview.items():
                before = week.days[d].ranges
                changed = _difference(before, after) if erase else _difference(after, before)
                for r in changed:
                    rect = geo.span_rect(d, r.start, r.end).adjusted(1, 0, 0, 0)
                    p.fillRect(rect, colour)
        block = state.drag or state.selection
        if block is None:
            return
        role = "selection" if state.drag is None else "erase_preview" if erase else "paint_preview"
        rect = QRectF(geo.cells_rect(block.day_a, block.day_b, block.slot_a, block.slot_b))
        rect = rect.adjusted(1.5, 0.5, -1.0, -1.0)
        if state.drag is None:
            p.fillRect(rect, pal.color(role, 40))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(QPen(pal.color(role), 1.5, Qt.PenStyle.DashLine))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(rect)

    # -- lessons ----------------------------------------------------------------------------

    def _paint_lessons(
        self,
        p: QPainter,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        clip: QRect,
        fonts: Fonts,
        dpr: float,
    ) -> None:
        key = (id(week), state.palette.name, self._fonts_key, dpr)
        if key != self._cards_key:
            if key[1:] != self._cards_key[1:]:
                self._layouter.reset(fonts.name, fonts.detail, state.palette, dpr)
            self._cards.clear()
            self._cards_key = key
        # Cheap integer culling first: only segments of exposed columns and minutes get a rect.
        first_day, last_day = geo.clamp_day(clip.left()), geo.clamp_day(clip.right())
        low = geo.minute_at_y(clip.top()) - 15
        high = geo.minute_at_y(clip.bottom() + 1) + 1
        clip_f = QRectF(clip)
        visible: list[tuple[QRectF, LessonSegment, CardArt]] = []
        for day in range(first_day, last_day + 1):
            for seg in week.by_day[day]:
                if seg.end < low or seg.start > high:
                    continue
                rect = geo.lesson_rect(seg)
                if not rect.intersects(clip_f):
                    continue
                to_mark = is_to_mark(seg, state)
                art_key = (id(seg), round(rect.width()), round(rect.height()), to_mark)
                art = self._cards.get(art_key)
                if art is None:
                    art = self._layouter.layout(seg, rect.width(), rect.height(), to_mark=to_mark)
                    self._cards[art_key] = art
                visible.append((rect, seg, art))
        if not visible:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        for rect, _seg, art in visible:
            p.setBrush(art.style.fill)
            p.drawRoundedRect(rect, 4, 4)
            if art.style.pattern is not None:
                p.setBrush(art.style.pattern)
                p.drawRoundedRect(rect, 4, 4)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for rect, _seg, art in visible:
            p.fillRect(QRectF(rect.left(), rect.top(), STRIPE, rect.height()), art.style.stripe)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(Qt.BrushStyle.NoBrush)
        selected = state.selected_booking
        for rect, seg, art in visible:
            if art.style.outline is not None:
                p.setPen(art.style.outline)
                p.drawRoundedRect(rect.adjusted(0.75, 0.75, -0.75, -0.75), 4, 4)
            if selected is not None and seg.card.booking_id == selected:
                p.setPen(QPen(state.palette.color("selection"), 2))
                p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for which, font in ((0, fonts.name), (1, fonts.detail)):
            p.setFont(font)
            pen_colour: QColor | None = None
            for rect, _seg, art in visible:
                for offset, text, colour in art.name if which == 0 else art.detail:
                    if colour is not pen_colour:
                        p.setPen(colour)
                        pen_colour = colour
                    p.drawStaticText(rect.topLeft() + offset, text)
        for rect, _seg, art in visible:
            for offset, pixmap in art.icons:
                p.drawPixmap(rect.topLeft() + offset, pixmap)
        paint_unread(p, visible, state.palette, fonts.label)

    # -- now-line and cursor ----------------------------------------------------------------

    def _paint_now(
        self, p: QPainter, geo: WeekGeometry, week: DisplayWeek, state: ViewState
    ) -> None:
        if state.now is None:
            return
        local = state.now.astimezone(week.zone)
        dates = week.dates
        if local.date() not in dates:
            return
        d = dates.index(local.date())
        y = geo.y_for_minute(local.hour * 60 + local.minute + local.second / 60)
        left, width = geo.column_left(d), geo.column_width(d)
        colour = state.palette.color("now_line")
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(colour, 2))
        p.drawLine(QPointF(left, y), QPointF(left + width, y))
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QPointF(left + 1, y), 4.5, 4.5)

    def _paint_cursor(
        self, p: QPainter, geo: WeekGeometry, week: DisplayWeek, state: ViewState
    ) -> None:
        if not state.show_cursor:
            return
        rect = QRectF(geo.slot_rect(state.cursor_day, state.cursor_slot)).adjusted(1.5, 1, -1, -1)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(state.palette.color("selection"), 2))
        p.drawRect(rect)


def is_to_mark(seg: LessonSegment, state: ViewState) -> bool:
    """Whether a lesson has ended without its outcome being recorded (as of the now-line)."""
    card = seg.card
    return card.status == "confirmed" and state.now is not None and card.end <= state.now


def _difference(
    ranges: tuple[HoursRange, ...], minus: tuple[HoursRange, ...]
) -> tuple[HoursRange, ...]:
    out = ranges
    for r in minus:
        out = subtract(out, r)
    return out
