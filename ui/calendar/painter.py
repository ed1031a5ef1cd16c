"""All drawing of the week view, in a plain class the widget only dispatches to.

Speed comes from doing per-frame only what changes per frame:
- the grid (background, quarter/hour/day lines, gutter labels) is drawn once into a pixmap of
  the whole day, keyed on size, device pixel ratio, palette, font and today's column, and blitted;
- the header is cached the same way (``header.py``), keyed on the week and the day totals;
- each lesson card's texts are elided and laid out once into ``QStaticText`` (keyed on the
  segment and its pixel size), so a repaint draws prepared glyph runs instead of re-running text
  layout, and cards are drawn in passes (fills, then bold names, then details) to keep font and
  pen switches to a handful per frame;
- everything is clipped to the exposed rectangle, so a drag repaints a few cells only.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QPixmap,
)

from instainstru_desktop.services.views import HoursRange
from ui.appearance.icons import icon_pixmap
from ui.appearance.theme import Palette
from ui.calendar.cards import ICON_SIZE, STRIPE, CardArt, CardLayouter
from ui.calendar.fonts import Fonts
from ui.calendar.geometry import DAYS, WeekGeometry
from ui.calendar.header import HeaderPainter
from ui.calendar.ranges import subtract
from ui.calendar.state import EditMode, ViewState
from ui.calendar.timeline import DisplayDay, DisplayWeek, LessonSegment


class WeekPainter:
    """Paints a ``DisplayWeek`` for a ``WeekGeometry`` and a ``ViewState``."""

    def __init__(self) -> None:
        self._grid: QPixmap | None = None
        self._grid_key: tuple[object, ...] = ()
        self._header = HeaderPainter()
        self._cards: dict[tuple[int, int, int], CardArt] = {}
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
            self._paint_background(painter, geo, week, state, dpr, clip)
            painter.setClipRect(clip.intersected(geo.body_rect()))
            self._paint_edit(painter, geo, week, state)
            self._paint_time_off_labels(painter, geo, week, state, fonts, dpr)
            self._paint_lessons(painter, geo, week, state, clip, fonts, dpr)
            self._paint_now(painter, geo, week, state)
            self._paint_cursor(painter, geo, week, state)
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
        self._grid = None
        self._header.clear()
        self._grid_key = self._cards_key = ()
        self._cards.clear()

    # -- fonts ------------------------------------------------------------------------------

    def _ensure_fonts(self, base: QFont) -> Fonts:
        key = base.key()
        if self._fonts is None or key != self._fonts_key:
            self._fonts = Fonts.from_base(base)
            self._fonts_key = key
            self.invalidate()
        return self._fonts

    # -- background: grid, hours, time off, DST -------------------------------------------

    def _paint_background(
        self,
        p: QPainter,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        dpr: float,
        clip: QRect,
    ) -> None:
        """Blit the cached day background; it changes only with the hours, size or theme."""
        today_col = _today_column(week, state.today)
        days = tuple((d.ranges, d.off, d.gap, d.repeated) for d in week.days)
        key = (
            geo.width,
            geo.hour_height,
            geo.gutter_width,
            dpr,
            state.palette.name,
            self._fonts_key,
            today_col,
            days,
        )
        if self._grid is None or key != self._grid_key:
            self._grid = self._render_background(geo, week, state.palette, dpr, today_col)
            self._grid_key = key
        target = clip.intersected(QRect(0, geo.header_height, geo.width, geo.body_height))
        source_y = target.top() - geo.header_height + geo.scroll_y
        if dpr == int(dpr):  # whole-pixel copy: the raster engine's fast path
            scale = int(dpr)
            source_i = QRect(
                target.left() * scale,
                source_y * scale,
                target.width() * scale,
                target.height() * scale,
            )
            p.drawPixmap(target.topLeft(), self._grid, source_i)
            return
        source = QRectF(
            target.left() * dpr, source_y * dpr, target.width() * dpr, target.height() * dpr
        )
        p.drawPixmap(QRectF(target), self._grid, source)

    def _render_background(
        self,
        geo: WeekGeometry,
        week: DisplayWeek,
        pal: Palette,
        dpr: float,
        today_col: int | None,
    ) -> QPixmap:
        """The whole day (00:00–24:00) of all columns, in content coordinates.

        Fills first, lines last: the quarter-hour grid stays crisp over painted hours, which
        helps aiming a drag, and every fill can be opaque (no blending at paint time).
        """
        fonts = self._fonts
        assert fonts is not None
        pixmap = QPixmap(round(geo.width * dpr), round(geo.content_height * dpr))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(pal.color("base"))
        height = geo.content_height
        with QPainter(pixmap) as p:
            p.fillRect(QRect(0, 0, geo.gutter_width, height), pal.color("surface"))
            hatch = QBrush(pal.color("gap_hatch"), Qt.BrushStyle.BDiagPattern)
            for d, day in enumerate(week.days):
                left, width = geo.column_left(d), geo.column_width(d)
                column = QRect(left, 0, width, height)
                if d == today_col:
                    p.fillRect(column, pal.color("today_column"))
                for r in day.off:
                    top, bottom = geo.content_y(r.start), geo.content_y(r.end)
                    span = QRectF(left, top, width, bottom - top)
                    p.fillRect(span, pal.color("time_off_fill"))
                    p.fillRect(span, hatch)
                for r in day.ranges:
                    top, bottom = geo.content_y(r.start), geo.content_y(r.end)
                    p.fillRect(QRectF(left, top, width, bottom - top), pal.color("available_fill"))
            self._render_lines(p, geo, pal)
            for d, day in enumerate(week.days):
                self._render_dst(p, geo, d, day, pal, fonts, hatch)
            edge = pal.color("available_edge")
            for d, day in enumerate(week.days):
                left, width = geo.column_left(d) + 1, geo.column_width(d) - 1
                for r in day.ranges:
                    p.fillRect(QRectF(left, geo.content_y(r.start), width, 1), edge)
                    p.fillRect(QRectF(left, geo.content_y(r.end) - 1, width, 1), edge)
        return pixmap

    def _render_lines(self, p: QPainter, geo: WeekGeometry, pal: Palette) -> None:
        fonts = self._fonts
        assert fonts is not None
        height, right = geo.content_height, geo.width
        quarter, hour = pal.color("grid_quarter"), pal.color("grid_hour")
        # Quarter lines are translucent so they read on white, on painted hours and on time off.
        quarter.setAlpha(150 if pal.dark else 200)
        hour.setAlpha(230)
        for q in range(1, 96):
            y = round(geo.content_y(q * 15))
            if q % 4:
                p.fillRect(QRect(geo.gutter_width, y, right - geo.gutter_width, 1), quarter)
            else:
                p.fillRect(QRect(geo.gutter_width - 6, y, right - geo.gutter_width + 6, 1), hour)
        day_line = pal.color("grid_day")
        for d in range(DAYS):
            p.fillRect(QRect(geo.column_left(d), 0, 1, height), day_line)
        p.fillRect(QRect(geo.width - 1, 0, 1, height), day_line)
        p.setFont(fonts.gutter)
        p.setPen(pal.color("text_secondary"))
        fm = QFontMetricsF(fonts.gutter)
        for h in range(1, 24):
            hour_y = geo.content_y(h * 60)
            box = QRectF(0, hour_y - fm.height() / 2, geo.gutter_width - 10, fm.height())
            p.drawText(
                box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{h:02d}:00"
            )

    def _render_dst(
        self,
        p: QPainter,
        geo: WeekGeometry,
        d: int,
        day: DisplayDay,
        pal: Palette,
        fonts: Fonts,
        hatch: QBrush,
    ) -> None:
        span = day.gap or day.repeated
        if span is None:
            return
        top, bottom = geo.content_y(span.start), geo.content_y(span.end)
        rect = QRectF(geo.column_left(d) + 1, top, geo.column_width(d) - 1, bottom - top)
        if day.gap is not None:
            p.fillRect(rect, pal.color("time_off_fill"))
            p.fillRect(rect, hatch)
            text = "Clocks go forward: this hour is skipped"
        else:
            p.fillRect(rect, pal.color("warning", 30))
            p.setPen(QPen(pal.color("warning", 150), 1, Qt.PenStyle.DashLine))
            p.drawLine(rect.topLeft(), rect.topRight())
            p.drawLine(rect.bottomLeft(), rect.bottomRight())
            text = "Clocks go back: this hour happens twice"
        p.setFont(fonts.detail)
        p.setPen(pal.color("text_secondary"))
        p.drawText(
            rect.adjusted(6, 3, -4, -2),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            text,
        )

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
                art_key = (id(seg), round(rect.width()), round(rect.height()))
                art = self._cards.get(art_key)
                if art is None:
                    art = self._layouter.layout(seg, rect.width(), rect.height())
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


def _difference(
    ranges: tuple[HoursRange, ...], minus: tuple[HoursRange, ...]
) -> tuple[HoursRange, ...]:
    out = ranges
    for r in minus:
        out = subtract(out, r)
    return out


def _today_column(week: DisplayWeek, today: date | None) -> int | None:
    if today is None:
        return None
    for i, day in enumerate(week.days):
        if day.date == today:
            return i
    return None
