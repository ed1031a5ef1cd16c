"""The week view's header row: weekday, date (today in a circle), hours total, sync marker.

Rendered into a pixmap and reused; a small LRU keeps a few versions because a drag makes the
day's hour total flip between a couple of values with every mouse move.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, time

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPixmap

from instainstru_desktop.services.week_views import SyncMark
from ui.appearance.icons import icon_pixmap
from ui.appearance.theme import Palette
from ui.calendar.cards import ICON_SIZE
from ui.calendar.fonts import Fonts
from ui.calendar.geometry import WeekGeometry
from ui.calendar.state import ViewState
from ui.calendar.timeline import DisplayDay, DisplayWeek

CACHE_SIZE = 8


def hours_label(minutes: int) -> str:
    """``6 h``, ``7½ h``, ``45 min`` for a day's total hours in the header."""
    if minutes <= 0:
        return ""
    if minutes < 60:
        return f"{minutes} min"
    whole, rest = divmod(minutes, 60)
    frac = {0: "", 15: "¼", 30: "½", 45: "¾"}.get(rest)
    return f"{whole}{frac} h" if frac is not None else f"{minutes / 60:.1f} h"


def zone_abbreviation(week: DisplayWeek) -> str:
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


class HeaderPainter:
    """Draws (and caches) the header row."""

    def __init__(self) -> None:
        self._cache: OrderedDict[tuple[object, ...], QPixmap] = OrderedDict()

    def clear(self) -> None:
        self._cache.clear()

    def paint(
        self,
        p: QPainter,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        fonts: Fonts,
        dpr: float,
    ) -> None:
        """Blit the header for this week, totals and theme (rendering it on a cache miss)."""
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
            fonts.name.key(),
            tuple(week.dates),
            state.today,
            totals,
            week.zone_name,
            tuple((d.time_off, d.mark) for d in week.days),
        )
        header = self._cache.get(key)
        if header is None:
            header = self._render(geo, week, state, fonts, dpr, totals)
            self._cache[key] = header
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        p.drawPixmap(0, 0, header)

    def _render(
        self,
        geo: WeekGeometry,
        week: DisplayWeek,
        state: ViewState,
        fonts: Fonts,
        dpr: float,
        totals: tuple[int, ...],
    ) -> QPixmap:
        pal = state.palette
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
            zone = zone_abbreviation(week)
            p.drawText(
                QRect(0, 0, geo.gutter_width - 6, h - 6),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                zone,
            )
            for d, day in enumerate(week.days):
                cell = geo.header_rect(d)
                p.fillRect(QRect(cell.left(), 0, 1, h), pal.color("grid_day"))
                is_today = state.today == day.date
                self._paint_cell(p, cell, day, is_today, totals[d], pal, fonts, dpr)
        return pixmap

    def _paint_cell(
        self,
        p: QPainter,
        cell: QRect,
        day: DisplayDay,
        is_today: bool,
        total: int,
        pal: Palette,
        fonts: Fonts,
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
