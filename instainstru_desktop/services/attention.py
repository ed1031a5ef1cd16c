"""The needs-attention list: conflicts the server recorded and edits it refused, with ways out.

Items are named ``conflict:<id>``, ``mutation:<outbox id>`` or ``notice:<id>`` (something a
repair settled that the person must hear about: it can only be dismissed). The ways out:

- ``keep``: a conflict is resolved as "kept" (the lesson stays, the hours stay); a refused edit
  is dismissed (the server's truth, already shown, stands);
- ``cancel``: cancel the lesson concerned, with a reason;
- ``reapply``: send a refused edit again as a new change (e.g. "my hours" after the server
  refused them), or resolve a conflict as "reapplied". For a clash of two edits (another change
  to the same hours or note came first, and the server kept it) this is "use mine": the
  person's version, recorded with the clash, is sent again on what is shown now
  (:mod:`.clashes`), so it works from any device of the instructor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal
from zoneinfo import ZoneInfo

from instainstru_desktop.domain import BookingAction
from instainstru_desktop.protocol import (
    CHANGE_TYPES,
    AddDateHours,
    BookLesson,
    CancelLesson,
    Change,
    ClearDateHours,
    CompleteLesson,
    MarkNoShow,
    NoteLesson,
    RemoveDateHours,
    RescheduleLesson,
    ResolveConflict,
    ReviewBooking,
    SetDateHours,
    SetUsualWeek,
    UpdatePolicy,
    UpdateProfile,
    change_from_args,
)
from instainstru_desktop.services import clashes
from instainstru_desktop.services._base import (
    UseCases,
    booking_or_raise,
    changed_subjects,
    check_action,
    queue,
    touched,
)
from instainstru_desktop.services._convert import parse_instant, safe_zone
from instainstru_desktop.services._marks import lesson_cards
from instainstru_desktop.services.errors import InvalidInputError, UnknownItemError
from instainstru_desktop.services.views import AttentionItem, Changed, LessonCard
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.mirror import instant
from instainstru_desktop.store.records import ConflictRecord
from instainstru_desktop.store.repositories.notices import NoticeRecord
from instainstru_desktop.store.repositories.outbox import OutboxMutation

#: What a refused change was, to start the sentence that says it was refused.
_WHAT: dict[type[Change], str] = {
    SetDateHours: "Your hours for {day}",
    AddDateHours: "Hours you added on {day}",
    RemoveDateHours: "Hours you removed on {day}",
    ClearDateHours: "Returning {day} to your usual week",
    SetUsualWeek: "Your usual week",
    CompleteLesson: "Marking {lesson} as given",
    MarkNoShow: "Marking {lesson} as a no-show",
    CancelLesson: "Cancelling {lesson}",
    NoteLesson: "Your note on {lesson}",
    RescheduleLesson: "Moving {lesson}",
    BookLesson: "Booking {lesson}",
    ReviewBooking: "The review flag on {lesson}",
    ResolveConflict: "Settling a clash",
    UpdatePolicy: "Your booking rules",
    UpdateProfile: "Your time zone",
}
Resolution = Literal["kept", "cancelled", "reapplied"]


@dataclass(frozen=True)
class OpenItems:
    """What needs attention, with the server's record of a refusal paired to the local edit.

    For an instructor, the server records each refused edit as a ``rejected_mutation``
    conflict (so every device of the instructor sees it), while this device also keeps the
    refused outbox row (with the edit's arguments, needed to send it again). A pair is shown
    once, under the conflict's id; settling it settles both. (A clash is only ever shown as
    the server's record: it holds the change, and the sync sets the refusal aside at once.)
    """

    conflicts: list[ConflictRecord]
    refusals: list[OutboxMutation]  # refused here, not (yet) paired with a server record
    pairs: dict[str, OutboxMutation]  # conflict id -> the refused edit it records
    notices: list[NoticeRecord]

    @property
    def count(self) -> int:
        return len(self.conflicts) + len(self.refusals) + len(self.notices)


def open_items(uow: UnitOfWork, instructor_id: str | None = None) -> OpenItems:
    conflicts = uow.conflicts.unresolved(instructor_id)
    refusals = [
        m
        for m in uow.refusals.rejected()
        if instructor_id is None or m.args.get("instructor_id") in (None, instructor_id)
    ]
    pairs: dict[str, OutboxMutation] = {}
    for conflict in conflicts:
        if conflict.kind != "rejected_mutation":
            continue
        for mutation in refusals:
            booking = mutation.args.get("booking_id")
            if _records(conflict, mutation.name) and conflict.booking_id in (None, booking):
                pairs[conflict.id] = mutation
                refusals.remove(mutation)
                break
    return OpenItems(conflicts, refusals, pairs, uow.notices.open())


class AttentionService(UseCases):
    """What the needs-attention panel calls."""

    def items(self, instructor_id: str | None = None) -> list[AttentionItem]:
        """Open conflicts and refused edits (of one instructor, or all), oldest first."""
        with self._store.read() as uow:
            found = open_items(uow, instructor_id)
            items = [self._conflict_item(uow, c, found.pairs.get(c.id)) for c in found.conflicts]
            items.extend(self._mutation_item(uow, m) for m in found.refusals)
        items.extend(
            AttentionItem(
                item_id=f"notice:{n.id}",
                kind=n.kind,
                message=n.message,
                created_at=parse_instant(n.created_at),
                actions=("keep",),
            )
            for n in found.notices
        )
        return sorted(items, key=lambda i: i.created_at)

    def count(self) -> int:
        with self._store.read() as uow:
            return open_items(uow).count

    def keep(self, item_id: str) -> Changed:
        """Accept things as they are now."""
        kind, key = _split(item_id)
        with self._store.uow() as uow:
            if kind == "notice":
                if not key.isdigit() or not uow.notices.dismiss(int(key)):
                    raise UnknownItemError("This notice has already been dismissed.")
                changed = Changed(attention=True)
            elif kind == "conflict":
                changed = self._resolve(uow, key, "kept", None)
            else:
                mutation = self._rejected(uow, key)
                uow.refusals.dismiss(mutation.mutation_id)
                subjects = uow.outbox.subjects_of(mutation.mutation_id)
                changed = changed_subjects(uow, subjects)
            uow.commit()
        return self._done(changed)

    def cancel_lesson(self, item_id: str, reason: str) -> Changed:
        """Cancel the lesson the item is about, with a reason the student sees."""
        reason = reason.strip()
        if not reason:
            raise InvalidInputError("Say why the lesson is cancelled; the student will see it.")
        kind, key = _split(item_id, decisions=True)
        with self._store.uow() as uow:
            if kind == "conflict" and self._conflict(uow, key).booking_id:
                changed = self._resolve(uow, key, "cancelled", reason)
            else:
                mutation = self._pair(uow, key) if kind == "conflict" else self._rejected(uow, key)
                booking_id = mutation.args.get("booking_id") if mutation else None
                if not booking_id:
                    raise InvalidInputError("This change is not about a lesson.")
                record = booking_or_raise(uow, str(booking_id))
                check_action(record, BookingAction.CANCEL)
                change = CancelLesson(booking_id=record.id, reason=reason)
                mutation_id = queue(uow, change, base_version=record.version)
                changed = touched(uow, record, mutation_id) | Changed(attention=True)
                if kind == "conflict":
                    changed |= self._resolve(uow, key, "kept", None)
                elif mutation is not None:
                    uow.refusals.dismiss(mutation.mutation_id)
            uow.commit()
        return self._done(changed)

    def reapply(self, item_id: str) -> Changed:
        """Try again: send a refused edit once more (and settle its record as "reapplied").

        A clash's change ("use mine") comes from the server's record, so any device can send
        it; every change sent again goes on what is shown now, so it is not refused for a clash
        with what the person has just seen and chosen to replace.
        """
        kind, key = _split(item_id, decisions=True)
        with self._store.uow() as uow:
            mutation = self._pair(uow, key) if kind == "conflict" else self._rejected(uow, key)
            change = None
            if kind == "conflict" and clashes.is_clash(self._conflict(uow, key)):
                change = clashes.change_of(self._conflict(uow, key))
            elif mutation is not None:
                change = change_from_args(mutation.name, mutation.args)
            changed = Changed(attention=True)
            if mutation is not None:
                uow.refusals.dismiss(mutation.mutation_id)
            again = clashes.rebased(uow, change) if change is not None else None
            if again is not None:  # None: what it asked for is already so
                fallback = mutation.base_version if mutation is not None else None
                base = clashes.base_version(uow, again, fallback)
                mutation_id = queue(uow, again, base_version=base)
                subjects = uow.outbox.subjects_of(mutation_id)
                changed = changed_subjects(uow, subjects, mutation_id)
            if kind == "conflict":
                changed |= self._resolve(uow, key, "reapplied", None)
            uow.commit()
        return self._done(changed)

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _conflict(uow: UnitOfWork, conflict_id: str) -> ConflictRecord:
        conflict = uow.conflicts.get(conflict_id)
        if conflict is None or conflict.resolved:
            raise UnknownItemError("This clash has already been settled.")
        return conflict

    @staticmethod
    def _pair(uow: UnitOfWork, conflict_id: str) -> OutboxMutation | None:
        return open_items(uow).pairs.get(conflict_id)

    def _resolve(
        self, uow: UnitOfWork, conflict_id: str, resolution: Resolution, reason: str | None
    ) -> Changed:
        conflict = self._conflict(uow, conflict_id)
        paired = self._pair(uow, conflict_id)
        if paired is not None:
            uow.refusals.dismiss(paired.mutation_id)
        change = ResolveConflict(conflict_id=conflict_id, resolution=resolution, reason=reason)
        subjects = [("conflict", conflict_id)]
        record = None
        if resolution == "cancelled" and conflict.booking_id:
            record = booking_or_raise(uow, conflict.booking_id)
            check_action(record, BookingAction.CANCEL)
            subjects.append(("booking", conflict.booking_id))
        mutation_id = queue(uow, change, subjects=subjects)
        if record is not None:
            return touched(uow, record, mutation_id) | Changed(attention=True)
        return Changed(attention=True, mutation_ids=(mutation_id,))

    @staticmethod
    def _rejected(uow: UnitOfWork, key: str) -> OutboxMutation:
        mutation = uow.outbox.get(int(key)) if key.isdigit() else None
        if mutation is None or mutation.status != "rejected" or mutation.dismissed:
            raise UnknownItemError("This refused change has already been dealt with.")
        return mutation

    @staticmethod
    def _lesson(uow: UnitOfWork, booking_id: str | None) -> LessonCard | None:
        if not booking_id:
            return None
        record = uow.bookings.get(booking_id)
        return lesson_cards(uow, [record])[0] if record else None

    def _conflict_item(
        self, uow: UnitOfWork, conflict: ConflictRecord, refused: OutboxMutation | None
    ) -> AttentionItem:
        if refused is not None and not clashes.is_clash(conflict):
            # the server's record of an edit refused here: say what it was
            item = self._mutation_item(uow, refused)
            return AttentionItem(
                item_id=f"conflict:{conflict.id}",
                kind=conflict.kind,
                message=item.message,
                created_at=item.created_at,
                booking_id=item.booking_id,
                lesson=item.lesson,
                actions=item.actions,
            )
        lesson = self._lesson(uow, conflict.booking_id)
        if clashes.is_clash(conflict):
            kept, mine = clashes.versions(conflict)
            return AttentionItem(
                item_id=f"conflict:{conflict.id}",
                kind=conflict.kind,
                message=conflict.message,
                created_at=parse_instant(conflict.created_at or uow.now_text()),
                booking_id=conflict.booking_id,
                lesson=lesson,
                actions=("keep", "reapply"),
                kept=kept,
                mine=mine,
            )
        cancellable = lesson is not None and lesson.status == "confirmed"
        actions: tuple[str, ...] = ("keep", "cancel") if cancellable else ("keep",)
        if conflict.kind == "outside_availability":
            actions += ("reapply",)
        return AttentionItem(
            item_id=f"conflict:{conflict.id}",
            kind=conflict.kind,
            message=conflict.message,
            created_at=parse_instant(conflict.created_at or uow.now_text()),
            booking_id=conflict.booking_id,
            lesson=lesson,
            actions=actions,
        )

    def _mutation_item(self, uow: UnitOfWork, mutation: OutboxMutation) -> AttentionItem:
        booking_id = mutation.args.get("booking_id")
        lesson = self._lesson(uow, str(booking_id) if booking_id else None)
        instructor = uow.catalog.instructor(str(mutation.args.get("instructor_id", "")))
        tz = safe_zone(instructor.time_zone) if instructor else None
        what = _describe(mutation, lesson, tz)
        reason = mutation.last_error or "the server refused it"
        actions: tuple[str, ...] = ("keep", "reapply")
        if lesson is not None and lesson.status == "confirmed":
            actions = ("keep", "cancel", "reapply")
        return AttentionItem(
            item_id=f"mutation:{mutation.mutation_id}",
            kind="rejected_mutation",
            message=f"{what} was not accepted: {reason}",
            created_at=parse_instant(mutation.created_at),
            booking_id=str(booking_id) if booking_id else None,
            lesson=lesson,
            actions=actions,
        )


def _records(conflict: ConflictRecord, name: str) -> bool:
    """Whether the server's record of a refusal is about a change of kind ``name``.

    The record says what was refused the way a person would (``Change.summary``); servers
    before that named the kind in parentheses, and their records are still paired.
    """
    kind = CHANGE_TYPES.get(name)
    if kind is not None and conflict.message.startswith(f"{kind.summary} was not applied"):
        return True
    return f"({name})" in conflict.message


def _split(item_id: str, *, decisions: bool = False) -> tuple[str, str]:
    """``decisions``: the item must offer a decision (a notice can only be dismissed)."""
    kind, _, key = item_id.partition(":")
    if kind not in ("conflict", "mutation", "notice") or not key:
        raise UnknownItemError(f"Unknown attention item {item_id!r}.")
    if decisions and kind == "notice":
        raise InvalidInputError("This notice can only be dismissed.")
    return kind, key


def _describe(mutation: OutboxMutation, lesson: LessonCard | None, tz: ZoneInfo | None) -> str:
    kind = CHANGE_TYPES.get(mutation.name)
    template = _WHAT.get(kind, "A change") if kind is not None else "A change"
    day = str(mutation.args.get("date", ""))
    if day:
        day = date.fromisoformat(day).strftime("%a %d %b")
    if lesson is not None:
        start = lesson.start.astimezone(tz) if tz else lesson.start
        text = f"the lesson with {lesson.student_name} on {start:%a %d %b %H:%M}"
    elif "start" in mutation.args:  # a lesson that never made it to the server
        start = parse_instant(instant(str(mutation.args["start"])))
        text = f"a lesson on {(start.astimezone(tz) if tz else start):%a %d %b %H:%M}"
    else:
        text = "a lesson"
    return template.format(day=day, lesson=text)
