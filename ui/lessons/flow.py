"""What undoable lesson changes share: where they say things, and how a redo that the lesson
no longer allows leaves the stack.

Subclasses (:mod:`ui.lessons.outcomes`, :mod:`ui.lessons.moves`) make a change first, push it
once it succeeded (:class:`~ui.lessons.commands.LessonCommand`) and say what happened in the
window's notice, never in a box to click away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from instainstru_desktop.services.views import Changed, LessonCard
from ui.calendar.commands import is_latest, undo_if_latest
from ui.lessons import format as fmt
from ui.lessons.commands import LessonCommand, drop
from ui.shell.session import Session

if TYPE_CHECKING:
    from ui.widgets.notice_bar import Notice


class Say(Protocol):
    """Shows a notice in the window (:meth:`ui.widgets.notice_bar.NoticeBar.show_notice`)."""

    def __call__(
        self,
        text: str,
        *,
        tone: str = ...,
        action: str | None = ...,
        on_action: Callable[[], object] | None = ...,
        timeout_ms: int | None = ...,
    ) -> Notice: ...


class LessonFlow(QObject):
    """Runs lesson use cases undoably; ``changed`` says what each one changed."""

    changed = Signal(object)  # Changed

    def __init__(
        self,
        session: Session,
        stack: QUndoStack,
        say: Say,
        zone: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.stack = stack
        self.say = say
        self.zone = zone

    def _run_again(self, command: LessonCommand, use_case: Callable[[], Changed]) -> None:
        """Redo: run the use case again; if the lesson no longer allows it, the command goes."""

        def failed(exc: BaseException) -> None:
            drop(self.stack, command)
            self._refused(exc, "doing it again")

        self.session.ops.run_db(use_case, self.changed.emit, failed, what="redoing the change")

    def _run(
        self,
        work: Callable[[], tuple[Changed, LessonCard]],
        done: Callable[[tuple[Changed, LessonCard]], None],
        what: str,
    ) -> None:
        self.session.ops.run_db(work, done, lambda exc: self._refused(exc, what), what=what)

    def _say_done(self, text: str, command: QUndoCommand) -> None:
        """Say what was just done, with an Undo of ``command`` while it is the last thing done."""
        stack = self.stack
        notice = self.say(
            text, tone="success", action="Undo", on_action=lambda: undo_if_latest(stack, command)
        )
        notice.keep_action_while(stack.indexChanged, lambda: is_latest(stack, command))

    def _refused(self, exc: BaseException, what: str) -> None:
        """A refusal the person can act on is said in the notice; anything else is reported."""
        from instainstru_desktop.services.errors import ServiceError

        if isinstance(exc, ServiceError):
            self.say(exc.message, tone="warning")
        else:
            self.session.ops.present(exc, what)

    def _lesson(self, card: LessonCard) -> str:
        """ "Ana García's lesson (Tue 3 Mar, 14:00–15:00)"."""
        return f"{card.student_name}'s lesson ({self._when(card)})"

    def _when(self, card: LessonCard) -> str:
        return fmt.when(card, self.zone(), compact=True)
