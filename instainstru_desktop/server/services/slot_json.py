"""The JSON array of a window's slots, written without a datetime per instant.

Each slot is four instants: its start and end in UTC and on the viewer's clock. Converting each
with ``astimezone`` and handing dicts of datetimes to orjson cost more than finding the slots.
Here the viewer's offset is looked up once per stretch between the zone's transitions
(:class:`OffsetStretches`), and the slots are written run by run: starts on an even step, less
than a day in all, whose starts and ends each keep one offset. A run's text depends only on its
first start's time of day, its length, step, the lesson's minutes and the two offsets, with a
mark for each calendar day it shows; that pattern is kept (the same runs come back every week
and in every answer of an instructor), and a run costs one ``str.replace`` per day it shows.

The bytes are the ones orjson writes for the same objects (``OPT_UTC_Z``: "Z" whenever the
offset is zero; whole seconds only, as slots are on a minute grid). Instants or offsets that are
not whole minutes (historic local mean times) are left to :func:`encode_slots_slowly`, which
orjson writes as before.
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson

from instainstru_desktop.domain.offsets import OffsetStretches

_MINUTE = 60_000_000
_DAY = 1440 * _MINUTE
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()
#: "HH:MM:00" of every minute of a day.
_TIMES = tuple(f"{m // 60:02d}:{m % 60:02d}:00" for m in range(1440))
_OBJECT_START = b'{"start":'

Encoded = tuple[bytes, tuple[int, ...]]


def encode_slots(starts_us: Sequence[int], duration_us: int, viewer: ZoneInfo) -> Encoded:
    """The slots starting at ``starts_us`` (sorted microseconds since the epoch) and lasting
    ``duration_us``, as the JSON array the API documents, and where each object starts in it
    (then the array's length)."""
    if not starts_us:
        return b"[]", (2,)
    written = _encode_fast(starts_us, duration_us, viewer)
    if written is not None:
        return written
    return encode_slots_slowly(starts_us, duration_us, viewer)


def _encode_fast(starts_us: Sequence[int], duration: int, viewer: ZoneInfo) -> Encoded | None:
    """The array, or None when an instant or an offset is not a whole minute."""
    starts = tuple(starts_us)
    if duration % _MINUTE:
        return None
    stretches = OffsetStretches.build(starts[0], starts[-1] + duration, viewer)
    if any(offset % _MINUTE for offset in stretches.offsets):
        return None
    dates = _Dates()
    parts: list[str] = []
    positions: list[int] = []
    position, i, count = 1, 0, len(starts)
    while i < count:  # a piece: starts whose start and end each keep one offset
        first = starts[i]
        on_start, on_end = stretches.index(first), stretches.index(first + duration)
        limit = min(stretches.stretch_end(on_start), stretches.stretch_end(on_end) - duration)
        j = bisect_left(starts, limit, i + 1, count)
        start_offset, end_offset = stretches.offsets[on_start], stretches.offsets[on_end]
        shape = (duration // _MINUTE, start_offset // _MINUTE, end_offset // _MINUTE)
        for k, m, step in _runs(starts, i, j):
            if starts[k] % _MINUTE:
                return None
            text, size = _run(starts[k], m - k, step, shape, dates)
            parts.append(text)
            positions.extend(range(position, position + size * (m - k), size))
            position += size * (m - k)
        i = j
    body = "[" + ",".join(parts) + "]"
    positions.append(len(body))
    return body.encode(), tuple(positions)


def _run(
    first: int, count: int, step: int, shape: tuple[int, int, int], dates: _Dates
) -> tuple[str, int]:
    """The objects of ``count`` slots from ``first``, ``step`` minutes apart (less than a day
    in all), joined by commas, and the length of each object with its comma. ``shape`` holds
    the lesson's minutes and the offsets (in minutes) of its start and end on the viewer's
    clock.

    A run is its :func:`_pattern` (the same times of day come back every week, and in every
    answer of the instructor) with its dates written in: one ``str.replace`` per calendar day
    the run shows, usually one or two."""
    day, at = divmod(first, _DAY)
    pattern = _pattern(at // _MINUTE, count, step, *shape)
    text = pattern.text
    for mark, shift in pattern.days:
        text = text.replace(mark, dates.of(day + shift))
    return text, pattern.size


@dataclass(frozen=True, slots=True)
class _Pattern:
    """A run's objects with a mark (one control character) for each calendar day they show."""

    text: str
    #: ``(mark, days after the first start's UTC date)`` of every mark in ``text``.
    days: tuple[tuple[str, int], ...]
    size: int  # of each object once its dates are written, with its comma


#: Days from the first start's UTC date a run's instants can fall on: a day before (a viewer
#: behind UTC) to three after (a day-long lesson, ending past the viewer's next midnight).
_SHIFTS = range(-1, 4)
_MARKS = {shift: chr(2 + shift) for shift in _SHIFTS}


def _pattern(
    minute: int, count: int, step: int, duration: int, start_offset: int, end_offset: int
) -> _Pattern:
    """The run's objects with their dates marked (see :func:`_run`); minutes throughout."""
    if count > _KEPT_RUN:
        return _write_pattern(minute, count, step, duration, start_offset, end_offset)
    return _kept_pattern(minute, count, step, duration, start_offset, end_offset)


def _write_pattern(
    minute: int, count: int, step: int, duration: int, start_offset: int, end_offset: int
) -> _Pattern:
    zones = (_zone(start_offset * _MINUTE), _zone(end_offset * _MINUTE))
    template = (
        '{"start":"%sT%sZ","end":"%sT%sZ",'
        f'"local_start":"%sT%s{zones[0]}","local_end":"%sT%s{zones[1]}"}}'
    )
    shifts = (0, duration, start_offset, duration + end_offset)
    used: set[int] = set()
    objects = []
    for n in range(count):
        at = minute + n * step
        values: list[str] = []
        for shift in shifts:
            day, time = divmod(at + shift, 1440)
            used.add(day)
            values += (_MARKS[day], _TIMES[time])
        objects.append(template % tuple(values))
    text = ",".join(objects)
    size = len(objects[0]) + 4 * (len("YYYY-MM-DD") - 1) + 1
    return _Pattern(text, tuple((_MARKS[d], d) for d in sorted(used)), size)


#: Runs of up to this many slots keep their pattern (a few kilobytes each at most).
_KEPT_RUN = 128
_kept_pattern = functools.lru_cache(maxsize=2048)(_write_pattern)


class _Dates:
    """Calendar days (since the epoch) as written, each worked out once."""

    def __init__(self) -> None:
        self._written: dict[int, str] = {}

    def of(self, day: int) -> str:
        text = self._written.get(day)
        if text is None:
            text = self._written[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
        return text


def _runs(starts: tuple[int, ...], i: int, j: int) -> Iterator[tuple[int, int, int]]:
    """``starts[i:j]`` as runs on an even step of less than a day in all: ``(first index, end
    index, step in minutes)``.

    A run's end is found by bisection on its span (a sweep's starts are sorted, and gaps
    shorter than the step are rare), then checked in full; a run that fails the check is
    given one start at a time.
    """
    k = i
    while k < j:
        m, step, first = k + 1, _MINUTE, starts[k]
        gap = starts[k + 1] - first if j - k > 1 else _DAY
        if gap < _DAY and gap % _MINUTE == 0:
            step = gap
            lo, hi = k + 2, min(j, k + (_DAY - 1) // step + 1)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if starts[mid - 1] - first == (mid - 1 - k) * step:
                    lo = mid
                else:
                    hi = mid - 1
            if starts[k:lo] == tuple(range(first, first + (lo - k) * step, step)):
                m = lo
        yield k, m, step // _MINUTE if m - k > 1 else 1
        k = m


def _zone(offset: int) -> str:
    """An offset (whole minutes, in microseconds) as orjson writes it: "Z" for zero."""
    if offset == 0:
        return "Z"
    minutes = abs(offset) // _MINUTE
    return f"{'-' if offset < 0 else '+'}{minutes // 60:02d}:{minutes % 60:02d}"


def encode_slots_slowly(starts_us: Sequence[int], duration_us: int, viewer: ZoneInfo) -> Encoded:
    """The same array through datetimes and orjson, for any instants and offsets."""
    duration = timedelta(microseconds=duration_us)
    instants = [_EPOCH + timedelta(microseconds=us) for us in starts_us]
    encoded = orjson.dumps(
        [
            {
                "start": start,
                "end": start + duration,
                "local_start": start.astimezone(viewer),
                "local_end": (start + duration).astimezone(viewer),
            }
            for start in instants
        ],
        option=orjson.OPT_UTC_Z,
    )
    # Only an object can start with ``{"start":`` -- the values are instants -- so finding
    # the offsets is a byte search.
    offsets, find, at = [], encoded.find, encoded.find(_OBJECT_START)
    while at >= 0:
        offsets.append(at)
        at = find(_OBJECT_START, at + 1)
    if len(offsets) != len(instants):
        raise RuntimeError("a slot object was not found where it was written")
    offsets.append(len(encoded))
    return encoded, tuple(offsets)
