"""A lesson's history, every line shown whole.

It was a list box sized once to its rows before it knew its width, so wrapped lines hid behind
a scroll bar in a box two rows tall while the pane was empty below it. Here each entry is a
word-wrapped label in a plain column: the layout gives it the height its text needs at the
width it really has, and the pane around it scrolls when a long history needs more room.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One entry: what happened and who did it, its details, where it was done (on hover)."""

    text: str
    details: str = ""
    device: str = ""


class HistoryList(QFrame):
    """The entries of a lesson's history, oldest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("history")
        self.setAccessibleName("History of this lesson")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(10, 8, 10, 8)
        self._layout.setSpacing(8)
        self._rows: list[QWidget] = []

    def set_lines(self, lines: Sequence[HistoryLine]) -> None:
        for row in self._rows:
            self._layout.removeWidget(row)
            row.deleteLater()
        self._rows = [self._row(line) for line in lines]
        for row in self._rows:
            self._layout.addWidget(row)

    def count(self) -> int:
        return len(self._rows)

    def texts(self) -> list[str]:
        """Each entry as shown (its details on a second line)."""
        return [str(row.property("entryText")) for row in self._rows]

    @staticmethod
    def _row(line: HistoryLine) -> QWidget:
        row = QWidget()
        row.setObjectName("historyEntry")
        row.setProperty("entryText", "\n".join(t for t in (line.text, line.details) if t))
        if line.device:
            row.setToolTip(f"From {line.device}")
        box = QVBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        for text, role in ((line.text, "value"), (line.details, "subtitle")):
            if not text:
                continue
            label = QLabel(text)
            label.setProperty("role", role)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box.addWidget(label)
        return row
