"""Moving a lesson with the mouse: drag its card, see where it lands and whether it may.

A press on a card is a click until the pointer travels the platform's drag distance; only a
lesson that may move (a confirmed one) starts a drag. While it lasts, a ghost of the card
follows the pointer on the 15-minute grid. Whether the booking rules allow the spot comes from
the service, from local data: the free starts of the shown week are asked for once when the drag
starts (``movePlanWanted``); a spot outside them is asked about once (``moveCheckWanted``) so the
ghost can say why. A drop on a spot known to be refused says why not (``dropRefused``) and
moves nothing; any other drop asks for the move (``lessonDropped``), which the rules check
again (and say why not, if the answer about the spot had not arrived yet); a drop back where
the lesson is does nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtWidgets import QApplication

from ui.calendar.geometry import Hit
from ui.calendar.state import MoveGhost
from ui.calendar.timeline import SLOT_MINUTES, LessonSegment

if TYPE_CHECKING:
    from instainstru_desktop.services.views import MoveOptions, Verdict
    from ui.calendar.week_view import WeekView

DAY = 24 * 60


class LessonDrag(QObject):
    """The lesson drag in progress, if any, of one week view."""

    def __init__(self, view: WeekView) -> None:
        super().__init__(view)
        self._view = view
        self._pressed: tuple[LessonSegment, QPointF, float] | None = None  # card, origin, grip
        self._active = False
        self._free: frozenset[datetime] | None = None  # from the service: None = not known yet
        self._verdicts: dict[datetime, Verdict] = {}
        self._target: datetime | None = None
        self._place: tuple[str, int, int, int, str] | None = None  # booking, day, start, ...

    @property
    def pressed(self) -> bool:
        return self._pressed is not None

    @property
    def active(self) -> bool:
        return self._active

    def press(self, hit: Hit, pos: QPointF) -> None:
        """A press on a card: it may become a drag, if the lesson may move at all."""
        from instainstru_desktop.domain import BookingStatus, offers  # not at the first paint

        segment = hit.segment
        if segment is None:
            return
        card = segment.card
        if not offers(BookingStatus(card.status), card.start, self._view.now()).move:
            return
        grip = self._view.week_geometry().minute_at_y(pos.y()) - segment.start
        self._pressed = (segment, QPointF(pos), grip)

    def move(self, pos: QPointF) -> None:
        if self._pressed is None:
            return
        segment, origin, _grip = self._pressed
        if not self._active:
            if (pos - origin).manhattanLength() < QApplication.startDragDistance():
                return
            self._begin(segment)
        self._follow(pos)

    def finish(self, pos: QPointF) -> None:
        """Release: move the lesson where the ghost says it may go, or say why not."""
        if not self._active:
            self._pressed = None
            return
        self._follow(pos)
        segment = self._pressed[0] if self._pressed else None
        ghost, target = self._view.state.move, self._target
        self.cancel()
        if ghost is None or target is None or segment is None or target == segment.card.start:
            return  # put back where it was: nothing to do, nothing to say
        if ghost.allowed is False and ghost.reason:
            self._view.dropRefused.emit(f"Not moved: {ghost.reason}")
        else:  # allowed, or why not is not known yet: the move checks again and says why not
            self._view.lessonDropped.emit(ghost.booking_id, target)

    def cancel(self) -> None:
        """End the drag without moving anything (Escape, another week shown)."""
        self._pressed = None
        self._active = False
        self._target = None
        self._place = None
        self._free = None
        self._verdicts.clear()
        if self._view.state.move is not None:
            self._view.state.move = None
            self._view.viewport().unsetCursor()
            self._view.viewport().update()

    def set_plan(self, options: MoveOptions) -> None:
        """The free starts of the dragged lesson arrived from the service."""
        if not self._active or self._booking() != options.booking_id:
            return
        self._free = frozenset(options.starts)
        self._judge()

    def set_verdict(self, booking_id: str, start: datetime, verdict: Verdict) -> None:
        """Why a spot is refused arrived from the service."""
        if not self._active or self._booking() != booking_id:
            return
        self._verdicts[start] = verdict
        self._judge()

    # -- helpers ----------------------------------------------------------------------------

    def _booking(self) -> str | None:
        return self._pressed[0].card.booking_id if self._pressed else None

    def _begin(self, segment: LessonSegment) -> None:
        self._active = True
        week = self._view.display_week()
        if week is None:
            return
        # the instructor's dates around the shown week (another zone may shift it by a day)
        first, last = week.dates[0] - timedelta(days=1), week.dates[-1] + timedelta(days=1)
        self._view.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        self._view.movePlanWanted.emit(segment.card.booking_id, first, last)

    def _follow(self, pos: QPointF) -> None:
        """Put the ghost on the grid spot under the pointer (the grip stays under it)."""
        assert self._pressed is not None
        segment, _origin, grip = self._pressed
        week = self._view.display_week()
        if week is None:
            return
        geo = self._view.week_geometry()
        card = segment.card
        minutes = max(1, round((card.end - card.start).total_seconds() / 60))
        wanted = geo.minute_at_y(pos.y()) - grip
        start = int(min(max(0, round(wanted / SLOT_MINUTES) * SLOT_MINUTES), DAY - SLOT_MINUTES))
        day = geo.clamp_day(pos.x())
        naive = datetime.combine(week.days[day].date, time()) + timedelta(minutes=start)
        self._target = naive.replace(tzinfo=week.zone).astimezone(UTC)
        end = (naive + timedelta(minutes=minutes)).time()
        label = f"{naive:%a %-d %b, %H:%M}–{end:%H:%M}"
        self._place = (card.booking_id, day, start, minutes, label)
        self._judge()

    def _judge(self) -> None:
        """Show the ghost with what the service said of its spot (asking about a new one)."""
        if self._place is None or self._target is None:
            return
        allowed, reason = self._verdict_of(self._target)
        student = self._pressed[0].card.student_name if self._pressed else ""
        ghost = MoveGhost(*self._place, allowed, reason, student)
        view = self._view
        if ghost == view.state.move:
            return
        view.state.move = ghost
        forbidden = allowed is False
        view.viewport().setCursor(
            Qt.CursorShape.ForbiddenCursor if forbidden else Qt.CursorShape.ClosedHandCursor
        )
        view.viewport().update()

    def _verdict_of(self, target: datetime) -> tuple[bool | None, str]:
        if self._pressed is not None and target == self._pressed[0].card.start:
            return False, "The lesson already starts at this time."
        if self._free is None:
            return None, ""
        if target in self._free:
            return True, ""
        verdict = self._verdicts.get(target)
        if verdict is None:
            from instainstru_desktop.services.views import Verdict  # not before the first paint

            self._verdicts[target] = Verdict(False)  # asked once per spot
            self._view.moveCheckWanted.emit(self._place[0] if self._place else "", target)
            return False, ""
        return False, verdict.message
