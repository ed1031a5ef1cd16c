"""The last safety net of a download from the start: the server's counts against the cache's.

A download from the start (a first sync, or the download after ``reset_required``) asks the
server to count, on its last page, the rows of each entity this account may see as of that
page (docs/api.md, "Sync"). Once that page is written, the cache counts the rows the server sent
it (the mirror without the local edits laid over it). Equal numbers are the expected case. A
difference means some rows never arrived (or arrived twice under other keys): the engine then
downloads everything once more, and reports :class:`IncompleteDownload` if the numbers still
differ, rather than working on from a cache that lacks rows without anyone knowing.

Pure: what the numbers are is the store's and the server's business; here they are compared and
put into words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from instainstru_desktop.store.mirror import ENTITIES
from instainstru_desktop.sync.errors import IncompleteDownload

#: What each counted entity is called in a sentence, by its field in a pull page.
_WORDS: dict[str, str] = {
    "instructors": "instructors",
    "lesson_types": "lesson types",
    "students": "students",
    "templates": "usual weeks",
    "overrides": "dates with their own hours",
    "terms": "terms",
    "series": "weekly series",
    "bookings": "lessons",
    "conflicts": "items needing attention",
    "audit": "history entries",
    "messages": "messages",
    "message_reads": "read markers",
}
_ENTITY_OF_FIELD: dict[str, str] = {entity.page_field: entity.name for entity in ENTITIES}


@dataclass(frozen=True, slots=True)
class CountDifference:
    """One entity whose rows in the cache are not as many as the server counted."""

    field: str  # the entity's field in a pull page ("bookings")
    server: int
    here: int

    def words(self) -> str:
        """``lessons: 100,000 on the server, 99,998 here``"""
        name = _WORDS.get(self.field, self.field.replace("_", " "))
        return f"{name}: {self.server:,} on the server, {self.here:,} here"


def server_counts(page: Mapping[str, Any]) -> dict[str, int] | None:
    """The counts a last page carries, by page field, for the entities this cache holds;
    ``None`` when it carries none (not asked for, or a server older than them). Entities this
    app does not know (a newer server's) and values that are not counts are left out: they
    cannot be compared."""
    counts = page.get("counts")
    if not isinstance(counts, Mapping):
        return None
    return {
        field: value
        for field, value in counts.items()
        if field in _ENTITY_OF_FIELD and type(value) is int and value >= 0
    }


def entities_of(counts: Mapping[str, int]) -> list[str]:
    """The cache's entity names of the counted page fields (what the store counts)."""
    return [_ENTITY_OF_FIELD[field] for field in counts]


def differences(server: Mapping[str, int], here: Mapping[str, int]) -> list[CountDifference]:
    """The entities whose numbers differ, in the server's order; ``here`` is keyed by the
    cache's entity names (see :func:`entities_of`)."""
    found = []
    for field, expected in server.items():
        held = here[_ENTITY_OF_FIELD[field]]
        if held != expected:
            found.append(CountDifference(field, expected, held))
    return found


def described(found: list[CountDifference]) -> str:
    """Every difference in words, for a log line or a message."""
    return "; ".join(difference.words() for difference in found)


def incomplete_download(found: list[CountDifference]) -> IncompleteDownload:
    """The error a person reads when a second download did not arrive whole either."""
    return IncompleteDownload(
        "incomplete_download",
        200,
        f"The download from the server did not arrive whole ({described(found)}). "
        "Your own changes are kept, and everything is downloaded again within the hour. If "
        "this persists, contact your administrator.",
    )
