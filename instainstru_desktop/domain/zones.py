"""Time zones, weeks and the DST rule for turning wall-clock times into instants.

The DST rule (used everywhere availability becomes UTC):

* A wall time that exists once maps to its single instant.
* An *ambiguous* wall time (it happens twice when clocks fall back) maps to its **first**
  occurrence (``fold=0``), the one still on summer time.
* A *nonexistent* wall time (skipped when clocks spring forward) has no instant.
  :func:`local_datetime_to_utc` answers ``None`` for it; :func:`wall_time_to_utc` answers the
  instant the clocks jumped (the end of the gap), which is what a range boundary inside the gap
  must become so that the part of the range inside the gap is dropped.
* Minute 1440 ("24:00") of a date is 00:00 of the next date.

Put in one sentence, a range boundary at wall time W is **the first instant at which the
instructor's clock shows W or later**. Examples for a range 01:00-04:00 (every day):

* New York, 10 March 2024 (02:00 EST -> 03:00 EDT): 06:00Z-08:00Z, two real hours; no lesson
  starts at 02:xx because those wall times never appear.
* New York, 3 November 2024 (02:00 EDT -> 01:00 EST): 05:00Z-09:00Z, four real hours; 01:00
  means 01:00 EDT, and the repeated 01:00-02:00 EST lies inside the range, so both occurrences
  are offered. A range 01:00-01:30 that day covers only the first occurrence.
* A range wholly inside a gap (02:15-02:45 in New York on 10 March) is empty.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo, ZoneInfoNotFoundError, available_timezones

from instainstru_desktop.domain._clock import first_instant_with_new_offset, from_us, to_us
from instainstru_desktop.domain.errors import InvalidTimeRange, UnknownTimeZone
from instainstru_desktop.domain.time_ranges import MINUTES_PER_DAY, TimeRange


@cache
def iana_zone_names() -> frozenset[str]:
    """The IANA zone names this machine knows (``zoneinfo.available_timezones()``).

    Without ``localtime``: on Debian it is a link to the machine's own zone, which means a
    different place on every machine and which no client can resolve.
    """
    return frozenset(available_timezones() - {"localtime"})


#: Names ``available_timezones`` leaves out (``localtime`` is ours: see iana_zone_names).
_NOT_ZONES = frozenset({"localtime", "posixrules"})
#: Folders of the zone path it does not walk into.
_NOT_WALKED = frozenset({"right", "posix"})


@cache
def is_zone_name(name: str) -> bool:
    """Whether ``name`` is one of :func:`iana_zone_names`, found without reading them all.

    The whole list opens some 600 files (about 40 M instructions: a sixth of what the app
    does before its first painted week, which only needs its own zone known). One name
    follows the same rules: a name of the ``tzdata`` package's list, or a file that begins
    like a zone file, reached in a zone folder through folders that are no links (the walk
    does not follow them), outside ``right/`` and ``posix/``, written as the walk writes it.
    """
    parts = name.split("/")
    if (
        name in _NOT_ZONES
        or os.path.normpath(name) != name
        or os.path.isabs(name)
        or parts[0] in _NOT_WALKED
        or not set(parts).isdisjoint({"", ".", ".."})
    ):
        return False
    if _iana_names_read():
        return name in iana_zone_names()
    return any(_zone_file(root, parts) for root in TZPATH) or name in _tzdata_zone_names()


def _iana_names_read() -> bool:
    return iana_zone_names.cache_info().currsize > 0


def _zone_file(root: str, parts: list[str]) -> bool:
    """Whether the zone folder ``root`` has a zone file at ``parts`` that its walk would see."""
    path = root
    for depth, part in enumerate(parts):
        try:
            if part not in _entries(path):  # as spelled there (also on case-blind disks)
                return False
        except OSError:
            return False
        path = os.path.join(path, part)
        inner = depth < len(parts) - 1
        if inner and (os.path.islink(path) or not os.path.isdir(path)):
            return False
    if os.path.isdir(path):
        return False
    try:
        with open(path, "rb") as file:
            return file.read(4) == b"TZif"
    except OSError:
        return False


@cache
def _entries(folder: str) -> frozenset[str]:
    return frozenset(os.listdir(folder))


@cache
def _tzdata_zone_names() -> frozenset[str]:
    """The ``tzdata`` package's own list of its zones (empty without the package)."""
    from importlib import resources  # loaded here only: most systems know their zones

    try:
        text = resources.files("tzdata").joinpath("zones").read_text("utf-8")
    except (ImportError, OSError):
        return frozenset()
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


#: The areas that hold the IANA list's places; the others (``US/``, ``Etc/``, ...) are old aliases.
_PLACE_AREAS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


@cache
def listed_zone_names() -> tuple[str, ...]:
    """The zones a person picks from: one name per place, and UTC, sorted.

    The IANA list keeps old spellings of places as links (``Asia/Calcutta`` beside
    ``Asia/Kolkata``, ``America/Buenos_Aires`` beside ``America/Argentina/Buenos_Aires``): listed
    as they are, a person finds the same city twice under two names. The database's own table
    of places (``zone.tab``: each country's zones, by their current names) is the list; aliases
    are still *understood* wherever a zone is read, only not offered. Without that table the
    names in the areas of places are listed, aliases included, rather than nothing.
    """
    known = iana_zone_names()
    places = _zone_table_names() & known
    if not places:
        places = {n for n in known if n.startswith(_PLACE_AREAS)}
    return tuple(sorted(places | {"UTC"}))


def _zone_table_names() -> set[str]:
    """The zone names of ``zone.tab`` where ``zoneinfo`` reads its zones (the system's
    database first, then the ``tzdata`` package, as ``ZoneInfo`` itself looks)."""
    for text in _zone_tables():
        names = {
            fields[2]
            for line in text.splitlines()
            if line and not line.startswith("#") and len(fields := line.split("\t")) >= 3
        }
        if names:
            return names
    return set()


def _zone_tables() -> Iterator[str]:
    """Each place's table in turn, read only when the ones before it gave no names."""
    for folder in TZPATH:
        try:
            yield (Path(folder) / "zone.tab").read_text(encoding="utf-8")
        except OSError:
            continue
    from importlib import resources  # loaded here only: the system usually has the table

    with contextlib.suppress(ModuleNotFoundError, OSError):
        yield resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")


def zone(name: str) -> ZoneInfo:
    """Look up an IANA zone by name; unknown, empty or malformed names raise UnknownTimeZone.

    The rule: an instructor's zone decides what every wall-clock time means, so a zone that
    cannot be resolved is refused up front instead of silently falling back to UTC. Only names
    of the IANA list count: ``ZoneInfo`` would also open files beside it (``right/UTC``,
    ``posixrules``, ``localtime``) that other machines do not have or read differently.
    """
    if not isinstance(name, str) or not is_zone_name(name):
        raise UnknownTimeZone(f"unknown time zone: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError, UnicodeError) as exc:
        raise UnknownTimeZone(f"unknown time zone: {name!r}") from exc


def week_start(d: date) -> date:
    """The Monday on or before ``d``: weeks (and weekly limits) are Monday-based."""
    return d - timedelta(days=d.weekday())


def week_dates(start: date) -> list[date]:
    """The seven consecutive dates beginning at ``start`` (pass a Monday for a calendar week).

    The rule: a week is seven calendar dates, never 7 x 24 hours, so a week containing a DST
    change still has seven days.
    """
    return [start + timedelta(days=i) for i in range(7)]


def local_datetime_to_utc(d: date, minute: int, tz: ZoneInfo) -> datetime | None:
    """UTC instant of wall time ``minute`` (0..1440) on date ``d`` in ``tz``, or None.

    The DST rule: a nonexistent wall time (in a spring-forward gap) gives ``None``; an ambiguous
    one (in a fall-back overlap) gives its first occurrence (``fold=0``).
    """
    naive = _naive(d, minute)
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return instant


def wall_time_to_utc(d: date, minute: int, tz: ZoneInfo) -> datetime:
    """UTC instant a range boundary at wall ``minute`` of ``d`` stands for; never None.

    The DST rule for range boundaries: an existing or ambiguous wall time maps as in
    :func:`local_datetime_to_utc`; a nonexistent one maps to the end of the gap (the instant the
    clocks jumped). A range starting in the gap therefore starts when the clocks land, a range
    ending in the gap ends when the clocks jump, and a range wholly inside the gap is empty.
    """
    naive = _naive(d, minute)
    first = naive.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # In a gap fold=0 uses the offset before the jump and fold=1 the offset after it, so the
    # jump lies between the two readings.
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = sorted((to_us(first), to_us(second)))
    return from_us(first_instant_with_new_offset(lo, hi, tz))


def local_day_bounds_utc(d: date, tz: ZoneInfo) -> TimeRange:
    """The instants of local date ``d``: from its midnight to the next local midnight.

    The rule: a local day is 23, 24 or 25 hours long around DST changes; where midnight itself
    does not exist, the day starts when the clocks land (the boundary rule of
    :func:`wall_time_to_utc`).
    """
    return TimeRange(wall_time_to_utc(d, 0, tz), wall_time_to_utc(d, MINUTES_PER_DAY, tz))


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date shown on a wall clock in ``tz`` at ``instant``.

    The rule: "which day is this lesson on" depends on whose clock is asked; limits and calendar
    columns use the instructor's clock, viewer helpers the viewer's.
    """
    if instant.utcoffset() is None:
        raise InvalidTimeRange("expected a timezone-aware datetime")
    return instant.astimezone(tz).date()


def _naive(d: date, minute: int) -> datetime:
    if type(minute) is not int or not 0 <= minute <= MINUTES_PER_DAY:
        raise InvalidTimeRange(f"minute of day must be within 0..1440, got {minute!r}")
    return datetime(d.year, d.month, d.day) + timedelta(minutes=minute)
