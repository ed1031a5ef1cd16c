"""Lesson types: the kinds of lesson an instructor offers, added and edited offline.

A new lesson type gets its id here, so it is shown, edited again and offered for booking on
this computer before the server has seen it; the server keeps that id. Edits send only what
changed, so a price changed here and a colour changed on another device both survive. A lesson
type is never deleted: it stops being offered (lessons already booked keep it).

The week's lesson cards take their colour from the lesson type's row, so an edit returns
``Changed(everything=True)``: every view that shows a lesson reads it again.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from instainstru_desktop.protocol import AddLessonType, EditLessonType
from instainstru_desktop.services._base import UseCases, queue
from instainstru_desktop.services._marks import marks
from instainstru_desktop.services.errors import InvalidInputError, UnknownItemError
from instainstru_desktop.services.profile_checks import (
    LessonTypeDraft,
    draft_of,
    lesson_type_problems,
)
from instainstru_desktop.services.views import Changed, LessonTypeOption, SyncMark
from instainstru_desktop.store.records import LessonTypeRecord


class LessonTypeService(UseCases):
    """What the profile page reads and saves of the lesson types."""

    def lesson_types(self, instructor_id: str) -> list[LessonTypeOption]:
        """Every lesson type of the instructor, offered or not, with its sync marker."""
        with self._store.read() as uow:
            found = marks(uow, "lesson_type")
            return [
                _option(record, *found.of(record.id))
                for record in uow.catalog.lesson_types(instructor_id)
            ]

    def add(self, instructor_id: str, draft: LessonTypeDraft) -> tuple[str, Changed]:
        """Offer a new lesson type; its id (chosen here) and what changed on screen.

        Raises :class:`InvalidInputError` with the first thing wrong with ``draft``.
        """
        draft = _checked(draft)
        lesson_type_id = str(uuid.uuid4())
        change = AddLessonType(
            lesson_type_id=lesson_type_id, instructor_id=instructor_id, **asdict(draft)
        )
        with self._store.uow() as uow:
            if uow.catalog.instructor(instructor_id) is None:
                raise UnknownItemError("This instructor is not in your local data yet.")
            mutation_id = queue(uow, change)
            uow.commit()
        return lesson_type_id, self._done(Changed(everything=True, mutation_ids=(mutation_id,)))

    def edit(self, lesson_type_id: str, draft: LessonTypeDraft) -> Changed:
        """Make the lesson type what ``draft`` says; only the fields that differ are sent, and
        nothing at all when none does."""
        draft = _checked(draft)
        with self._store.uow() as uow:
            record = uow.catalog.lesson_type(lesson_type_id)
            if record is None:
                raise UnknownItemError("This lesson type is not in your local data any more.")
            current = asdict(draft_of(_option(record)))
            changed = {k: v for k, v in asdict(draft).items() if current[k] != v}
            if not changed:
                return Changed()
            mutation_id = queue(uow, EditLessonType(lesson_type_id=lesson_type_id, **changed))
            uow.commit()
        return self._done(Changed(everything=True, mutation_ids=(mutation_id,)))


def _checked(draft: LessonTypeDraft) -> LessonTypeDraft:
    draft = draft.normalized()
    problems = lesson_type_problems(draft)
    if problems:
        raise InvalidInputError(" ".join(problems.values()))
    return draft


def _option(
    record: LessonTypeRecord, mark: SyncMark = SyncMark.SYNCED, why: str = ""
) -> LessonTypeOption:
    return LessonTypeOption(
        record.id,
        record.name,
        record.duration_minutes,
        record.price_cents,
        record.currency,
        record.color,
        bool(record.active),
        mark,
        why,
    )
