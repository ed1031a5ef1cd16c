"""The JSON array of a window's slots, written without a datetime per instant.

Each slot is four instants: its start and end in UTC and on the viewer's clock. Converting each
with ``astimezone`` and handing dicts of datetimes to orjson cost more than finding the slots.
Here the viewer's offset is looked up once per stretch between the zone's transitions
(:class:`OffsetStretches`), and the slots are written in chunks that share their four dates and
offsets -- a chunk ends at the first midnight or transition any of its instants meets. Inside a
chunk only the times of day differ, so each slot is one ``%`` of a template with four strings
from a table of the day's minutes; a chunk on an even step takes them as slices of that table.

The bytes are the ones orjson writes for the same objects (``OPT_UTC_Z``: "Z" whenever the
offset is zero; whole seconds only, as slots are on a minute grid). Instants or offsets that are
not whole minutes (historic local mean times) are left to :func:`encode_slots_slowly`, which
orjson writes as before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
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


def _encode_fast(starts: Sequence[int], duration: int, viewer: ZoneInfo) -> Encoded | None:
    if duration % _MINUTE:
        return None
    stretches = OffsetStretches.build(starts[0], starts[-1] + duration, viewer)
    if any(offset % _MINUTE for offset in stretches.offsets):
        return None
    parts: list[str] = []
    positions: list[int] = []
    position, i, count = 1, 0, len(starts)
    dates: dict[int, str] = {}  # calendar days (since the epoch) as written
    zones = {offset: _zone(offset) for offset in stretches.offsets}
    steady = len(stretches.offsets) == 1
    while i < count:
        first = starts[i]
        if first % _MINUTE:
            return None
        end = first + duration
        if steady:
            on_start = on_end = 0
        else:
            on_start, on_end = stretches.index(first), stretches.index(end)
        start_offset, end_offset = stretches.offsets[on_start], stretches.offsets[on_end]
        local_first, local_end = first + start_offset, end + end_offset
        days = (first // _DAY, end // _DAY, local_first // _DAY, local_end // _DAY)
        limit = min(  # the first start whose four dates or offsets differ from these
            (days[0] + 1) * _DAY,
            (days[1] + 1) * _DAY - duration,
            (days[2] + 1) * _DAY - start_offset,
            (days[3] + 1) * _DAY - end_offset - duration,
            stretches.stretch_end(on_start),
            stretches.stretch_end(on_end) - duration,
        )
        j = bisect_left(starts, limit, i + 1, count)
        written_days = []
        for day in days:
            text = dates.get(day)
            if text is None:
                text = dates[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
            written_days.append(text)
        utc_start, utc_end, shown_start, shown_end = written_days
        template = (
            f'{{"start":"{utc_start}T%sZ","end":"{utc_end}T%sZ",'
            f'"local_start":"{shown_start}T%s{zones[start_offset]}",'
            f'"local_end":"{shown_end}T%s{zones[end_offset]}"}}'
        )
        minutes = (
            first % _DAY // _MINUTE,
            end % _DAY // _MINUTE,
            local_first % _DAY // _MINUTE,
            local_end % _DAY // _MINUTE,
        )
        chunk = _chunk(starts, i, j, minutes)
        if chunk is None:
            return None
        written = list(map(template.__mod__, chunk))
        size = len(written[0]) + 1  # every object of a chunk has the same length
        positions.extend(range(position, position + size * len(written), size))
        position += size * len(written)
        parts.extend(written)
        i = j
    body = "[" + ",".join(parts) + "]"
    positions.append(len(body))
    return body.encode(), tuple(positions)


def _chunk(
    starts: Sequence[int], i: int, j: int, minutes: tuple[int, int, int, int]
) -> list[tuple[str, str, str, str]] | None:
    """The four times of day of each of ``starts[i:j]``, whose first has the minutes of day
    ``minutes``; None when one is not a whole minute."""
    first = starts[i]
    if j - i > 1:
        step = starts[i + 1] - first
        if step % _MINUTE == 0 and list(starts[i:j]) == list(range(first, starts[j - 1] + 1, step)):
            k, n = step // _MINUTE, j - i
            return list(zip(*(_TIMES[m : m + (n - 1) * k + 1 : k] for m in minutes), strict=True))
    deltas = []
    for start in starts[i:j]:
        delta, rest = divmod(start - first, _MINUTE)
        if rest:
            return None
        deltas.append(delta)
    a, b, c, d = minutes
    times = _TIMES
    return [(times[a + x], times[b + x], times[c + x], times[d + x]) for x in deltas]


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
