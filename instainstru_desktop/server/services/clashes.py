"""Two edits of the same hours, or of the same note: the one that came first is kept.

The edit that arrives second was made on a version the server no longer has; applying it would
silently undo the first. The server keeps what it has, refuses the second with
:class:`~instainstru_desktop.server.core.errors.EditClash`, and the push records a conflict with
these details, which syncs down to every device of the instructor: what was kept, what was set
aside (``mine``) and the change itself, so "use mine" can send it again from any of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from instainstru_desktop.domain.time_ranges import WallRange
from instainstru_desktop.protocol import HOURS_CLASH, NOTE_CLASH
from instainstru_desktop.server.core.errors import EditClash
from instainstru_desktop.server.services.views import Json, wall

KINDS = (HOURS_CLASH, NOTE_CLASH)


def _hours(ranges: Sequence[WallRange]) -> list[Json]:
    return [wall(r.start, r.end) for r in ranges]


def hours_clash(
    day: date, kept: Sequence[WallRange], how: str, mine: Sequence[WallRange]
) -> EditClash:
    """Hours of ``day`` that changed before this edit arrived; ``how``: "add", "remove" or
    "set" (a whole-day replacement), with the hours the edit named."""
    return EditClash(
        f"Your hours for {day:%a %-d %b}: another change to the same hours reached the server "
        "first, and its hours were kept.",
        kind=HOURS_CLASH,
        details={"date": day.isoformat(), "kept": _hours(kept), "how": how, "mine": _hours(mine)},
    )


def note_clash(kept: str, mine: str) -> EditClash:
    return EditClash(
        "Your note on this lesson: another note reached the server first and was kept.",
        kind=NOTE_CLASH,
        details={"kept": kept, "mine": mine},
    )


def recorded(clash: EditClash, change: dict[str, Any], mutation: dict[str, Any]) -> Json:
    """The conflict's details: the clash's own, the change to send again, and which queued
    change of which device it was (a device pairs the conflict with its refused edit)."""
    return {**clash.details, "change": change, **mutation}
