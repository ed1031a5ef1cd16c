"""Terms: a named stretch of dates an instructor teaches in, with breaks inside it.

A weekly series can end with a term ("Tuesdays at 17:00 for the spring term"): it then has no
lesson before the term starts, after it ends, or in any of its breaks (half term, Easter). Dates
are the instructor's calendar dates, both ends included, because that is how a school year is
written down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from instainstru_desktop.domain.errors import DomainError

#: Longest term accepted, first to last day (a school year with room to spare).
TERM_MAX_DAYS = 2 * 366
#: Most breaks one term may have.
TERM_MAX_BREAKS = 24
#: Longest name of a term or a break.
TERM_NAME_MAX_CHARS = 120


def _invalid(message: str) -> DomainError:
    return DomainError("invalid_term", message)


@dataclass(frozen=True, order=True, slots=True)
class TermBreak:
    """Dates ``first`` to ``last`` (both included) without lessons, e.g. half term."""

    first: date
    last: date
    name: str = ""

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True, slots=True)
class Term:
    """A named date range with breaks; see :meth:`validate` for what is accepted."""

    name: str
    first: date
    last: date
    breaks: tuple[TermBreak, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "breaks", tuple(sorted(self.breaks)))

    def validate(self) -> None:
        """Raise ``DomainError("invalid_term", ...)`` for a term no series can follow.

        The rules: a name; the term starts no later than it ends and lasts at most two years;
        every break lies inside the term, starts no later than it ends, and no two breaks share
        a date (a shared date would be two reasons for one missing lesson).
        """
        if not self.name.strip():
            raise _invalid("Give the term a name, such as “Spring term”.")
        if len(self.name) > TERM_NAME_MAX_CHARS:
            raise _invalid(f"A term's name can be at most {TERM_NAME_MAX_CHARS} characters long.")
        if self.last < self.first:
            raise _invalid("The term ends before it starts.")
        if (self.last - self.first).days >= TERM_MAX_DAYS:
            raise _invalid(f"A term can last at most {TERM_MAX_DAYS} days.")
        if len(self.breaks) > TERM_MAX_BREAKS:
            raise _invalid(f"A term can have at most {TERM_MAX_BREAKS} breaks.")
        previous: TermBreak | None = None
        for item in self.breaks:
            label = f"The break “{item.name}”" if item.name else "A break"
            if len(item.name) > TERM_NAME_MAX_CHARS:
                raise _invalid(
                    f"A break's name can be at most {TERM_NAME_MAX_CHARS} characters long."
                )
            if item.last < item.first:
                raise _invalid(f"{label} ends before it starts.")
            if item.first < self.first or item.last > self.last:
                raise _invalid(f"{label} is not inside the term ({self.first} to {self.last}).")
            if previous is not None and item.first <= previous.last:
                raise _invalid(f"{label} overlaps another break.")
            previous = item

    def holds(self, day: date) -> bool:
        """Whether ``day`` is inside the term (breaks included)."""
        return self.first <= day <= self.last

    def break_of(self, day: date) -> TermBreak | None:
        """The break ``day`` falls in, or None."""
        for item in self.breaks:
            if item.holds(day):
                return item
        return None
