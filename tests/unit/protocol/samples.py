"""A valid example of every kind of change, built from its type alone.

Built from the field types rather than written out per kind, so a kind added to the vocabulary
gets an example without anyone remembering to write one, and the tests that run every kind
through the client's effects and the server's handlers cover it at once.
"""

from __future__ import annotations

import types
import uuid
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from annotated_types import MinLen, Predicate

from instainstru_desktop.protocol import Change
from instainstru_desktop.protocol.fields import is_clock, is_colour, is_currency, is_id

SAMPLE_DAY = date(2026, 3, 10)
SAMPLE_START = datetime(2026, 3, 10, 9, tzinfo=UTC)


def sample(kind: type[Change], **given: Any) -> Any:
    """An instance of ``kind`` with a valid value in every field (``given`` ones as given)."""
    return _shape(kind, given)


def _shape(kind: type, given: dict[str, Any]) -> Any:
    hints = get_type_hints(kind, include_extras=True)
    values = {f.name: given.get(f.name, _value(f.name, hints[f.name])) for f in fields(kind)}
    return kind(**values)


def _value(name: str, hint: Any) -> Any:
    metadata: list[Any] = []
    if get_origin(hint) is Annotated:
        hint, *metadata = get_args(hint)
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        [inner] = [a for a in get_args(hint) if a is not type(None)]
        return _value(name, inner)
    if origin is Literal:
        return get_args(hint)[0]
    if origin is tuple:
        return (_value(name, get_args(hint)[0]),)
    if is_dataclass(hint):
        return _shape(hint, {})
    if hint is datetime:
        return SAMPLE_START
    if hint is date:
        return SAMPLE_DAY
    if hint is bool:
        return True
    if hint is int:
        return _lowest(metadata)
    predicates = [m.func for m in metadata if isinstance(m, Predicate)]
    if is_id in predicates:
        return str(uuid.uuid4())
    if is_clock in predicates:
        return "10:00" if name == "end" else "09:00"
    if name == "time_zone":
        return "Europe/Paris"
    if is_currency in predicates:
        return "EUR"
    if is_colour in predicates:
        return "#3366CC"
    return "x" * max((m.min_length for m in metadata if isinstance(m, MinLen)), default=1)


def _lowest(metadata: list[Any]) -> int:
    """The lowest value the metadata allows (1 when it says nothing)."""
    for item in metadata:
        bound = getattr(item, "ge", None)
        if bound is not None:
            return int(bound)
    return 1
