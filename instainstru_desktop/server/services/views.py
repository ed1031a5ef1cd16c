"""Presenters: database rows to JSON-ready dicts in the shapes of docs/api.md.

One presenter per entity, shared by the REST routes and the sync pull, so a booking looks the
same whichever way a client receives it.

Each wire shape appears three times, on purpose -- this is the one place that says why:

- the ORM models (``core/models.py``) are the storage: the database's spelling (``start_utc``,
  hours as minute integers, a policy as six columns, a user row beside an instructor row);
- these presenters are the only code that turns rows into wire JSON: they rename, join, format
  minutes as ``HH:MM`` and blank what an audience may not see;
- the response models (``api/schemas.py``) describe that JSON to the OpenAPI document.

Generating the presenters from the response models would validate every row of a pull:
``benchmarks/bench_presenters.py`` measures 4-5x the time of these dicts for 100k bookings.
Generating the models from the ORM would publish the storage spelling as the API. So the
presenters are written out, and held to the models by ``tests/server/test_wire_shapes.py``
(every presenter's keys are exactly its model's fields). Where a shape is honestly one thing,
it is derived instead: a booking's wire names are the labels of the repository's
``booking_view()`` select, and the policy's are the fields of the change vocabulary's
:class:`~instainstru_desktop.protocol.Policy`, the same shape a pushed ``policy.update`` carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

import orjson

from instainstru_desktop.domain.time_ranges import WallRange
from instainstru_desktop.protocol import Policy
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


#: The policy's fields on the wire: the vocabulary's ``Policy``, which the columns are named after.
POLICY_FIELDS = tuple(f.name for f in fields(Policy))


def policy(i: Instructor) -> Json:
    """The booking rules, and whether students may book weekly series themselves."""
    return {
        **{name: getattr(i, name) for name in POLICY_FIELDS},
        "students_book_weekly": bool(i.students_book_weekly),
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


def hidden_booking_fields(*, see_note: bool, see_review: bool) -> list[str]:
    """The fields of a booking that are null for an audience: the instructor's private note
    and the admin's review, each unless the audience may see it."""
    return [k for k, seen in (("note", see_note), ("review_note", see_review)) if not seen]


def bookings(
    rows: Iterable[Any], keys: Sequence[str], *, see_note: bool, see_review: bool
) -> list[Json]:
    """Many rows of ``booking_view()`` at once (a full pull: 100k), keys looked up once."""
    result = [dict(zip(keys, row, strict=True)) for row in rows]
    hidden = hidden_booking_fields(see_note=see_note, see_review=see_review)
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
        "details": c.details or {},
    }


def message(row: Any) -> Json:
    """A row of ``repositories.messages.MESSAGE_VIEW``."""
    return {
        "id": row.id,
        "booking_id": row.booking_id,
        "number": row.number,
        "author_id": row.author_id,
        "author_name": row.author_name,
        "author_role": row.author_role,
        "body": row.body,
        "created_at": row.created_at,
    }


def read_marker(row: Any) -> Json:
    """A row of ``repositories.messages.READ_VIEW``: how far one person has read."""
    return {
        "booking_id": row.booking_id,
        "user_id": row.user_id,
        "name": row.name,
        "role": row.role,
        "last_read": row.last_read,
        "read_at": row.read_at,
    }
