"""Small widgets of the main window's toolbar: the week's title and the zone switcher."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from ui.widgets.zones import ZonePicker, is_zone, offset_words, remember_zone, utc_offset, zone_city

HOME = "__home__"  # the item data of "My zone"


class WeekTitle(QLabel):
    """"23 – 29 November 2026" beside the week arrows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("weekTitle")
        self.setMinimumWidth(220)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAccessibleName("Week shown")

    def set_week(self, monday: date) -> None:
        sunday = monday + timedelta(days=6)
        if monday.month == sunday.month:
            text = f"{monday.day} – {sunday.day} {sunday:%B %Y}"
        elif monday.year == sunday.year:
            text = f"{monday.day} {monday:%b} – {sunday.day} {sunday:%b %Y}"
        else:
            text = f"{monday:%-d %b %Y} – {sunday:%-d %b %Y}"
        self.setText(text)


class ZoneSwitcher(ZonePicker):
    """Choose the zone lessons are drawn in; the first entry is always the instructor's own,
    then the zones chosen lately, then all of them by offset.

    All of them wait until the instructor's zone is known or the box is opened or typed in:
    listing some 500 zones with their offsets reads a file for each, and doing it while the
    window is built took more time than the rest of the window before its first paint.
    """

    zoneChosen = Signal(object)  # noqa: N815 - a zone name, or None for the instructor's zone

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("zoneSwitcher")
        self.setAccessibleName("Time zone shown")
        self.setToolTip("Show the week in another time zone (your hours stay in your own zone)")
        self.setMinimumContentsLength(20)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMaximumWidth(260)
        self._home = "UTC"
        self._recent: tuple[str, ...] = ()
        self._announced: str | None = None  # the zone last announced (None: my zone)
        self._complete = False  # every zone listed, not only mine, the recent and the shown one
        self._fill()
        self.activated.connect(self._on_activated)
        editor = self.lineEdit()
        assert editor is not None  # editable combo boxes always have one
        editor.returnPressed.connect(self._on_typed)

    def _fill(self, shown: str | None = None) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItem(self.home_label(), HOME)
        if self._complete:
            self.offer(shown or "", recent=self._recent, leave_out=self._home)  # "My zone" is it
        else:
            few = [*self._recent, shown] if shown else self._recent
            for name in dict.fromkeys(few):
                if name != self._home and is_zone(name):
                    self.addItem(self.label(name), name)
        self.blockSignals(False)

    def list_all(self) -> None:
        """List every zone now (the box is about to be used)."""
        if not self._complete:
            self._complete = True
            self._refill()

    def showPopup(self) -> None:
        self.list_all()
        super().showPopup()

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.list_all()  # typing finds any zone
        super().focusInEvent(event)

    def home_label(self) -> str:
        """“My zone (Madrid, UTC+01:00)”."""
        if self._home == "UTC" or not is_zone(self._home):  # UTC: before the zones are read
            return f"My zone ({self._home})"
        offset = offset_words(utc_offset(self._home, self._clock()))
        return f"My zone ({zone_city(self._home)}, {offset})"

    def recent(self) -> tuple[str, ...]:
        """The zones chosen lately, the latest first."""
        return self._recent

    def set_recent(self, zones: Iterable[str]) -> None:
        """The zones chosen lately (from an earlier run), listed after "My zone"."""
        self._recent = tuple(zones)
        self._refill()

    def _refill(self) -> None:
        """List the zones again, the one shown still chosen (recent ones may have moved)."""
        current = self.currentData()
        shown = None if current in (None, HOME) else str(current)
        self._fill(shown)
        self.setCurrentIndex(max(self.findData(shown), 0) if shown else 0)

    def set_home_zone(self, zone: str) -> None:
        current = self.currentData()
        self._home = zone
        self._complete = True
        shown = None if current in (None, HOME, zone) else str(current)
        self._fill(shown)
        self.setCurrentIndex(max(self.findData(shown), 0) if shown else 0)

    def choose(self, zone: str | None) -> None:
        """Select a zone as if the person had (None or the home zone: back to my zone)."""
        self._select(zone)
        self._announce(None if zone is None or zone == self._home else zone)

    def show_choice(self, zone: str | None) -> None:
        """Show a zone as chosen without announcing it (the one the week was left in)."""
        self._select(zone)
        self._announced = None if zone == self._home else zone

    def _select(self, zone: str | None) -> None:
        if zone is None or zone == self._home:
            self.setCurrentIndex(0)
            return
        if self.findData(zone) < 0:
            self.addItem(self.label(zone), zone)
        self.setCurrentIndex(self.findData(zone))

    def _announce(self, zone: str | None) -> None:
        # Enter on a listed name activates its item and also reaches _on_typed: say it once
        if zone != self._announced:
            self._announced = zone
            if zone is not None:
                self._recent = remember_zone(self._recent, zone)
                QTimer.singleShot(0, self._refill)  # not while the list is still closing
            self.zoneChosen.emit(zone)

    def _on_activated(self, index: int) -> None:
        data = self.itemData(index)
        self._announce(None if data == HOME else str(data))

    def _on_typed(self) -> None:
        if not self._complete:  # a city is found among the listed zones: list them, keep the text
            typed = self.currentText()
            self.list_all()
            self.setEditText(typed)
        name = self.zone()
        if is_zone(name):
            self.choose(name)
