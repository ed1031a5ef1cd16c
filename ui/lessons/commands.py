"""Lesson changes on the undo stack.

A lesson change is made first (its use case runs on the database executor) and pushed once it
succeeded, so the stack never holds a change that did not happen. Undo and redo run use cases
off the UI thread too; their answers come later, so a command that turns out impossible to
undo (the change reached the server meanwhile) or to redo (someone cancelled the lesson) leaves
the stack then, through :func:`drop`, instead of lying about what Undo would do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtGui import QUndoCommand, QUndoStack

from ui.shell.session import Session

T = TypeVar("T")
#: How many sync attempts a take-back waits for before the change counts as sent.
IN_FLIGHT_WAITS = 3

#: Undo or redo of one command: runs its use case and, later, settles what happened.
Step = Callable[["LessonCommand"], None]


class LessonCommand(QUndoCommand):
    """A lesson change already made; ``undo`` and ``redo`` hand the work to their callables."""

    def __init__(self, text: str, *, undo: Step, redo: Step) -> None:
        super().__init__(text)
        self._undo = undo
        self._redo = redo
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # pushing "does" it: it was done before it was pushed
            self._pushed = True
            return
        self._redo(self)

    def undo(self) -> None:
        self._undo(self)


def alive(command: QUndoCommand) -> bool:
    """Whether the stack still holds the command (a dropped one is deleted with its C++ side)."""
    return shiboken6.isValid(command)


def drop(stack: QUndoStack, command: LessonCommand) -> None:
    """Take a command that can no longer be undone or redone off the stack.

    An obsolete command is deleted by the stack, without being run, the next time undo or redo
    reaches it; when it is the one right next to the stack's position, that is done now.
    """
    if not alive(command):
        return
    command.setObsolete(True)
    index = stack.index()
    if index < stack.count() and stack.command(index) is command:
        stack.redo()  # it was just undone: the stack drops it instead of redoing it
    elif index > 0 and stack.command(index - 1) is command:
        stack.undo()  # it was just redone: likewise


def take_back(
    session: Session,
    work: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None],
    *,
    what: str,
    waits: int = IN_FLIGHT_WAITS,
) -> None:
    """Run a use case that takes a queued change back (undo).

    While an attempt to send the change is under way, whether it left is known only once that
    attempt ends (offline, the app keeps trying, and a try that never connected carried
    nothing): ask again after the next sync report, which that attempt ends with.
    """
    from instainstru_desktop.services.errors import InFlightError

    def first(exc: BaseException) -> None:
        if not isinstance(exc, InFlightError) or waits <= 0:
            failed(exc)
            return

        def again(_report: Any) -> None:
            session.synced.disconnect(again)
            take_back(session, work, done, failed, what=what, waits=waits - 1)

        session.synced.connect(again)

    session.ops.run_db(work, done, first, what=what)
