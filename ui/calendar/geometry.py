"""Pixel math of the week view: minute <-> y, day <-> column, cells and hit testing.

A frozen value object rebuilt on resize or scroll, shared by the painter, the widget and the
tests (which drive the mouse with coordinates computed here instead of magic numbers).
Coordinates are viewport pixels: the header row is fixed at the top, the time gutter at the left,
the body scrolls vertically under the header by ``scroll_y``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF

from ui.calendar.ranges import DAY_MINUTES
from ui.calendar.timeline import SLOT_MINUTES, SLOTS_PER_DAY, DisplayWeek, LessonSegment

DAYS = 7


class HitKind(enum.Enum):
    """What lies under a point."""

    NONE = "none"
    CORNER = "corner"
    HEADER = "header"
    GUTTER = "gutter"
    CELL = "cell"
    LESSON = "lesson"


@dataclass(frozen=True, slots=True)
class Hit:
    """The result of a hit test; ``day``/``slot`` are set for cells, lessons and headers."""

    kind: HitKind
    day: int = -1
    slot: int = -1
    segment: LessonSegment | None = None

    @property
    def minute(self) -> int:
        return self.slot * SLOT_MINUTES


@dataclass(frozen=True, slots=True)
class WeekGeometry:
    """Layout of the visible viewport of one week."""

    width: int
    height: int
    scroll_y: int = 0
    header_height: int = 52
    gutter_width: int = 64
    hour_height: int = 56
    lesson_inset: int = 2

    # -- vertical -------------------------------------------------------------------------------

    @property
    def content_height(self) -> int:
        """Height of the whole scrollable day (00:00–24:00)."""
        return 24 * self.hour_height

    @property
    def slot_height(self) -> float:
        return self.hour_height * SLOT_MINUTES / 60

    @property
    def body_height(self) -> int:
        return max(0, self.height - self.header_height)

    @property
    def max_scroll(self) -> int:
        return max(0, self.content_height - self.body_height)

    def content_y(self, minute: float) -> float:
        """Y of a minute inside the scrollable content (no header, no scroll)."""
        return minute * self.hour_height / 60

    def y_for_minute(self, minute: float) -> float:
        """Viewport y of a wall-clock minute."""
        return self.header_height + self.content_y(minute) - self.scroll_y

    def minute_at_y(self, y: float) -> float:
        """Wall-clock minute at a viewport y (may be outside 0..1440)."""
        return (y - self.header_height + self.scroll_y) * 60 / self.hour_height

    def slot_at_y(self, y: float) -> int:
        """15-minute slot at a viewport y, clamped to the day."""
        return min(SLOTS_PER_DAY - 1, max(0, int(self.minute_at_y(y) // SLOT_MINUTES)))

    def scroll_for_minute(self, minute: float) -> int:
        """The scroll offset that puts a minute at the top of the body, clamped."""
        return min(self.max_scroll, max(0, round(self.content_y(minute))))

    # -- horizontal -----------------------------------------------------------------------------

    @property
    def body_width(self) -> int:
        return max(0, self.width - self.gutter_width)

    def column_left(self, day: int) -> int:
        """Left edge of a day column (columns share the width, remainders spread evenly)."""
        return self.gutter_width + (day * self.body_width) // DAYS

    def column_width(self, day: int) -> int:
        return self.column_left(day + 1) - self.column_left(day)

    def day_at_x(self, x: float) -> int | None:
        """Column under an x, or None in the gutter / outside."""
        if x < self.gutter_width or x >= self.width or self.body_width == 0:
            return None
        day = int((x - self.gutter_width) * DAYS // self.body_width)
        while day > 0 and self.column_left(day) > x:
            day -= 1
        while day < DAYS - 1 and self.column_left(day + 1) <= x:
            day += 1
        return day

    def clamp_day(self, x: float) -> int:
        """Column nearest to an x (for drags leaving the columns)."""
        day = self.day_at_x(x)
        if day is not None:
            return day
        return 0 if x < self.gutter_width else DAYS - 1

    # -- rectangles -----------------------------------------------------------------------------

    def body_rect(self) -> QRect:
        """The scrolling area: columns below the header, right of the gutter."""
        return QRect(self.gutter_width, self.header_height, self.body_width, self.body_height)

    def header_rect(self, day: int | None = None) -> QRect:
        """The whole header row, or one day's header cell."""
        if day is None:
            return QRect(0, 0, self.width, self.header_height)
        return QRect(self.column_left(day), 0, self.column_width(day), self.header_height)

    def span_rect(self, day: int, start: float, end: float) -> QRectF:
        """The full-width rectangle of a wall-clock span in one column."""
        top = self.y_for_minute(start)
        return QRectF(
            self.column_left(day), top, self.column_width(day), self.y_for_minute(end) - top
        )

    def slot_rect(self, day: int, slot: int) -> QRect:
        """One 15-minute cell, in whole pixels (for update() and the focus rectangle)."""
        return self.cells_rect(day, day, slot, slot)

    def cells_rect(self, day_a: int, day_b: int, slot_a: int, slot_b: int) -> QRect:
        """Bounding box of a block of cells (any corner order), whole pixels, generous."""
        d0, d1 = sorted((day_a, day_b))
        s0, s1 = sorted((slot_a, slot_b))
        top = int(self.y_for_minute(s0 * SLOT_MINUTES))
        bottom = int(self.y_for_minute((s1 + 1) * SLOT_MINUTES)) + 1
        left = self.column_left(d0)
        right = self.column_left(d1 + 1)
        return QRect(left, top, right - left, bottom - top)

    def lesson_rect(self, segment: LessonSegment) -> QRectF:
        """Where a lesson segment's card is drawn: its lane of its column, inset a little."""
        left = self.column_left(segment.day) + self.lesson_inset
        usable = self.column_width(segment.day) - 2 * self.lesson_inset - 1
        lane_width = usable / max(1, segment.lanes)
        top = self.y_for_minute(segment.start) + 1
        bottom = self.y_for_minute(min(segment.end, DAY_MINUTES)) - 1
        min_height = min(self.slot_height, 14.0) - 2
        height = max(bottom - top, min_height)
        x = left + segment.lane * lane_width
        gap = 1.0 if segment.lanes > 1 else 0.0
        return QRectF(x, top, lane_width - gap, height)

    # -- hit testing ----------------------------------------------------------------------------

    def hit_test(self, point: QPoint | QPointF, week: DisplayWeek | None = None) -> Hit:
        """What is under a viewport point: a lesson (topmost), a cell, a header, the gutter."""
        x, y = point.x(), point.y()
        if x < 0 or y < 0 or x >= self.width or y >= self.height:
            return Hit(HitKind.NONE)
        if y < self.header_height:
            day = self.day_at_x(x)
            return Hit(HitKind.CORNER) if day is None else Hit(HitKind.HEADER, day)
        slot = self.slot_at_y(y)
        minute = self.minute_at_y(y)
        if minute < 0 or minute >= DAY_MINUTES:
            return Hit(HitKind.NONE)
        day = self.day_at_x(x)
        if day is None:
            return Hit(HitKind.GUTTER, slot=slot)
        if week is not None:
            for segment in reversed(week.by_day[day]):
                if self.lesson_rect(segment).contains(QPointF(x, y)):
                    return Hit(HitKind.LESSON, day, slot, segment)
        return Hit(HitKind.CELL, day, slot)

    def cell_center(self, day: int, slot: int) -> QPoint:
        """The middle of a cell (tests click here)."""
        return self.slot_rect(day, slot).center()
