"""What an admin does to bookings: flag, clear a flag, cancel, move, one or many, and undo.

Every action asks first (with what it will do read beforehand: how many lessons, whom it
tells, the free times), then runs on the database thread through ``ops`` and queues its changes
in the outbox, so it works offline. ``changed`` tells the pages what to read again; the actions
of the session stay on an undo list (Edit ▸ Undo) for as long as they can be taken back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from instainstru_desktop.services.review_views import BulkPreview, Done, ReviewDetail, Undo
from instainstru_desktop.services.views import Changed
from ui.admin.dialogs import CancelDialog, FlagDialog, MoveDialog

if TYPE_CHECKING:
    from ui.shell.session import Session

#: How far ahead the move dialog offers free times.
MOVE_DAYS = 28


class AdminActions(QObject):
    """Runs the admin's actions and keeps what can be undone."""

    changed = Signal(object)  # Changed
    undoChanged = Signal(object)  # noqa: N815 - what Undo would take back (None: nothing)
    told = Signal(str)  # a sentence for the status bar

    def __init__(self, session: Session, parent: QWidget) -> None:
        super().__init__(parent)
        self._session = session
        self._parent = parent
        self._undo: list[Undo] = []

    # -- flags --------------------------------------------------------------------------------

    def flag(self, booking_ids: Sequence[str], note: str = "") -> None:
        """Flag bookings for review, with a note (asked for first)."""
        ids = list(booking_ids)
        if not ids:
            return
        chosen = FlagDialog.ask(self._parent, len(ids), note)
        if chosen is None:
            return
        admin = self._services().admin
        self._run(lambda: admin.review_many(ids, True, chosen), "flagging lessons")

    def unflag(self, booking_ids: Sequence[str]) -> None:
        ids = list(booking_ids)
        if ids:
            admin = self._services().admin
            self._run(lambda: admin.review_many(ids, False), "clearing review flags")

    # -- cancel -------------------------------------------------------------------------------

    def cancel(self, booking_ids: Sequence[str]) -> None:
        """Read what cancelling would do and whom it tells, ask, then cancel."""
        ids = list(booking_ids)
        if not ids:
            return
        admin = self._services().admin
        self._session.ops.run_db(
            lambda: admin.preview(ids, "cancel"), self._ask_cancel, what="reading the lessons"
        )

    def _ask_cancel(self, preview: BulkPreview) -> None:
        if not preview.booking_ids:
            self.told.emit("None of the selected lessons is confirmed: nothing to cancel.")
            return
        reason = CancelDialog.ask(self._parent, preview)
        if reason is None:
            return
        admin, ids = self._services().admin, list(preview.booking_ids)
        self._run(lambda: admin.cancel_many(ids, reason), "cancelling lessons")

    # -- move ---------------------------------------------------------------------------------

    def move(self, booking_id: str) -> None:
        """Read the lesson and its instructor's free times, ask which, then move it."""
        services = self._services()

        def read() -> tuple[ReviewDetail, list[Any]]:
            detail = services.review.detail(booking_id)
            today = datetime.now(ZoneInfo(detail.instructor_zone)).date()
            return detail, services.reschedule.free_times(booking_id, today, MOVE_DAYS)

        self._session.ops.run_db(read, self._ask_move, what="finding free times")

    def _ask_move(self, found: tuple[ReviewDetail, list[Any]]) -> None:
        detail, starts = found
        lesson = detail.lesson
        summary = (
            f"{lesson.lesson_type_name} with {lesson.student_name}, taught by "
            f"{lesson.instructor_name}"
        )
        chosen = MoveDialog.ask(
            self._parent, summary, starts, detail.instructor_zone, lesson.student_time_zone
        )
        if chosen is None:
            return
        reschedule, booking_id = self._services().reschedule, lesson.booking_id

        def move() -> Done:
            changed = reschedule.reschedule(booking_id, chosen)
            return Done(changed, Undo("Move 1 lesson", changed.mutation_ids))

        self._run(move, "moving the lesson")

    # -- undo ---------------------------------------------------------------------------------

    @property
    def undo_text(self) -> str | None:
        return self._undo[-1].description if self._undo else None

    def undo(self) -> None:
        """Take the last action back (see ``AdminService.undo``)."""
        if not self._undo:
            return
        ticket = self._undo.pop()
        self.undoChanged.emit(self.undo_text)
        admin = self._services().admin

        def done(changed: Changed) -> None:
            self.told.emit(f"Undone: {ticket.description[0].lower()}{ticket.description[1:]}.")
            self.changed.emit(changed)

        self._session.ops.run_db(lambda: admin.undo(ticket), done, what="undoing")

    # -- helpers ------------------------------------------------------------------------------

    def _services(self) -> Any:
        return self._session.services

    def _run(self, work: Callable[[], Done], what: str) -> None:
        def done(result: Done) -> None:
            if result.undo.mutation_ids:
                self._undo.append(result.undo)
                self.undoChanged.emit(self.undo_text)
                self.told.emit(f"{result.undo.description}: done (Edit ▸ Undo takes it back).")
            else:
                self.told.emit("Nothing to change: the lessons were already so.")
            self.changed.emit(result.changed)

        self._session.ops.run_db(work, done, what=what)
