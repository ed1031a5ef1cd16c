"""What can be done to a lesson, from whichever view asked: complete, no-show, correct, move,
cancel, note, book.

The week view's context menu, the lesson lists and detail pane and the needs-attention list all
end up here, so each action is written once: the use case runs on the database executor (it
works offline: the cache and the outbox change together) and ``changed`` says what it changed,
for every page that shows it. Outcomes and moves go on the undo stack and are told in the
window's notice (:mod:`ui.lessons.outcomes`, :mod:`ui.lessons.moves`).
Booking for a student is the one action that waits for the server, because the person on the
phone wants to hear "booked" or why not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from instainstru_desktop.services.views import (
    BookingChecks,
    Changed,
    InstructorProfile,
    MutationOutcome,
)
from ui.lessons.booking_dialog import BookForStudentDialog
from ui.lessons.cancel_dialog import CancelLessonDialog
from ui.lessons.flow import Say
from ui.lessons.moves import Moves
from ui.lessons.outcomes import Outcomes
from ui.shell.session import Session

log = logging.getLogger(__name__)


def policy_text(profile: InstructorProfile) -> str:
    """The cancellation and booking rules in a sentence the instructor can read to a student."""
    from instainstru_desktop.services.profile import minutes_text  # the store: not at start-up

    notice = minutes_text(profile.min_notice_minutes)
    text = (
        f"Lessons can be booked from {notice} ahead and up to {profile.booking_horizon_days} "
        "days ahead. Cancelled lessons are listed with their reason; the student is told."
    )
    if profile.buffer_minutes:
        text += f" {profile.buffer_minutes} minutes are kept free around each lesson."
    return text


class LessonActions(QObject):
    """Runs lesson use cases and tells the pages what changed."""

    changed = Signal(object)  # Changed

    def __init__(
        self, session: Session, parent_widget: QWidget, undo_stack: QUndoStack, say: Say
    ) -> None:
        super().__init__(parent_widget)
        self.session = session
        self.parent_widget = parent_widget
        self.undo_stack = undo_stack
        self.say = say
        self.outcomes = Outcomes(session, undo_stack, say, self._zone, self)
        self.outcomes.changed.connect(self.changed)
        self.moves = Moves(session, undo_stack, say, self._zone, self)
        self.moves.changed.connect(self.changed)

    def _run(self, fn: Callable[[], Changed], what: str) -> None:
        self.session.ops.run_db(fn, self.changed.emit, what=what)

    def complete(self, booking_id: str) -> None:
        self.outcomes.mark(booking_id, "completed")

    def no_show(self, booking_id: str) -> None:
        self.outcomes.mark(booking_id, "no_show")

    def correct(self, booking_id: str, status: str) -> None:
        """Record the other outcome of a lesson marked wrongly."""
        self.outcomes.correct(booking_id, status)

    def ask_move(self, booking_id: str) -> None:
        """"Move…": offer the lesson's free times, then move it to the one picked."""
        self.moves.ask(booking_id, self.parent_widget)

    def move_to(self, booking_id: str, start: datetime) -> None:
        """Move a lesson to ``start`` (a drop in the week view), undoably."""
        self.moves.move(booking_id, start)

    def cancel(self, booking_id: str, reason: str | None = None) -> None:
        """Cancel with a reason; without one, ask for it first (with the lesson in view)."""
        lessons = self.session.services.lessons
        if reason is not None:
            self._run(lambda: lessons.cancel(booking_id, reason), "cancelling the lesson")
            return

        def ask(detail: Any) -> None:
            zone = self._zone()
            answer = CancelLessonDialog.ask(self.parent_widget, detail.lesson, zone)
            if answer is not None:
                self.cancel(booking_id, answer)

        self.session.ops.run_db(lambda: lessons.detail(booking_id), ask, what="opening the lesson")

    def note(self, booking_id: str, text: str) -> None:
        lessons = self.session.services.lessons
        self._run(lambda: lessons.note(booking_id, text), "saving the note")

    def _zone(self) -> str:
        return self.session.core.identity.time_zone if self.session.is_ready else "UTC"

    # -- booking for a student --------------------------------------------------------------

    def book(self, start: datetime) -> None:
        """Fetch the choices first, then open the dialog (never a dialog that loads itself)."""
        iid = self.session.instructor_id
        if iid is None:
            return
        services = self.session.services

        def fetch() -> tuple[Any, Any, InstructorProfile, BookingChecks]:
            return (
                services.lessons.students(),
                services.lessons.lesson_types(iid),
                services.profile.profile(iid),
                services.schedule.booking_checks(iid, start),
            )

        self.session.ops.run_db(
            fetch, lambda got: self._ask_booking(iid, start, *got), what="preparing the booking"
        )

    def _ask_booking(
        self,
        iid: str,
        start: datetime,
        students: Any,
        types: Any,
        profile: InstructorProfile,
        checks: BookingChecks,
    ) -> None:
        choice = BookForStudentDialog.ask(
            self.parent_widget,
            start=start,
            instructor_zone=profile.time_zone,
            students=students,
            lesson_types=types,
            policy_text=policy_text(profile),
            checks=checks,
        )
        if choice is None:
            return
        lessons = self.session.services.lessons

        def booked(changed: Changed) -> None:
            self.changed.emit(changed)
            if changed.mutation_ids:
                self.session.sync_now(lambda _r: self._tell_outcome(changed))

        self.session.ops.run_db(
            lambda: lessons.book_for_student(iid, choice.student_id, choice.lesson_type_id,
                                             choice.start),
            booked,
            what="booking the lesson",
        )

    def _tell_outcome(self, booked: Changed) -> None:
        status, mutation_id = self.session.services.status, booked.mutation_ids[-1]
        self.session.ops.run_db(
            lambda: status.outcome(mutation_id),
            lambda outcome: self._show_outcome(outcome, booked),
            what="reading the answer",
        )

    def _show_outcome(self, outcome: MutationOutcome, booked: Changed) -> None:
        if outcome.state == "applied":
            title, text, icon = "Lesson booked", "The server confirmed the lesson. The student "\
                "sees it in their bookings.", QMessageBox.Icon.Information
        elif outcome.state == "rejected":
            title, text, icon = "Not booked", outcome.message or "The server refused the "\
                "booking.", QMessageBox.Icon.Warning
        else:
            title, text, icon = "Saved, not sent yet", (
                "The server cannot be reached right now. The booking is kept on this computer "
                "and sent as soon as the connection is back; if the slot is gone by then, it "
                "shows up under Needs attention."
            ), QMessageBox.Icon.Information
        box = QMessageBox(icon, title, text, parent=self.parent_widget)
        box.setObjectName("bookingOutcome")
        box.open()
        # the answer also changes the lesson (a refused booking disappears)
        lesson = Changed(dates=booked.dates, booking_ids=booked.booking_ids)
        QTimer.singleShot(0, lambda: self.changed.emit(lesson))
