"""Presenters: database rows to JSON-ready dicts in the shapes of docs/api.md.

One presenter per entity, shared by the REST routes and the sync pull, so a booking looks the
same whichever way a client receives it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from instainstru_desktop.domain.time_ranges import WallRange
from instainstru_desktop.server.core.models import (
    AuditEntry,
    Conflict,
    Instructor,
    LessonType,
    User,
)

Json = dict[str, Any]
_JSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC


def encode(content: Any) -> bytes:
    """JSON as the API writes it: instants in UTC end in ``Z`` (naive ones are UTC)."""
    return orjson.dumps(content, option=_JSON_OPTIONS)


def wall(start: int, end: int) -> Json:
    first, last = WallRange(start, end).format()
    return {"start": first, "end": last}


def template_ranges(stored: Iterable[Iterable[int]]) -> list[Json]:
    return [{"weekday": w, **wall(s, e)} for w, s, e in stored]


def day_ranges(stored: Iterable[Iterable[int]]) -> list[Json]:
    return [wall(s, e) for s, e in stored]


def user(u: User, instructor_id: str | None) -> Json:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "role": u.role,
        "time_zone": u.time_zone,
        "instructor_id": instructor_id,
    }


def student(row: Any) -> Json:
    return {"id": row.id, "name": row.name, "email": row.email, "time_zone": row.time_zone}


def policy(i: Instructor) -> Json:
    return {
        "min_notice_minutes": i.min_notice_minutes,
        "booking_horizon_days": i.booking_horizon_days,
        "buffer_minutes": i.buffer_minutes,
        "slot_step_minutes": i.slot_step_minutes,
        "daily_limit": i.daily_limit,
        "weekly_limit": i.weekly_limit,
    }


def lesson_type(t: LessonType) -> Json:
    return {
        "id": t.id,
        "instructor_id": t.instructor_id,
        "name": t.name,
        "duration_minutes": t.duration_minutes,
        "price_cents": t.price_cents,
        "currency": t.currency,
        "color": t.color,
        "active": t.active,
    }


def instructor(i: Instructor, u: User, lesson_types: Iterable[LessonType]) -> Json:
    return {
        "id": i.id,
        "user_id": u.id,
        "name": u.name,
        "email": u.email,
        "time_zone": u.time_zone,
        "bio": i.bio,
        "slug": i.slug,
        "policy": policy(i),
        "lesson_types": [lesson_type(t) for t in lesson_types],
        "version": i.version,
    }


def booking(row: Any, *, see_note: bool, see_review: bool) -> Json:
    """A row of ``booking_view()`` (already named as on the wire); the private note and the
    admin's review are blanked for audiences that may not see them."""
    return bookings([row], row._fields, see_note=see_note, see_review=see_review)[0]


def bookings(
    rows: Iterable[Any], keys: Sequence[str], *, see_note: bool, see_review: bool
) -> list[Json]:
    """Many rows of ``booking_view()`` at once (a full pull: 100k), keys looked up once."""
    result = [dict(zip(keys, row, strict=True)) for row in rows]
    hidden = [k for k, seen in (("note", see_note), ("review_note", see_review)) if not seen]
    for item in result if hidden else ():
        for key in hidden:
            item[key] = None
    return result


def audit(e: AuditEntry) -> Json:
    return {
        "id": e.id,
        "booking_id": e.booking_id,
        "at": e.at,
        "actor_id": e.actor_id,
        "actor_name": e.actor_name,
        "actor_role": e.actor_role,
        "device": e.device,
        "action": e.action,
        "details": e.details,
    }


def conflict(c: Conflict) -> Json:
    return {
        "id": c.id,
        "instructor_id": c.instructor_id,
        "booking_id": c.booking_id,
        "kind": c.kind,
        "message": c.message,
        "created_at": c.created_at,
        "resolved": c.resolved,
        "resolution": c.resolution,
    }
