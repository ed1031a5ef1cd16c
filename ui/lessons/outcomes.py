"""Marking how a lesson went, undoably, and correcting it afterwards; said in a notice.

- Marking (completed / no-show) goes on the undo stack. Undo takes the queued change back while
  it is unsent; once it reached the server it cannot be (the server keeps outcomes), so the
  command leaves the stack and the notice offers the correction instead.
- A correction (completed <-> no-show) goes on the stack too; its undo takes it back while unsent
  and otherwise corrects back, which the server always accepts.
- What happened is said in the window's notice, never in a box to click away.
"""

from __future__ import annotations

from instainstru_desktop.services.views import Changed, LessonCard
from ui.lessons.commands import LessonCommand, drop, take_back
from ui.lessons.flow import LessonFlow

#: How each outcome reads in a sentence, and the change that records it.
WORDS = {"completed": "completed", "no_show": "a no-show"}
OTHER = {"completed": "no_show", "no_show": "completed"}
CORRECT_LABEL = {"completed": "Correct to completed", "no_show": "Correct to no-show"}


class Outcomes(LessonFlow):
    """Marks and corrects outcomes for whichever view asked."""

    # -- marking ----------------------------------------------------------------------------

    def mark(self, booking_id: str, status: str) -> None:
        """Record how a lesson went (``completed`` / ``no_show``), undoably."""
        lessons = self.session.services.lessons
        use_case = lessons.complete if status == "completed" else lessons.no_show

        def done(result: tuple[Changed, LessonCard]) -> None:
            changed, card = result
            self.changed.emit(changed)
            command = LessonCommand(
                f"Mark {card.student_name}'s lesson {WORDS[status]}",
                undo=lambda c: self._take_back(c, booking_id, status, card.student_name),
                redo=lambda c: self._run_again(c, lambda: use_case(booking_id)),
            )
            self.stack.push(command)
            self._say_done(f"{self._lesson(card)} is marked {WORDS[status]}.", command)

        self._run(lambda: (use_case(booking_id), lessons.card(booking_id)), done, "marking it")

    def _take_back(
        self, command: LessonCommand, booking_id: str, status: str, student: str
    ) -> None:
        # the vocabulary of changes loads with the core, not before the first paint
        from instainstru_desktop.protocol import Change, CompleteLesson, MarkNoShow

        lessons = self.session.services.lessons
        marks: dict[str, type[Change]] = {"completed": CompleteLesson, "no_show": MarkNoShow}
        kind = marks[status]

        def done(result: tuple[Changed, LessonCard]) -> None:
            changed, card = result
            self.changed.emit(changed)
            self.say(f"{self._lesson(card)} is no longer marked {WORDS[status]}.")

        def failed(exc: BaseException) -> None:
            from instainstru_desktop.services.errors import AlreadySentError, InFlightError

            drop(self.stack, command)
            if not isinstance(exc, AlreadySentError | InFlightError):
                self._refused(exc, "taking it back")
                return
            other = OTHER[status]
            self.say(
                f"{student}'s lesson was already marked {WORDS[status]} on the server, so it "
                f"stays {WORDS[status]}. If it was in fact {WORDS[other]}, correct it.",
                tone="warning",
                action=CORRECT_LABEL[other],
                on_action=lambda: self.correct(booking_id, other),
            )

        take_back(
            self.session,
            lambda: (lessons.withdraw(booking_id, kind), lessons.card(booking_id)),
            done,
            failed,
            what="taking the outcome back",
        )

    # -- correcting -------------------------------------------------------------------------

    def correct(self, booking_id: str, status: str) -> None:
        """Record the other outcome of a lesson marked wrongly, undoably."""
        lessons = self.session.services.lessons

        def done(result: tuple[Changed, LessonCard]) -> None:
            changed, card = result
            self.changed.emit(changed)
            was = OTHER[status]
            command = LessonCommand(
                f"Correct {card.student_name}'s lesson to {WORDS[status]}",
                undo=lambda c: self._correct_back(c, booking_id, was),
                redo=lambda c: self._run_again(
                    c, lambda: lessons.correct_outcome(booking_id, status)
                ),
            )
            self.stack.push(command)
            self._say_done(
                f"{self._lesson(card)} is now recorded as {WORDS[status]}.", command
            )

        self._run(
            lambda: (lessons.correct_outcome(booking_id, status), lessons.card(booking_id)),
            done,
            "correcting it",
        )

    def _correct_back(self, command: LessonCommand, booking_id: str, was: str) -> None:
        """Undo of a correction: take it back while unsent, else correct back."""
        from instainstru_desktop.protocol import CorrectOutcome
        from instainstru_desktop.services.errors import AlreadySentError, InFlightError

        lessons = self.session.services.lessons

        def back() -> tuple[Changed, LessonCard]:
            try:
                changed = lessons.withdraw(booking_id, CorrectOutcome)
            except (AlreadySentError, InFlightError):
                changed = lessons.correct_outcome(booking_id, was)  # always allowed
            return changed, lessons.card(booking_id)

        def done(result: tuple[Changed, LessonCard]) -> None:
            changed, card = result
            self.changed.emit(changed)
            self.say(f"{self._lesson(card)} is recorded as {WORDS[was]} again.")

        def failed(exc: BaseException) -> None:
            drop(self.stack, command)
            self._refused(exc, "correcting it back")

        self.session.ops.run_db(back, done, failed, what="correcting the outcome back")
