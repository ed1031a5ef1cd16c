"""One pushed change: its arguments validated once, then applied by its type.

The arguments are checked against the vocabulary's own types (:mod:`instainstru_desktop.protocol`)
by one pydantic ``TypeAdapter`` per kind, so the limits a client checks before queueing are the
ones enforced here. They are read as JSON, strictly: a value keeps the JSON type it was written in
(no Unix time for an instant, no ``1`` for ``true``), and dates and instants are first held to the
text form their type states (:class:`~instainstru_desktop.protocol.fields.WireForm`). A refusal is
said in the vocabulary's words (:mod:`instainstru_desktop.protocol.wording`), never the
validator's: it ends up in front of the instructor, in the "needs attention" list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Annotated, Any, assert_never, cast, get_args, get_origin, get_type_hints
from uuid import UUID

import orjson
from pydantic import TypeAdapter, ValidationError

from instainstru_desktop.domain.bookings import BookingAction, BookingStatus
from instainstru_desktop.protocol import (
    CHANGE_TYPES,
    AddDateHours,
    AddLessonType,
    AllowWeeklyBooking,
    AnyChange,
    BookLesson,
    BookWeekly,
    CancelLesson,
    CancelWeekly,
    Change,
    ChangeWeekly,
    ClearDateHours,
    CompleteLesson,
    CorrectOutcome,
    DeleteTerm,
    EditLessonType,
    EditProfileText,
    MarkNoShow,
    MarkRead,
    NoteLesson,
    RemoveDateHours,
    RescheduleLesson,
    ResolveConflict,
    ReviewBooking,
    SendMessage,
    SetDateHours,
    SetTerm,
    SetUsualWeek,
    UpdatePolicy,
    UpdateProfile,
    change_types,
    wording,
)
from instainstru_desktop.protocol.fields import WireForm, has_words, is_text, is_visible
from instainstru_desktop.server.core.errors import Forbidden
from instainstru_desktop.server.repositories.uow import Tx
from instainstru_desktop.server.services import (
    availability,
    bookings,
    conflicts,
    instructors,
    messages,
    series,
    terms,
)
from instainstru_desktop.server.services.context import Caller
from instainstru_desktop.server.services.views import Json

_ADAPTERS: Mapping[str, TypeAdapter[Any]] = MappingProxyType(
    {kind.wire_name: TypeAdapter(kind) for kind in change_types()}
)


class RefusedChangeError(Exception):
    """A pushed change that is not one: unknown kind, or arguments outside its type."""

    def __init__(self, message: str, code: str = "validation_error") -> None:
        super().__init__(message)
        self.message, self.code = message, code


def decode(name: str, args: Mapping[str, Any]) -> AnyChange:
    """The change ``name`` with ``args`` stands for, or :class:`RefusedChangeError`."""
    adapter = _ADAPTERS.get(name)
    if adapter is None:
        raise RefusedChangeError(wording.unknown_kind(name))
    for field, form in _forms(CHANGE_TYPES[name]):
        text = args.get(field)
        if text is not None and not (isinstance(text, str) and form.matches(text)):
            raise RefusedChangeError(wording.wrong_form(field, form.example))
    try:
        return cast(AnyChange, adapter.validate_json(orjson.dumps(args), strict=True))
    except ValidationError as exc:
        raise RefusedChangeError(*refusal(exc)) from exc


def apply(tx: Tx, caller: Caller, change: AnyChange) -> Json:
    """Apply ``change`` inside ``tx``: one arm per kind (mypy checks none is missing)."""
    match change:
        case SetDateHours(instructor_id=who, date=day, ranges=ranges, base_ranges=base):
            hours = [(r.start, r.end) for r in ranges]
            seen = None if base is None else [(r.start, r.end) for r in base]
            return availability.set_date_in(tx, caller, _id(who), day, hours, seen)
        case AddDateHours(instructor_id=who, date=day, ranges=ranges):
            hours = [(r.start, r.end) for r in ranges]
            return availability.edit_date_in(tx, caller, _id(who), day, hours, opens=True)
        case RemoveDateHours(instructor_id=who, date=day, ranges=ranges):
            hours = [(r.start, r.end) for r in ranges]
            return availability.edit_date_in(tx, caller, _id(who), day, hours, opens=False)
        case ClearDateHours(instructor_id=who, date=day, base_ranges=base):
            seen = None if base is None else [(r.start, r.end) for r in base]
            return availability.clear_date_in(tx, caller, _id(who), day, seen)
        case SetUsualWeek(instructor_id=who, ranges=ranges):
            week = [(r.weekday, r.start, r.end) for r in ranges]
            return availability.set_template_in(tx, caller, _id(who), week)
        case CompleteLesson(booking_id=lesson):
            return bookings.transition_in(tx, caller, _id(lesson), BookingAction.COMPLETE)
        case MarkNoShow(booking_id=lesson):
            return bookings.transition_in(tx, caller, _id(lesson), BookingAction.NO_SHOW)
        case CorrectOutcome(booking_id=lesson, status=status):
            return bookings.correct_outcome_in(tx, caller, _id(lesson), BookingStatus(status))
        case CancelLesson(booking_id=lesson, reason=reason):
            return bookings.transition_in(tx, caller, _id(lesson), BookingAction.CANCEL, reason)
        case NoteLesson(booking_id=lesson, note=note, base_note=base):
            return bookings.note_in(tx, caller, _id(lesson), note, base)
        case RescheduleLesson(booking_id=lesson, start=start):
            return bookings.reschedule_in(tx, caller, _id(lesson), _utc(start))
        case BookLesson():
            return bookings.create_in(
                tx,
                caller,
                instructor_id=_id(change.instructor_id),
                lesson_type_id=_id(change.lesson_type_id),
                start=_utc(change.start),
                student_id=_id(change.student_id) if change.student_id else None,
                booking_id=_id(change.booking_id),
            )
        case ReviewBooking(booking_id=lesson, flagged=flagged, note=note):
            return bookings.review_in(tx, caller, _id(lesson), flagged, note)
        case ResolveConflict(conflict_id=conflict, resolution=resolution, reason=reason):
            return conflicts.resolve_in(tx, caller, _id(conflict), resolution, reason)
        case UpdatePolicy(instructor_id=who, policy=policy):
            return instructors.set_policy_in(tx, caller, _id(who), asdict(policy))
        case UpdateProfile(instructor_id=who, time_zone=time_zone):
            return instructors.update_profile_in(tx, caller, _id(who), {"time_zone": time_zone})
        case AllowWeeklyBooking(instructor_id=who, allowed=allowed):
            changes = {"students_book_weekly": allowed}
            return instructors.update_profile_in(tx, caller, _id(who), changes)
        case BookWeekly():
            return series.create_in(tx, caller, _weekly(change))
        case CancelWeekly(series_id=which, from_date=day, reason=reason):
            return series.cancel_in(tx, caller, _id(which), day, reason)
        case ChangeWeekly(series_id=which, from_date=day, weekdays=days, time=time):
            return series.change_in(tx, caller, _id(which), day, days, time, change.every_weeks)
        case SetTerm(term_id=term, instructor_id=who, name=name, first=first, last=last):
            gaps = [(b.first, b.last, b.name) for b in change.breaks]
            return terms.set_term_in(tx, caller, _id(term), _id(who), name, first, last, gaps)
        case DeleteTerm(term_id=term, instructor_id=who):
            return terms.delete_term_in(tx, caller, _id(term), _id(who))
        case SendMessage(message_id=message, booking_id=lesson, body=body):
            return messages.send_in(tx, caller, _id(lesson), _id(message), body)
        case MarkRead(booking_id=lesson, reader_id=reader, up_to=up_to):
            if _id(reader) != caller.signed_in.user_id:
                raise Forbidden("Only your own reading can be marked.")
            return messages.read_in(tx, caller, _id(lesson), up_to)
        case EditProfileText(instructor_id=who, name=name, bio=bio):
            return instructors.update_profile_in(tx, caller, _id(who), {"name": name, "bio": bio})
        case AddLessonType():
            values = _lesson_type_values(change)
            return instructors.add_lesson_type_in(
                tx, caller, _id(change.instructor_id), values, _id(change.lesson_type_id)
            )
        case EditLessonType():
            values = _lesson_type_values(change)
            return instructors.update_lesson_type_in(
                tx, caller, _id(change.lesson_type_id), values
            )
        case _:
            assert_never(change)


def _weekly(change: BookWeekly) -> series.WeeklyRequest:
    return series.WeeklyRequest(
        instructor_id=_id(change.instructor_id),
        lesson_type_id=_id(change.lesson_type_id),
        weekdays=change.weekdays,
        time=change.time,
        start_date=change.start_date,
        student_id=_id(change.student_id) if change.student_id else None,
        every_weeks=change.every_weeks,
        count=change.count,
        until=change.until,
        term_id=_id(change.term_id) if change.term_id else None,
        series_id=_id(change.series_id),
    )


def _lesson_type_values(change: AddLessonType | EditLessonType) -> dict[str, Any]:
    """The lesson type's fields a change carries (``None``: left as it is)."""
    return {
        name: value
        for name, value in asdict(change).items()
        if name not in ("lesson_type_id", "instructor_id")
    }


def refusal(exc: ValidationError) -> tuple[str, str]:
    """The first problem pydantic found, as the vocabulary words it, with its code."""
    error = exc.errors()[0]
    where = [part for part in error["loc"] if isinstance(part, str)]
    if not where:
        return wording.malformed(), "validation_error"
    field, kind = where[-1], error["type"]
    if kind == "predicate_failed" and field == "time_zone":
        return wording.unknown_zone(str(error["input"])), "unknown_time_zone"
    if kind == "predicate_failed" and f"'{has_words.__name__}'" in error["msg"]:
        return wording.blank(field), "validation_error"  # pydantic names the failed predicate
    return _words(field, kind, error.get("ctx") or {}, error.get("input")), "validation_error"


def _words(field: str, kind: str, ctx: dict[str, Any], value: Any) -> str:
    if kind == "string_too_long":
        return wording.too_long(field, ctx["max_length"], len(value))
    if kind == "too_long":
        return wording.too_long(field, ctx["max_length"], ctx.get("actual_length"), text=False)
    if kind == "string_too_short":
        return wording.too_short(field, ctx["min_length"])
    if kind == "too_short":
        return wording.too_short(field, ctx["min_length"], text=False)
    if kind == "greater_than_equal":
        return wording.below(field, ctx["ge"])
    if kind == "less_than_equal":
        return wording.above(field, ctx["le"])
    if kind == "missing":
        return wording.missing(field)
    if kind == "unexpected_keyword_argument":
        return wording.unknown_part(field)
    if kind == "predicate_failed" and isinstance(value, str) and not is_text(value):
        return wording.control_characters(field)
    if kind == "predicate_failed" and isinstance(value, str) and not is_visible(value):
        return wording.too_short(field, 1)
    if kind == "predicate_failed" and field == "slot_step_minutes":
        return wording.uneven_step(field)
    return wording.not_valid(field)


def _forms(kind: type[Change]) -> tuple[tuple[str, WireForm], ...]:
    """The arguments of ``kind`` whose text form its type states."""
    found = _FORMS.get(kind)
    if found is None:
        hints = get_type_hints(kind, include_extras=True)
        found = _FORMS[kind] = tuple(
            (name, mark)
            for name, hint in hints.items()
            if get_origin(hint) is Annotated
            for mark in get_args(hint)[1:]
            if isinstance(mark, WireForm)
        )
    return found


_FORMS: dict[type[Change], tuple[tuple[str, WireForm], ...]] = {}


def _id(text: str) -> str:
    """The canonical spelling of an id (the vocabulary accepts any spelling of a UUID)."""
    return str(UUID(text))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
