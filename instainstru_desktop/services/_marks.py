"""Sync markers of rows: pending (unsynced edit), conflict, rejected — read in one place."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from instainstru_desktop.services._convert import card
from instainstru_desktop.services.views import LessonCard, SyncMark
from instainstru_desktop.store import UnitOfWork
from instainstru_desktop.store.records import BookingRecord


@dataclass(frozen=True)
class Marks:
    """The marked keys of one entity; the sets are small (only rows needing a marker)."""

    pending: frozenset[str]
    conflicts: Mapping[str, tuple[str, str]]  # key -> (conflict kind, message)
    rejected: Mapping[str, str]

    def of(self, key: str) -> tuple[SyncMark, str]:
        """The marker of a row and why. A queued newer edit outranks an older problem; the
        server's record of a refused edit (``rejected_mutation``) marks it as refused."""
        if key in self.pending:
            return SyncMark.PENDING, ""
        if key in self.conflicts:
            kind, message = self.conflicts[key]
            if kind == "rejected_mutation":
                return SyncMark.REJECTED, self.rejected.get(key, message)
            return SyncMark.CONFLICT, message
        if key in self.rejected:
            return SyncMark.REJECTED, self.rejected[key]
        return SyncMark.SYNCED, ""


def marks(uow: UnitOfWork, entity: str) -> Marks:
    conflicts = uow.conflicts.unresolved_by_booking() if entity == "booking" else {}
    return Marks(
        frozenset(uow.changes.dirty_keys(entity)), conflicts, uow.refusals.rejected_keys(entity)
    )


def marks_of(uow: UnitOfWork, *entities: str) -> dict[str, Marks]:
    """The markers of several entities in three queries (a view reads them all at once)."""
    dirty = uow.changes.dirty_by_entity()
    rejected = uow.refusals.rejected_by_entity()
    conflicts = uow.conflicts.unresolved_by_booking() if "booking" in entities else {}
    return {
        entity: Marks(
            frozenset(dirty.get(entity, ())),
            conflicts if entity == "booking" else {},
            rejected.get(entity, {}),
        )
        for entity in entities
    }


def lesson_cards(
    uow: UnitOfWork,
    records: Iterable[BookingRecord],
    instructor_names: Mapping[str, str] | None = None,
    booking_marks: Marks | None = None,
) -> list[LessonCard]:
    """Lesson cards with their sync markers and unread messages."""
    booking_marks = booking_marks or marks(uow, "booking")
    names = instructor_names or {}
    records = list(records)
    unread = unread_by_lesson(uow, [r.id for r in records])
    cards = []
    for record in records:
        mark, why = booking_marks.of(record.id)
        cards.append(
            card(
                record,
                mark=mark,
                mark_message=why,
                instructor_name=names.get(record.instructor_id, ""),
                unread=unread.get(record.id, 0),
            )
        )
    return cards


def unread_by_lesson(uow: UnitOfWork, lessons: Sequence[str] | None = None) -> dict[str, int]:
    """Lesson -> messages the signed-in person has not read (see ``MessageRepository``), of
    ``lessons`` (None: all)."""
    state = uow.sync_state.get()
    if not state.user_id or (lessons is not None and not lessons):
        return {}
    return uow.messages.unread_by_lesson(
        state.user_id, joined_only=state.role == "admin", lessons=lessons
    )
