"""The mirrored entities: which table holds each, how its rows are keyed, how wire JSON maps in.

A *subject* is one mirrored row named by ``(entity, key)``; keys are the primary key values
joined with ``/`` (ids are UUIDs and dates are ``YYYY-MM-DD``, neither contains a slash). The
same naming is used by the server's tombstones (``override`` ids are ``instructor_id/date``).

Converters take the server's JSON objects and return column dicts. They sit on the bulk-pull hot
path, so they do plain dict lookups and leave values in the server's spelling; only instants not
already in canonical ``...Z`` form are re-formatted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Table

from instainstru_desktop.domain.bookings import BookingStatus
from instainstru_desktop.store import models

Row = dict[str, Any]
Params = tuple[Any, ...]
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


# Converters return the row as a tuple in the table's column order: pull pages go to the
# database as positional parameters, without a dict per row or SQLAlchemy's per-row binding.


def _instructor(d: Mapping[str, Any]) -> Params:
    return (
        d["id"],
        d.get("user_id") or "",
        d["name"],
        d.get("email") or "",
        d["time_zone"],
        d.get("bio") or "",
        dumps(d.get("policy") or {}),
        d.get("version") or 0,
    )


def _lesson_type(d: Mapping[str, Any]) -> Params:
    return (
        d["id"],
        d["instructor_id"],
        d["name"],
        d["duration_minutes"],
        d["price_cents"],
        d["currency"],
        d["color"],
        bool(d.get("active", True)),
    )


def _student(d: Mapping[str, Any]) -> Params:
    return (d["id"], d["name"], d.get("email") or "", d.get("time_zone") or "UTC")


def _template(d: Mapping[str, Any]) -> Params:
    return (d["instructor_id"], dumps(d.get("ranges") or []), d.get("version") or 0)


def _override(d: Mapping[str, Any]) -> Params:
    return (d["instructor_id"], d["date"], dumps(d.get("ranges") or []), d.get("version") or 0)


def _booking(d: Mapping[str, Any]) -> Params:
    get = d.get
    start, end = d["start"], d["end"]
    return (
        d["id"],
        d["instructor_id"],
        d["student_id"],
        get("student_name") or "",
        get("student_time_zone") or "UTC",
        d["lesson_type_id"],
        get("lesson_type_name") or "",
        start if len(start) == 20 and start[19] == "Z" else instant(start),
        end if len(end) == 20 and end[19] == "Z" else instant(end),
        d["status"],
        get("cancelled_by"),
        get("cancel_reason"),
        get("note"),
        get("price_cents") or 0,
        get("currency") or "",
        get("created_at") or "",
        get("updated_at") or "",
        get("version") or 0,
        bool(get("flagged")),
        get("review_note"),
        get("series_id"),
        get("series_slot"),
        bool(get("series_moved")),
    )


def _term(d: Mapping[str, Any]) -> Params:
    return (
        d["id"],
        d["instructor_id"],
        d["name"],
        d["first"],
        d["last"],
        dumps(d.get("breaks") or []),
        d.get("version") or 0,
    )


def _series(d: Mapping[str, Any]) -> Params:
    return (
        d["id"],
        d["instructor_id"],
        d["student_id"],
        d["lesson_type_id"],
        d["time_zone"],
        dumps(d.get("rules") or []),
        d["start_date"],
        d.get("count"),
        d.get("until"),
        d.get("term_id"),
        d.get("cancelled_from"),
        d.get("booked_through"),
        d["status"],
        dumps(d.get("skipped") or []),
        d.get("version") or 0,
    )


def _conflict(d: Mapping[str, Any]) -> Params:
    return (
        d["id"],
        d["instructor_id"],
        d.get("booking_id"),
        d["kind"],
        d.get("message") or "",
        d.get("created_at") or "",
        bool(d.get("resolved")),
        d.get("resolution"),
        dumps(d.get("details") or {}),
    )


def _audit(d: Mapping[str, Any]) -> Params:
    get = d.get
    return (
        d["id"],
        get("booking_id"),
        d["at"],
        get("actor_id"),
        get("actor_name") or "",
        get("actor_role") or "",
        get("device") or "",
        d["action"],
        dumps(get("details") or {}),
    )


def _message(d: Mapping[str, Any]) -> Params:
    created = d["created_at"]
    return (
        d["id"],
        d["booking_id"],
        d.get("number"),
        d["author_id"],
        d.get("author_name") or "",
        d.get("author_role") or "",
        d["body"],
        created if len(created) == 20 and created[19] == "Z" else instant(created),
    )


def _message_read(d: Mapping[str, Any]) -> Params:
    return (
        d["booking_id"],
        d["user_id"],
        d.get("name") or "",
        d.get("role") or "",
        int(d.get("last_read") or 0),
        instant(d["read_at"]),
    )


@dataclass(frozen=True)
class Entity:
    """One mirrored kind of row."""

    name: str
    table: Table
    key_columns: tuple[str, ...]
    page_field: str  # the list in a pull page that carries it
    from_wire: Callable[[Mapping[str, Any]], Params]  # a row in column order
    columns: tuple[str, ...] = ()
    key_positions: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        columns = tuple(c.name for c in self.table.columns)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "key_positions", tuple(columns.index(c) for c in self.key_columns))

    def row(self, params: Sequence[Any]) -> Row:
        """The column dict of a row given in column order."""
        return dict(zip(self.columns, params, strict=True))

    def params(self, row: Mapping[str, Any]) -> Params:
        """The row in column order."""
        return tuple(row[c] for c in self.columns)

    def wire_row(self, item: Mapping[str, Any]) -> Row:
        """The column dict of a wire object."""
        return self.row(self.from_wire(item))

    def key_of(self, row: Mapping[str, Any]) -> str:
        if len(self.key_columns) == 1:
            return str(row[self.key_columns[0]])
        return "/".join(str(row[c]) for c in self.key_columns)

    def key_of_params(self, params: Sequence[Any]) -> str:
        if len(self.key_positions) == 1:
            return str(params[self.key_positions[0]])
        return "/".join(str(params[i]) for i in self.key_positions)

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
    Entity("term", _table(models.Term), ("id",), "terms", _term),
    Entity("series", _table(models.Series), ("id",), "series", _series),
    Entity("booking", _table(models.Booking), ("id",), "bookings", _booking),
    Entity("conflict", _table(models.Conflict), ("id",), "conflicts", _conflict),
    Entity("audit", _table(models.AuditEntry), ("id",), "audit", _audit),
    Entity("message", _table(models.Message), ("id",), "messages", _message),
    Entity(
        "message_read",
        _table(models.MessageRead),
        ("booking_id", "user_id"),
        "message_reads",
        _message_read,
    ),
)
BY_NAME: dict[str, Entity] = {e.name: e for e in ENTITIES}


def new_lesson_row(
    *,
    booking_id: str,
    instructor_id: str,
    student_id: str,
    lesson_type_id: str,
    start: datetime,
    minutes: int,
    student: Mapping[str, Any],
    lesson_type: Mapping[str, Any],
    now: str,
    series_id: str | None = None,
    series_slot: str | None = None,
) -> Row:
    """The shown row of a lesson booked here and not yet confirmed by the server (version 0):
    a single booking or a series' lesson, priced and named from what the cache knows."""
    begin = parse_instant(instant_text(start))
    return {
        "id": booking_id,
        "instructor_id": instructor_id,
        "student_id": student_id,
        "student_name": student.get("name", ""),
        "student_time_zone": student.get("time_zone", "UTC"),
        "lesson_type_id": lesson_type_id,
        "lesson_type_name": lesson_type.get("name", ""),
        "start_utc": instant_text(begin),
        "end_utc": instant_text(begin + timedelta(minutes=minutes)),
        "status": BookingStatus.CONFIRMED.value,
        "cancelled_by": None,
        "cancel_reason": None,
        "note": None,
        "price_cents": int(lesson_type.get("price_cents", 0)),
        "currency": lesson_type.get("currency", ""),
        "created_at": now,
        "updated_at": now,
        "version": 0,
        "flagged": False,
        "review_note": None,
        "series_id": series_id,
        "series_slot": series_slot,
        "series_moved": False,
    }
