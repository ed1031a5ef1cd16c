"""Lesson changes on the undo stack: done before they are pushed, and dropped from the stack
when an undo or redo turns out impossible (the answer comes later, off the UI thread)."""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from ui.calendar.commands import undo_if_latest
from ui.lessons.commands import LessonCommand, alive, drop


def command(calls: list[str], name: str) -> LessonCommand:
    return LessonCommand(
        name,
        undo=lambda c: calls.append(f"undo {name}"),
        redo=lambda c: calls.append(f"redo {name}"),
    )


def test_pushing_does_not_run_the_change_again(qapp):
    calls: list[str] = []
    stack = QUndoStack()
    stack.push(command(calls, "a"))
    assert calls == []  # it was made before it was pushed
    stack.undo()
    stack.redo()
    assert calls == ["undo a", "redo a"]


def test_a_command_that_cannot_be_undone_leaves_the_stack_after_its_undo(qapp):
    calls: list[str] = []
    stack = QUndoStack()
    first, second = command(calls, "a"), command(calls, "b")
    stack.push(first)
    stack.push(second)
    stack.undo()  # the answer: "already sent"
    drop(stack, second)
    assert not alive(second)
    assert (stack.count(), stack.index()) == (1, 1)
    assert not stack.canRedo()
    stack.undo()
    assert calls == ["undo b", "undo a"]  # the earlier one is still undone normally


def test_a_command_that_cannot_be_redone_leaves_the_stack_after_its_redo(qapp):
    calls: list[str] = []
    stack = QUndoStack()
    first = command(calls, "a")
    stack.push(first)
    stack.undo()
    stack.redo()  # the answer: "the lesson was cancelled meanwhile"
    drop(stack, first)
    assert (stack.count(), stack.index()) == (0, 0)


def test_a_command_further_away_is_dropped_when_the_stack_reaches_it(qapp):
    calls: list[str] = []
    stack = QUndoStack()
    first, second = command(calls, "a"), command(calls, "b")
    stack.push(first)
    stack.push(second)
    stack.undo()
    stack.undo()  # the person pressed Undo twice before the first answer came
    drop(stack, second)
    assert alive(second)  # not next to the position: it goes when redo reaches it
    stack.redo()
    stack.redo()
    assert calls == ["undo b", "undo a", "redo a"]
    assert not alive(second)
    assert stack.count() == 1
    drop(stack, second)  # dropping a gone command is harmless


def test_a_notices_undo_only_undoes_its_own_command(qapp):
    calls: list[str] = []
    stack = QUndoStack()
    first, second = command(calls, "a"), command(calls, "b")
    stack.push(first)
    stack.push(second)
    assert not undo_if_latest(stack, first)
    assert undo_if_latest(stack, second)
    assert calls == ["undo b"]
