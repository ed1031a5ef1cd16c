"""Moving a lesson to another time, undoably, from the Move… picker or a drag in the week.

The move is judged by the booking rules from local data before it is queued, and queued like
every change (it works offline; a refusal by the server when it arrives shows under Needs
attention and the lesson goes back). Undo takes the queued move back while it is unsent; once
the server has it, undo moves the lesson back, if its old time is still allowed.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QWidget

from instainstru_desktop.services.views import Changed, LessonCard, MoveOptions
from ui.lessons.commands import LessonCommand, drop, take_back
from ui.lessons.flow import LessonFlow
from ui.lessons.move_dialog import MoveLessonDialog


class Moves(LessonFlow):
    """Moves lessons for whichever view asked."""

    def ask(self, booking_id: str, parent: QWidget | None) -> None:
        """Fetch the lesson's free times (its booking window), then offer them to pick from."""
        services = self.session.services

        def fetch() -> tuple[LessonCard, MoveOptions]:
            return services.lessons.card(booking_id), services.schedule.move_choices(booking_id)

        def chosen(found: tuple[LessonCard, MoveOptions]) -> None:
            card, options = found
            start = MoveLessonDialog.ask(parent, lesson=card, options=options)
            if start is not None:
                self.move(booking_id, start)

        what = "finding free times"
        self.session.ops.run_db(fetch, chosen, lambda exc: self._refused(exc, what), what=what)

    def move(self, booking_id: str, start: datetime) -> None:
        """Move a lesson to ``start`` (checked by the rules first), undoably."""
        services = self.session.services

        def work() -> tuple[LessonCard, Changed, LessonCard]:
            before = services.lessons.card(booking_id)
            changed = services.schedule.move(booking_id, start)
            return before, changed, services.lessons.card(booking_id)

        def done(result: tuple[LessonCard, Changed, LessonCard]) -> None:
            before, changed, after = result
            self.changed.emit(changed)
            command = LessonCommand(
                f"Move {after.student_name}'s lesson to {self._when(after)}",
                undo=lambda c: self._take_back(c, booking_id, before.start),
                redo=lambda c: self._run_again(
                    c, lambda: services.schedule.move(booking_id, start)
                ),
            )
            self.stack.push(command)
            self._say_done(
                f"{after.student_name}'s lesson is moved to {self._when(after)}.", command
            )

        def refused(exc: BaseException) -> None:
            from instainstru_desktop.services.errors import ServiceError

            if isinstance(exc, ServiceError):
                self.say(f"Not moved: {exc.message}", tone="warning")
            else:
                self.session.ops.present(exc, "moving the lesson")

        self.session.ops.run_db(work, done, refused, what="moving it")

    def _take_back(self, command: LessonCommand, booking_id: str, was: datetime) -> None:
        """Undo: take the move back while unsent, else move the lesson back to its old time."""
        services = self.session.services

        def done(result: tuple[Changed, LessonCard]) -> None:
            changed, card = result
            self.changed.emit(changed)
            self.say(f"{card.student_name}'s lesson is back at {self._when(card)}.")

        def back_again() -> tuple[Changed, LessonCard]:
            return services.schedule.move(booking_id, was), services.lessons.card(booking_id)

        def failed(exc: BaseException) -> None:
            from instainstru_desktop.services.errors import AlreadySentError, InFlightError

            if isinstance(exc, AlreadySentError | InFlightError):  # the server has it: move back
                self.session.ops.run_db(back_again, done, cannot, what="moving the lesson back")
                return
            cannot(exc)

        def cannot(exc: BaseException) -> None:
            drop(self.stack, command)
            self._refused(exc, "moving the lesson back")

        def withdraw() -> tuple[Changed, LessonCard]:
            from instainstru_desktop.protocol import RescheduleLesson  # loaded with the core

            changed = services.lessons.withdraw(booking_id, RescheduleLesson)
            return changed, services.lessons.card(booking_id)

        take_back(self.session, withdraw, done, failed, what="taking the move back")
