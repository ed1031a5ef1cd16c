"""Edits of one date's hours from several devices: what each means, and when two really clash.

A paint or an erase in the week view means "open these hours" or "close these hours", not "the
day is now exactly this": sent that way, edits of different hours of one date merge however they
interleave. Each such edit also says what its author saw in its own ranges (closed where it
opens, open where it closes), which is all that is needed to tell, on the server, whether someone
else changed *those same hours* since.

The rule (the same for a whole-day replacement, whose author saw the whole day):

- the hours now in the edit's ranges are what its author saw: apply it;
- they are already what the edit asks for: apply it (nothing changes, nothing is lost);
- otherwise another change to the same hours came first: it stands, and the edit is set aside
  as a clash for the person to settle ("use mine" sends it again).

Pure functions on normalized :class:`~.time_ranges.WallRange` lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from instainstru_desktop.domain.time_ranges import WallRange, intersect, normalize, subtract


@dataclass(frozen=True)
class HoursEdit:
    """Open (``opens``) or close these hours of a date, leaving the rest of the day alone."""

    ranges: tuple[WallRange, ...]
    opens: bool

    def __post_init__(self) -> None:
        object.__setattr__(self, "ranges", tuple(normalize(self.ranges)))

    @classmethod
    def of(cls, ranges: Iterable[WallRange], *, opens: bool) -> HoursEdit:
        return cls(tuple(normalize(ranges)), opens)

    def applied(self, hours: Sequence[WallRange]) -> list[WallRange]:
        """The day's hours after this edit."""
        if self.opens:
            return normalize([*hours, *self.ranges])
        return subtract(hours, self.ranges)

    def seen(self) -> list[WallRange]:
        """What the author saw inside the edit's ranges: closed where it opens, open where it
        closes (an edit only names hours it changes)."""
        return [] if self.opens else list(self.ranges)

    def clashes_with(self, hours: Sequence[WallRange]) -> bool:
        """Whether another change to the same hours came before this edit (see the rule)."""
        now = intersect(hours, self.ranges)
        wanted = list(self.ranges) if self.opens else []
        return now != self.seen() and now != wanted


def edits_between(
    before: Sequence[WallRange], after: Sequence[WallRange]
) -> tuple[HoursEdit | None, HoursEdit | None]:
    """What turns ``before`` into ``after``: ``(closing, opening)``, each None when empty."""
    closed = subtract(before, after) if before else []
    opened = subtract(after, before) if after else []
    closing = HoursEdit.of(closed, opens=False) if closed else None
    opening = HoursEdit.of(opened, opens=True) if opened else None
    return closing, opening


def replacement_clashes(
    hours: Sequence[WallRange], seen: Sequence[WallRange], wanted: Sequence[WallRange]
) -> bool:
    """Whether a whole-day replacement made on ``seen`` clashes with the day's ``hours`` now."""
    now, before, after = normalize(hours), normalize(seen), normalize(wanted)
    return now != before and now != after
