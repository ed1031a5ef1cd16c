"""An instructor's week, as they see it, read only: the admin's "Instructor's week" tab.

The same painted week view the instructor uses, in their zone or the admin's; nothing on it
edits. Painting hours (drag, Space, Delete), the context menu and undo are switched off, and
a double-click or Enter on a lesson opens it in the Bookings tab instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from instainstru_desktop.domain import week_start
from instainstru_desktop.services.review_views import ReviewOptions
from instainstru_desktop.services.views import Changed, WeekSnapshot
from ui.appearance import icons
from ui.appearance.theme import LIGHT, Palette
from ui.calendar.week_view import WeekView
from ui.shell.window_parts import WeekTitle

if TYPE_CHECKING:
    from ui.shell.session import Session

#: Keys that edit the instructor's week: the read-only view swallows them.
EDITING_KEYS = frozenset(
    {Qt.Key.Key_Space, Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Menu}
)


class ReadOnlyWeekView(WeekView):
    """The week view with every editing gesture switched off."""

    def __init__(self, parent: QWidget | None = None, *, palette: Palette = LIGHT) -> None:
        super().__init__(parent, palette=palette)
        self.setObjectName("readOnlyWeek")
        self.setAccessibleName("Instructor's week (read only)")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click moves the cursor; it never starts painting hours."""
        week = self.display_week()
        if week is None or event.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.week_geometry().hit_test(event.position(), week)
        if hit.day >= 0 and hit.slot >= 0:
            self.set_cursor_cell(hit.day, hit.slot)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        event.accept()  # every entry of the week's menu edits

    def keyPressEvent(self, event: QKeyEvent) -> None:
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        editing = (
            event.key() in EDITING_KEYS
            or (event.key() == Qt.Key.Key_F10 and shift)
            or event.matches(QKeySequence.StandardKey.Undo)
            or event.matches(QKeySequence.StandardKey.Redo)
        )
        if editing:
            event.accept()
            return
        super().keyPressEvent(event)


class InstructorWeekPage(QWidget):
    """Pick an instructor, step through weeks, in their zone or mine."""

    lessonOpened = Signal(str)  # noqa: N815 - booking id

    def __init__(
        self, session: Session, palette: Palette = LIGHT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("instructorWeekPage")
        self.session = session
        self._palette = palette
        self._monday = week_start(date.today())
        self._zones: dict[str, str] = {}
        self._my_zone = "UTC"
        self.instructor = QComboBox()
        self.instructor.setObjectName("weekInstructor")
        self.instructor.setAccessibleName("Whose week")
        self.instructor.setMinimumContentsLength(18)
        self.zone = QComboBox()
        self.zone.setObjectName("weekZone")
        self.zone.setAccessibleName("Time zone shown")
        self.title = WeekTitle()
        self.view = ReadOnlyWeekView(palette=palette)
        self.buttons = [
            self._button("prev", "Previous week", lambda: self.step(-1)),
            self._button("today", "This week", self.go_today),
            self._button("next", "Next week", lambda: self.step(1)),
        ]
        note = QLabel("Read only: only the instructor changes their hours and lessons.")
        note.setProperty("role", "subtitle")
        bar = QHBoxLayout()
        bar.setContentsMargins(10, 6, 10, 6)
        bar.addWidget(self.instructor)
        for button in self.buttons:
            bar.addWidget(button)
        bar.addWidget(self.title)
        bar.addStretch(1)
        bar.addWidget(note)
        bar.addWidget(self.zone)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.instructor.currentIndexChanged.connect(lambda _i: self.reload())
        self.zone.currentIndexChanged.connect(lambda _i: self._apply_zone())
        self.view.lessonActivated.connect(self.lessonOpened)
        self.title.set_week(self._monday)

    def _button(self, name: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton()
        button.setIcon(icons.icon(name, self._palette))
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setObjectName(f"week_{name}")
        button.clicked.connect(slot)
        return button

    # -- choosing -----------------------------------------------------------------------------

    def set_options(self, options: ReviewOptions, my_zone: str) -> None:
        """The instructors to choose from; ``my_zone``: the admin's."""
        self._my_zone = my_zone
        self._zones = {iid: zone for iid, _name, zone in options.instructors}
        chosen = self.instructor.currentData()
        self.instructor.blockSignals(True)
        self.instructor.clear()
        for iid, name, _zone in options.instructors:
            self.instructor.addItem(name, iid)
        self.instructor.setCurrentIndex(max(0, self.instructor.findData(chosen)))
        self.instructor.blockSignals(False)
        self._fill_zones()
        self.reload()

    def show_instructor(self, instructor_id: str, moment: datetime | None = None) -> None:
        """Show an instructor's week (the week of ``moment`` in their zone, else this one)."""
        index = self.instructor.findData(instructor_id)
        if index < 0:
            return
        if moment is not None:
            zone = self._zones.get(instructor_id, "UTC")
            self._monday = week_start(moment.astimezone(ZoneInfo(zone)).date())
            self.title.set_week(self._monday)
        self.instructor.blockSignals(True)
        self.instructor.setCurrentIndex(index)
        self.instructor.blockSignals(False)
        self._fill_zones()
        self.reload()

    def step(self, weeks: int) -> None:
        self._monday += timedelta(weeks=weeks)
        self.title.set_week(self._monday)
        self.reload()

    def go_today(self) -> None:
        self._monday = week_start(datetime.now(UTC).date())
        self.title.set_week(self._monday)
        self.reload()

    def set_theme(self, palette: Palette) -> None:
        self._palette = palette
        self.view.set_theme(palette)
        for button, name in zip(self.buttons, ("prev", "today", "next"), strict=True):
            button.setIcon(icons.icon(name, palette))

    def on_changed(self, changed: Changed) -> None:
        if changed.everything or changed.booking_ids or changed.dates or changed.template:
            self.reload()

    # -- reading ------------------------------------------------------------------------------

    def reload(self) -> None:
        instructor_id = self.instructor.currentData()
        if not instructor_id or not self.session.is_ready:
            return
        availability, monday = self.session.services.availability, self._monday
        self.session.ops.run_db(
            lambda: availability.week(instructor_id, monday),
            self._show,
            what="reading the instructor's week",
        )

    def _show(self, snapshot: WeekSnapshot) -> None:
        if snapshot.instructor_id != self.instructor.currentData():
            return
        if snapshot.week_start != self._monday:
            return
        first = self.view.snapshot() is None
        self.view.set_snapshot(snapshot)
        if first:
            self.view.scroll_to_working_hours()

    def _fill_zones(self) -> None:
        theirs = self._zones.get(self.instructor.currentData() or "", "UTC")
        chosen = self.zone.currentData()
        self.zone.blockSignals(True)
        self.zone.clear()
        self.zone.addItem(f"Instructor's zone ({theirs})", None)
        if self._my_zone != theirs:
            self.zone.addItem(f"My zone ({self._my_zone})", self._my_zone)
        self.zone.setCurrentIndex(max(0, self.zone.findData(chosen)) if chosen else 0)
        self.zone.blockSignals(False)
        self._apply_zone()

    def _apply_zone(self) -> None:
        self.view.set_display_zone(self.zone.currentData())
