"""Changing the time or weekday of a weekly lesson and all following, undoably.

Fetch first (the series' rule on the lesson's date), then open the form
(:class:`~ui.lessons.change_weekly_dialog.ChangeWeeklyDialog`) with its live preview, then queue
the change like every change: it works offline and shows at once. Undo takes it back while it
is unsent; once the server has it there is nothing to take back (the person changes the time
again), so the command leaves the stack and says so. What the server could not move when the
change arrived is listed under Needs attention.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from instainstru_desktop.domain.series import WeeklyRule
from instainstru_desktop.services.views import (
    Changed,
    SeriesPreview,
    SeriesRuleNow,
    WeeklyChange,
)
from ui.lessons.change_weekly_dialog import ChangeWeeklyDialog
from ui.lessons.commands import LessonCommand, drop, take_back
from ui.lessons.flow import LessonFlow


def rule_words(change: WeeklyChange) -> str:
    """ "every week on Wednesday at 11:00" """
    hours, minutes = (int(part) for part in change.time.split(":"))
    rule = WeeklyRule(
        0, change.from_date, change.weekdays, hours * 60 + minutes, change.every_weeks
    )
    return rule.describe()


class SeriesChanges(LessonFlow):
    """Changes weekly lessons from one of them on, for whichever view asked."""

    def ask(self, booking_id: str, parent: QWidget | None) -> None:
        series = self.session.services.series

        def chosen(rule: SeriesRuleNow) -> None:
            change = ChangeWeeklyDialog.ask(parent, rule=rule, previewer=self._preview)
            if change is not None:
                self.change(change, rule.student_name)

        what = "opening the weekly lessons"
        self.session.ops.run_db(
            lambda: series.rule_of_lesson(booking_id),
            chosen,
            lambda exc: self._refused(exc, what),
            what=what,
        )

    def _preview(self, change: WeeklyChange, show: Callable[[SeriesPreview | str], None]) -> None:
        from instainstru_desktop.services.errors import ServiceError

        series = self.session.services.series
        self.session.ops.run_db(
            lambda: series.preview_change(change),
            show,
            lambda exc: show(exc.message if isinstance(exc, ServiceError) else ""),
            what="checking the weekly lessons",
        )

    def change(self, change: WeeklyChange, student: str) -> None:
        """Queue ``change``, undoably; the notice says what happens next."""
        series = self.session.services.series
        queued: list[int] = []  # the change's id in the queue (a redo queues it again)

        def work() -> Changed:
            return series.change_following(
                change.series_id,
                change.from_date,
                change.weekdays,
                change.time,
                change.every_weeks,
            )

        def done(changed: Changed) -> None:
            queued[:] = list(changed.mutation_ids[-1:])
            self.changed.emit(changed)

        def first(changed: Changed) -> None:
            done(changed)
            words = f"{student}'s weekly lessons from {change.from_date:%a %-d %b}"
            command = LessonCommand(
                f"Change {words} to {rule_words(change)}",
                undo=lambda c: self._take_back(c, queued, words),
                redo=lambda c: self._again(c, work, done),
            )
            self.stack.push(command)
            self._say_done(
                f"{words} change to {rule_words(change)}. Any the server cannot move are "
                "listed under Needs attention, with why.",
                command,
            )

        what = "changing the weekly lessons"
        self.session.ops.run_db(work, first, lambda exc: self._refused(exc, what), what=what)

    def _again(
        self,
        command: LessonCommand,
        work: Callable[[], Changed],
        done: Callable[[Changed], None],
    ) -> None:
        def failed(exc: BaseException) -> None:
            drop(self.stack, command)
            self._refused(exc, "changing the weekly lessons again")

        self.session.ops.run_db(work, done, failed, what="changing the weekly lessons again")

    def _take_back(self, command: LessonCommand, queued: list[int], words: str) -> None:
        from instainstru_desktop.services.errors import AlreadySentError

        series = self.session.services.series

        def done(changed: Changed) -> None:
            self.changed.emit(changed)
            self.say(f"{words} are back at their old time.")

        def failed(exc: BaseException) -> None:
            drop(self.stack, command)
            if isinstance(exc, AlreadySentError):
                self.say(
                    f"The change of {words} has reached the server; change the weekly time "
                    "again to go back.",
                    tone="warning",
                )
            else:
                self._refused(exc, "taking the change back")

        if not queued:
            drop(self.stack, command)
            return
        take_back(
            self.session,
            lambda: series.withdraw_change(queued[0]),
            done,
            failed,
            what="taking the change back",
        )
