"""The week view's transient interaction state, read by the painter.

Kept apart from the snapshot (what the server and cache say) so a repaint is a pure function of
(geometry, week, state) and the tests can build any visual situation without driving the mouse.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from PySide6.QtGui import QFont

from instainstru_desktop.services.week_views import HoursRange
from ui.appearance.theme import LIGHT, Palette


class EditMode(enum.Enum):
    """Whether a drag or the Space key adds hours or removes them."""

    PAINT = "paint"
    ERASE = "erase"


@dataclass(frozen=True, slots=True)
class CellBlock:
    """A rectangle of cells: days ``day_a``..``day_b`` × slots ``slot_a``..``slot_b`` inclusive."""

    day_a: int
    slot_a: int
    day_b: int
    slot_b: int

    @property
    def days(self) -> range:
        return range(min(self.day_a, self.day_b), max(self.day_a, self.day_b) + 1)

    @property
    def first_slot(self) -> int:
        return min(self.slot_a, self.slot_b)

    @property
    def last_slot(self) -> int:
        return max(self.slot_a, self.slot_b)

    def span(self, slot_minutes: int) -> HoursRange:
        """The wall-clock range the block covers in each of its days."""
        return HoursRange(self.first_slot * slot_minutes, (self.last_slot + 1) * slot_minutes)


@dataclass(frozen=True, slots=True)
class MoveGhost:
    """Where a dragged lesson would land, and whether the booking rules allow it there."""

    booking_id: str
    day: int  # display column
    start: int  # wall minutes in the display zone
    minutes: int
    label: str  # "Fri 14 Mar, 16:00–16:45"
    allowed: bool | None  # None: the rules are still being read
    reason: str = ""  # why not, when known
    student: str = ""  # whose lesson it is, on the ghost beside its time


@dataclass
class ViewState:
    """Everything besides the data that changes what the view shows."""

    palette: Palette = LIGHT
    font: QFont = field(default_factory=QFont)
    today: date | None = None  # in the display zone
    now: datetime | None = None  # aware; None hides the now-line
    cursor_day: int = 0
    cursor_slot: int = 36  # 09:00
    show_cursor: bool = False  # only while the view has keyboard focus
    selection: CellBlock | None = None  # keyboard selection (Shift+arrows)
    drag: CellBlock | None = None  # block under a mouse drag
    mode: EditMode | None = None  # of the drag / keyboard selection
    preview: dict[int, tuple[HoursRange, ...]] = field(default_factory=dict)  # day -> new hours
    selected_booking: str | None = None
    hovered_booking: str | None = None
    move: MoveGhost | None = None  # a lesson being dragged to another time
