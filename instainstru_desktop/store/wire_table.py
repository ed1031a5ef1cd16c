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

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from instainstru_desktop.store.mirror import BY_NAME, Entity, Params, instant

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
    clean: Callable[[Iterable[Any]], bool] | None = None  # whether values need no ``convert``
    convert: Callable[[Any], Any] | None = None  # one value, when the column is not clean

    def remade(self, values: Callable[[], Iterable[Any]]) -> list[Any] | None:
        """The column's values as the object converter makes them; None when that is the
        values as sent (the usual case: then no list is made). ``values`` gives the sent
        values afresh on each call."""
        made: list[Any] | None = None
        if self.falsy is not _AS_SENT and not all(values()):
            sent = list(values())
            made = [value or self.falsy for value in sent]
            if made == sent:  # only falsy values the default equals (a free lesson's 0)
                made = None
        if self.convert is not None and self.clean is not None:
            current: Callable[[], Iterable[Any]] = (
                values if made is None else functools.partial(iter, made)
            )
            if not self.clean(current()):
                made = list(map(self.convert, current()))
        return made


def _all_flags(values: Iterable[Any]) -> bool:
    return set(map(type, values)) <= {bool}


def _all_canonical(values: Iterable[Any]) -> bool:
    """Every value is canonical instant text already (the server writes instants so): checked
    by C loops over the column, no Python call per value."""
    texts = list(values)
    return set(map(len, texts)) <= {20} and all(map(str.endswith, texts, repeat("Z")))


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
    "start_utc": _needed("start", clean=_all_canonical, convert=instant),
    "end_utc": _needed("end", clean=_all_canonical, convert=instant),
    "status": _needed("status"),
    "cancelled_by": _Column("cancelled_by"),
    "cancel_reason": _Column("cancel_reason"),
    "note": _Column("note"),
    "price_cents": _Column("price_cents", 0, 0),
    "currency": _Column("currency", "", ""),
    "created_at": _Column("created_at", "", ""),
    "updated_at": _Column("updated_at", "", ""),
    "version": _Column("version", 0, 0),
    "flagged": _Column("flagged", False, clean=_all_flags, convert=bool),
    "review_note": _Column("review_note"),
    "series_id": _Column("series_id"),
    "series_slot": _Column("series_slot"),
    "series_moved": _Column("series_moved", False, clean=_all_flags, convert=bool),
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
    """The rows in cache order. Usually every column the cache needs is there and its values
    are as the object converter leaves them: then each row is one ``itemgetter`` call and the
    values are checked by C loops over the result. Otherwise the columns are remade one by one
    (:meth:`_Column.remade`) and zipped together."""
    where = {name: index for index, name in enumerate(columns)}
    indices = [where.get(plan[cache_column].wire) for cache_column in entity.columns]
    for cache_column, index in zip(entity.columns, indices, strict=True):
        if index is None and plan[cache_column].missing is _NEEDED:
            name, wire = entity.page_field, plan[cache_column].wire
            raise UnreadablePageError(f"the {name} table has no {wire!r} column")
    if None not in indices:
        made = list(map(itemgetter(*indices), rows))
        if _as_sent(_checks(entity.name), made):
            return made
    sources: list[Iterable[Any]] = []
    for cache_column, index in zip(entity.columns, indices, strict=True):
        how = plan[cache_column]
        if index is None:
            sources.append(repeat(how.missing, len(rows)))
            continue
        sent = functools.partial(map, itemgetter(index), rows)
        made_column = how.remade(sent)
        sources.append(sent() if made_column is None else made_column)
    return list(zip(*sources, strict=True))


@dataclass(frozen=True)
class _Checks:
    """Positions (in cache order) of the columns whose values may need remaking, by kind."""

    defaults: tuple[tuple[int, _Column], ...]
    flags: tuple[int, ...]
    instants: tuple[int, ...]


@functools.cache
def _checks(entity_name: str) -> _Checks:
    plan, columns = _PLANS[entity_name], BY_NAME[entity_name].columns
    kinds = [plan[column] for column in columns]
    return _Checks(
        defaults=tuple((p, how) for p, how in enumerate(kinds) if how.falsy is not _AS_SENT),
        flags=tuple(p for p, how in enumerate(kinds) if how.convert is bool),
        instants=tuple(p for p, how in enumerate(kinds) if how.convert is instant),
    )


def _values(rows: list[Params], positions: Sequence[int]) -> Iterable[Any]:
    """Every value of the columns at ``positions``, row after row."""
    if len(positions) == 1:
        return map(itemgetter(positions[0]), rows)
    return chain.from_iterable(map(itemgetter(*positions), rows))


def _as_sent(checks: _Checks, rows: list[Params]) -> bool:
    """Whether ``rows`` (values as sent, in cache order) are what the object converter makes."""
    defaults = [position for position, _ in checks.defaults]
    if defaults and not all(_values(rows, defaults)):  # a free lesson's 0, or a null to fill
        for position, how in checks.defaults:
            if how.remade(functools.partial(map, itemgetter(position), rows)) is not None:
                return False
    if checks.flags and not set(_values(rows, checks.flags)) <= {True, False}:
        return False
    return not checks.instants or _all_canonical(_values(rows, checks.instants))
