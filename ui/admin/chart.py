"""Booked hours per week, stacked by status, painted with QPainter.

Painting it costs the installer nothing and follows the app's palette in both themes. QtCharts
(PySide6-Addons 6.11.3) would add 13 MB to the installed bundle and 2.2 MB to the .deb (xz): its
module, libQt6Charts and the OpenGL modules they link; besides, every build and development
set-up would fetch the whole 175 MB Addons wheel. pyqtgraph 0.14 with numpy 2.4 would add 54 MB
installed and 10.4 MB to the .deb. As in Qt's star delegate example,
the drawing lives in a plain class (:class:`ChartLayout` decides where everything goes,
:func:`paint_chart` draws it) and the widget only dispatches: paint, tooltips, resize.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from instainstru_desktop.services.review_views import STATUSES, WeekHours
from ui.appearance.theme import LIGHT, Palette
from ui.lessons import format as fmt

#: The palette role of each status's part of a bar, bottom first.
STATUS_ROLES = {
    "completed": "success",
    "confirmed": "accent",
    "no_show": "error",
    "cancelled": "text_disabled",
}
STACK = ("completed", "confirmed", "no_show", "cancelled")
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 52, 16, 34, 40


def nice_step(top: float, ticks: int = 5) -> float:
    """A round step (1, 2, 5 × 10^n) that splits ``0..top`` into about ``ticks`` parts."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


@dataclass(frozen=True)
class Bar:
    """One week's bar: its parts (status, hours, rectangle), bottom first."""

    week: WeekHours
    parts: tuple[tuple[str, float, QRectF], ...]
    column: QRectF  # the whole slot, for hit tests


class ChartLayout:
    """Where the axes, bars and labels of a chart of ``weeks`` go in a ``width × height`` box."""

    def __init__(self, weeks: Sequence[WeekHours], width: float, height: float) -> None:
        self.weeks = list(weeks)
        self.plot = QRectF(
            MARGIN_LEFT,
            MARGIN_TOP,
            max(10.0, width - MARGIN_LEFT - MARGIN_RIGHT),
            max(10.0, height - MARGIN_TOP - MARGIN_BOTTOM),
        )
        tallest = max((w.total_hours for w in self.weeks), default=0.0)
        self.step = nice_step(tallest)
        self.top = max(self.step, math.ceil(tallest / self.step) * self.step)
        self.bars = [self._bar(i, w) for i, w in enumerate(self.weeks)]

    def y(self, hours: float) -> float:
        return self.plot.bottom() - hours / self.top * self.plot.height()

    def slot_width(self) -> float:
        return self.plot.width() / max(1, len(self.weeks))

    def _bar(self, index: int, week: WeekHours) -> Bar:
        slot = self.slot_width()
        left = self.plot.left() + index * slot
        gap = min(6.0, slot * 0.2) if slot > 3 else 0.0
        parts = []
        base = 0.0
        for status in STACK:
            hours = week.hours.get(status, 0.0)
            if hours <= 0:
                continue
            top, bottom = self.y(base + hours), self.y(base)
            parts.append((status, hours, QRectF(left + gap / 2, top, slot - gap, bottom - top)))
            base += hours
        column = QRectF(left, self.plot.top(), slot, self.plot.height())
        return Bar(week, tuple(parts), column)

    def ticks(self) -> list[float]:
        count = round(self.top / self.step)
        return [i * self.step for i in range(count + 1)]

    def label_every(self, metrics: QFontMetricsF) -> int:
        """Label every n-th week so the dates never overlap."""
        widest = metrics.horizontalAdvance("30 Sep ’26") + 8
        return max(1, math.ceil(widest / max(1.0, self.slot_width())))

    def bar_at(self, point: QPointF) -> Bar | None:
        for bar in self.bars:
            if bar.column.contains(point):
                return bar
        return None


def week_label(week: WeekHours, with_year: bool) -> str:
    monday = week.monday
    return f"{monday.day} {monday:%b} ’{monday:%y}" if with_year else f"{monday.day} {monday:%b}"


def paint_chart(painter: QPainter, layout: ChartLayout, palette: Palette, rect: QRectF) -> None:
    """Draw the whole chart: background, grid and hour axis, bars, week labels, legend."""
    painter.fillRect(rect, palette.color("base"))
    metrics = QFontMetricsF(painter.font())
    if not layout.weeks:
        painter.setPen(palette.color("text_secondary"))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "No lessons match the filters.")
        return
    _grid(painter, layout, palette, metrics)
    for bar in layout.bars:
        for status, _hours, part in bar.parts:
            painter.fillRect(part, palette.color(STATUS_ROLES[status]))
    _week_labels(painter, layout, palette, metrics)
    _legend(painter, layout, palette, metrics)


def _grid(painter: QPainter, layout: ChartLayout, palette: Palette, metrics: QFontMetricsF) -> None:
    plot = layout.plot
    for hours in layout.ticks():
        y = round(layout.y(hours)) + 0.5
        painter.setPen(QPen(palette.color("border" if hours else "text_secondary"), 1))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(palette.color("text_secondary"))
        text = f"{hours:g} h"
        box = QRectF(0, y - metrics.height() / 2, plot.left() - 8, metrics.height())
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)


def _week_labels(
    painter: QPainter, layout: ChartLayout, palette: Palette, metrics: QFontMetricsF
) -> None:
    every = layout.label_every(metrics)
    years = {w.monday.year for w in layout.weeks}
    painter.setPen(palette.color("text_secondary"))
    for i in range(0, len(layout.bars), every):
        bar = layout.bars[i]
        centre = bar.column.center().x()
        text = week_label(bar.week, len(years) > 1)
        width = metrics.horizontalAdvance(text) + 4
        box = QRectF(centre - width / 2, layout.plot.bottom() + 6, width, metrics.height())
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _legend(
    painter: QPainter, layout: ChartLayout, palette: Palette, metrics: QFontMetricsF
) -> None:
    x = layout.plot.right()
    y = 8.0
    for status in reversed(STACK):
        text = fmt.STATUS_WORDS[status]
        width = metrics.horizontalAdvance(text)
        x -= width
        painter.setPen(palette.color("text"))
        box = QRectF(x, y, width + 2, metrics.height())
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft, text)
        x -= 16
        swatch = QRectF(x, y + metrics.height() / 2 - 5, 10, 10)
        painter.fillRect(swatch, palette.color(STATUS_ROLES[status]))
        x -= 14


def bar_text(week: WeekHours) -> str:
    """The tooltip of a bar: the week and its hours per status."""
    lines = [f"Week of {week.monday:%a %-d %b %Y}: {week.total_hours:g} h booked"]
    for status in STATUSES:
        hours = week.hours.get(status, 0.0)
        if hours:
            count = week.lessons.get(status, 0)
            lines.append(f"{fmt.STATUS_WORDS[status]}: {hours:g} h ({count} lessons)")
    return "\n".join(lines)


class WeeklyHoursChart(QWidget):
    """The chart widget: ``set_weeks`` and ``set_theme``; the rest is painting."""

    def __init__(self, parent: QWidget | None = None, *, palette: Palette = LIGHT) -> None:
        super().__init__(parent)
        self.setObjectName("weeklyHoursChart")
        self.setAccessibleName("Booked hours per week, by status")
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._palette = palette
        self._weeks: list[WeekHours] = []
        self._layout: ChartLayout | None = None

    def weeks(self) -> list[WeekHours]:
        return list(self._weeks)

    def set_weeks(self, weeks: Sequence[WeekHours]) -> None:
        self._weeks = list(weeks)
        self._layout = None
        total = sum(w.total_hours for w in self._weeks)
        self.setAccessibleDescription(
            f"{len(self._weeks)} weeks, {total:g} hours booked in all"
            if self._weeks
            else "No lessons match the filters."
        )
        self.update()

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        self.update()

    def chart_layout(self) -> ChartLayout:
        if self._layout is None:
            self._layout = ChartLayout(self._weeks, self.width(), self.height())
        return self._layout

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._layout = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        with QPainter(self) as painter:
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            paint_chart(painter, self.chart_layout(), self._palette, QRectF(self.rect()))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            bar = self.chart_layout().bar_at(QPointF(event.pos()))
            if bar is not None:
                QToolTip.showText(event.globalPos(), bar_text(bar.week), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
