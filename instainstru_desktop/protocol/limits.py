"""The client's check of a change against the limits its types declare.

It reads the same ``annotated_types`` metadata the server's validator enforces (lengths, numeric
bounds, that text holds no control character and that a name is more than blanks, in nested
shapes too), so a note one character
over the server's limit is refused here, at once, with the sentence the server would have sent
back at the next sync. Formats the client makes itself (ids, clock times) are left to the server.
"""

from __future__ import annotations

import types
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from annotated_types import BaseMetadata, GroupedMetadata, MaxLen, MinLen, Predicate

from instainstru_desktop.protocol import wording
from instainstru_desktop.protocol.changes import Change
from instainstru_desktop.protocol.fields import is_text, is_visible


def limit_problem(change: Change) -> str | None:
    """The first limit ``change`` breaks, as a sentence; None when it keeps them all."""
    return _shape_problem(change)


def _shape_problem(value: Any) -> str | None:
    kind: type = type(value)
    hints = _annotated_hints(kind)
    for f in fields(value):
        problem = _problem(f.name, hints[f.name], getattr(value, f.name))
        if problem is not None:
            return problem
    return None


@cache
def _annotated_hints(kind: type) -> dict[str, Any]:
    return get_type_hints(kind, include_extras=True)


def _problem(field: str, hint: Any, value: Any) -> str | None:
    if value is None:
        return None
    if get_origin(hint) is Annotated:
        inner, *metadata = get_args(hint)
        for constraint in _flatten(metadata):
            problem = _broken(field, constraint, value)
            if problem is not None:
                return problem
        return _problem(field, inner, value)
    if get_origin(hint) in (Union, types.UnionType):  # X | None, and value is not None
        [inner] = [arg for arg in get_args(hint) if arg is not type(None)]
        return _problem(field, inner, value)
    if isinstance(value, tuple):  # tuple[X, ...]
        item_hint = get_args(hint)[0]
        return next(
            (p for p in (_problem(field, item_hint, item) for item in value) if p is not None),
            None,
        )
    if is_dataclass(value):
        return _shape_problem(value)
    return None


def _flatten(metadata: list[Any]) -> list[BaseMetadata]:
    flat: list[BaseMetadata] = []
    for item in metadata:
        if isinstance(item, GroupedMetadata):
            flat.extend(i for i in item if isinstance(i, BaseMetadata))
        elif isinstance(item, BaseMetadata):
            flat.append(item)
    return flat


def _broken(field: str, constraint: BaseMetadata, value: Any) -> str | None:
    """The sentence for a measurable limit ``value`` breaks (formats are the server's)."""
    text = isinstance(value, str)
    if isinstance(constraint, Predicate):
        if constraint.func is is_text and not is_text(value):
            return wording.control_characters(field)
        if constraint.func is is_visible and not is_visible(value):
            return wording.too_short(field, 1)
    if isinstance(constraint, MaxLen) and len(value) > constraint.max_length:
        return wording.too_long(field, constraint.max_length, len(value), text=text)
    if isinstance(constraint, MinLen) and len(value) < constraint.min_length:
        return wording.too_short(field, constraint.min_length, text=text)
    low = getattr(constraint, "ge", None)
    if low is not None and value < low:
        return wording.below(field, low)
    high = getattr(constraint, "le", None)
    if high is not None and value > high:
        return wording.above(field, high)
    return None
