"""All drawing of the week view, in a plain class the widget only dispatches to.

Speed comes from doing per-frame only what changes per frame:
- the grid (background, quarter/hour/day lines, gutter labels) is drawn once into a pixmap of
  the whole day, keyed on size, device pixel ratio, palette, font and today's column, and blitted;
- the header is cached the same way, keyed on the week and the day totals;
- each lesson card's texts are elided and laid out once into ``QStaticText`` (keyed on the
  segment and its pixel size), so a repaint draws prepared glyph runs instead of re-running text
  layout, and cards are drawn in passes (fills, then bold names, then details) to keep font and
  pen switches to a handful per frame;
- everything is clipped to the exposed rectangle, so a drag repaints a few cells only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QPixmap,
    QStaticText,
    QTransform,
)

from instainstru_desktop.services.views import SyncMark
from ui.calendar.geometry import DAYS, WeekGeometry
from ui.calendar.ranges import DAY_MINUTES, format_minutes
from ui.calendar.state import EditMode, ViewState
from ui.calendar.timeline import DisplayDay, DisplayWeek, LessonSegment
from ui.icons import icon_pixmap
from ui.theme import Palette

ICON_SIZE = 12
STRIPE = 3


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``amount`` of ``a`` over ``b`` (opaque result)."""
    keep = 1 - amount
    return QColor(
        round(a.red() * amount + b.red() * keep),
        round(a.green() * amount + b.green() * keep),
        round(a.blue() * amount + b.blue() * keep),
    )


def hours_label(minutes: int) -> str:
    """``6 h``, ``7½ h``, ``45 min`` for a day's total hours in the header."""
    if minutes <= 0:
        return ""
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    frac = {0: "", 15: "¼", 30: "½", 45: "¾"}.get(rest)
    return f"{whole}{frac} h" if frac is not None else f"{minutes / 60:.1f} h"


@dataclass(slots=True)
class _Fonts:
    name: QFont
    detail: QFont
    gutter: QFont
    weekday: QFont
    day_number: QFont
    label: QFont


@dataclass(slots=True)
class _CardArt:
    """A card laid out once: colours, outline, texts at offsets, marker icons."""

    fill: QColor
    stripe: QColor
    name: list[tuple[QPointF, QStaticText, QColor]]
    detail: list[tuple[QPointF, QStaticText, QColor]]
    icons: list[tuple[QPointF, QPixmap]]
    outline: QPen | None
    pattern: QBrush | None


class WeekPainter:
    """Paints a ``DisplayWeek`` for a ``WeekGeometry`` and a ``ViewState``."""

    def __init__(self) -> None:
        self._grid: QPixmap | None = None
        self._grid_key: tuple[object, ...] = ()
        self._header: QPixmap | None = None
        self._header_key: tuple[object, ...] = ()
        self._cards: dict[tuple[int, int, int], _CardArt] = {}
        self._cards_key: tuple[object, ...] = ()
        self._fonts: _Fonts | None = None
        self._fonts_key = ""
        self.card_layouts = 0  # how many cards were laid out (tests check the cache works)

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
            self._paint_grid(painter, geo, week, state, dpr, clip)
            painter.setClipRect(clip.intersected(geo.body_rect()))
            self._paint_days(painter, geo, week, state, clip, fonts, dpr)
            self._paint_edit(painter, geo, state)
            self._paint_lessons(painter, geo, week, state, clip, fonts, dpr)
            self._paint_now(painter, geo, week, state)
            self._paint_cursor(painter, geo, week, state)
            painter.restore()
        if clip.top() < geo.header_height:
            self._paint_header(painter, geo, week, state, dpr)

    def lesson_rects(self, geometry: WeekGeometry, week: DisplayWeek) -> dict[str, list[QRectF]]:
        """Where each booking's card(s) are drawn, by booking id (what tests assert on)."""
        out: dict[str, list[QRectF]] = {}
        for seg in week.segments:
            out.setdefault(seg.card.booking_id, []).append(geometry.lesson_rect(seg))
        return out

    def invalidate(self) -> None:
        """Drop every cache (theme or font change)."""
        self._grid = self._header = None
        self._grid_key = self._header_key = self._cards_key = ()
        self._cards.clear()

    # -- fonts ------------------------------------------------------------------------------

    def _ensure_fonts(self, base: QFont) -> _Fonts:
        key = base.key()
        if self._fonts is None or key != self._fonts_key:

            def sized(px: int, weight: QFont.Weight = QFont.Weight.Normal) -> QFont:
                f = QFont(base)
                f.setPixelSize(px)
                f.setWeight(weight)
                f.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
                return f

            self._fonts = _Fonts(
                name=sized(12, QFont.Weight.DemiBold),
                detail=sized(11),
                gutter=sized(11),
                weekday=sized(11, QFont.Weight.DemiBold),
                day_number=sized(19),
                label=sized(11, QFont.Weight.DemiBold),
            )
            self._fonts_key = key
            self.invalidate()
        return self._fonts

    # -- grid -------------------------------------------------------------------------------

    def _paint_grid(
        self,
        p: QPainter,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        dpr: float,
        clip: QRect,
    ) -> None:
        today_col = _today_column(week, state.today)
        key = (
            geo.width,
            geo.hour_height,
            geo.gutter_width,
            dpr,
            state.palette.name,
            self._fonts_key,
            today_col,
        )
        if self._grid is None or key != self._grid_key:
            self._grid = self._render_grid(geo, state.palette, dpr, today_col)
            self._grid_key = key
        target = clip.intersected(QRect(0, geo.header_height, geo.width, geo.body_height))
        source_y = target.top() - geo.header_height + geo.scroll_y
        source = QRectF(
            target.left() * dpr, source_y * dpr, target.width() * dpr, target.height() * dpr
        )
        p.drawPixmap(QRectF(target), self._grid, source)

    def _render_grid(
        self, geo: WeekGeometry, pal: Palette, dpr: float, today_col: int | None
    ) -> QPixmap:
        pixmap = QPixmap(round(geo.width * dpr), round(geo.content_height * dpr))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(pal.color("base"))
        fonts = self._fonts
        assert fonts is not None
        with QPainter(pixmap) as p:
            p.fillRect(QRect(0, 0, geo.gutter_width, geo.content_height), pal.color("surface"))
            if today_col is not None:
                p.fillRect(
                    QRect(
                        geo.column_left(today_col),
                        0,
                        geo.column_width(today_col),
                        geo.content_height,
                    ),
                    pal.color("today_column"),
                )
            quarter, hour = pal.color("grid_quarter"), pal.color("grid_hour")
            right = geo.width
            for q in range(1, 96):
                y = round(geo.content_y(q * 15))
                if q % 4:
                    p.fillRect(QRect(geo.gutter_width, y, right - geo.gutter_width, 1), quarter)
                else:
                    p.fillRect(
                        QRect(geo.gutter_width - 6, y, right - geo.gutter_width + 6, 1), hour
                    )
            day_line = pal.color("grid_day")
            for d in range(DAYS):
                p.fillRect(QRect(geo.column_left(d), 0, 1, geo.content_height), day_line)
            p.fillRect(QRect(geo.width - 1, 0, 1, geo.content_height), day_line)
            p.setFont(fonts.gutter)
            p.setPen(pal.color("text_secondary"))
            fm = QFontMetricsF(fonts.gutter)
            for h in range(1, 24):
                hour_y = geo.content_y(h * 60)
                box = QRectF(0, hour_y - fm.height() / 2, geo.gutter_width - 10, fm.height())
                p.drawText(
                    box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{h:02d}:00"
                )
        return pixmap

    # -- day backgrounds: time off, DST, availability ---------------------------------------

    def _paint_days(
        self,
        p: QPainter,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        clip: QRect,
        fonts: _Fonts,
        dpr: float,
    ) -> None:
        pal = state.palette
        fill = pal.color("available_fill", 215 if pal.dark else 200)
        edge = pal.color("available_edge", 150)
        hatch = QBrush(pal.color("gap_hatch"), Qt.BrushStyle.BDiagPattern)
        for d, day in enumerate(week.days):
            column = geo.column_rect(d)
            if not column.intersects(clip):
                continue
            if day.time_off:
                p.fillRect(column.adjusted(1, 0, 0, 0), pal.color("time_off_fill", 200))
                p.fillRect(column.adjusted(1, 0, 0, 0), hatch)
            ranges = state.preview.get(d, day.ranges)
            for r in ranges:
                rect = geo.span_rect(d, r.start, r.end).adjusted(1, 0, 0, 0)
                if rect.intersects(QRectF(clip)):
                    p.fillRect(rect, fill)
                    p.fillRect(QRectF(rect.left(), rect.top(), rect.width(), 1), edge)
                    p.fillRect(QRectF(rect.left(), rect.bottom() - 1, rect.width(), 1), edge)
            self._paint_dst(p, geo, d, day, pal, fonts, hatch)
            if day.time_off and d not in state.preview:
                self._paint_time_off_label(p, geo, d, pal, fonts, dpr)

    def _paint_dst(
        self,
        p: QPainter,
        geo: WeekGeometry,
        d: int,
        day: DisplayDay,
        pal: Palette,
        fonts: _Fonts,
        hatch: QBrush,
    ) -> None:
        note = None
        if day.gap is not None:
            rect = geo.span_rect(d, day.gap.start, day.gap.end).adjusted(1, 0, 0, 0)
            p.fillRect(rect, pal.color("time_off_fill"))
            p.fillRect(rect, hatch)
            note = (rect, "Clocks go forward: this hour is skipped")
        elif day.repeated is not None:
            rect = geo.span_rect(d, day.repeated.start, day.repeated.end).adjusted(1, 0, 0, 0)
            p.fillRect(rect, pal.color("warning", 28))
            p.setPen(QPen(pal.color("warning", 140), 1, Qt.PenStyle.DashLine))
            p.drawLine(rect.topLeft(), rect.topRight())
            p.drawLine(rect.bottomLeft(), rect.bottomRight())
            note = (rect, "Clocks go back: this hour happens twice")
        if note is not None:
            rect, text = note
            p.setFont(fonts.detail)
            p.setPen(pal.color("text_secondary"))
            p.drawText(
                rect.adjusted(6, 2, -4, -2),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                text,
            )

    def _paint_time_off_label(
        self, p: QPainter, geo: WeekGeometry, d: int, pal: Palette, fonts: _Fonts, dpr: float
    ) -> None:
        column = geo.column_rect(d)
        fm = QFontMetricsF(fonts.label)
        text = "Time off"
        width = fm.horizontalAdvance(text) + ICON_SIZE + 22
        pill = QRectF(column.center().x() - width / 2, column.top() + 10, width, fm.height() + 8)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(pal.color("border"), 1))
        p.setBrush(pal.color("surface"))
        p.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        p.restore()
        icon = icon_pixmap("time-off", ICON_SIZE, dpr, pal.time_off_text)
        p.drawPixmap(QPointF(pill.left() + 8, pill.center().y() - ICON_SIZE / 2), icon)
        p.setFont(fonts.label)
        p.setPen(pal.color("time_off_text"))
        p.drawText(pill.adjusted(ICON_SIZE + 12, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter, text)

    # -- drag / keyboard selection ----------------------------------------------------------

    def _paint_edit(self, p: QPainter, geo: WeekGeometry, state: ViewState) -> None:
        pal = state.palette
        block = state.drag or state.selection
        if block is None:
            return
        colour_role = "erase_preview" if state.mode is EditMode.ERASE else "paint_preview"
        if state.drag is None:
            colour_role = "selection"
        rect = QRectF(geo.cells_rect(block.day_a, block.day_b, block.slot_a, block.slot_b))
        rect = rect.adjusted(1.5, 0.5, -1.0, -1.0)
        p.fillRect(rect, pal.color(colour_role, 40))
        p.setPen(QPen(pal.color(colour_role), 1.5, Qt.PenStyle.DashLine))
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
        fonts: _Fonts,
        dpr: float,
    ) -> None:
        key = (id(week), state.palette.name, self._fonts_key, dpr)
        if key != self._cards_key:
            self._cards.clear()
            self._cards_key = key
        clip_f = QRectF(clip)
        visible: list[tuple[QRectF, LessonSegment, _CardArt]] = []
        for seg in week.segments:
            rect = geo.lesson_rect(seg)
            if not rect.intersects(clip_f):
                continue
            art_key = (id(seg), round(rect.width()), round(rect.height()))
            art = self._cards.get(art_key)
            if art is None:
                art = self._layout_card(seg, rect, state.palette, fonts, dpr)
                self._cards[art_key] = art
            visible.append((rect, seg, art))
        if not visible:
            return
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        for rect, _seg, art in visible:
            p.setBrush(art.fill)
            p.drawRoundedRect(rect, 4, 4)
            if art.pattern is not None:
                p.setBrush(art.pattern)
                p.drawRoundedRect(rect, 4, 4)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for rect, _seg, art in visible:
            p.fillRect(QRectF(rect.left(), rect.top(), STRIPE, rect.height()), art.stripe)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setBrush(Qt.BrushStyle.NoBrush)
        selected = state.selected_booking
        for rect, seg, art in visible:
            if art.outline is not None:
                p.setPen(art.outline)
                p.drawRoundedRect(rect.adjusted(0.75, 0.75, -0.75, -0.75), 4, 4)
            if selected is not None and seg.card.booking_id == selected:
                p.setPen(QPen(state.palette.color("selection"), 2))
                p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for passes, font in ((0, fonts.name), (1, fonts.detail)):
            p.setFont(font)
            pen_colour: QColor | None = None
            for rect, _seg, art in visible:
                for offset, text, colour in art.name if passes == 0 else art.detail:
                    if colour != pen_colour:
                        p.setPen(colour)
                        pen_colour = colour
                    p.drawStaticText(rect.topLeft() + offset, text)
        for rect, _seg, art in visible:
            for offset, pixmap in art.icons:
                p.drawPixmap(rect.topLeft() + offset, pixmap)

    def _layout_card(
        self, seg: LessonSegment, rect: QRectF, pal: Palette, fonts: _Fonts, dpr: float
    ) -> _CardArt:
        self.card_layouts += 1
        card = seg.card
        base = pal.color("base")
        colour = QColor(card.color) if QColor.isValidColorName(card.color) else pal.color("accent")
        status = card.status
        done = status == "completed"
        no_show = status == "no_show"
        amount = pal.lesson_mix * (0.5 if done or no_show else 1.0)
        fill = mix(colour, base, amount)
        stripe = QColor(colour)
        if done or no_show:
            stripe.setAlpha(120)
        text_colour = pal.color("text_secondary") if done or no_show else pal.color("text")
        detail_colour = pal.color("text_secondary")
        pattern = None
        if no_show:
            hatch = QColor(colour)
            hatch.setAlpha(110)
            pattern = QBrush(hatch, Qt.BrushStyle.BDiagPattern)
        outline = None
        icons: list[str] = []
        icon_colours: dict[str, str] = {}
        if card.mark is SyncMark.CONFLICT:
            outline = QPen(pal.color("warning"), 1.5)
            icons.append("warning")
            icon_colours["warning"] = pal.warning
        elif card.mark is SyncMark.REJECTED:
            outline = QPen(pal.color("error"), 1.5, Qt.PenStyle.DashLine)
            icons.append("warning")
            icon_colours["warning"] = pal.error
        elif card.mark is SyncMark.PENDING:
            icons.append("clock")
            icon_colours["clock"] = pal.text_secondary
        if done:
            icons.append("check")
            icon_colours["check"] = pal.success
        elif no_show:
            icons.append("cross")
            icon_colours["cross"] = pal.error

        name_fm = QFontMetricsF(fonts.name)
        detail_fm = QFontMetricsF(fonts.detail)
        pad_x, pad_y = STRIPE + 5, 2.0
        icon_room = len(icons) * (ICON_SIZE + 2)
        inner = rect.width() - pad_x - 4
        time_text = _time_text(seg)
        status_text = "No-show" if no_show else ""  # "done" is the check mark
        name_lines: list[tuple[QPointF, QStaticText, QColor]] = []
        detail_lines: list[tuple[QPointF, QStaticText, QColor]] = []

        def static(text: str, font: QFont) -> QStaticText:
            st = QStaticText(text)
            st.setTextFormat(Qt.TextFormat.PlainText)
            st.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
            st.prepare(QTransform(), font)
            return st

        height = rect.height()
        name_h, detail_h = name_fm.height(), detail_fm.height()
        y = pad_y if height >= name_h + pad_y else max(0.0, (height - name_h) / 2)
        name = name_fm.elidedText(
            card.student_name, Qt.TextElideMode.ElideRight, max(0.0, inner - icon_room)
        )
        if height < name_h + detail_h + pad_y:
            # One line: "Ana García  10:00" with the time in the detail style if it fits.
            name_lines.append((QPointF(pad_x, y), static(name, fonts.name), text_colour))
            used = name_fm.horizontalAdvance(name) + 6
            short_time = time_text.split("–")[0]
            room = inner - icon_room - used
            if name == card.student_name and room > detail_fm.horizontalAdvance(short_time):
                detail_lines.append(
                    (
                        QPointF(pad_x + used, y + (name_h - detail_h) / 2 + 0.5),
                        static(short_time, fonts.detail),
                        detail_colour,
                    )
                )
        else:
            name_lines.append((QPointF(pad_x, y), static(name, fonts.name), text_colour))
            y += name_h
            parts = [card.lesson_type_name, time_text]
            if status_text:
                parts.insert(0, status_text)
            lines_left = int((height - y - pad_y + 1) // detail_h)
            if lines_left >= 2:
                first = " · ".join(p for p in (status_text, card.lesson_type_name) if p)
                texts = [first, time_text]
            else:
                texts = [" · ".join(parts)]
            for text in texts[: max(1, lines_left)]:
                elided = detail_fm.elidedText(text, Qt.TextElideMode.ElideRight, max(0.0, inner))
                detail_lines.append(
                    (QPointF(pad_x, y), static(elided, fonts.detail), detail_colour)
                )
                y += detail_h
        icon_maps = []
        x = rect.width() - 3 - ICON_SIZE
        icon_y = pad_y + max(0.0, (min(name_h, height) - ICON_SIZE) / 2)
        for name_ in icons:
            icon_maps.append(
                (QPointF(x, icon_y), icon_pixmap(name_, ICON_SIZE, dpr, icon_colours[name_]))
            )
            x -= ICON_SIZE + 2
        return _CardArt(fill, stripe, name_lines, detail_lines, icon_maps, outline, pattern)

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

    # -- header -----------------------------------------------------------------------------

    def _paint_header(
        self, p: QPainter, geo: WeekGeometry, week: DisplayWeek, state: ViewState, dpr: float
    ) -> None:
        totals = tuple(
            sum(r.end - r.start for r in state.preview.get(i, day.ranges))
            for i, day in enumerate(week.days)
        )
        key = (
            geo.width,
            geo.header_height,
            geo.gutter_width,
            dpr,
            state.palette.name,
            self._fonts_key,
            tuple(week.dates),
            state.today,
            totals,
            week.zone_name,
            tuple((d.time_off, d.mark) for d in week.days),
        )
        if self._header is None or key != self._header_key:
            self._header = self._render_header(geo, week, state, dpr, totals)
            self._header_key = key
        p.drawPixmap(0, 0, self._header)

    def _render_header(
        self,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        dpr: float,
        totals: tuple[int, ...],
    ) -> QPixmap:
        pal = state.palette
        fonts = self._fonts
        assert fonts is not None
        pixmap = QPixmap(round(geo.width * dpr), round(geo.header_height * dpr))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(pal.color("surface"))
        with QPainter(pixmap) as p:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            h = geo.header_height
            p.fillRect(QRect(0, h - 1, geo.width, 1), pal.color("grid_day"))
            p.setFont(fonts.detail)
            p.setPen(pal.color("text_secondary"))
            zone = _zone_abbreviation(week)
            p.drawText(
                QRect(0, 0, geo.gutter_width - 6, h - 6),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                zone,
            )
            for d, day in enumerate(week.days):
                cell = geo.header_rect(d)
                p.fillRect(QRect(cell.left(), 0, 1, h), pal.color("grid_day"))
                is_today = state.today == day.date
                self._paint_header_cell(p, cell, day, is_today, totals[d], pal, fonts, dpr)
        return pixmap

    def _paint_header_cell(
        self,
        p: QPainter,
        cell: QRect,
        day: DisplayDay,
        is_today: bool,
        total: int,
        pal: Palette,
        fonts: _Fonts,
        dpr: float,
    ) -> None:
        left = cell.left() + 10
        weekday = day.date.strftime("%a").upper()
        p.setFont(fonts.weekday)
        p.setPen(pal.color("accent") if is_today else pal.color("text_secondary"))
        p.drawText(QRectF(left, 6, cell.width() - 12, 14), Qt.AlignmentFlag.AlignLeft, weekday)
        number = str(day.date.day)
        num_fm = QFontMetricsF(fonts.day_number)
        num_rect = QRectF(left - 6, 21, max(28.0, num_fm.horizontalAdvance(number) + 14), 28)
        if is_today:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pal.color("accent"))
            p.drawRoundedRect(num_rect, 14, 14)
            p.setPen(pal.color("accent_text"))
        else:
            p.setPen(pal.color("text"))
        p.setFont(fonts.day_number)
        p.drawText(num_rect, Qt.AlignmentFlag.AlignCenter, number)
        p.setFont(fonts.detail)
        right = cell.right() - 8
        label = "Time off" if day.time_off else hours_label(total)
        if label:
            p.setPen(pal.color("time_off_text") if day.time_off else pal.color("text_secondary"))
            label_rect = QRectF(num_rect.right() + 4, 27, right - num_rect.right() - 4, 16)
            p.drawText(
                label_rect,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                QFontMetricsF(fonts.detail).elidedText(
                    label, Qt.TextElideMode.ElideRight, label_rect.width()
                ),
            )
        if day.mark is not SyncMark.SYNCED:
            name = "clock" if day.mark is SyncMark.PENDING else "warning"
            colour = pal.text_secondary if day.mark is SyncMark.PENDING else pal.warning
            p.drawPixmap(QPointF(right - ICON_SIZE, 7), icon_pixmap(name, ICON_SIZE, dpr, colour))


def _today_column(week: DisplayWeek, today: date | None) -> int | None:
    if today is None:
        return None
    for i, day in enumerate(week.days):
        if day.date == today:
            return i
    return None


def _time_text(seg: LessonSegment) -> str:
    """``10:00–10:30`` in the display zone's wall time (with arrows for cut segments)."""
    start = "…" if seg.continues_before else format_minutes(seg.start)
    end = "…" if seg.continues_after else format_minutes(min(seg.end, DAY_MINUTES))
    return f"{start}–{end}"


def _zone_abbreviation(week: DisplayWeek) -> str:
    """ "CET", "CET/CEST" in a week the clocks change, "GMT+4" where a zone has no letters."""
    names: list[str] = []
    for day in (week.days[0], week.days[-1]):
        name = datetime.combine(day.date, time(12), tzinfo=week.zone).tzname() or week.zone_name
        if name.startswith(("+", "-")):  # zones without letters: "+04", "-0330"
            digits = name[1:]
            minutes = f":{digits[2:]}" if digits[2:] not in ("", "00") else ""
            name = f"GMT{name[0]}{int(digits[:2])}{minutes}"
        if name not in names:
            names.append(name)
    return "/".join(names)
