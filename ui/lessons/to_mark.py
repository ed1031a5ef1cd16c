"""The "3 lessons to mark" card at the top of the needs-attention list.

Lessons that ended while still "confirmed" used to look like lessons to come. The card names
them (the oldest first, a few at most, then how many more) and offers the two ways out: mark
them all completed at once, the usual case, or review them one by one in the lesson list,
where each has its Completed and No-show buttons.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from instainstru_desktop.services.views import LessonCard
from ui.appearance.icons import icon
from ui.appearance.theme import Palette
from ui.lessons import format as fmt

NAMED = 5  # lessons named on the card; the rest are counted


def to_mark_title(count: int) -> str:
    return "1 lesson to mark" if count == 1 else f"{count} lessons to mark"


class ToMarkCard(QFrame):
    """Lessons that ended unmarked, with "Mark all as completed" and "Review one by one"."""

    markAllRequested = Signal(list)  # noqa: N815 - Qt signal: the booking ids
    reviewRequested = Signal(str)  # noqa: N815 - Qt signal: the oldest lesson's booking id

    def __init__(self, lessons: Sequence[LessonCard], zone: str, palette: Palette) -> None:
        super().__init__()
        self.lessons = tuple(lessons)
        self.setObjectName("attentionCard")
        self.setProperty("kind", "to_mark")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        title = to_mark_title(len(self.lessons))
        self.setAccessibleName(title)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(12)
        badge = QLabel()
        badge.setPixmap(icon("attention", palette, "warning").pixmap(QSize(22, 22)))
        layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(4)
        self.title = QLabel(title)
        self.title.setProperty("role", "cardTitle")
        text.addWidget(self.title)
        message = QLabel(
            "These lessons have ended, but whether they took place is not recorded yet."
        )
        message.setWordWrap(True)
        message.setProperty("role", "value")
        text.addWidget(message)
        self.lines = QLabel("\n".join(self._lines(zone)))
        self.lines.setProperty("role", "subtitle")
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.addWidget(self.lines)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.mark_all = QPushButton("Mark all as &completed")
        self.mark_all.setProperty("role", "primary")
        self.mark_all.setToolTip("Record that each of these lessons took place")
        self.mark_all.clicked.connect(self._mark_all)
        self.review = QPushButton("&Review one by one")
        self.review.setToolTip("Open them in Lessons, where a lesson can be marked as a no-show")
        self.review.clicked.connect(lambda: self.reviewRequested.emit(self.lessons[0].booking_id))
        row.addWidget(self.mark_all)
        row.addWidget(self.review)
        row.addStretch(1)
        text.addLayout(row)
        layout.addLayout(text, 1)

    def _lines(self, zone: str) -> list[str]:
        lines = [
            f"{fmt.when(card, zone, compact=True)} · {card.student_name} · {card.lesson_type_name}"
            for card in self.lessons[:NAMED]
        ]
        more = len(self.lessons) - NAMED
        if more > 0:
            lines.append(f"and {more} more")
        return lines

    def _mark_all(self) -> None:
        self.mark_all.setEnabled(False)  # once: the list is read again after it
        self.review.setEnabled(False)
        self.markAllRequested.emit([card.booking_id for card in self.lessons])
