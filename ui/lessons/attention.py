"""The "Needs attention" list: what sync could not settle alone, each with its ways out.

Lessons that ended unmarked come first, on one card (:mod:`ui.lessons.to_mark`). Then one
card per ``AttentionItem`` with real buttons (keyboard and screen-reader friendly, unlike
buttons painted by a delegate). A button disables itself once pressed so a slow round trip
cannot send the same decision twice; the next ``set_items`` shows the outcome. A clash of two
edits shows both versions, the kept one and the person's own, with "Use mine".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from instainstru_desktop.services.views import AttentionItem, LessonCard
from ui.appearance.icons import icon
from ui.appearance.theme import LIGHT, Palette
from ui.lessons import format as fmt
from ui.lessons.cancel_dialog import CancelLessonDialog
from ui.lessons.to_mark import ToMarkCard

ACTION_LABELS = {
    "keep": "&Keep the lesson",
    "cancel": "&Cancel it…",
    "reapply": "&Re-apply my hours",
}
# A refused change has nothing to keep: "keep" accepts the server's version and dismisses it.
DISMISS_LABEL = "&Dismiss"
#: A clash of two edits: keep the version the server kept, or send one's own again.
CLASH_KINDS = frozenset({"hours_clash", "note_clash"})
CLASH_LABELS = {"reapply": "&Use mine", "keep": "&Keep as it is"}
#: The longest text of a version shown on a card (a note may be long; the tooltip has it all).
VERSION_CHARS = 280
DEFAULT_ACTIONS = {
    "outside_availability": ("keep", "cancel"),
    "rejected_mutation": ("keep",),
}
KIND_TITLES = {
    "outside_availability": "Lesson outside your hours",
    "rejected_mutation": "A change was refused",
    "hours_clash": "Hours changed on two devices",
    "note_clash": "Note changed on two devices",
    "lost_changes": "Changes could not be sent",
    "cache_repaired": "Your local data was repaired",
}


def ago(moment: datetime, now: datetime, zone: ZoneInfo) -> str:
    """ "just now", "12 min ago", "3 h ago", else the local date and time."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 12 * 3600:
        return f"{int(seconds // 3600)} h ago"
    return f"{moment.astimezone(zone):%a %-d %b, %H:%M}"


def actions_of(item: AttentionItem) -> tuple[str, ...]:
    """The item's own actions, else the usual ones for its kind (hours edits can be re-applied)."""
    actions = item.actions or DEFAULT_ACTIONS.get(item.kind, ())
    if not item.actions and item.kind == "rejected_mutation" and item.booking_id is None:
        actions = ("reapply", "keep")
    if item.lesson is None and item.booking_id is None:
        actions = tuple(a for a in actions if a != "cancel")
    return tuple(a for a in actions if a in ACTION_LABELS)


def action_label(item: AttentionItem, action: str) -> str:
    if item.kind in CLASH_KINDS and action in CLASH_LABELS:
        return CLASH_LABELS[action]
    if action == "keep" and item.kind != "outside_availability":
        return DISMISS_LABEL
    return ACTION_LABELS[action]


def shortened(text: str, limit: int = VERSION_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def versions_grid(item: AttentionItem) -> QGridLayout:
    """ "Kept" and "Yours" side by side with their labels, for a clash of two edits."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(10)
    grid.setVerticalSpacing(2)
    rows = (("Kept", item.kept, "the version now in use"), ("Yours", item.mine, "not applied"))
    for row, (name, text, note) in enumerate(rows):
        label = QLabel(name)
        label.setProperty("role", "subtitle")
        value = QLabel(shortened(text))
        value.setWordWrap(True)
        value.setProperty("role", "value")
        value.setToolTip(text if len(text) > VERSION_CHARS else note.capitalize())
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setAccessibleName(f"{name} ({note}): {text}")
        grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(value, row, 1)
    grid.setColumnStretch(1, 1)
    return grid


class AttentionCard(QFrame):
    """One item: what happened, which lesson, the buttons."""

    def __init__(
        self,
        item: AttentionItem,
        zone: str,
        now: datetime,
        palette: Palette,
        on_action: Callable[[AttentionItem, str], None],
    ) -> None:
        super().__init__()
        self.item = item
        self._zone = ZoneInfo(zone)
        self.setObjectName("attentionCard")
        self.setProperty("kind", item.kind)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(f"{KIND_TITLES.get(item.kind, 'Needs attention')}: {item.message}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(12)
        badge = QLabel()
        calm = item.kind == "outside_availability" or item.kind in CLASH_KINDS
        role = "warning" if calm else "error"
        badge.setPixmap(icon("warning", palette, role).pixmap(QSize(22, 22)))
        layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(4)
        head = QHBoxLayout()
        title = QLabel(KIND_TITLES.get(item.kind, "Needs attention"))
        title.setProperty("role", "cardTitle")
        head.addWidget(title, 1)
        self.when = QLabel(ago(item.created_at, now, self._zone))
        self.when.setProperty("role", "subtitle")
        head.addWidget(self.when)
        text.addLayout(head)
        message = QLabel(item.message)
        message.setWordWrap(True)
        message.setProperty("role", "value")
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.addWidget(message)
        if item.kind in CLASH_KINDS:
            text.addLayout(versions_grid(item))
        if item.lesson is not None:
            card = item.lesson
            summary = QLabel(
                f"{card.student_name} · {card.lesson_type_name} · {fmt.when(card, zone)}"
            )
            summary.setProperty("role", "subtitle")
            summary.setWordWrap(True)
            text.addWidget(summary)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setSpacing(8)
        for action in actions_of(item):
            button = QPushButton(action_label(item, action))
            if action == "cancel":
                button.setProperty("role", "danger")
            button.clicked.connect(lambda _=False, a=action: on_action(item, a))
            self.buttons[action] = button
            row.addWidget(button)
        row.addStretch(1)
        text.addLayout(row)
        layout.addLayout(text, 1)

    def set_now(self, now: datetime) -> None:
        """Keep "12 min ago" true as time passes."""
        self.when.setText(ago(self.item.created_at, now, self._zone))

    def set_busy(self) -> None:
        """Disable the buttons after a decision (until the list is refreshed)."""
        for button in self.buttons.values():
            button.setEnabled(False)


class AttentionList(QWidget):
    """All items, newest first, or a calm empty state."""

    keepRequested = Signal(str)  # noqa: N815 - Qt signal: attention item id
    cancelRequested = Signal(str, str)  # noqa: N815 - item id, reason
    reapplyRequested = Signal(str)  # noqa: N815 - item id
    markAllRequested = Signal(list)  # noqa: N815 - the booking ids of the lessons to mark
    reviewRequested = Signal(str)  # noqa: N815 - open a lesson to mark in the lesson list

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        time_zone: str = "UTC",
        palette: Palette = LIGHT,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("attentionPane")
        self.setAccessibleName("Needs attention")
        self._zone = time_zone
        self._palette = palette
        self._clock = clock
        self._items: list[AttentionItem] = []
        self._to_mark: tuple[LessonCard, ...] = ()
        self.cards: list[AttentionCard] = []
        self.to_mark_card: ToMarkCard | None = None
        self._ages = QTimer(self)  # the list is read again only when it changes
        self._ages.setInterval(30_000)
        self._ages.timeout.connect(self.refresh_ages)
        self._ages.start()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        header = QVBoxLayout()
        header.setContentsMargins(20, 16, 20, 8)
        self.title = QLabel("Needs attention")
        self.title.setProperty("role", "title")
        header.addWidget(self.title)
        self.subtitle = QLabel()
        self.subtitle.setProperty("role", "subtitle")
        self.subtitle.setWordWrap(True)
        header.addWidget(self.subtitle)
        outer.addLayout(header)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer.addWidget(self._scroll, 1)
        self._empty = QWidget()
        self._empty.setObjectName("attentionPane")
        empty_layout = QVBoxLayout(self._empty)
        empty_layout.addStretch(1)
        check = QLabel()
        check.setPixmap(icon("check", palette, "success").pixmap(QSize(40, 40)))
        check.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addWidget(check)
        calm = QLabel("Nothing needs your attention.")
        calm.setProperty("role", "cardTitle")
        calm.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addWidget(calm)
        hint = QLabel(
            "Lessons to mark, lessons left outside your hours and changes the server refused "
            "show up here."
        )
        hint.setProperty("role", "subtitle")
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addWidget(hint)
        empty_layout.addStretch(2)
        self.set_items(())

    def set_items(self, items: Sequence[AttentionItem]) -> None:
        """Show a fresh list (newest first)."""
        self._items = sorted(items, key=lambda i: i.created_at, reverse=True)
        self._rebuild()

    def set_to_mark(self, lessons: Sequence[LessonCard]) -> None:
        """Show the lessons that ended unmarked (oldest first), above the items."""
        self._to_mark = tuple(lessons)
        self._rebuild()

    def _rebuild(self) -> None:
        now = self._clock()
        self.cards = [
            AttentionCard(item, self._zone, now, self._palette, self._on_action)
            for item in self._items
        ]
        self.to_mark_card = None
        if self._to_mark:
            self.to_mark_card = ToMarkCard(self._to_mark, self._zone, self._palette)
            self.to_mark_card.markAllRequested.connect(self.markAllRequested)
            self.to_mark_card.reviewRequested.connect(self.reviewRequested)
        items = len(self._items)
        self.subtitle.setText(
            "Sync could not settle these alone. Your decision is sent to the server."
            if items
            else ""
        )
        self.subtitle.setVisible(bool(items))
        if not self.count():
            self._scroll.takeWidget()
            self._scroll.setWidget(self._empty)
            return
        body = QWidget()
        body.setObjectName("attentionPane")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 4, 20, 16)
        layout.setSpacing(10)
        if self.to_mark_card is not None:
            layout.addWidget(self.to_mark_card)
        for card in self.cards:
            layout.addWidget(card)
        layout.addStretch(1)
        if self._scroll.widget() is self._empty:
            self._scroll.takeWidget()
        self._scroll.setWidget(body)

    def refresh_ages(self) -> None:
        """Say again how long ago each item happened."""
        now = self._clock()
        for card in self.cards:
            card.set_now(now)

    def set_time_zone(self, zone: str) -> None:
        self._zone = zone
        self._rebuild()

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        self._rebuild()

    def count(self) -> int:
        """What needs attention: the items, and each lesson to mark."""
        return len(self._items) + len(self._to_mark)

    def card(self, item_id: str) -> AttentionCard | None:
        return next((c for c in self.cards if c.item.item_id == item_id), None)

    def _on_action(self, item: AttentionItem, action: str) -> None:
        card = self.card(item.item_id)
        if action == "cancel":
            reason = CancelLessonDialog.ask(self, item.lesson, self._zone)
            if not reason:
                return
            if card:
                card.set_busy()
            self.cancelRequested.emit(item.item_id, reason)
            return
        if card:
            card.set_busy()
        if action == "keep":
            self.keepRequested.emit(item.item_id)
        elif action == "reapply":
            self.reapplyRequested.emit(item.item_id)
