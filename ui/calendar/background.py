"""The week's background: the whole day's grid, hours, time off and clock changes, cached.

It changes only with the hours shown, the size, the theme, the font and today's column, so it is
drawn once into a pixmap of the whole day (00:00–24:00) and each repaint copies the exposed part
of it: the fast path of the raster engine, and nothing to lay out per frame.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QFontMetricsF, QPainter, QPen, QPixmap

from ui.appearance.theme import Palette
from ui.calendar.fonts import Fonts
from ui.calendar.geometry import DAYS, WeekGeometry
from ui.calendar.state import ViewState
from ui.calendar.timeline import DisplayDay, DisplayWeek


class BackgroundPainter:
    """Draws (and keeps) the background of one week view."""

    def __init__(self) -> None:
        self._grid: QPixmap | None = None
        self._key: tuple[object, ...] = ()

    def clear(self) -> None:
        """Drop the cached picture (theme or font change)."""
        self._grid = None
        self._key = ()

    def paint(
        self,
        p: QPainter,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        fonts: Fonts,
        dpr: float,
        clip: QRect,
    ) -> None:
        """Copy the exposed part of the day's picture, drawing the picture first if it changed."""
        today_col = today_column(week, state.today)
        days = tuple((d.ranges, d.off, d.gap, d.repeated) for d in week.days)
        key = (
            geo.width,
            geo.hour_height,
            geo.gutter_width,
            dpr,
            state.palette.name,
            fonts.gutter.key(),
            today_col,
            days,
        )
        if self._grid is None or key != self._key:
            self._grid = self._render(geo, week, state.palette, fonts, dpr, today_col)
            self._key = key
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

    def _render(
        self,
        geo: WeekGeometry,
        week: DisplayWeek,
        pal: Palette,
        fonts: Fonts,
        dpr: float,
        today_col: int | None,
    ) -> QPixmap:
        """The whole day (00:00–24:00) of all columns, in content coordinates.

        Fills first, lines last: the quarter-hour grid stays crisp over painted hours, which
        helps aiming a drag, and every fill can be opaque (no blending at paint time).
        """
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
            _lines(p, geo, pal, fonts)
            for d, day in enumerate(week.days):
                _clock_change(p, geo, d, day, pal, fonts, hatch)
            edge = pal.color("available_edge")
            for d, day in enumerate(week.days):
                left, width = geo.column_left(d) + 1, geo.column_width(d) - 1
                for r in day.ranges:
                    p.fillRect(QRectF(left, geo.content_y(r.start), width, 1), edge)
                    p.fillRect(QRectF(left, geo.content_y(r.end) - 1, width, 1), edge)
        return pixmap


def _lines(p: QPainter, geo: WeekGeometry, pal: Palette, fonts: Fonts) -> None:
    """Quarter, hour and day lines, and the hours in the gutter."""
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
        p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{h:02d}:00")


def _clock_change(
    p: QPainter,
    geo: WeekGeometry,
    d: int,
    day: DisplayDay,
    pal: Palette,
    fonts: Fonts,
    hatch: QBrush,
) -> None:
    """The hour a daylight-saving change skips (hatched) or repeats (dashed), said in words."""
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


def today_column(week: DisplayWeek, today: date | None) -> int | None:
    if today is None:
        return None
    for i, day in enumerate(week.days):
        if day.date == today:
            return i
    return None
