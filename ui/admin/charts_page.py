"""The Chart tab: booked hours per week of the filtered bookings, and the summary per
instructor. It reads only while it is shown: a change of filters or a sync marks it stale, and
showing it reads it again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from instainstru_desktop.services.review_views import InstructorSummary, ReviewQuery, WeekHours
from instainstru_desktop.services.views import Changed
from ui.admin.chart import WeeklyHoursChart
from ui.admin.summary import SummaryTable
from ui.appearance.theme import LIGHT, Palette

if TYPE_CHECKING:
    from ui.shell.session import Session

CAPTION = (
    "Booked hours per week of the bookings the Bookings tab's filters show, stacked by status. "
    "Each lesson counts in its instructor's week, in the instructor's zone."
)


class ChartsPage(QWidget):
    """Chart over summary; both follow the Bookings tab's filters."""

    def __init__(
        self, session: Session, palette: Palette = LIGHT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chartsPage")
        self.session = session
        self._query = ReviewQuery()
        self._stale = True
        self.caption = QLabel(CAPTION)
        self.caption.setProperty("role", "subtitle")
        self.caption.setWordWrap(True)
        self.chart = WeeklyHoursChart(palette=palette)
        self.summary = SummaryTable()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.summary)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.caption)
        layout.addWidget(splitter, 1)

    def set_query(self, query: ReviewQuery) -> None:
        if query != self._query:
            self._query = query
            self._mark_stale()

    def on_changed(self, changed: Changed) -> None:
        if changed.everything or changed.booking_ids:
            self._mark_stale()

    def set_theme(self, palette: Palette) -> None:
        self.chart.set_theme(palette)

    def refresh(self) -> None:
        """Read the chart and the summary of the current filters."""
        if not self.session.is_ready:
            return
        self._stale = False
        review, query = self.session.services.review, self._query
        ops = self.session.ops
        ops.run_db(lambda: review.weekly_hours(query), self._show_weeks, what="reading the chart")
        ops.run_db(lambda: review.summary(query), self._show_summary, what="reading the summary")

    def _show_weeks(self, weeks: list[WeekHours]) -> None:
        self.chart.set_weeks(weeks)

    def _show_summary(self, lines: list[InstructorSummary]) -> None:
        self.summary.summary.set_lines(lines)

    def _mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()
