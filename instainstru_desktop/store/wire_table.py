"""An entity's rows sent as a table (``{"columns": [...], "rows": [[...], ...]}``) in cache order.

A pull page may carry an entity as a table instead of a list of objects (docs/api.md, "Sync";
the app asks for it: a first sync of 100k bookings spent about as long turning objects into rows
as the server took to build them). The values are those the objects would carry, so a table
converts to exactly the rows :mod:`.mirror`'s converters make of the same objects.

Bookings have a column plan: the page's columns are matched to the cache's by name once per
page, and the rows are taken apart a column at a time (C loops over whole columns: no dict and
no Python call per row). A column the cache does not know is ignored; one the page lacks gets
the value the object converter gives a missing field, or stops the page if the converter needs
it; a column of instants is normalized only when one of its values is not canonical already.
Other entities are few per page: their rows become the objects they stand for, converted by
the entity's own converter.

A table that does not hold together (rows of another length than the columns, a needed column
missing, a value of the wrong kind) raises :class:`UnreadablePageError` before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from instainstru_desktop.store.mirror import Entity, Params, instant

_NEEDED = object()  # a column without which no row can be made
_AS_SENT = object()  # the value is taken as it is, even when falsy


class UnreadablePageError(ValueError):
    """A pull page whose rows cannot be read; none of it may be applied."""


@dataclass(frozen=True)
class _Column:
    """Where a cache column comes from in a table, and how its values are made."""

    wire: str
    missing: Any = None  # the value when the table has no such column (_NEEDED: refuse)
    falsy: Any = _AS_SENT  # what a falsy value becomes (``value or falsy``)
    convert: Callable[[Sequence[Any]], Sequence[Any]] | None = None  # the whole column


def _flags(values: Sequence[Any]) -> Sequence[Any]:
    return list(map(bool, values))


def _instants(values: Sequence[Any]) -> Sequence[Any]:
    """Canonical ``...SSZ`` text: the column as it is when every value is already (the server
    writes instants so), else each value normalized as the object converters do."""
    if set(map(len, values)) == {20} and all(map(str.endswith, values, repeat("Z"))):
        return values
    return list(map(instant, values))


def _needed(wire: str, **how: Any) -> _Column:
    return _Column(wire, missing=_NEEDED, **how)


#: The booking table's plan, by cache column: what ``mirror._booking`` does with each field.
_BOOKING = {
    "id": _needed("id"),
    "instructor_id": _needed("instructor_id"),
    "student_id": _needed("student_id"),
    "student_name": _Column("student_name", "", ""),
    "student_time_zone": _Column("student_time_zone", "UTC", "UTC"),
    "lesson_type_id": _needed("lesson_type_id"),
    "lesson_type_name": _Column("lesson_type_name", "", ""),
    "start_utc": _needed("start", convert=_instants),
    "end_utc": _needed("end", convert=_instants),
    "status": _needed("status"),
    "cancelled_by": _Column("cancelled_by"),
    "cancel_reason": _Column("cancel_reason"),
    "note": _Column("note"),
    "price_cents": _Column("price_cents", 0, 0),
    "currency": _Column("currency", "", ""),
    "created_at": _Column("created_at", "", ""),
    "updated_at": _Column("updated_at", "", ""),
    "version": _Column("version", 0, 0),
    "flagged": _Column("flagged", False, convert=_flags),
    "review_note": _Column("review_note"),
    "series_id": _Column("series_id"),
    "series_slot": _Column("series_slot"),
    "series_moved": _Column("series_moved", False, convert=_flags),
}
_PLANS: dict[str, dict[str, _Column]] = {"booking": _BOOKING}


def table_rows(entity: Entity, table: Mapping[str, Any]) -> list[Params]:
    """The rows of ``table`` (an entity's part of a pull page) in the cache's column order."""
    columns, rows = _parts(entity, table)
    if not rows:
        return []
    plan = _PLANS.get(entity.name)
    try:
        if plan is None:
            return [entity.from_wire(dict(zip(columns, row, strict=True))) for row in rows]
        return _planned(entity, plan, columns, rows)
    except (KeyError, TypeError, ValueError) as error:
        raise UnreadablePageError(
            f"the {entity.page_field} table has a value this app cannot read ({error!r})"
        ) from error


def _parts(entity: Entity, table: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The table's column names and rows, once they are known to fit together."""
    columns, rows = table.get("columns"), table.get("rows")
    name = entity.page_field
    if set(table) != {"columns", "rows"} or type(columns) is not list or type(rows) is not list:
        raise UnreadablePageError(f"the {name} table is not a list of columns and a list of rows")
    if set(map(type, columns)) - {str} or len(set(columns)) != len(columns):
        raise UnreadablePageError(f"the {name} table's columns are not distinct names")
    if set(map(type, rows)) - {list} or set(map(len, rows)) - {len(columns)}:
        raise UnreadablePageError(f"a row of the {name} table does not have one value per column")
    return columns, rows


def _planned(
    entity: Entity, plan: Mapping[str, _Column], columns: list[str], rows: list[list[Any]]
) -> list[Params]:
    count = len(rows)
    where = {name: index for index, name in enumerate(columns)}
    sent = list(zip(*rows, strict=True))
    made: list[Any] = []
    for cache_column in entity.columns:
        how = plan[cache_column]
        index = where.get(how.wire)
        if index is None:
            if how.missing is _NEEDED:
                name = entity.page_field
                raise UnreadablePageError(f"the {name} table has no {how.wire!r} column")
            made.append(repeat(how.missing, count))
            continue
        values: Sequence[Any] = sent[index]
        if how.falsy is not _AS_SENT and not all(values):
            values = [value or how.falsy for value in values]
        if how.convert is not None:
            values = how.convert(values)
        made.append(values)
    return list(zip(*made, strict=True))
