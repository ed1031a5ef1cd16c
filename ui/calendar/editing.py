"""What an hour edit of the week view changes, computed on the displayed week (no Qt widgets).

The view decides *where* (a block of cells) and *how* (paint or erase); these functions turn
that into per-date before/after hours of the instructor, which become one undoable command.
"""

from __future__ import annotations

from datetime import date

from instainstru_desktop.services.week_views import HoursRange
from ui.calendar import ranges as rng
from ui.calendar.commands import DayChange
from ui.calendar.geometry import Hit
from ui.calendar.state import CellBlock, EditMode
from ui.calendar.timeline import SLOT_MINUTES, DisplayWeek, LessonSegment


def changes_for(week: DisplayWeek, block: CellBlock, mode: EditMode) -> list[DayChange]:
    """Before/after hours of every instructor date the block touches, unchanged dates left out.

    The block's wall span is applied on each of its columns and mapped back to the
    instructor's dates (identity in the instructor's own zone).
    """
    span = block.span(SLOT_MINUTES)
    after: dict[date, tuple[HoursRange, ...]] = {}
    before: dict[date, tuple[HoursRange, ...]] = {}
    usual: dict[date, bool] = {}
    for d in block.days:
        for when, piece in week.to_source(d, span):
            if when not in before:
                src = week.source_day(when)
                before[when] = rng.normalize(src.ranges) if src else ()
                usual[when] = src is not None and not src.from_override
                after[when] = before[when]
            if mode is EditMode.PAINT:
                after[when] = rng.union(after[when], piece)
            else:
                after[when] = rng.subtract(after[when], piece)
    return [
        DayChange(when, before[when], after[when], usual[when])
        for when in sorted(after)
        if after[when] != before[when]
    ]


def mode_at(week: DisplayWeek, day: int, slot: int) -> EditMode:
    """A drag or Space starting on teaching hours erases; anywhere else it paints."""
    inside = rng.contains(week.days[day].ranges, slot * SLOT_MINUTES)
    return EditMode.ERASE if inside else EditMode.PAINT


def in_block(block: CellBlock | None, day: int, slot: int) -> bool:
    return block is not None and day in block.days and block.first_slot <= slot <= block.last_slot


def mark_block(hit: Hit, selection: CellBlock | None) -> CellBlock:
    """ "Mark hours": the selection when clicked inside it, else the clicked hour."""
    if selection is not None and in_block(selection, hit.day, hit.slot):
        return selection
    first = hit.slot - hit.slot % 4
    return CellBlock(hit.day, first, hit.day, first + 3)


def clear_block(week: DisplayWeek, hit: Hit, selection: CellBlock | None) -> CellBlock | None:
    """ "Clear hours": the selection when clicked inside it, else the whole block of hours under
    the pointer; None when there is nothing to clear."""
    if hit.day < 0:
        return None
    if selection is not None and in_block(selection, hit.day, hit.slot):
        return selection if changes_for(week, selection, EditMode.ERASE) else None
    found = rng.block_at(week.days[hit.day].ranges, hit.minute)
    if found is None:
        return None
    last = -(-found.end // SLOT_MINUTES) - 1
    return CellBlock(hit.day, found.start // SLOT_MINUTES, hit.day, last)


def segment_at(week: DisplayWeek, day: int, slot: int) -> LessonSegment | None:
    """The lesson (segment) covering a cell, if any."""
    minute = slot * SLOT_MINUTES
    for seg in week.by_day[day]:
        if seg.start < minute + SLOT_MINUTES and minute < seg.end:
            return seg
    return None
