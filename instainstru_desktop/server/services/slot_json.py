"""The JSON array of a window's slots, written without a datetime per instant.

Each slot is four instants: its start and end in UTC and on the viewer's clock. Converting each
with ``astimezone`` and handing dicts of datetimes to orjson cost more than finding the slots.
Here the viewer's offset is looked up once per stretch between the zone's transitions
(:class:`OffsetStretches`), and the slots are written run by run: starts on an even step, less
than a day in all, whose starts and ends each keep one offset. A run's four times of day are
slices of a table of the minutes of two days, and each slot is one ``%`` of a template; when
none of its instants passes a midnight the dates are part of the template, otherwise they come
as columns too.

The bytes are the ones orjson writes for the same objects (``OPT_UTC_Z``: "Z" whenever the
offset is zero; whole seconds only, as slots are on a minute grid). Instants or offsets that are
not whole minutes (historic local mean times) are left to :func:`encode_slots_slowly`, which
orjson writes as before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import orjson

from instainstru_desktop.domain.offsets import OffsetStretches

_MINUTE = 60_000_000
_DAY = 1440 * _MINUTE
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()
#: "HH:MM:00" of every minute of two days (a run of times may pass midnight).
_TIMES = tuple(f"{m // 60 % 24:02d}:{m % 60:02d}:00" for m in range(2 * 1440))
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
        zones = (_zone(start_offset), _zone(end_offset))
        shifts = (0, duration, start_offset, duration + end_offset)
        for k, m, step in _runs(starts, i, j):
            if starts[k] % _MINUTE:
                return None
            parts.extend(_run(starts[k], m - k, step, shifts, zones, dates))
        size = len(parts[-1]) + 1  # the objects of a piece have one length
        positions.extend(range(position, position + size * (j - i), size))
        position += size * (j - i)
        i = j
    body = "[" + ",".join(parts) + "]"
    positions.append(len(body))
    return body.encode(), tuple(positions)


def _run(
    first: int,
    count: int,
    step: int,
    shifts: tuple[int, int, int, int],
    zones: tuple[str, str],
    dates: _Dates,
) -> Iterator[str]:
    """The objects of ``count`` slots from ``first``, ``step`` minutes apart (less than a day
    in all); ``shifts`` take a start to its four instants on the clocks shown."""
    days, minutes = [], []
    for shift in shifts:
        day, at = divmod(first + shift, _DAY)
        days.append(day)
        minutes.append(at // _MINUTE)
    last = (count - 1) * step
    times = [_TIMES[m : m + last + 1 : step] for m in minutes]
    if max(minutes) + last < 1440:  # no instant passes a midnight: the dates are fixed
        a, b, c, d = (dates.of(day) for day in days)
        template = (
            f'{{"start":"{a}T%sZ","end":"{b}T%sZ","local_start":"{c}T%s{zones[0]}",'
            f'"local_end":"{d}T%s{zones[1]}"}}'
        )
        return map(template.__mod__, zip(*times, strict=True))
    template = (
        '{"start":"%sT%sZ","end":"%sT%sZ",'
        f'"local_start":"%sT%s{zones[0]}","local_end":"%sT%s{zones[1]}"}}'
    )
    columns: list[Sequence[str]] = []
    for day, minute, column in zip(days, minutes, times, strict=True):
        on_first_day = min(count, -(-(1440 - minute) // step))
        columns.append(
            [dates.of(day)] * on_first_day + [dates.of(day + 1)] * (count - on_first_day)
        )
        columns.append(column)
    return map(template.__mod__, zip(*columns, strict=True))


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
