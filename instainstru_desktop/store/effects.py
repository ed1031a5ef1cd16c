"""What each queued mutation does to the local mirror, so the UI shows it before the server does.

Mutations are *intents* (see docs/api.md, "Sync"); their local effect is replayed on top of the
server's truth of a row every time that truth changes, until the server has the mutation too.
Each effect is a pure function ``(args, row or None) -> row or None`` on column dicts, so the
same code serves the first optimistic write, a rollback after a rejection (replay without it)
and a rebase after a pull (replay on the new truth).

An effect that the life-cycle rules forbid (completing a lesson an admin cancelled meanwhile)
leaves the row as it is: the server will reject the mutation and the row already shows the truth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from instainstru_desktop.domain import (
    BookingAction,
    BookingStatus,
    InvalidTransition,
    next_status,
)
from instainstru_desktop.store.mirror import (
    Row,
    Subject,
    dumps,
    instant,
    instant_text,
    parse_instant,
)

#: Version of each mutation's argument shape, stored with the outbox row.
MUTATION_VERSIONS: dict[str, int] = {
    "availability.set_date": 1,
    "availability.clear_date": 1,
    "availability.set_template": 1,
    "booking.complete": 1,
    "booking.no_show": 1,
    "booking.cancel": 1,
    "booking.note": 1,
    "booking.create": 1,
    "admin.review": 1,
    "conflict.resolve": 1,
    "policy.update": 1,
    "profile.update": 1,
}


@dataclass(frozen=True)
class EffectContext:
    """What effects may look up beyond the row itself."""

    now: str  # canonical instant text
    actor_role: str  # "instructor" | "admin": who cancels, for ``cancelled_by``
    lesson_type: Callable[[str], Mapping[str, Any] | None]
    student: Callable[[str], Mapping[str, Any] | None]


def default_subjects(name: str, args: Mapping[str, Any]) -> list[Subject]:
    """The mirrored rows a mutation changes, as far as its arguments tell."""
    if name in ("availability.set_date", "availability.clear_date"):
        return [("override", f"{args['instructor_id']}/{args['date']}")]
    if name == "availability.set_template":
        return [("template", str(args["instructor_id"]))]
    if name.startswith("booking.") or name == "admin.review":
        return [("booking", str(args["booking_id"]))]
    if name == "conflict.resolve":
        return [("conflict", str(args["conflict_id"]))]
    if name in ("policy.update", "profile.update"):
        return [("instructor", str(args["instructor_id"]))]
    raise ValueError(f"unknown mutation {name!r}")


def _transition(row: Row | None, action: BookingAction, ctx: EffectContext) -> Row | None:
    if row is None:
        return None
    try:
        status = next_status(BookingStatus(row["status"]), action)
    except InvalidTransition:
        return row
    return {**row, "status": status.value, "updated_at": ctx.now}


def _cancel(row: Row | None, reason: str, ctx: EffectContext) -> Row | None:
    changed = _transition(row, BookingAction.CANCEL, ctx)
    if changed is None or changed is row:
        return changed
    return {**changed, "cancelled_by": ctx.actor_role, "cancel_reason": reason}


def _create(args: Mapping[str, Any], row: Row | None, ctx: EffectContext) -> Row | None:
    if row is not None:  # the server's copy has arrived: it wins
        return row
    lesson_type = ctx.lesson_type(str(args["lesson_type_id"])) or {}
    student = ctx.student(str(args["student_id"])) or {}
    begin = parse_instant(instant(str(args["start"])))
    end = begin + timedelta(minutes=int(lesson_type.get("duration_minutes", 60)))
    return {
        "id": args["booking_id"],
        "instructor_id": args["instructor_id"],
        "student_id": args["student_id"],
        "student_name": student.get("name", ""),
        "student_time_zone": student.get("time_zone", "UTC"),
        "lesson_type_id": args["lesson_type_id"],
        "lesson_type_name": lesson_type.get("name", ""),
        "start_utc": instant_text(begin),
        "end_utc": instant_text(end),
        "status": BookingStatus.CONFIRMED.value,
        "cancelled_by": None,
        "cancel_reason": None,
        "note": None,
        "price_cents": int(lesson_type.get("price_cents", 0)),
        "currency": lesson_type.get("currency", ""),
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "version": 0,
        "flagged": False,
        "review_note": None,
    }


def _ranges_row(keys: Mapping[str, Any], ranges: Any, row: Row | None) -> Row:
    return {**keys, "ranges": dumps(list(ranges)), "version": row["version"] if row else 0}


def apply_effect(
    name: str, args: Mapping[str, Any], entity: str, row: Row | None, ctx: EffectContext
) -> Row | None:
    """The row ``entity`` after mutation ``name`` with ``args`` (``None`` = the row is gone)."""
    if name == "availability.set_date":
        keys = {"instructor_id": args["instructor_id"], "date": args["date"]}
        return _ranges_row(keys, args["ranges"], row)
    if name == "availability.clear_date":
        return None
    if name == "availability.set_template":
        return _ranges_row({"instructor_id": args["instructor_id"]}, args["ranges"], row)
    if name == "booking.complete":
        return _transition(row, BookingAction.COMPLETE, ctx)
    if name == "booking.no_show":
        return _transition(row, BookingAction.NO_SHOW, ctx)
    if name == "booking.cancel":
        return _cancel(row, str(args.get("reason", "")), ctx)
    if name == "booking.note":
        return None if row is None else {**row, "note": args["note"], "updated_at": ctx.now}
    if name == "booking.create":
        return _create(args, row, ctx)
    if name == "admin.review":
        if row is None:
            return None
        return {**row, "flagged": bool(args["flagged"]), "review_note": args.get("note")}
    if name == "conflict.resolve":
        if entity == "booking":
            if args.get("resolution") != "cancelled":
                return row
            return _cancel(row, str(args.get("reason") or ""), ctx)
        if row is None:
            return None
        return {**row, "resolved": True, "resolution": args["resolution"]}
    if name == "policy.update":
        return None if row is None else {**row, "policy": dumps(args["policy"])}
    if name == "profile.update":
        return None if row is None else {**row, "time_zone": args["time_zone"]}
    raise ValueError(f"unknown mutation {name!r}")


def replay(
    entity: str,
    server_row: Row | None,
    mutations: Iterable[tuple[str, Mapping[str, Any]]],
    ctx: EffectContext,
) -> Row | None:
    """The optimistic row: the server's truth with the outstanding mutations applied in order."""
    row = server_row
    for name, args in mutations:
        row = apply_effect(name, args, entity, row, ctx)
    return row
