"""The week view's own keys, as the keyboard-shortcuts window lists them.

The window's actions (menus, toolbar) list themselves from their ``QAction`` shortcuts; these
keys are handled by the view itself (:mod:`ui.calendar.keys`), so they are written down here
once, each with the key sequences it stands for. A test presses every one of them on a week
view and fails if the view does not act on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WeekKey:
    """What a person presses (``shown``), what it does, and the sequences it stands for."""

    shown: str
    does: str
    sequences: tuple[str, ...]  # portable QKeySequence texts; empty: not a key (the wheel)


WEEK_KEYS = (
    WeekKey("Arrow keys", "Move the cell cursor", ("Left", "Right", "Up", "Down")),
    WeekKey("Shift+Arrow keys", "Select cells", ("Shift+Left", "Shift+Down")),
    WeekKey("Ctrl+Up / Ctrl+Down", "Move the cursor by an hour", ("Ctrl+Up", "Ctrl+Down")),
    WeekKey("Home / End", "Go to Monday / Sunday", ("Home", "End")),
    WeekKey(
        "Ctrl+Home / Ctrl+End", "Go to the start / end of the day", ("Ctrl+Home", "Ctrl+End")
    ),
    WeekKey("Page Up / Page Down", "Scroll by a screen", ("PgUp", "PgDown")),
    WeekKey("Space", "Paint or clear the selected hours", ("Space",)),
    WeekKey("Delete", "Clear the selected hours", ("Del",)),
    WeekKey("Enter", "Open the lesson under the cursor", ("Return",)),
    WeekKey("Menu / Shift+F10", "Show what can be done here", ("Menu", "Shift+F10")),
    WeekKey("Escape", "Stop a drag, or drop the selection", ("Esc",)),
    WeekKey("Ctrl+wheel", "Make the hours taller or shorter", ()),
)
