"""Undoable hour edits.

A command does not know about the cache or the widget: it holds the before and after hours of
each date it touched and calls an injected ``apply(date, ranges, usual, previous)``. The week
view passes its own ``apply_hours``, which updates what is shown and announces the change for the
service layer to write; so undo restores both the picture and (through that signal) the cache
and outbox. ``previous`` is the command's own other side (what redo or undo leaves), so what is
sent is exactly the hours this command opened or closed, even if the date has changed since.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtGui import QUndoCommand, QUndoStack
from shiboken6 import isValid

from instainstru_desktop.services.week_views import HoursRange

#: ``apply(date, ranges, usual, previous)``: ``usual`` means "the date follows the usual week
#: again" (its own hours are removed), which is what undo must restore for a date that had none;
#: ``previous`` are the hours the step starts from (the command's other side).
ApplyHours = Callable[[date, tuple[HoursRange, ...], bool, tuple[HoursRange, ...]], None]


@dataclass(frozen=True, slots=True)
class DayChange:
    """One date's hours before and after an edit."""

    date: date
    before: tuple[HoursRange, ...]
    after: tuple[HoursRange, ...]
    before_usual: bool = False  # before the edit the date followed the usual week


class EditHoursCommand(QUndoCommand):
    """Set the hours of one or more dates; undo puts the previous hours back."""

    def __init__(
        self,
        apply: ApplyHours,
        changes: Sequence[DayChange],
        text: str,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(text, parent)
        self._apply = apply
        self.changes: tuple[DayChange, ...] = tuple(changes)

    def redo(self) -> None:
        for change in self.changes:
            self._apply(change.date, change.after, False, change.before)

    def undo(self) -> None:
        for change in reversed(self.changes):
            self._apply(change.date, change.before, change.before_usual, change.after)


def command_text(changes: Sequence[DayChange], erase: bool) -> str:
    """Undo menu text: "Paint hours on Tue 4 Mar", "Clear hours on 3 days"."""
    verb = "Clear hours" if erase else "Paint hours"
    if len(changes) == 1:
        return f"{verb} on {changes[0].date.strftime('%a %-d %b')}"
    return f"{verb} on {len(changes)} days"


def is_latest(stack: QUndoStack, command: QUndoCommand) -> bool:
    """Whether ``command`` is the last thing done (what Edit > Undo would undo now)."""
    if not isValid(stack):  # a stack being destroyed (with its window) empties itself first
        return False
    index = stack.index()
    return index > 0 and stack.command(index - 1) is command


def undo_if_latest(stack: QUndoStack, command: QUndoCommand) -> bool:
    """Undo ``command`` if it is still the last thing done (a notice's Undo button offers
    that very edit; after another edit, or an undo, it would undo something else)."""
    if not is_latest(stack, command):
        return False
    stack.undo()
    return True
