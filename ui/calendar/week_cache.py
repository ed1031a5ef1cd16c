"""The last week shown, kept as a small JSON side file so the next start can draw it at once.

Loading the ORM, the cache and (on the embedded default) the server takes most of a second;
a person opening the app should see their week while that happens, not an empty window. The
file is only a picture of the past: it is replaced by the real read as soon as the core is up,
and a missing or unreadable file just means an empty first frame.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

from instainstru_desktop.json_files import read_json, write_json
from instainstru_desktop.services.week_views import (
    DayHours,
    HoursRange,
    LessonCard,
    SyncMark,
    WeekSnapshot,
)

log = logging.getLogger(__name__)
FORMAT = 1


def save(path: Path, snapshot: WeekSnapshot) -> None:
    """Write the week with the side files' atomic writer (a crash never leaves half a file).

    It runs on the UI thread each time a week is shown: orjson writes the dataclasses, dates and
    marks as they are (``asdict`` deep-copied every card first: 18 ms for a week of 112 lessons,
    half the time of a move to the next week), unindented and without waiting for the disk.
    """
    write_json(path, {"format": FORMAT, "snapshot": snapshot}, indent=False, durable=False)


def _day(raw: dict[str, Any]) -> DayHours:
    return DayHours(
        date=date.fromisoformat(raw["date"]),
        ranges=tuple(HoursRange(r["start"], r["end"]) for r in raw["ranges"]),
        from_override=bool(raw["from_override"]),
        time_off=bool(raw["time_off"]),
        mark=SyncMark(raw.get("mark", SyncMark.SYNCED)),
    )


def _lesson(raw: dict[str, Any]) -> LessonCard:
    fields = dict(raw)
    fields["start"] = datetime.fromisoformat(raw["start"])
    fields["end"] = datetime.fromisoformat(raw["end"])
    fields["mark"] = SyncMark(raw.get("mark", SyncMark.SYNCED))
    known = set(LessonCard.__dataclass_fields__)
    return LessonCard(**{k: v for k, v in fields.items() if k in known})


def load(path: Path) -> WeekSnapshot | None:
    """The saved week, or None when there is none or it cannot be read."""
    data = read_json(path)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    try:
        raw = data["snapshot"]
        return WeekSnapshot(
            instructor_id=raw["instructor_id"],
            time_zone=raw["time_zone"],
            week_start=date.fromisoformat(raw["week_start"]),
            days=tuple(_day(d) for d in raw["days"]),
            lessons=tuple(_lesson(lesson) for lesson in raw["lessons"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("ignoring the saved week at %s: %s", path, exc)
        return None
