"""What each queued mutation does to the local mirror, so the UI shows it before the server does.

Changes are *intents* (:mod:`instainstru_desktop.protocol`); their local effect is replayed on
top of the server's truth of a row every time that truth changes, until the server has the change
too. Each effect is a pure function ``(entity, row or None) -> row or None`` on column dicts, so
the same code serves the first optimistic write, a rollback after a rejection (replay without it)
and a rebase after a pull (replay on the new truth).

An effect that the life-cycle rules forbid (completing a lesson an admin cancelled meanwhile)
leaves the row as it is: the server will reject the mutation and the row already shows the truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, assert_never

from instainstru_desktop.domain import (
    BookingAction,
    BookingStatus,
    HoursEdit,
    InvalidTransition,
    WallRange,
    corrected_status,
    next_status,
)
from instainstru_desktop.protocol import (
    AddDateHours,
    AddLessonType,
    AllowWeeklyBooking,
    AnyChange,
    BookLesson,
    BookWeekly,
    CancelLesson,
    CancelWeekly,
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
    to_args,
)
from instainstru_desktop.store import series_effects
from instainstru_desktop.store.mirror import (
    Row,
    Subject,
    dumps,
    instant_text,
    loads,
    new_lesson_row,
    parse_instant,
)


def _nothing(_entity: str, _key: str) -> Mapping[str, Any] | None:
    return None


@dataclass(frozen=True)
class EffectContext:
    """What effects may look up beyond the row itself."""

    now: str  # canonical instant text
    actor_role: str  # "instructor" | "admin": who cancels, for ``cancelled_by``
    lesson_type: Callable[[str], Mapping[str, Any] | None]
    student: Callable[[str], Mapping[str, Any] | None]
    #: Any shown row by entity and key (a series' rules, an instructor's zone, a term).
    row: Callable[[str, str], Mapping[str, Any] | None] = _nothing
    #: The key of the row being worked out: a series names its lessons by their keys.
    key: str = ""
    user_id: str = ""  # who is signed in: the author of a message written here
    #: The usual week of an instructor, as the mirror shows it (a date without hours of its own
    #: follows it, so hours painted there start from it).
    template: Callable[[str], Mapping[str, Any] | None] = lambda _id: None


#: How a change alters one row: ``(entity, row or None, context) -> row or None``.
Apply = Callable[[str, Row | None, EffectContext], Row | None]


@dataclass(frozen=True)
class Effect:
    """What one change does to the mirror: the rows it names, and how it changes each."""

    subjects: tuple[Subject, ...]
    apply: Apply


def effect_of(change: AnyChange) -> Effect:
    """The local effect of ``change``: one arm per kind of change (mypy checks none is missing)."""
    match change:
        case SetDateHours(instructor_id=who, date=day):
            keys = {"instructor_id": who, "date": day.isoformat()}
            return Effect(_override(who, day.isoformat()), _ranges(keys, to_args(change)))
        case (
            AddDateHours(instructor_id=who, date=day) | RemoveDateHours(instructor_id=who, date=day)
        ):
            opens = isinstance(change, AddDateHours)
            edit = HoursEdit.of(_walls(to_args(change)["ranges"]), opens=opens)
            return Effect(_override(who, day.isoformat()), _edited_hours(who, day, edit))
        case ClearDateHours(instructor_id=who, date=day):
            return Effect(_override(who, day.isoformat()), _gone)
        case SetUsualWeek(instructor_id=who):
            keys = {"instructor_id": who}
            return Effect((("template", who),), _ranges(keys, to_args(change)))
        case CompleteLesson(booking_id=lesson):
            return Effect(_lesson(lesson), _status(BookingAction.COMPLETE))
        case MarkNoShow(booking_id=lesson):
            return Effect(_lesson(lesson), _status(BookingAction.NO_SHOW))
        case CorrectOutcome(booking_id=lesson, status=status):
            return Effect(_lesson(lesson), _corrected(BookingStatus(status)))
        case CancelLesson(booking_id=lesson, reason=reason):
            return Effect(_lesson(lesson), _cancelled(reason))
        case NoteLesson(booking_id=lesson, note=note):
            return Effect(_lesson(lesson), _edited({"note": note}, stamp=True))
        case RescheduleLesson(booking_id=lesson, start=start):
            return Effect(_lesson(lesson), _moved(start))
        case BookLesson():
            return Effect(_lesson(change.booking_id), _booked(change))
        case ReviewBooking(booking_id=lesson, flagged=flagged, note=note):
            return Effect(_lesson(lesson), _edited({"flagged": flagged, "review_note": note}))
        case ResolveConflict(conflict_id=conflict, resolution=resolution, reason=reason):
            return Effect((("conflict", conflict),), _settled(resolution, reason or ""))
        case UpdatePolicy(instructor_id=who):
            return Effect((("instructor", who),), _policy(to_args(change)["policy"]))
        case UpdateProfile(instructor_id=who, time_zone=time_zone):
            return Effect((("instructor", who),), _edited({"time_zone": time_zone}))
        case AllowWeeklyBooking(instructor_id=who, allowed=allowed):
            return Effect((("instructor", who),), _policy({"students_book_weekly": allowed}))
        case BookWeekly(series_id=which):
            return Effect(
                (("series", which),),
                lambda entity, row, ctx: series_effects.new_series(change, entity, row, ctx),
            )
        case CancelWeekly(series_id=which):
            return Effect(
                (("series", which),),
                lambda entity, row, ctx: series_effects.cancel_following(change, entity, row, ctx),
            )
        case ChangeWeekly(series_id=which):
            return Effect(
                (("series", which),),
                lambda entity, row, ctx: series_effects.change_following(change, entity, row, ctx),
            )
        case SetTerm(term_id=term):
            return Effect(
                (("term", term),),
                lambda entity, row, ctx: series_effects.term_set(change, entity, row, ctx),
            )
        case DeleteTerm(term_id=term):
            return Effect((("term", term),), _gone)
        case SendMessage(message_id=message):
            return Effect((("message", message),), _written(change))
        case MarkRead(booking_id=lesson, reader_id=reader, up_to=up_to):
            return Effect((("message_read", f"{lesson}/{reader}"),), _read(lesson, reader, up_to))
        case EditProfileText(instructor_id=who, name=name, bio=bio):
            return Effect((("instructor", who),), _edited(_given(name=name, bio=bio)))
        case AddLessonType(lesson_type_id=kind):
            return Effect((("lesson_type", kind),), _offered(change))
        case EditLessonType(lesson_type_id=kind):
            values = {k: v for k, v in to_args(change).items() if k != "lesson_type_id"}
            return Effect((("lesson_type", kind),), _edited(_given(**values)))
        case _:
            assert_never(change)


def replay(
    entity: str, server_row: Row | None, changes: Iterable[AnyChange], ctx: EffectContext
) -> Row | None:
    """The optimistic row: the server's truth with the outstanding changes applied in order."""
    row = server_row
    for change in changes:
        row = effect_of(change).apply(entity, row, ctx)
    return row


# -- the rows a change names ---------------------------------------------------------------


def _override(instructor_id: str, day: str) -> tuple[Subject, ...]:
    return (("override", f"{instructor_id}/{day}"),)


def _lesson(booking_id: str) -> tuple[Subject, ...]:
    return (("booking", booking_id),)


# -- how a change alters a row ---------------------------------------------------------------


def _gone(_entity: str, _row: Row | None, _ctx: EffectContext) -> Row | None:
    return None


def _ranges(keys: Mapping[str, Any], args: Mapping[str, Any]) -> Apply:
    def apply(_entity: str, row: Row | None, _ctx: EffectContext) -> Row | None:
        version = row["version"] if row else 0
        return {**keys, "ranges": dumps(list(args["ranges"])), "version": version}

    return apply


def _walls(ranges: Iterable[Mapping[str, Any]]) -> list[WallRange]:
    return [WallRange.parse(str(r["start"]), str(r["end"])) for r in ranges]


def _wire(ranges: Iterable[WallRange]) -> list[dict[str, str]]:
    return [dict(zip(("start", "end"), r.format(), strict=True)) for r in ranges]


def _edited_hours(instructor_id: str, day: date, edit: HoursEdit) -> Apply:
    """Hours opened or closed on top of the date's hours now (its own, else the usual week's),
    as the server will apply them."""

    def apply(_entity: str, row: Row | None, ctx: EffectContext) -> Row | None:
        if row is not None:
            hours = _walls(loads(row["ranges"]))
        else:
            template = ctx.template(instructor_id)
            week = loads(template["ranges"]) if template else []
            hours = _walls(r for r in week if int(r["weekday"]) == day.weekday())
        version = row["version"] if row else 0
        ranges = dumps(_wire(edit.applied(hours)))
        return {
            "instructor_id": instructor_id,
            "date": day.isoformat(),
            "ranges": ranges,
            "version": version,
        }

    return apply


def _edited(values: Mapping[str, Any], *, stamp: bool = False) -> Apply:
    """Set ``values`` on a row that exists (``stamp``: and mark it updated now)."""

    def apply(_entity: str, row: Row | None, ctx: EffectContext) -> Row | None:
        if row is None:
            return None
        return {**row, **values, "updated_at": ctx.now} if stamp else {**row, **values}

    return apply


def _policy(values: Mapping[str, Any]) -> Apply:
    """Booking rules set on an instructor's row; rules the change does not name are kept."""

    def apply(_entity: str, row: Row | None, _ctx: EffectContext) -> Row | None:
        if row is None:
            return None
        current = loads(row["policy"]) if row.get("policy") else {}
        return {**row, "policy": dumps({**current, **values})}

    return apply


def _given(**values: Any) -> dict[str, Any]:
    """The values a change sets (``None``: left as it is)."""
    return {k: v for k, v in values.items() if v is not None}


def _offered(change: AddLessonType) -> Apply:
    """A lesson type made here: shown at once; once the server's copy arrives, that one wins."""

    def apply(_entity: str, row: Row | None, _ctx: EffectContext) -> Row | None:
        if row is not None:
            return row
        return {
            "id": change.lesson_type_id,
            "instructor_id": change.instructor_id,
            "name": change.name,
            "duration_minutes": change.duration_minutes,
            "price_cents": change.price_cents,
            "currency": change.currency,
            "color": change.color,
            "active": change.active,
        }

    return apply


def _transition(row: Row | None, action: BookingAction, ctx: EffectContext) -> Row | None:
    if row is None:
        return None
    try:
        status = next_status(BookingStatus(row["status"]), action)
    except InvalidTransition:
        return row
    return {**row, "status": status.value, "updated_at": ctx.now}


def _status(action: BookingAction) -> Apply:
    return lambda _entity, row, ctx: _transition(row, action, ctx)


def _corrected(to: BookingStatus) -> Apply:
    def apply(_entity: str, row: Row | None, ctx: EffectContext) -> Row | None:
        if row is None:
            return None
        try:
            status = corrected_status(BookingStatus(row["status"]), to)
        except InvalidTransition:
            return row  # not (or no longer) a recorded outcome: the server will say so
        return {**row, "status": status.value, "updated_at": ctx.now}

    return apply


def _cancel(row: Row | None, reason: str, ctx: EffectContext) -> Row | None:
    changed = _transition(row, BookingAction.CANCEL, ctx)
    if changed is None or changed is row:
        return changed
    return {**changed, "cancelled_by": ctx.actor_role, "cancel_reason": reason}


def _cancelled(reason: str) -> Apply:
    return lambda _entity, row, ctx: _cancel(row, reason, ctx)


def _settled(resolution: str, reason: str) -> Apply:
    """A clash settled: the conflict row is resolved; a lesson named with it (the service
    names it when the way out is cancelling) is cancelled."""

    def apply(entity: str, row: Row | None, ctx: EffectContext) -> Row | None:
        if entity == "booking":
            return _cancel(row, reason, ctx) if resolution == "cancelled" else row
        if row is None:
            return None
        return {**row, "resolved": True, "resolution": resolution}

    return apply


def _moved(start: datetime) -> Apply:
    def apply(_entity: str, row: Row | None, ctx: EffectContext) -> Row | None:
        moved = _transition(row, BookingAction.RESCHEDULE, ctx)
        if moved is None or moved is row:
            return moved
        begin = parse_instant(instant_text(start))
        length = parse_instant(moved["end_utc"]) - parse_instant(moved["start_utc"])
        times: Row = {"start_utc": instant_text(begin), "end_utc": instant_text(begin + length)}
        if moved.get("series_id"):  # it stays in its series, keeping this time (as the server)
            times["series_moved"] = True
        return {**moved, **times}

    return apply


def _booked(change: BookLesson) -> Apply:
    def apply(_entity: str, row: Row | None, ctx: EffectContext) -> Row | None:
        if row is not None:  # the server's copy has arrived: it wins
            return row
        lesson_type = ctx.lesson_type(change.lesson_type_id) or {}
        return new_lesson_row(
            booking_id=change.booking_id,
            instructor_id=change.instructor_id,
            student_id=change.student_id or "",
            lesson_type_id=change.lesson_type_id,
            start=change.start,
            minutes=int(lesson_type.get("duration_minutes", 60)),
            student=ctx.student(change.student_id or "") or {},
            lesson_type=lesson_type,
            now=ctx.now,
        )

    return apply


def _written(change: SendMessage) -> Apply:
    """A message written here: shown at once, without a number until the server gives it one."""

    def apply(_entity: str, row: Row | None, ctx: EffectContext) -> Row | None:
        if row is not None:  # the server's copy has arrived: it wins
            return row
        return {
            "id": change.message_id,
            "booking_id": change.booking_id,
            "number": None,
            "author_id": ctx.user_id,
            "author_name": "",
            "author_role": ctx.actor_role,
            "body": change.body,
            "created_at": ctx.now,
        }

    return apply


def _read(booking_id: str, reader_id: str, up_to: int) -> Apply:
    """The reader's marker moved forward to ``up_to`` (never back)."""

    def apply(_entity: str, row: Row | None, ctx: EffectContext) -> Row | None:
        if row is not None and int(row["last_read"]) >= up_to:
            return row
        base = row or {"booking_id": booking_id, "user_id": reader_id, "name": "", "role": ""}
        return {**base, "last_read": up_to, "read_at": ctx.now}

    return apply
