"""The mirrored entities: which table holds each, how its rows are keyed, how wire JSON maps in.

A *subject* is one mirrored row named by ``(entity, key)``; keys are the primary key values
joined with ``/`` (ids are UUIDs and dates are ``YYYY-MM-DD``, neither contains a slash). The
same naming is used by the server's tombstones (``override`` ids are ``instructor_id/date``).

Converters take the server's JSON objects and return column dicts. They sit on the bulk-pull hot
path, so they do plain dict lookups and leave values in the server's spelling; only instants not
already in canonical ``...Z`` form are re-formatted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Table

from instainstru_desktop.store import models

Row = dict[str, Any]
Subject = tuple[str, str]  # (entity, key)


def dumps(value: Any) -> str:
    """Compact JSON text with sorted keys, so equal values store as equal text."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def loads(text: str | bytes) -> Any:
    """Parse JSON text stored by :func:`dumps` (or sent by the server)."""
    return orjson.loads(text)


def instant(value: str) -> str:
    """The canonical ``YYYY-MM-DDTHH:MM:SSZ`` spelling of an RFC 3339 instant.

    Canonical text sorts in time order, so range queries work on the stored strings.
    """
    if len(value) == 20 and value[19] == "Z":
        return value
    parsed = datetime.fromisoformat(value).astimezone(UTC)
    return parsed.strftime("%Y-%m-%dT%H:%M:%SZ")


def instant_text(moment: datetime) -> str:
    """Canonical text of an aware datetime (sub-second precision is dropped)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def precise_text(moment: datetime) -> str:
    """Microsecond text of an aware datetime (``...SS.ffffffZ``), for retry times.

    Only compare it with text of the same form: ``.`` sorts before ``Z``.
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant(text: str) -> datetime:
    """Aware UTC datetime of a stored instant."""
    return datetime.fromisoformat(text)


def _instructor(d: Mapping[str, Any]) -> Row:
    return {
        "id": d["id"],
        "user_id": d.get("user_id") or "",
        "name": d["name"],
        "email": d.get("email") or "",
        "time_zone": d["time_zone"],
        "bio": d.get("bio") or "",
        "policy": dumps(d.get("policy") or {}),
        "version": d.get("version") or 0,
    }


def _lesson_type(d: Mapping[str, Any]) -> Row:
    return {
        "id": d["id"],
        "instructor_id": d["instructor_id"],
        "name": d["name"],
        "duration_minutes": d["duration_minutes"],
        "price_cents": d["price_cents"],
        "currency": d["currency"],
        "color": d["color"],
        "active": bool(d.get("active", True)),
    }


def _student(d: Mapping[str, Any]) -> Row:
    return {
        "id": d["id"],
        "name": d["name"],
        "email": d.get("email") or "",
        "time_zone": d.get("time_zone") or "UTC",
    }


def _template(d: Mapping[str, Any]) -> Row:
    return {
        "instructor_id": d["instructor_id"],
        "ranges": dumps(d.get("ranges") or []),
        "version": d.get("version") or 0,
    }


def _override(d: Mapping[str, Any]) -> Row:
    return {
        "instructor_id": d["instructor_id"],
        "date": d["date"],
        "ranges": dumps(d.get("ranges") or []),
        "version": d.get("version") or 0,
    }


def _booking(d: Mapping[str, Any]) -> Row:
    return {
        "id": d["id"],
        "instructor_id": d["instructor_id"],
        "student_id": d["student_id"],
        "student_name": d.get("student_name") or "",
        "student_time_zone": d.get("student_time_zone") or "UTC",
        "lesson_type_id": d["lesson_type_id"],
        "lesson_type_name": d.get("lesson_type_name") or "",
        "start_utc": instant(d["start"]),
        "end_utc": instant(d["end"]),
        "status": d["status"],
        "cancelled_by": d.get("cancelled_by"),
        "cancel_reason": d.get("cancel_reason"),
        "note": d.get("note"),
        "price_cents": d.get("price_cents") or 0,
        "currency": d.get("currency") or "",
        "created_at": d.get("created_at") or "",
        "updated_at": d.get("updated_at") or "",
        "version": d.get("version") or 0,
        "flagged": bool(d.get("flagged")),
        "review_note": d.get("review_note"),
    }


def _conflict(d: Mapping[str, Any]) -> Row:
    return {
        "id": d["id"],
        "instructor_id": d["instructor_id"],
        "booking_id": d.get("booking_id"),
        "kind": d["kind"],
        "message": d.get("message") or "",
        "created_at": d.get("created_at") or "",
        "resolved": bool(d.get("resolved")),
        "resolution": d.get("resolution"),
    }


def _audit(d: Mapping[str, Any]) -> Row:
    return {
        "id": d["id"],
        "booking_id": d.get("booking_id"),
        "at": d["at"],
        "actor_id": d.get("actor_id"),
        "actor_name": d.get("actor_name") or "",
        "actor_role": d.get("actor_role") or "",
        "device": d.get("device") or "",
        "action": d["action"],
        "details": dumps(d.get("details") or {}),
    }


@dataclass(frozen=True)
class Entity:
    """One mirrored kind of row."""

    name: str
    table: Table
    key_columns: tuple[str, ...]
    page_field: str  # the list in a pull page that carries it
    from_wire: Callable[[Mapping[str, Any]], Row]

    def key_of(self, row: Mapping[str, Any]) -> str:
        if len(self.key_columns) == 1:
            return str(row[self.key_columns[0]])
        return "/".join(str(row[c]) for c in self.key_columns)

    def key_values(self, key: str) -> dict[str, str]:
        parts = key.split("/") if len(self.key_columns) > 1 else [key]
        return dict(zip(self.key_columns, parts, strict=True))


def _table(model: type[models.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


#: In the order a pull page is applied: what rows refer to comes first.
ENTITIES: tuple[Entity, ...] = (
    Entity("instructor", _table(models.Instructor), ("id",), "instructors", _instructor),
    Entity("lesson_type", _table(models.LessonType), ("id",), "lesson_types", _lesson_type),
    Entity("student", _table(models.Student), ("id",), "students", _student),
    Entity(
        "template", _table(models.WeeklyTemplateRow), ("instructor_id",), "templates", _template
    ),
    Entity(
        "override", _table(models.DateOverride), ("instructor_id", "date"), "overrides", _override
    ),
    Entity("booking", _table(models.Booking), ("id",), "bookings", _booking),
    Entity("conflict", _table(models.Conflict), ("id",), "conflicts", _conflict),
    Entity("audit", _table(models.AuditEntry), ("id",), "audit", _audit),
)
BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}
