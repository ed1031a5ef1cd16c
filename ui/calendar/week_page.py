"""The week page: the painted calendar wired to the availability and lesson use cases.

The view shows an edit at once (optimistically); this controller writes it to the cache and
outbox on the database executor and re-reads the week, so pending markers and the server's
later answer both come from the one source of truth, the cache. Other changes re-read the week
only when they touch it (:meth:`WeekPage.touched_by`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from instainstru_desktop.domain import DomainError, local_date, week_dates, week_start
from instainstru_desktop.domain import zone as domain_zone
from instainstru_desktop.services.week_views import HoursRange, WeekSnapshot
from ui.appearance.theme import Palette
from ui.calendar import week_cache
from ui.calendar.week_view import WeekView
from ui.shell.session import Session

if TYPE_CHECKING:
    from instainstru_desktop.services.views import Changed

log = logging.getLogger(__name__)


monday_of = week_start  # the week a date belongs to: the domain's rule, one place


def current_monday(zone: str) -> date:
    """This week's Monday on the instructor's clock (an unknown zone counts as UTC)."""
    try:
        tz = domain_zone(zone)
    except DomainError:
        tz = domain_zone("UTC")
    return week_start(local_date(datetime.now(UTC), tz))


class WeekPage(QWidget):
    """One instructor-local week; navigation, edits, and refresh after sync."""

    weekChanged = Signal(object)  # noqa: N815 - the Monday now shown
    lessonActivated = Signal(str)  # noqa: N815
    completeRequested = Signal(str)  # noqa: N815
    noShowRequested = Signal(str)  # noqa: N815
    cancelRequested = Signal(str)  # noqa: N815
    correctRequested = Signal(str, str)  # noqa: N815
    moveRequested = Signal(str)  # noqa: N815
    changeFollowingRequested = Signal(str)  # noqa: N815
    bookRequested = Signal(object)  # noqa: N815
    changed = Signal(object)  # the Changed of an edit made here: other views may show it too
    editCautioned = Signal(str, object)  # noqa: N815 - see WeekView.editCautioned
    lessonDropped = Signal(str, object)  # noqa: N815 - see WeekView.lessonDropped
    dropRefused = Signal(str)  # noqa: N815

    def __init__(
        self,
        session: Session,
        undo_stack: QUndoStack,
        palette: Palette,
        cache_file: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.cache_file = cache_file
        self.view = WeekView(self, undo_stack=undo_stack, palette=palette, clock=session.now)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self._week_start = monday_of(date.today())
        self._instructor_zone: str | None = None
        self._loading = False
        self._reload_again = False
        self._waiting: list[Callable[[WeekSnapshot], None]] = []
        self.view.hoursChanged.connect(self._on_hours_changed)
        self.view.usualRestored.connect(self._on_usual_restored)
        self.view.lessonActivated.connect(self.lessonActivated)
        self.view.completeRequested.connect(self.completeRequested)
        self.view.noShowRequested.connect(self.noShowRequested)
        self.view.cancelRequested.connect(self.cancelRequested)
        self.view.correctRequested.connect(self.correctRequested)
        self.view.moveRequested.connect(self.moveRequested)
        self.view.changeFollowingRequested.connect(self.changeFollowingRequested)
        self.view.bookRequested.connect(self.bookRequested)
        self.view.editCautioned.connect(self.editCautioned)
        self.view.lessonDropped.connect(self.lessonDropped)
        self.view.dropRefused.connect(self.dropRefused)
        self.view.movePlanWanted.connect(self._read_move_plan)
        self.view.moveCheckWanted.connect(self._check_move)

    # -- what is shown ----------------------------------------------------------------------

    @property
    def week_start(self) -> date:
        return self._week_start

    @property
    def instructor_zone(self) -> str | None:
        return self._instructor_zone

    def show_cached(self) -> bool:
        """Draw this week as saved at the last run, before the core is up.

        Only the current week is kept: the app always opens on today's week, so a saved copy
        of another week would be a picture of the wrong week.
        """
        snapshot = week_cache.load(self.cache_file)
        if snapshot is None or snapshot.week_start != current_monday(snapshot.time_zone):
            return False
        self._instructor_zone = snapshot.time_zone
        self._week_start = snapshot.week_start
        self.view.set_snapshot(snapshot)
        self.weekChanged.emit(self._week_start)
        return True

    def go_to(self, day: date) -> None:
        """Show the week containing ``day`` (a date in the instructor's zone)."""
        self._week_start = monday_of(day)
        self.weekChanged.emit(self._week_start)
        self.reload()

    def go_today(self) -> None:
        zone = ZoneInfo(self._instructor_zone) if self._instructor_zone else None
        self.go_to(datetime.now(zone).date())

    def step(self, weeks: int) -> None:
        self.go_to(self._week_start + timedelta(weeks=weeks))

    def touched_by(self, changed: Changed) -> bool:
        """Whether a change reaches the week shown: its dates, its lessons, the usual week."""
        if changed.everything or changed.template:
            return True
        snapshot = self.view.snapshot()
        if snapshot is None or snapshot.week_start != self._week_start:
            return True  # what is shown is not this week's read yet
        if not changed.dates.isdisjoint(week_dates(self._week_start)):
            return True
        return any(card.booking_id in changed.booking_ids for card in snapshot.lessons)

    def on_changed(self, changed: Changed) -> None:
        if self.touched_by(changed):
            self.reload()

    def reload(self, on_loaded: Callable[[WeekSnapshot], None] | None = None) -> None:
        """Read the shown week from the cache (coalescing bursts of refresh requests).

        ``on_loaded`` runs once a read of the week shown at that moment has been displayed.
        """
        if on_loaded is not None:
            self._waiting.append(on_loaded)
        if not self.session.is_ready or self.session.instructor_id is None:
            return
        if self._loading:
            self._reload_again = True
            return
        self._loading = True
        services, instructor_id = self.session.services, self.session.instructor_id
        week_start = self._week_start

        def loaded(snapshot: WeekSnapshot) -> None:
            self._loading = False
            again = self._reload_again or snapshot.week_start != self._week_start
            self._reload_again = False
            if snapshot.week_start == self._week_start:
                self._show(snapshot)
                if not again:
                    waiting, self._waiting = self._waiting, []
                    for callback in waiting:
                        callback(snapshot)
            if again:
                self.reload()

        def failed(exc: BaseException) -> None:
            self._loading = False
            self._waiting.clear()
            self.session.ops.present(exc, "reading your week")

        self.session.ops.run_db(
            lambda: services.availability.week(instructor_id, week_start),
            loaded,
            failed,
            what="reading your week",
        )

    def _show(self, snapshot: WeekSnapshot) -> None:
        first = self._instructor_zone is None
        self._instructor_zone = snapshot.time_zone
        self.view.set_snapshot(snapshot)
        if first:
            self.view.scroll_to_working_hours()
        if snapshot.week_start != current_monday(snapshot.time_zone):
            return
        try:
            week_cache.save(self.cache_file, snapshot)
        except OSError as exc:  # only a start-up nicety: never worth bothering the person
            log.info("could not save the week for the next start: %s", exc)

    # -- edits ------------------------------------------------------------------------------

    def go_to_date(self) -> None:
        """Ask for a date and show its week."""
        from ui.calendar.date_dialogs import ask_date  # its calendar widgets: not at start

        chosen = ask_date(self, self._week_start)
        if chosen is not None:
            self.go_to(chosen)

    def copy_last_week(self) -> None:
        services, iid = self.session.services, self.session.instructor_id
        if iid is None:
            return
        monday = self._week_start
        self.run_edit(
            lambda: services.availability.copy_last_week(iid, monday), "copying last week"
        )

    def make_usual_week(self) -> None:
        """Make the hours shown the usual week, once the person agrees."""
        services, iid = self.session.services, self.session.instructor_id
        if iid is None:
            return
        monday = self._week_start
        answer = QMessageBox.question(
            self,
            "Make this your usual week?",
            "Your usual week will become the hours shown now. Weeks with their own hours keep "
            "them; lessons already booked stay booked.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.run_edit(
                lambda: services.availability.make_usual_week(iid, monday), "saving your usual week"
            )

    def take_time_off(self) -> None:
        """Ask for the first and last day off, then close them."""
        services, iid = self.session.services, self.session.instructor_id
        if iid is None:
            return
        from ui.calendar.date_dialogs import ask_date_range

        chosen = ask_date_range(self, self._week_start)
        if chosen is not None:
            first, last = chosen
            self.run_edit(
                lambda: services.availability.time_off(iid, first, last), "saving your time off"
            )

    def _on_hours_changed(
        self, day: date, before: tuple[HoursRange, ...], after: tuple[HoursRange, ...]
    ) -> None:
        """A paint, an erase or its undo: sent as the hours it opened and closed, so the hours
        another device changed on the same date meanwhile are kept."""
        if not self.session.is_ready or self.session.instructor_id is None:
            return
        services, instructor_id = self.session.services, self.session.instructor_id
        self.run_edit(
            lambda: services.availability.edit_date_hours(instructor_id, day, before, after),
            "saving your hours",
            drawn=day,
        )

    def _on_usual_restored(self, day: date) -> None:
        if not self.session.is_ready or self.session.instructor_id is None:
            return
        services, instructor_id = self.session.services, self.session.instructor_id
        self.run_edit(
            lambda: services.availability.clear_date(instructor_id, day),
            "restoring your hours",
            drawn=day,
        )

    # -- a lesson dragged to another time ---------------------------------------------------

    def _read_move_plan(self, booking_id: str, first: date, last: date) -> None:
        """The free starts of a dragged lesson around the shown week, from local data."""
        if not self.session.is_ready:
            return
        schedule = self.session.services.schedule
        self.session.ops.run_db(
            lambda: schedule.move_options(booking_id, first, last),
            self.view.set_move_plan,
            lambda exc: self._drag_failed(exc, "finding free times"),
            what="finding free times",
        )

    def _check_move(self, booking_id: str, start: datetime) -> None:
        """Why the rules refuse one spot of a dragged lesson."""
        if not self.session.is_ready:
            return
        schedule = self.session.services.schedule
        self.session.ops.run_db(
            lambda: schedule.check_move(booking_id, start),
            lambda verdict: self.view.set_move_verdict(booking_id, start, verdict),
            lambda exc: self._drag_failed(exc, "checking the time"),
            what="checking the time",
        )

    def _drag_failed(self, exc: BaseException, what: str) -> None:
        """A question of a drag went unanswered: the drop checks again, so only a bug is told
        (a lesson that vanished meanwhile needs no box in the middle of a drag)."""
        from instainstru_desktop.services.errors import ServiceError

        if isinstance(exc, ServiceError):
            log.info("%s: %s", what, exc.message)
        else:
            self.session.ops.present(exc, what)

    def run_edit(self, fn: Callable[[], Changed], what: str, drawn: date | None = None) -> None:
        """Run a write use case and announce what it changed through ``changed``.

        ``drawn``: a date the view already drew the edit on; it is read again even when the
        edit queued nothing, so the picture is replaced by the cache's truth either way (after a
        refusal too).
        """

        from instainstru_desktop.services.views import Changed

        def done(changed: Changed) -> None:
            if drawn is not None:
                changed |= Changed(dates=frozenset({drawn}))
            self.changed.emit(changed)

        def failed(exc: BaseException) -> None:
            self.reload()
            self.session.ops.present(exc, what)

        self.session.ops.run_db(fn, done, failed, what=what)
