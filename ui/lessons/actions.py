"""What can be done to a lesson, from whichever view asked: complete, no-show, correct, move,
cancel, note, book.

The week view's context menu, the lesson lists and detail pane and the needs-attention list all
end up here, so each action is written once: the use case runs on the database executor (it
works offline: the cache and the outbox change together) and ``changed`` says what it changed,
for every page that shows it. Outcomes and moves go on the undo stack and are told in the
window's notice (:mod:`ui.lessons.outcomes`, :mod:`ui.lessons.moves`).
Booking for a student is the one action that waits for the server, because the person on the
phone wants to hear "booked" or why not. The answer is a notice in the window, never a box to
click away: "Lesson booked" or "Saved, not sent yet" with Undo (which cancels the lesson, the
student told it was booked by mistake), or why the server refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from instainstru_desktop.services.errors import ServiceError
from instainstru_desktop.services.views import (
    BookingChecks,
    Changed,
    InstructorProfile,
    LessonTypeOption,
    MutationOutcome,
    SeriesPreview,
    StudentOption,
    WeeklyRequest,
)
from ui.lessons.booking_dialog import BookForStudentDialog, BookingChoice
from ui.lessons.cancel_dialog import CancelLessonDialog
from ui.lessons.flow import Say
from ui.lessons.moves import Moves
from ui.lessons.outcomes import Outcomes
from ui.lessons.series_flow import SeriesChanges
from ui.shell.session import Session

log = logging.getLogger(__name__)
#: The reason a booking undone from its notice gives the student.
UNDO_BOOKING_REASON = "Booked by mistake, sorry."


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
        self.series_changes = SeriesChanges(session, undo_stack, say, self._zone, self)
        self.series_changes.changed.connect(self.changed)

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

    def change_following(self, booking_id: str) -> None:
        """A weekly lesson's series gets another weekday or time from this lesson on."""
        self.series_changes.ask(booking_id, self.parent_widget)

    def cancel(self, booking_id: str, reason: str | None = None) -> None:
        """Cancel with a reason; without one, ask for it first (with the lesson in view)."""
        lessons = self.session.services.lessons
        if reason is not None:
            self._run(lambda: lessons.cancel(booking_id, reason), "cancelling the lesson")
            return

        def ask(detail: Any) -> None:
            zone = self._zone()
            if detail.lesson.series_id:
                scoped = CancelLessonDialog.ask_scope(self.parent_widget, detail.lesson, zone)
                if scoped is not None:
                    reason, following = scoped
                    if following:
                        self.cancel_following(booking_id, reason)
                    else:
                        self.cancel(booking_id, reason)
                return
            answer = CancelLessonDialog.ask(self.parent_widget, detail.lesson, zone)
            if answer is not None:
                self.cancel(booking_id, answer)

        self.session.ops.run_db(lambda: lessons.detail(booking_id), ask, what="opening the lesson")

    def cancel_following(self, booking_id: str, reason: str) -> None:
        """Cancel a weekly lesson and every later lesson of its series."""
        series = self.session.services.series
        self._run(
            lambda: series.cancel_from_lesson(booking_id, reason), "cancelling the weekly lessons"
        )

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

        def fetch() -> tuple[Any, Any, InstructorProfile, BookingChecks, Any]:
            return (
                services.lessons.students(),
                services.lessons.lesson_types(iid),
                services.profile.profile(iid),
                services.schedule.booking_checks(iid, start),
                services.series.terms(iid),
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
        terms: Any,
    ) -> None:
        choice = BookForStudentDialog.ask(
            self.parent_widget,
            start=start,
            instructor_zone=profile.time_zone,
            students=students,
            lesson_types=types,
            policy_text=policy_text(profile),
            checks=checks,
            instructor_id=iid,
            terms=terms,
            previewer=self._preview,
        )
        if choice is None:
            return
        lessons, series = self.session.services.lessons, self.session.services.series
        words = booking_words(choice, students, types, profile.time_zone)

        def booked(changed: Changed) -> None:
            self.changed.emit(changed)
            if changed.mutation_ids:
                weekly = choice.weekly is not None
                self.session.sync_now(lambda _r: self._tell_outcome(changed, words, weekly))

        if choice.weekly is not None:
            request = choice.weekly
            self.session.ops.run_db(
                lambda: series.book_weekly(request)[1], booked, what="booking the weekly lessons"
            )
            return
        self.session.ops.run_db(
            lambda: lessons.book_for_student(iid, choice.student_id, choice.lesson_type_id,
                                             choice.start),
            booked,
            what="booking the lesson",
        )

    def _preview(
        self, request: WeeklyRequest, show: Callable[[SeriesPreview | str], None]
    ) -> None:
        """The weekly form's preview, worked out on the database executor."""
        series = self.session.services.series
        self.session.ops.run_db(
            lambda: series.preview(request),
            show,
            lambda error: show(str(error) if isinstance(error, ServiceError) else ""),
            what="checking the weekly lessons",
        )

    def _tell_outcome(self, booked: Changed, words: str, weekly: bool = False) -> None:
        status, mutation_id = self.session.services.status, booked.mutation_ids[-1]
        self.session.ops.run_db(
            lambda: status.outcome(mutation_id),
            lambda outcome: self._show_outcome(outcome, booked, words, weekly),
            what="reading the answer",
        )

    def _show_outcome(
        self, outcome: MutationOutcome, booked: Changed, words: str, weekly: bool
    ) -> None:
        # Undo takes back one lesson; weekly lessons are cancelled as "this and following"
        booking_id = None if weekly else next(iter(booked.booking_ids), None)
        if outcome.state == "rejected":
            why = outcome.message or "The server refused the booking."
            self._tell(f"Not booked: {words}. {why}", tone="warning", stays=True)
        elif weekly and outcome.state == "applied":
            self._tell(
                f"Weekly lessons booked: {words}. Any the server could not book are listed "
                "under Needs attention, with why.",
                tone="success",
            )
        elif outcome.state == "applied":
            self._tell(
                f"Lesson booked: {words}. The student sees it in their bookings.",
                tone="success",
                undo=booking_id,
            )
        else:
            self._tell(
                f"Saved, not sent yet: {words}. It goes to the server when the connection is "
                "back; if the time is taken by then, it shows under Needs attention.",
                undo=booking_id,
            )
        # the answer also changes the lesson (a refused booking disappears)
        lesson = Changed(dates=booked.dates, booking_ids=booked.booking_ids)
        QTimer.singleShot(0, lambda: self.changed.emit(lesson))

    def _tell(
        self, text: str, *, tone: str = "info", undo: str | None = None, stays: bool = False
    ) -> None:
        self.say(
            text,
            tone=tone,
            action="Undo" if undo else None,
            on_action=(lambda: self._undo_booking(undo)) if undo else None,
            timeout_ms=0 if stays else None,
        )

    def _undo_booking(self, booking_id: str) -> None:
        """Take a booking back: cancel it, queued like any cancel (sent after the booking)."""
        lessons = self.session.services.lessons

        def undone(changed: Changed) -> None:
            self.changed.emit(changed)
            self._tell("Booking undone: the lesson is cancelled and the student is told.")

        self.session.ops.run_db(
            lambda: lessons.cancel(booking_id, UNDO_BOOKING_REASON),
            undone,
            what="undoing the booking",
        )


def booking_words(
    choice: BookingChoice,
    students: Sequence[StudentOption],
    types: Sequence[LessonTypeOption],
    zone: str,
) -> str:
    """ "Ana Xu · Piano lesson, Fri 11 Dec at 13:00" (the instructor's zone; "weekly from Fri
    11 Dec at 13:00" for weekly lessons)."""
    student = next((s.name for s in students if s.id == choice.student_id), "the student")
    kind = next((t.name for t in types if t.id == choice.lesson_type_id), "a lesson")
    start = choice.start.astimezone(ZoneInfo(zone))
    weekly = "weekly from " if choice.weekly is not None else ""
    return f"{student} · {kind}, {weekly}{start:%a %-d %b at %H:%M}"
